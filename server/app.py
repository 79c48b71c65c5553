"""Build, run and drain one server process: the cleaner service, health and reflection."""

from __future__ import annotations

import gc
import logging
import os
import select
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from cleaner import Cleaner

from .config import SERVICE_NAME, ServerConfig
from .interceptors import AccessLogInterceptor
from .service import CleanerService
from .signals import STOP_SIGNALS

log = logging.getLogger("cleaner.server")
SUPERVISOR_CHECK_SECONDS = 0.5
STOP_POLL_SECONDS = 0.2  # how late a signal caught by another thread may be acted on
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass
class RunningServer:
    """A started server and the port it listens on."""

    server: grpc.Server
    health: health.HealthServicer
    service: CleanerService
    port: int

    def ready(self, cleaner: Cleaner) -> None:
        """Serve with ``cleaner``; health turns SERVING."""
        self.service.ready(cleaner)
        for name in ("", SERVICE_NAME):
            self.health.set(name, SERVING)

    def stop(self, grace: float) -> None:
        """Report NOT_SERVING, refuse new calls, let in-flight calls finish within ``grace``."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()


def start(config: ServerConfig, cleaner: Cleaner | None = None) -> RunningServer:
    """Listen, compile the rules (unless a cleaner is given), then report SERVING."""
    running = listen(config)
    running.ready(cleaner or config.build_cleaner())
    gc.collect()
    gc.freeze()  # the compiled rules live as long as the process: keep them out of collections
    log.info("serving on %s:%d", config.host, running.port)
    return running


def listen(config: ServerConfig) -> RunningServer:
    """Start the server with health NOT_SERVING and cleaning UNAVAILABLE until ``ready``."""
    server = grpc.server(
        ThreadPoolExecutor(config.threads, thread_name_prefix="rpc"),
        interceptors=[AccessLogInterceptor()],
        options=[
            ("grpc.max_receive_message_length", config.max_message_bytes),
            ("grpc.max_send_message_length", -1),  # a response (body, removals, captions) can outgrow its request
            ("grpc.so_reuseport", 1),
        ],
        maximum_concurrent_rpcs=config.max_concurrent_rpcs,
    )
    health_servicer = health.HealthServicer()
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    service = CleanerService()
    server.add_generic_rpc_handlers((service.handlers(),))
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = _bind(server, config)
    server.start()
    return RunningServer(server, health_servicer, service, port)


class _StopRequest:
    """A request to drain that signal handlers and threads can both make.

    A handler may interrupt the main thread anywhere, even inside a lock it
    holds, so it takes no lock: it writes a byte down a pipe (non-blocking).
    """

    SUPERVISOR_GONE = 0

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def make(self, reason: int) -> None:
        try:
            os.write(self._write, bytes([reason]))
        except BlockingIOError:  # the pipe is full of earlier requests: one is enough
            pass

    def wait(self) -> int:
        """Block until the first request; return its reason (a signal number, or SUPERVISOR_GONE).

        Polls: a signal that reaches one of gRPC's threads interrupts no call of
        the main thread, and its Python handler runs only once the main thread is
        back in the interpreter.
        """
        while not select.select([self._read], [], [], STOP_POLL_SECONDS)[0]:
            pass
        return os.read(self._read, 1)[0]


def _watch_supervisor(supervisor: int, stop: _StopRequest) -> None:
    """A worker whose supervisor died (even by SIGKILL) drains and exits instead of living on."""
    while os.getppid() == supervisor:
        time.sleep(SUPERVISOR_CHECK_SECONDS)
    stop.make(_StopRequest.SUPERVISOR_GONE)


def _bind(server: grpc.Server, config: ServerConfig) -> int:
    address = f"{config.host}:{config.port}"
    if config.tls_cert and config.tls_key:
        credentials = grpc.ssl_server_credentials(
            [(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())]
        )
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    return int(port)


def serve(config: ServerConfig, supervisor: int | None = None) -> int:
    """Run one server process until SIGTERM or SIGINT (or its supervisor's death), then drain; return 0."""
    stop = _StopRequest()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.make(signum)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # a worker is forked with them blocked
    if supervisor is not None:
        threading.Thread(target=_watch_supervisor, args=(supervisor, stop), daemon=True).start()
    running = start(config)
    reason = stop.wait()
    if reason == _StopRequest.SUPERVISOR_GONE:
        log.warning("supervisor %d is gone: draining", supervisor)
    else:
        log.info("received %s: draining", signal.Signals(reason).name)
    running.stop(config.grace)
    log.info("stopped")
    return 0
