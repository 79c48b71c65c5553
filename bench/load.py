"""Load and fault test of `cleaner serve` on loopback: steady load, broken calls, resources, SIGTERM drain.

    python -m bench.load                # full run (1-2 minutes), table + bench/results/load-<UTC time>.json
    python -m bench.load --quick        # fewer requests, shorter phases (about 30 s)
    python -m bench.load --smoke        # about 12 s: every phase and every check at a small scale (CI)

Options: ``--workers N`` (``cleaner serve --workers N``), ``--json FILE`` (where to write the results).
Exit code 0 only if every check passes.

Every client is a thread of this process with its own channel (a local subchannel pool, so its own TCP
connection): with several workers the kernel spreads the connections over them (SO_REUSEPORT).
Phases: warm-up, steady load (bounded by a request count and a wall-time cap), faults (streams cancelled
or their channel closed mid-stream, expired deadlines, bad items), a capacity probe, a settle, and
SIGTERM while slow streams are mid-stream. The serving processes' VmRSS and Threads are read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import grpc
from cleaner_server.config import ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc

from .corpus import dev_pages, seed_corpus
from .run import RESULTS, Report, start_server, stop_server

CALL_TIMEOUT = 30.0  # a normal call that takes longer than this has hung
EXPECTED_FAULTS = frozenset({"CANCELLED", "DEADLINE_EXCEEDED"})
# RSS after the settle may exceed the baseline by the larger of these. The warm-up has run every kind of call, so the
# baseline holds the allocator's high-water mark; what is left is slack in glibc's per-thread arenas (a few MB each),
# while a leak of 2 KB a request passes 25 MB in a full run.
RSS_BOUND_MB, RSS_BOUND_SHARE = 25.0, 0.15
THREAD_TOLERANCE = 2  # the RPC pool is fixed (--threads); gRPC core may start or retire a helper thread
DRAIN_INTERVAL = 0.25  # seconds between the requests of a stream that is mid-stream at SIGTERM
DRAIN_MARGIN = 5.0  # seconds past the grace period the process may take to exit
PROBE_TIMEOUT = 5.0  # a call refused during the drain must fail faster than this
# The long document of the deadline faults. Not longer: a process that has cleaned a few 1.4 MB documents at once
# keeps about 200 MB more heap for good (glibc's dynamic mmap threshold), not a leak but enough to hide one.
LONG_CHARS = 200_000
ENDLESS_ITEMS, ENDLESS_PACE = 1000, 0.005  # a stream that runs for 5 s unless broken off
ACCESS_LINE = re.compile(r"method=\S*/(\w+) status=(\w+)")


@dataclass(frozen=True)
class Scale:
    unary_clients: int
    stream_clients: int
    warmup_requests: int
    steady_requests: int
    steady_seconds: float
    stream_batch: int
    faults_per_kind: int
    warmup_faults_per_kind: int
    drain_streams: int
    drain_items: int
    settle_seconds: float


SCALES = {
    "full": Scale(8, 4, 400, 15_000, 60, 25, 40, 8, 6, 16, 3),
    "quick": Scale(6, 3, 200, 4_000, 15, 20, 16, 6, 4, 12, 2),
    "smoke": Scale(4, 2, 100, 500, 5, 10, 6, 4, 3, 8, 2),
}


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    long_text: str  # LONG_CHARS of the texts: the server takes about 0.1 s over it

    @classmethod
    def load(cls) -> Corpus:
        texts = [doc.text for doc, _ in dev_pages()] + [doc.text for doc in seed_corpus(1)]
        joined = "\n\n".join(texts)
        return cls(texts, joined[: joined.rindex("\n\n", 0, LONG_CHARS)])

    def request(self, n: int) -> pb.CleanRequest:
        return pb.CleanRequest(id=str(n), text=self.texts[n % len(self.texts)])


def _channel(port: int) -> Any:
    """A channel with a connection of its own (no subchannel shared with other channels)."""
    return grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])


def _stub(channel: Any) -> Any:
    return pb_grpc.BoilerplateCleanerStub(channel)  # type: ignore[no-untyped-call]


# Load


class Budget:
    """Requests left to hand out, until a count or a wall-time cap runs out."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._left = requests
        self._deadline = time.monotonic() + seconds
        self._lock = threading.Lock()

    def take(self, wanted: int) -> int:
        with self._lock:
            granted = 0 if time.monotonic() >= self._deadline else min(wanted, self._left)
            self._left -= granted
            return granted


@dataclass
class Tally:
    unary: int = 0
    streams: int = 0
    streamed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        self.unary += other.unary
        self.streams += other.streams
        self.streamed += other.streamed
        self.latencies_ms += other.latencies_ms
        self.errors.update(other.errors)


@dataclass
class LoadResult:
    unary_clients: int
    stream_clients: int
    requests: int
    unary_calls: int
    streams: int
    streamed_items: int
    seconds: float
    throughput: float
    unary_p50_ms: float
    unary_p99_ms: float
    errors: dict[str, int]


def _unary_client(port: int, corpus: Corpus, budget: Budget, first: int) -> Tally:
    tally, n = Tally(), first
    with _channel(port) as channel:
        stub = _stub(channel)
        while budget.take(1):
            started = time.perf_counter()
            try:
                response = stub.Clean(corpus.request(n), timeout=CALL_TIMEOUT)
            except grpc.RpcError as error:
                tally.errors[f"Clean {error.code().name}"] += 1
            else:
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                tally.unary += 1
                tally.errors["Clean item error"] += response.HasField("error")
            n += 1
    return tally


def _stream_client(port: int, corpus: Corpus, budget: Budget, first: int, batch: int) -> Tally:
    tally, n = Tally(), first
    with _channel(port) as channel:
        stub = _stub(channel)
        while count := budget.take(batch):
            requests = [corpus.request(n + i) for i in range(count)]
            n += count
            try:
                responses = list(stub.CleanStream(iter(requests), timeout=CALL_TIMEOUT))
            except grpc.RpcError as error:
                tally.errors[f"CleanStream {error.code().name}"] += 1
                continue
            tally.streams += 1
            tally.streamed += len(responses)
            tally.errors["CleanStream lost or reordered items"] += [r.id for r in responses] != [r.id for r in requests]
            tally.errors["CleanStream item error"] += sum(r.HasField("error") for r in responses)
    return tally


def run_load(port: int, corpus: Corpus, scale: Scale, requests: int, seconds: float) -> LoadResult:
    """Unary and streaming clients at once, until ``requests`` are handed out or ``seconds`` pass."""
    budget = Budget(requests, seconds)
    clients = [partial(_unary_client, port, corpus, budget, n * 1_000_000) for n in range(scale.unary_clients)]
    clients += [
        partial(_stream_client, port, corpus, budget, (scale.unary_clients + n) * 1_000_000, scale.stream_batch)
        for n in range(scale.stream_clients)
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        tallies = [future.result() for future in [pool.submit(client) for client in clients]]
    elapsed = time.perf_counter() - started
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    latencies = sorted(total.latencies_ms) or [0.0]
    done = total.unary + total.streamed
    return LoadResult(
        scale.unary_clients, scale.stream_clients, done, total.unary, total.streams, total.streamed,
        round(elapsed, 2), round(done / elapsed, 1), round(statistics.median(latencies), 2),
        round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        {error: count for error, count in total.errors.items() if count},
    )  # fmt: skip


# Faults


def _outcome(call: Any) -> str:
    """The status a call ended with, reading whatever responses are left."""
    try:
        for _ in call:
            pass
    except grpc.RpcError as error:
        return str(error.code().name)
    return str(call.code().name)


def _endless(corpus: Corpus) -> Iterator[pb.CleanRequest]:
    """Requests at about the pace the server cleans them, for longer than any caller lets the stream run.

    Paced, so that a broken-off stream leaves a few requests in flight, not megabytes the client pushed ahead.
    """
    for n in range(ENDLESS_ITEMS):
        yield corpus.request(n)
        time.sleep(ENDLESS_PACE)


def cancel_mid_stream(port: int, corpus: Corpus) -> str:
    with _channel(port) as channel:
        call = _stub(channel).CleanStream(_endless(corpus), timeout=CALL_TIMEOUT)
        for _ in range(3):
            next(call)
        call.cancel()
        return _outcome(call)


def close_channel_mid_stream(port: int, corpus: Corpus) -> str:
    channel = _channel(port)
    call = _stub(channel).CleanStream(_endless(corpus), timeout=CALL_TIMEOUT)
    for _ in range(2):
        next(call)
    channel.close()
    return _outcome(call)


def expire_before_start(port: int, corpus: Corpus) -> str:
    return _expiring_unary(port, corpus, 0.001)


def expire_while_cleaning(port: int, corpus: Corpus) -> str:
    return _expiring_unary(port, corpus, 0.02)


def _expiring_unary(port: int, corpus: Corpus, timeout: float) -> str:
    with _channel(port) as channel:
        try:
            _stub(channel).Clean(pb.CleanRequest(id="long", text=corpus.long_text), timeout=timeout)
        except grpc.RpcError as error:
            return str(error.code().name)
    return "OK"


def expire_mid_stream(port: int, corpus: Corpus) -> str:
    with _channel(port) as channel:
        return _outcome(_stub(channel).CleanStream(_endless(corpus), timeout=0.3))


def bad_items_in_stream(port: int, corpus: Corpus) -> str:
    """A stream of good and bad items: OK, with an error on exactly the bad ones (else a description)."""
    requests = [corpus.request(0), pb.CleanRequest(id="empty", text=""), corpus.request(1), pb.CleanRequest(id="none")]
    with _channel(port) as channel:
        try:
            responses = list(_stub(channel).CleanStream(iter(requests), timeout=CALL_TIMEOUT))
        except grpc.RpcError as error:
            return str(error.code().name)
    failed = [r.id for r in responses if r.HasField("error")]
    return "OK" if failed == ["empty", "none"] and len(responses) == 4 else f"bad items answered {failed}"


FAULTS: dict[str, tuple[Callable[[int, Corpus], str], frozenset[str]]] = {
    "stream cancelled after 3 responses": (cancel_mid_stream, EXPECTED_FAULTS),
    "channel closed after 2 responses": (close_channel_mid_stream, EXPECTED_FAULTS),
    "unary, 200 KB, 1 ms deadline": (expire_before_start, EXPECTED_FAULTS),
    "unary, 200 KB, 20 ms deadline": (expire_while_cleaning, EXPECTED_FAULTS),
    "stream, 300 ms deadline": (expire_mid_stream, EXPECTED_FAULTS),
    "stream with bad items": (bad_items_in_stream, frozenset({"OK"})),
}


@dataclass
class FaultResult:
    calls: int
    outcomes: dict[str, dict[str, int]]
    unexpected: dict[str, dict[str, int]]
    seconds: float


def run_faults(port: int, corpus: Corpus, per_kind: int, concurrency: int = 4) -> FaultResult:
    """Every kind of fault ``per_kind`` times, interleaved, ``concurrency`` at a time."""
    jobs = [(kind, fault) for _ in range(per_kind) for kind, (fault, _) in FAULTS.items()]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda job: (job[0], job[1](port, corpus)), jobs))
    outcomes: dict[str, Counter[str]] = {kind: Counter() for kind in FAULTS}
    for kind, outcome in results:
        outcomes[kind][outcome] += 1
    unexpected = {
        kind: {code: n for code, n in counts.items() if code not in FAULTS[kind][1]}
        for kind, counts in outcomes.items()
    }
    return FaultResult(
        len(jobs),
        {kind: dict(counts) for kind, counts in outcomes.items()},
        {kind: codes for kind, codes in unexpected.items() if codes},
        round(time.perf_counter() - started, 2),
    )


@dataclass
class Recovery:
    normal_calls_ok: bool
    held_streams: int  # one per server thread
    held_streams_answered: int


def recover(port: int, corpus: Corpus, threads: int) -> Recovery:
    """After the faults: normal calls work, and every server thread is free to take a stream."""
    return Recovery(normal_calls_succeed(port, corpus), threads, capacity(port, corpus, threads))


def normal_calls_succeed(port: int, corpus: Corpus) -> bool:
    """One unary call and one five-item stream, both OK with no item errors."""
    with _channel(port) as channel:
        stub = _stub(channel)
        try:
            unary = stub.Clean(corpus.request(0), timeout=CALL_TIMEOUT)
            streamed = list(stub.CleanStream(iter([corpus.request(n) for n in range(5)]), timeout=CALL_TIMEOUT))
        except grpc.RpcError:
            return False
    return not unary.HasField("error") and [r.id for r in streamed if not r.HasField("error")] == list("01234")


def capacity(port: int, corpus: Corpus, streams: int, wait: float = 10.0) -> int:
    """How many of ``streams`` streams, all held open at once, are answered: each holds one server thread."""
    gate, answered = threading.Event(), threading.Semaphore(0)

    def hold(n: int) -> None:
        def requests() -> Iterator[pb.CleanRequest]:
            yield corpus.request(n)
            gate.wait(wait)

        with _channel(port) as channel:
            call = _stub(channel).CleanStream(requests(), timeout=2 * wait)
            try:
                next(call)
                answered.release()
                _outcome(call)
            except (grpc.RpcError, StopIteration):
                pass

    holders = [threading.Thread(target=hold, args=(n,)) for n in range(streams)]
    for holder in holders:
        holder.start()
    deadline, count = time.monotonic() + wait, 0
    while count < streams and answered.acquire(timeout=max(0.0, deadline - time.monotonic())):
        count += 1
    gate.set()
    for holder in holders:
        holder.join()
    return count


# Resources


@dataclass(frozen=True)
class Usage:
    pid: int
    rss_mb: float
    threads: int


def serving_pids(process: subprocess.Popen[bytes], processes: int) -> list[int]:
    """The processes that serve: the server itself, or the supervisor's forked workers."""
    if processes == 1:
        return [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def usage(pids: list[int]) -> list[Usage]:
    result = []
    for pid in pids:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
        result.append(Usage(pid, round(int(fields["VmRSS"].split()[0]) / 1024, 1), int(fields["Threads"])))
    return result


def rss_bound_mb(baseline: Usage) -> float:
    return max(RSS_BOUND_MB, RSS_BOUND_SHARE * baseline.rss_mb)


# SIGTERM


@dataclass
class DrainResult:
    streams: int
    items_per_stream: int
    streams_complete: int
    stream_statuses: dict[str, int]
    in_flight_at_probe: int
    probe_status: str
    probe_seconds: float
    exit_code: int | None
    exit_seconds: float
    grace: float


class SlowStream(threading.Thread):
    """A stream that sends one request every DRAIN_INTERVAL seconds and keeps every response."""

    def __init__(self, port: int, corpus: Corpus, items: int, first: int) -> None:
        super().__init__()
        self.port, self.corpus, self.items, self.first = port, corpus, items, first
        self.mid_stream = threading.Event()  # two responses are in
        self.ids: list[str] = []
        self.status = "not finished"

    def requests(self) -> Iterator[pb.CleanRequest]:
        for n in range(self.items):
            yield self.corpus.request(self.first + n)
            time.sleep(DRAIN_INTERVAL)

    def run(self) -> None:
        with _channel(self.port) as channel:
            call = _stub(channel).CleanStream(self.requests(), timeout=CALL_TIMEOUT)
            try:
                for response in call:
                    self.ids.append(response.id if not response.HasField("error") else "error")
                    if len(self.ids) == 2:
                        self.mid_stream.set()
                self.status = str(call.code().name)
            except grpc.RpcError as error:
                self.status = str(error.code().name)
        self.mid_stream.set()

    @property
    def complete(self) -> bool:
        return self.status == "OK" and self.ids == [str(self.first + n) for n in range(self.items)]


def _wait_for_log(log: Path, text: str, count: int, seconds: float) -> None:
    """Until the server's log holds ``text`` ``count`` times (once per serving process)."""
    deadline = time.monotonic() + seconds
    while log.read_text(errors="replace").count(text) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server logged {text!r} fewer than {count} times in {seconds} s")
        time.sleep(0.02)


def _probe(port: int, corpus: Corpus) -> tuple[str, float]:
    """A new call on a new channel: its status and how long it took."""
    started = time.perf_counter()
    with _channel(port) as channel:
        try:
            _stub(channel).Clean(corpus.request(0), timeout=PROBE_TIMEOUT)
            status = "OK"
        except grpc.RpcError as error:
            status = str(error.code().name)
    return status, round(time.perf_counter() - started, 3)


def sigterm_drain(
    process: subprocess.Popen[bytes], port: int, corpus: Corpus, scale: Scale, log: Path, processes: int
) -> DrainResult:
    """SIGTERM while slow streams are mid-stream; then a new call, and the process's exit."""
    grace = ServerConfig().grace
    streams = [SlowStream(port, corpus, scale.drain_items, 100_000 * (n + 1)) for n in range(scale.drain_streams)]
    for stream in streams:
        stream.start()
    for stream in streams:
        stream.mid_stream.wait(CALL_TIMEOUT)
    started = time.perf_counter()
    process.send_signal(signal.SIGTERM)  # a supervisor forwards it to its workers
    _wait_for_log(log, "draining", processes, PROBE_TIMEOUT)
    in_flight = sum(stream.is_alive() for stream in streams)
    probe_status, probe_seconds = _probe(port, corpus)
    try:
        exit_code: int | None = process.wait(grace + DRAIN_MARGIN)
    except subprocess.TimeoutExpired:
        exit_code = None
    exit_seconds = round(time.perf_counter() - started, 2)
    for stream in streams:
        stream.join(CALL_TIMEOUT)
    return DrainResult(
        len(streams), scale.drain_items, sum(stream.complete for stream in streams),
        dict(Counter(stream.status for stream in streams)), in_flight, probe_status, probe_seconds,
        exit_code, exit_seconds, grace,
    )  # fmt: skip


# The run


def server_log_summary(log: Path) -> dict[str, Any]:
    """Calls by method and status from the access log, and any line that reports a failure."""
    text = log.read_text(errors="replace")
    statuses = Counter(" ".join(match.groups()) for match in ACCESS_LINE.finditer(text))
    problems = [line for line in text.splitlines() if re.search(r"Traceback|Exception| ERROR |CRITICAL", line)]
    return {"statuses": dict(sorted(statuses.items())), "problem_lines": len(problems), "first_problems": problems[:5]}


def show_load(report: Report, section: str, result: LoadResult) -> None:
    clients = f"{result.unary_clients} unary + {result.stream_clients} streaming clients"
    report.add(section, "requests done (unary calls + streamed items)", result.requests, "requests", clients)
    report.add(section, "streams", result.streams, "streams", f"{result.streamed_items} items")
    report.add(section, "wall time", result.seconds, "s")
    report.add(section, "throughput", result.throughput, "requests/s")
    report.add(section, "unary latency p50", result.unary_p50_ms, "ms", f"{result.unary_calls} calls")
    report.add(section, "unary latency p99", result.unary_p99_ms, "ms")
    report.add(
        section, "errors", sum(result.errors.values()), "calls", json.dumps(result.errors) if result.errors else ""
    )


def show_faults(report: Report, result: FaultResult) -> None:
    for kind, outcomes in result.outcomes.items():
        report.add("faults", kind, sum(outcomes.values()), "calls", json.dumps(outcomes))
    report.add("faults", "wall time", result.seconds, "s")


def show_usage(report: Report, phases: dict[str, list[Usage]]) -> None:
    for phase, usages in phases.items():
        for use in usages:
            report.add("resources", f"{phase}: VmRSS (pid {use.pid})", use.rss_mb, "MB", f"{use.threads} threads")


def show_drain(report: Report, drain: DrainResult) -> None:
    report.add(
        "sigterm", "streams mid-stream at SIGTERM", drain.streams, "streams", f"{drain.items_per_stream} items each"
    )
    report.add("sigterm", "streams that got every response, status OK", drain.streams_complete, "streams")
    report.add("sigterm", "in flight when the new call was made", drain.in_flight_at_probe, "streams")
    report.add("sigterm", "new call refused after", drain.probe_seconds, "s", drain.probe_status)
    report.add("sigterm", "SIGTERM to exit", drain.exit_seconds, "s", f"exit code {drain.exit_code}")


def checks(
    report: Report,
    steady: LoadResult,
    faults: FaultResult,
    recovery: Recovery,
    phases: dict[str, list[Usage]],
    drain: DrainResult,
    log: dict[str, Any],
) -> None:
    errors = sum(steady.errors.values())
    report.target("steady load: no errors", errors, "0", errors == 0)
    report.target("steady load: requests done", steady.requests, "> 0", steady.requests > 0)
    unexpected = sum(sum(codes.values()) for codes in faults.unexpected.values())
    report.target("faults: only CANCELLED / DEADLINE_EXCEEDED (OK for bad items)", unexpected, "0", unexpected == 0)
    normal, held, answered = recovery.normal_calls_ok, recovery.held_streams, recovery.held_streams_answered
    report.target("after faults: a normal call and stream succeed", int(normal), "1", normal)
    report.target(f"after faults: {held} held streams answered at once", answered, f"{held}", answered == held)
    baseline, settled = phases["baseline"], phases["settled"]
    same = [use.pid for use in baseline] == [use.pid for use in settled]
    report.target("no serving process replaced", int(same), "1", same)
    for before, after in zip(baseline, settled, strict=False):
        growth, bound = after.rss_mb - before.rss_mb, rss_bound_mb(before)
        report.target(f"pid {before.pid}: RSS growth after settle", growth, f"<= {bound:.1f} MB", growth <= bound)
        drift = after.threads - before.threads
        tolerated = abs(drift) <= THREAD_TOLERANCE
        report.target(
            f"pid {before.pid}: threads after settle - baseline", drift, f"|x| <= {THREAD_TOLERANCE}", tolerated
        )
    complete = drain.streams_complete == drain.streams
    report.target(
        "sigterm: every in-flight stream complete and OK", drain.streams_complete, f"{drain.streams}", complete
    )
    refused = drain.probe_status not in ("OK", "DEADLINE_EXCEEDED") and drain.probe_seconds < PROBE_TIMEOUT
    report.target(
        f"sigterm: new call refused, not hung ({drain.probe_status})",
        drain.probe_seconds,
        f"< {PROBE_TIMEOUT} s",
        refused,
    )
    in_flight = drain.in_flight_at_probe
    report.target("sigterm: streams still in flight when the new call was made", in_flight, "> 0", in_flight > 0)
    limit = drain.grace + DRAIN_MARGIN
    exited = drain.exit_code == 0 and drain.exit_seconds <= limit
    report.target(f"sigterm: exit code 0 (got {drain.exit_code})", drain.exit_seconds, f"<= {limit:.0f} s", exited)
    report.target("server log: no tracebacks or errors", log["problem_lines"], "0", log["problem_lines"] == 0)


def run(scale_name: str, workers: int) -> dict[str, Any]:
    scale, corpus, report = SCALES[scale_name], Corpus.load(), Report(scale_name)
    threads, processes = ServerConfig().threads, ServerConfig(workers=workers).process_count
    print(f"load test ({scale_name}), {processes} process(es) x {threads} threads, {os.cpu_count()} cores", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        process, port = start_server(workers, log)
        try:
            _wait_for_log(log, "serving on", processes, 60)
            pids = serving_pids(process, processes)
            print("warm-up", flush=True)
            run_load(port, corpus, scale, scale.warmup_requests, 30)
            run_faults(port, corpus, scale.warmup_faults_per_kind)
            phases = {"baseline": usage(pids)}
            print("steady load", flush=True)
            steady = run_load(port, corpus, scale, scale.steady_requests, scale.steady_seconds)
            show_load(report, "steady", steady)
            phases["after steady"] = usage(pids)
            print("faults", flush=True)
            faults = run_faults(port, corpus, scale.faults_per_kind)
            show_faults(report, faults)
            phases["after faults"] = usage(pids)
            recovery = recover(port, corpus, threads)
            time.sleep(scale.settle_seconds)
            phases["settled"] = usage(serving_pids(process, processes))
            print("resources of the serving processes", flush=True)
            show_usage(report, phases)
            print("SIGTERM under load", flush=True)
            drain = sigterm_drain(process, port, corpus, scale, log, processes)
            show_drain(report, drain)
        finally:
            try:
                stop_server(process)
            except ProcessLookupError:  # the whole group has exited already
                pass
        summary = server_log_summary(log)
    checks(report, steady, faults, recovery, phases, drain, summary)
    return {
        "scale": scale_name, "workers": workers, "threads_per_process": threads, "scale_settings": asdict(scale),
        "wall_seconds": round(time.perf_counter() - started, 1), "steady": asdict(steady), "faults": asdict(faults),
        "after_faults": asdict(recovery),
        "resources": {phase: [asdict(use) for use in usages] for phase, usages in phases.items()},
        "rss_bound_mb": [round(rss_bound_mb(use), 1) for use in phases["baseline"]],
        "sigterm": asdict(drain), "server_log": summary, "rows": [asdict(row) for row in report.rows],
        "checks": report.targets,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer requests, shorter phases")
    size.add_argument("--smoke", action="store_true", help="a small scale of every phase and check")
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N", help="cleaner serve --workers N (default 1; 0 = one per core)"
    )
    parser.add_argument("--json", metavar="FILE", help="where to write the results (default bench/results/)")
    args = parser.parse_args(argv)
    name = "smoke" if args.smoke else "quick" if args.quick else "full"
    result = run(name, args.workers)
    print(f"\nchecks (wall time {result['wall_seconds']} s)")
    for check in result["checks"]:
        print(f"  {'ok  ' if check['met'] else 'FAIL'}  {check['target']:<66} {check['value']:>9} ({check['goal']})")
    path = Path(args.json) if args.json else RESULTS / f"load-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {path}")
    failed = [check["target"] for check in result["checks"] if not check["met"]]
    for target in failed:
        print(f"failed: {target}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
