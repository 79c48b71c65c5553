"""The HTTP endpoint serving the metrics (``--metrics-port``), on a port of its own; no gRPC, no metric of its own.

One process serves its own metrics from a thread. With ``--workers N`` the
supervisor makes a fresh folder for prometheus_client's multiprocess mode before
forking (``multiprocess_folder``): each worker writes its values there, the
supervisor serves their sum, and marks a worker dead when it exits (its
in-flight gauge leaves the sum; its counters stay). The folder must be named in
the environment before prometheus_client is first imported, so this module
imports it only inside its functions, and the supervisor never imports
``metrics``.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
import time
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIServer

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
READ_ATTEMPTS, RETRY_SECONDS = 5, 0.01


def multiprocess_folder() -> str:
    """A new empty folder for the workers' metric files, named in the environment they inherit."""
    folder = tempfile.mkdtemp(prefix="cleaner-metrics-")
    os.environ[MULTIPROCESS_VARIABLE] = folder
    return folder


def serve(host: str, port: int) -> WSGIServer:
    """Serve this process's metrics, or with a multiprocess folder every worker's, on ``host:port``.

    Raises ``OSError`` naming the address when it cannot be bound.
    """
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    folder = os.environ.get(MULTIPROCESS_VARIABLE)
    if folder:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        registry.register(_Retrying(multiprocess.MultiProcessCollector(None, path=folder)))  # type: ignore[no-untyped-call]
    try:
        server, _ = start_http_server(port, host, registry=registry)
    except OSError as error:
        raise OSError(f"cannot serve metrics on {host}:{port}: {error.strerror or error}") from None
    return server


class _Retrying:
    """The workers' files, read again when one was caught half made (a worker's first value of a kind)."""

    def __init__(self, collector: Any) -> None:
        self._collector = collector

    def collect(self) -> Iterable[Any]:
        for attempt in range(READ_ATTEMPTS):
            try:
                return list(self._collector.collect())
            except struct.error:
                if attempt == READ_ATTEMPTS - 1:
                    raise
                time.sleep(RETRY_SECONDS)
        return []


def worker_gone(pid: int) -> None:
    """In the supervisor: a worker exited, so its live gauges leave the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
