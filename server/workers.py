"""Run N server processes on one port (SO_REUSEPORT), forked before any gRPC object exists.

This module imports no gRPC (nor prometheus_client: ``exporter``): the parent only forks, forwards stop signals, probes
each worker's health, replaces a worker that dies or stops answering, and waits.
Each child imports and runs ``app`` (the one dependency between the two, and one
way: ``app`` never imports this module).

Before anything listens, the port must be free (``ports``): a second ``cleaner
serve`` on it, or any other socket listening where this one would, is refused in
one line. Each worker binds only once it can serve (``app.start``).

Health probe: the supervisor writes a byte to each worker every
``health_probe_interval`` seconds over a socket pair, and the worker's event loop
(the one that serves its calls) answers. A worker tells it unasked once it serves
(before its "serving on" line), which starts the clock: a serving worker silent for
``health_probe_timeout`` seconds (stopped, wedged) is killed and replaced.
"""

from __future__ import annotations

import logging
import math
import os
import select
import signal
import socket
import time
from dataclasses import dataclass, field
from types import FrameType
from wsgiref.simple_server import WSGIServer

from . import exporter
from .config import ServerConfig
from .ports import PortInUse, check_free, hold_port_lock
from .signals import STOP_SIGNALS

log = logging.getLogger("cleaner.server")
QUICK_EXIT_SECONDS = 5.0
QUICK_EXITS_ALLOWED = 3
KILL_MARGIN_SECONDS = 5  # after the drain's grace, a worker still running is killed
EXIT_CANNOT_START = 3  # a worker's exit code when a new one could not start either (the port, the rules, TLS)


def run(config: ServerConfig) -> int:
    """Serve with ``config.process_count`` processes; exit 0 after a clean drain.

    Raises ``PortInUse`` when the port is taken, and before forking workers, what each would fail on at start
    (``ServerConfig.check_files``).
    """
    if config.process_count > 1:
        config.check_files()
    lock = hold_port_lock(config.port) if config.port else None  # held (and inherited) until the last process exits
    check_free(config.host, config.port, own={os.getpid()})
    folder = exporter.multiprocess_folder() if config.process_count > 1 and config.metrics_port else None
    try:
        endpoint = exporter.serve(config.metrics_host, config.metrics_port) if config.metrics_port else None
        if config.process_count == 1:
            from .app import serve

            return serve(config)
        return _Supervisor(config, endpoint).run()
    finally:
        if lock is not None:
            lock.close()
        if folder is not None:
            exporter.remove_folder(folder)


@dataclass
class _Worker:
    pid: int
    probe: socket.socket
    started: float
    answered: float | None = None  # when it last answered a probe (None: not serving yet)
    killed: bool = False
    closed: bool = False  # its end of the probe is closed: it is exiting


@dataclass
class _Supervisor:
    config: ServerConfig
    endpoint: WSGIServer | None = None  # the metrics endpoint, served from a thread of this process
    workers: dict[int, _Worker] = field(default_factory=dict)
    stopping: bool = False
    quick_exits: int = 0
    status: int = 0

    def run(self) -> int:
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop through the wakeup fd
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._forward)
        for _ in range(self.config.process_count):
            self._spawn()
        log.info("%d workers on %s:%d", self.config.process_count, self.config.host, self.config.port)
        next_probe = time.monotonic()
        while self.workers:
            timeout = max(0.0, next_probe - time.monotonic())
            probes = [worker.probe for worker in self.workers.values() if not worker.closed]
            readable = select.select([wake_read, *probes], [], [], timeout)[0]
            if wake_read in readable:
                _drain(wake_read)
            self._reap()
            for worker in list(self.workers.values()):
                if worker.probe in readable:
                    self._heard(worker)
            if time.monotonic() >= next_probe:
                self._probe()
                next_probe = time.monotonic() + self.config.health_probe_interval
        signal.set_wakeup_fd(-1)
        return self.status

    def _heard(self, worker: _Worker) -> None:
        got, closed = _drain(worker.probe)
        if got:
            worker.answered = time.monotonic()
        worker.closed = worker.closed or closed

    def _probe(self) -> None:
        now = time.monotonic()
        for worker in self.workers.values():
            if worker.answered is None:  # still starting: it answers once it serves
                _ask(worker.probe)
                continue
            silent = now - worker.answered
            if silent > self.config.health_probe_timeout and not worker.killed and not self.stopping:
                log.error("worker %d has not answered its health probe for %.0f s: replacing it", worker.pid, silent)
                worker.killed = True
                _kill(worker.pid, signal.SIGKILL)
            else:
                _ask(worker.probe)

    def _reap(self) -> None:
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            worker.probe.close()
            if self.endpoint is not None:
                exporter.worker_gone(pid)
            self._exited(worker, os.waitstatus_to_exitcode(wait_status))

    def _exited(self, worker: _Worker, code: int) -> None:
        if self.stopping:
            self.status = self.status or (0 if code == 0 else 1)
            return
        if code == EXIT_CANNOT_START:
            log.error("worker %d could not start (see above): stopping", worker.pid)
            self.status = 1
            self._forward(signal.SIGTERM, None)
            return
        if not worker.killed:
            self.quick_exits += time.monotonic() - worker.started < QUICK_EXIT_SECONDS
        if self.quick_exits > QUICK_EXITS_ALLOWED:
            log.error("workers keep exiting at start (last exit code %d): stopping", code)
            self.status = 1
            self._forward(signal.SIGTERM, None)
            return
        if not worker.killed:
            log.warning("worker %d exited with code %d: starting another", worker.pid, code)
        self._spawn()

    def _spawn(self) -> None:
        supervisor = os.getpid()
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        # Blocked across the fork: a signal to a child still importing waits for its handlers (``serve``).
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:
            ours.close()
            for worker in self.workers.values():
                worker.probe.close()
            if self.endpoint is not None:
                self.endpoint.socket.close()  # the supervisor's to serve
            signal.set_wakeup_fd(-1)
            for signum in (*STOP_SIGNALS, signal.SIGCHLD):
                signal.signal(signum, signal.SIG_DFL)
            os._exit(_worker_main(self.config, supervisor, theirs))
        theirs.close()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        self.workers[pid] = _Worker(pid, ours, time.monotonic())

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            signal.signal(signal.SIGALRM, self._kill_stragglers)
            signal.alarm(math.ceil(self.config.grace) + KILL_MARGIN_SECONDS)
        self.stopping = True
        for pid in list(self.workers):
            _kill(pid, signum)

    def _kill_stragglers(self, _signum: int, _frame: FrameType | None) -> None:
        for pid in list(self.workers):
            _kill(pid, signal.SIGKILL)


def _worker_main(config: ServerConfig, supervisor: int, probe: socket.socket) -> int:
    """A worker's life, in the forked child: its exit code."""
    from cleaner.errors import RulePackError

    from .ports import siblings

    try:
        check_free(config.host, config.port, own=siblings(supervisor))
        from .app import serve

        return serve(config, supervisor, probe.fileno())
    except (PortInUse, RulePackError, OSError) as error:  # a new worker would fail the same way
        log.error("worker cannot start: %s", error)
        return EXIT_CANNOT_START
    except BaseException:
        log.exception("worker failed")
        return 1


def _ask(probe: socket.socket) -> None:
    try:
        probe.send(b"?")
    except (BlockingIOError, OSError):
        pass


def _drain(sock: socket.socket) -> tuple[bool, bool]:
    """Read what is waiting: whether anything was, and whether the other end is closed."""
    got = False
    while True:
        try:
            data = sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return got, False
        except OSError:
            return got, True
        if not data:
            return got, True
        got = True


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
