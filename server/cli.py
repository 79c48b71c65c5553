"""The service's part of the ``cleaner`` command: ``serve``, and the ``batch --server`` client.

Registered as a plugin of ``cleaner.cli`` (entry point group
``boilerplate_cleaner.cli``). Imports no gRPC until a command runs: the
supervisor of ``serve --workers N`` forks before any gRPC object exists.
"""

from __future__ import annotations

import argparse
import logging
from contextlib import AbstractContextManager

from cleaner.cli.options import add_rule_options, cleaner_options
from cleaner.cli.plugins import Commands, RemoteCleaner

from .config import ServerConfig


def add_commands(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="run the gRPC service")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=50051, help="port (default 50051; 0 picks one, one worker only)")
    serve.add_argument("--workers", type=int, default=1, metavar="N", help="processes on the port; 0 = one per core")
    serve.add_argument("--threads", type=int, default=8, metavar="N", help="cleaning threads per process (default 8)")
    serve.add_argument(
        "--max-concurrent-rpcs",
        type=int,
        default=64,
        metavar="N",
        help="cleaner calls at once, per process (default 64)",
    )
    serve.add_argument("--grace", type=float, default=10.0, metavar="SECONDS", help="drain time on SIGTERM")
    serve.add_argument(
        "--stream-idle-timeout", type=float, default=60.0, metavar="SECONDS",
        help="close a stream with no request and nothing in progress this long (default 60)",
    )  # fmt: skip
    serve.add_argument(
        "--health-probe-timeout", type=float, default=10.0, metavar="SECONDS",
        help="with --workers: replace a worker silent to its health probe this long (default 10)",
    )  # fmt: skip
    serve.add_argument("--tls-cert", metavar="FILE", help="PEM certificate chain (enables TLS)")
    serve.add_argument("--tls-key", metavar="FILE", help="PEM private key")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    add_rule_options(serve)
    serve.set_defaults(command=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    from . import workers

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    config = ServerConfig(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        max_concurrent_rpcs=args.max_concurrent_rpcs,
        grace=args.grace,
        stream_idle_timeout=args.stream_idle_timeout,
        health_probe_timeout=args.health_probe_timeout,
        health_probe_interval=min(2.0, args.health_probe_timeout / 3),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        cleaner=cleaner_options(args),
    )
    return workers.run(config)


def connect(target: str, *, tls_ca: str | None, window: int) -> AbstractContextManager[RemoteCleaner]:
    """A streaming client of the server at ``target`` (``batch --server``)."""
    from .client import StreamClient

    return StreamClient(target, tls_ca=tls_ca, window=window)
