"""Build, run and drain one server process: the cleaner service, health and reflection.

The server is gRPC's asyncio server, on one event loop per process that runs in a
thread of its own: reading requests, health checks and reflection never wait for a
thread, so an idle stream holds none and health answers while every cleaning thread
is busy. Documents are cleaned in a pool of ``--threads`` threads (``service``).

A process listens only once it can serve: the rules are compiled and the lazy
imports loaded first (``ServerConfig.build_cleaner``), so with several workers on
one port (SO_REUSEPORT) the kernel never hands a connection to one still starting.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import select
import signal
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from cleaner import Cleaner

from . import reflection
from .config import SERVICE_NAME, ServerConfig
from .idle import IdleStreams
from .interceptors import CallGate
from .ports import PortInUse, check_free
from .service import CleanerService
from .signals import STOP_SIGNALS

log = logging.getLogger("cleaner.server")
SUPERVISOR_CHECK_SECONDS = 0.5
STOP_POLL_SECONDS = 0.2  # how late a signal caught by another thread may be acted on
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
T = TypeVar("T")


class _EventLoop:
    """The process's event loop, in a daemon thread of its own, started on first use."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None
    _pid = 0

    @classmethod
    def get(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._pid != os.getpid():
                loop = asyncio.new_event_loop()
                started = threading.Event()
                thread = threading.Thread(target=cls._run, args=(loop, started), name="grpc-loop", daemon=True)
                thread.start()
                started.wait()
                cls._loop, cls._pid = loop, os.getpid()
            return cls._loop

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, started: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(started.set)
        loop.run_forever()


def run_in_loop(coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run ``coroutine`` on the process's event loop from any other thread; its result."""
    return asyncio.run_coroutine_threadsafe(coroutine, _EventLoop.get()).result(timeout)


@dataclass
class RunningServer:
    """A started server and the port it listens on. Its methods may be called from any thread but the loop's."""

    server: grpc.aio.Server
    health: health.aio.HealthServicer
    service: CleanerService
    pool: ThreadPoolExecutor
    port: int
    serving: bool = False

    def ready(self, cleaner: Cleaner) -> None:
        """Serve with ``cleaner``; health turns SERVING."""
        self.service.ready(cleaner)
        run_in_loop(self._set_health(SERVING))
        self.serving = True

    def not_serving(self) -> None:
        """Health turns NOT_SERVING for good (as when draining)."""
        self.serving = False
        run_in_loop(self.health.enter_graceful_shutdown())

    def stop(self, grace: float) -> None:
        """Report NOT_SERVING, refuse new calls, let in-flight calls finish within ``grace``."""
        run_in_loop(self._stop(grace))
        self.pool.shutdown(wait=True, cancel_futures=True)  # documents of cancelled calls stop at their next check

    async def _set_health(self, status: health_pb2.HealthCheckResponse.ServingStatus) -> None:
        for name in ("", SERVICE_NAME):
            await self.health.set(name, status)

    async def _stop(self, grace: float) -> None:
        self.serving = False
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


def start(config: ServerConfig, cleaner: Cleaner | None = None, probe: int | None = None) -> RunningServer:
    """Compile the rules and warm up (unless a cleaner is given), then listen and report SERVING.

    ``probe``: a worker's end of its supervisor's health probe, told "serving" before the log says so.
    """
    cleaner = cleaner or config.build_cleaner()
    gc.collect()
    gc.freeze()  # the compiled rules live as long as the process: keep them out of collections
    running = listen(config)
    running.ready(cleaner)
    if probe is not None:
        run_in_loop(_answer_probes(probe, running))
    log.info("serving on %s:%d", config.host, running.port)
    return running


def listen(config: ServerConfig) -> RunningServer:
    """Start the server with health NOT_SERVING and cleaning UNAVAILABLE until ``ready``.

    Raises ``PortInUse`` (one line, for the user) when the port is taken.
    """
    return run_in_loop(_listen(config))


async def _listen(config: ServerConfig) -> RunningServer:
    idle = IdleStreams(config.stream_idle_timeout)
    server = grpc.aio.server(
        interceptors=[CallGate(config.max_concurrent_rpcs, idle)],
        options=_options(config),
    )
    health_servicer = health.aio.HealthServicer()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    pool = ThreadPoolExecutor(config.threads, thread_name_prefix="clean")
    service = CleanerService(pool, idle)
    server.add_generic_rpc_handlers((service.handlers(),))
    reflection.enable((SERVICE_NAME, health.SERVICE_NAME), server)
    try:
        port = _bind(server, config)
    except BaseException:
        pool.shutdown(wait=False)
        await server.stop(None)
        raise
    await server.start()
    return RunningServer(server, health_servicer, service, pool, port)


COMPRESSION_LEVELS = {"auto": 1, "none": 0}  # grpc_compression_level: GRPC_COMPRESS_LEVEL_LOW, _NONE


def _milliseconds(seconds: float) -> int:
    return int(seconds * 1000)


def _options(config: ServerConfig) -> list[tuple[str, Any]]:
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", -1),  # a response (body, removals, captions) can outgrow its request
        ("grpc.so_reuseport", 1),
        # Keepalive: ping a connection after this long without traffic, drop it if the ping goes unanswered
        # (a peer that vanished, or was frozen); let clients ping as often as the minimum interval, even with no call.
        ("grpc.keepalive_time_ms", _milliseconds(config.keepalive_time)),
        ("grpc.keepalive_timeout_ms", _milliseconds(config.keepalive_timeout)),
        ("grpc.http2.ping_timeout_ms", _milliseconds(config.keepalive_timeout)),  # what gRPC core now waits for
        ("grpc.http2.max_pings_without_data", 0),  # keep pinging a silent connection
        ("grpc.keepalive_permit_without_calls", 1),
        (
            "grpc.http2.min_recv_ping_interval_without_data_ms",
            _milliseconds(min(config.keepalive_min_interval, config.keepalive_time)),
        ),  # fmt: skip
        ("grpc.http2.max_ping_strikes", 2),
        ("grpc.max_connection_idle_ms", _milliseconds(config.max_connection_idle)),
        # A compression level, not an algorithm: gRPC then picks gzip (else deflate) only for a client whose
        # grpc-accept-encoding lists it. (A server-wide algorithm is sent even to clients that cannot read it.)
        ("grpc.default_compression_level", COMPRESSION_LEVELS[config.compression]),
    ]
    if config.max_connection_age is not None:
        options.append(("grpc.max_connection_age_ms", _milliseconds(config.max_connection_age)))
    if config.max_connection_age_grace is not None:
        options.append(("grpc.max_connection_age_grace_ms", _milliseconds(config.max_connection_age_grace)))
    return options


def _bind(server: grpc.aio.Server, config: ServerConfig) -> int:
    address = f"[{config.host}]:{config.port}" if ":" in config.host else f"{config.host}:{config.port}"
    try:
        if config.tls_cert and config.tls_key:
            credentials = grpc.ssl_server_credentials(
                [(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())]
            )
            port = server.add_secure_port(address, credentials)
        else:
            port = server.add_insecure_port(address)
    except RuntimeError:  # gRPC's "Failed to bind to address": the port is held, or the address is not ours
        port = 0
    if port == 0:
        check_free(config.host, config.port)  # says what holds it, if it can tell
        raise PortInUse(f"cannot listen on {address}: the address is in use or not available on this machine")
    return int(port)


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


def serve(config: ServerConfig, supervisor: int | None = None, probe: int | None = None) -> int:
    """Run one server process until a stop signal (or its supervisor's death), then drain; return 0.

    ``probe``: the worker's end of its supervisor's health probe (``workers``), answered from the event loop.
    """
    stop = _StopRequest()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.make(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, request_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # a worker is forked with them blocked
    if supervisor is not None:
        threading.Thread(target=_watch_supervisor, args=(supervisor, stop), daemon=True).start()
    running = start(config, probe=probe)
    reason = stop.wait()
    if reason == _StopRequest.SUPERVISOR_GONE:
        log.warning("supervisor %d is gone: draining", supervisor)
    else:
        log.info("received %s: draining", signal.Signals(reason).name)
    running.stop(config.grace)
    log.info("stopped")
    return 0


async def _answer_probes(probe: int, running: RunningServer) -> None:
    """Tell the supervisor the health status at once (its clock starts there), then on each byte it sends, from the
    event loop that serves calls.

    A worker that is stopped (SIGSTOP), or whose loop is stuck, does not answer, and is replaced.
    """
    loop = asyncio.get_running_loop()
    os.set_blocking(probe, False)

    def tell() -> None:
        try:
            os.write(probe, b"S" if running.serving else b"N")
        except (BlockingIOError, BrokenPipeError):
            pass

    def answer() -> None:
        try:
            asked = os.read(probe, 64)
        except BlockingIOError:
            return
        if not asked:  # the supervisor closed its end
            loop.remove_reader(probe)
            return
        tell()

    tell()
    loop.add_reader(probe, answer)
