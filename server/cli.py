"""The service's part of the ``cleaner`` command: ``serve``, and the ``batch --server`` client.

Registered as a plugin of ``cleaner.cli`` (entry point group
``boilerplate_cleaner.cli``). Imports no gRPC until a command runs: the
supervisor of ``serve --workers N`` forks before any gRPC object exists.
"""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager

from cleaner.cli.options import add_rule_options, cleaner_options
from cleaner.cli.plugins import Commands, RemoteCleaner

from . import environment, logs
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
    serve.add_argument(
        "--compression", default="auto", choices=["auto", "none"],
        help="auto: gzip (else deflate) responses for clients whose grpc-accept-encoding lists it",
    )  # fmt: skip
    _add_connection_options(serve.add_argument_group("connections"))
    operations = serve.add_argument_group("operations")
    operations.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="least severe level logged"
    )
    operations.add_argument("--log-format", default="text", choices=logs.FORMATS, help="json: one object per line")
    operations.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus metrics over HTTP on this port (default: none)",
    )
    operations.add_argument(
        "--metrics-host", default="127.0.0.1", metavar="HOST", help="address of the metrics endpoint"
    )
    add_rule_options(serve)
    environment.apply(serve)
    serve.set_defaults(command=serve_command)


def _add_connection_options(group: argparse._ArgumentGroup) -> None:
    defaults = ServerConfig()
    group.add_argument("--keepalive-time", type=float, default=defaults.keepalive_time, metavar="SECONDS",
                       help="ping a connection silent this long")  # fmt: skip
    group.add_argument("--keepalive-timeout", type=float, default=defaults.keepalive_timeout, metavar="SECONDS",
                       help="drop a connection whose ping goes unanswered this long")  # fmt: skip
    group.add_argument("--keepalive-min-interval", type=float, default=defaults.keepalive_min_interval,
                       metavar="SECONDS", help="clients may ping as often as this, even with no call")  # fmt: skip
    group.add_argument("--max-connection-idle", type=float, default=defaults.max_connection_idle, metavar="SECONDS",
                       help="close a connection with no call this long")  # fmt: skip
    group.add_argument("--max-connection-age", type=float, metavar="SECONDS",
                       help="ask a connection this old to go away, so clients reconnect and rebalance "
                       "(default: no limit)")  # fmt: skip
    group.add_argument("--max-connection-age-grace", type=float, metavar="SECONDS",
                       help="calls in progress on such a connection get this long (default: no limit)")  # fmt: skip


def serve_command(args: argparse.Namespace) -> int:
    from . import workers

    logs.configure(args.log_level, args.log_format)
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
        keepalive_time=args.keepalive_time,
        keepalive_timeout=args.keepalive_timeout,
        keepalive_min_interval=args.keepalive_min_interval,
        max_connection_idle=args.max_connection_idle,
        max_connection_age=args.max_connection_age,
        max_connection_age_grace=args.max_connection_age_grace,
        compression=args.compression,
        metrics_host=args.metrics_host,
        metrics_port=args.metrics_port,
        cleaner=cleaner_options(args),
    )
    return workers.run(config)


def connect(target: str, *, tls_ca: str | None, window: int) -> AbstractContextManager[RemoteCleaner]:
    """A streaming client of the server at ``target`` (``batch --server``)."""
    from .client import StreamClient

    return StreamClient(target, tls_ca=tls_ca, window=window)
