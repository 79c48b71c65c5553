"""Run N server processes on one port (SO_REUSEPORT), forked before any gRPC object exists.

This module imports no gRPC: the parent only forks, forwards signals, replaces a
worker that dies, and waits. Each child imports and runs ``app`` (the one
dependency between the two, and one way: ``app`` never imports this module).
"""

from __future__ import annotations

import logging
import math
import os
import signal
import time
from types import FrameType

from .config import ServerConfig
from .signals import STOP_SIGNALS

log = logging.getLogger("cleaner.server")
QUICK_EXIT_SECONDS = 5.0
QUICK_EXITS_ALLOWED = 3
KILL_MARGIN_SECONDS = 5  # after the drain's grace, a worker still running is killed


def run(config: ServerConfig) -> int:
    """Serve with ``config.process_count`` processes; exit 0 after a clean drain."""
    if config.process_count == 1:
        from .app import serve

        return serve(config)
    return _Supervisor(config).run()


class _Supervisor:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.children: dict[int, float] = {}
        self.stopping = False
        self.quick_exits = 0

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._forward)
        signal.signal(signal.SIGINT, self._forward)
        for _ in range(self.config.process_count):
            self._spawn()
        log.info("%d workers on %s:%d", self.config.process_count, self.config.host, self.config.port)
        status = 0
        while self.children:
            pid, wait_status = os.wait()
            started = self.children.pop(pid, None)
            if started is None:
                continue
            code = os.waitstatus_to_exitcode(wait_status)
            if self.stopping:
                status = status or (0 if code == 0 else 1)
                continue
            self.quick_exits += time.monotonic() - started < QUICK_EXIT_SECONDS
            if self.quick_exits > QUICK_EXITS_ALLOWED:
                log.error("workers keep exiting at start (last exit code %d): stopping", code)
                self._forward(signal.SIGTERM, None)
                status = 1
                continue
            log.warning("worker %d exited with code %d: starting another", pid, code)
            self._spawn()
        return status

    def _spawn(self) -> None:
        supervisor = os.getpid()
        # Blocked across the fork: a signal to a child still importing waits for its handlers (``serve``).
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 1
            try:
                from .app import serve

                code = serve(self.config, supervisor)
            except BaseException:
                log.exception("worker failed")
            finally:
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        self.children[pid] = time.monotonic()

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            signal.signal(signal.SIGALRM, self._kill_stragglers)
            signal.alarm(math.ceil(self.config.grace) + KILL_MARGIN_SECONDS)
        self.stopping = True
        self._signal_children(signum)

    def _kill_stragglers(self, _signum: int, _frame: FrameType | None) -> None:
        self._signal_children(signal.SIGKILL)

    def _signal_children(self, signum: int) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass
