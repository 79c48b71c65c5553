"""Benchmark: the cleaner side by side with a bare regex scan and trafilatura, in one run.

    python -m bench.run                 # full run (several minutes), table + bench/results/<time>.json
    python -m bench.run --quick         # smaller corpora and a 20 MB batch
    python -m bench.run --smoke         # seconds: checks that every section runs (CI)

Every rate is the median of several timed rounds after a warm-up round.
Ratios compare rows measured in this same run, so machine noise cancels.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import regex
import trafilatura

from cleaner import Cleaner
from cleaner.document.article import find_article
from cleaner.rules.engine import RuleSet
from cleaner.rules.loading import load_pack, load_packs
from cleaner.rules.sources import compile_alternatives
from cleaner.text.normalise import normalise

from .corpus import dev_pages, generated_pack, seed_corpus, sized_documents, write_jsonl
from .pages import element_count, render

RESULTS = Path(__file__).resolve().parent / "results"

# Runs the cleaner CLI and prints the process's own peak RSS (kB) at exit.
# VmHWM belongs to the new process image; ru_maxrss would also count the
# benchmark's memory, which the child holds for an instant between fork and exec.
PEAK_RSS_WRAPPER = (
    "import sys\n"
    "from cleaner.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Scale:
    rounds: int
    seed_copies: int
    dev_pages: int
    sizes: tuple[int, ...]
    unary_calls: int
    stream_docs: int
    batch_megabytes: int


SCALES = {
    "full": Scale(5, 40, 78, (1_000, 10_000, 100_000, 1_000_000, 2_000_000), 1000, 2000, 200),
    "quick": Scale(3, 20, 78, (1_000, 10_000, 100_000, 1_000_000, 2_000_000), 500, 1000, 20),
    "smoke": Scale(1, 1, 5, (1_000, 10_000), 20, 20, 1),
}


@dataclass
class Row:
    section: str
    name: str
    value: float
    unit: str
    note: str = ""


@dataclass
class Report:
    scale: str
    rows: list[Row] = field(default_factory=list)
    targets: list[dict[str, object]] = field(default_factory=list)

    def add(self, section: str, name: str, value: float, unit: str, note: str = "") -> float:
        self.rows.append(Row(section, name, value, unit, note))
        print(f"  {name:<58} {value:>12.2f} {unit:<10} {note}", flush=True)
        return value

    def target(self, name: str, value: float, goal: str, met: bool) -> None:
        self.targets.append({"target": name, "value": round(value, 3), "goal": goal, "met": met})


def rate(work: Callable[[], object], docs: int, megabytes: float, rounds: int) -> tuple[float, float]:
    """Median docs/s and MB/s of ``work`` (which handles ``docs`` documents) after one warm-up."""
    work()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return docs / median, megabytes / median


def single_pattern(rules: RuleSet) -> regex.Pattern[str]:
    """Every block rule in one alternation anchored to lines (phrases as named lists).

    Not how the cleaner matches: it is the bare single-pass scan measured as the
    floor no rule engine can beat.
    """
    alternatives = list(rules.regex_sources.values())
    for index, keys in rules.phrase_keys.items():
        name = f"floor{index}_phrases"
        alternatives.append((f"(?P<r{index}>(?i:\\L<{name}>))", {name: sorted(keys)}))
    return compile_alternatives(alternatives, anchored=True)


def bare_scan(cleaner: Cleaner) -> Callable[[Sequence[str]], None]:
    """One pass of a single compiled pattern made of every block rule, over each text."""
    pattern = single_pattern(cleaner.rules)

    def scan(texts: Sequence[str]) -> None:
        for text in texts:
            for _ in pattern.finditer(text):
                pass

    return scan


def in_process(report: Report, scale: Scale, cleaner: Cleaner) -> dict[str, float]:
    print("in-process cleaning, the floor and the alternative", flush=True)
    seeds = seed_corpus(scale.seed_copies)
    seed_mb = sum(doc.megabytes for doc in seeds)
    clean_rate, clean_mb = rate(lambda: [cleaner.clean(d.text) for d in seeds], len(seeds), seed_mb, scale.rounds)
    report.add("in-process", "Cleaner.clean, seed corpus", clean_rate, "docs/s", f"{clean_mb:.2f} MB/s")
    normalised = [normalise(doc.text).text for doc in seeds]
    scan = bare_scan(cleaner)
    floor_rate, floor_mb = rate(lambda: scan(normalised), len(seeds), seed_mb, scale.rounds)
    report.add(
        "in-process", "floor: bare pass of one combined rule regex, seeds", floor_rate, "docs/s", f"{floor_mb:.2f} MB/s"
    )
    pages = [render(doc.text, n) for n, doc in enumerate(seeds)]
    page_mb = sum(len(page.encode()) for page in pages) / 1e6
    traf_rate, _ = rate(lambda: [trafilatura.extract(p) for p in pages], len(pages), page_mb, scale.rounds)
    elements = statistics.median(element_count(page) for page in pages[:5])
    report.add(
        "in-process", "trafilatura.extract, seeds as HTML pages", traf_rate, "docs/s", f"{elements:.0f} elements/page"
    )

    dev = dev_pages()[: scale.dev_pages]
    docs = [doc for doc, _ in dev]
    dev_mb = sum(doc.megabytes for doc in docs)
    dev_rate, dev_mbs = rate(lambda: [cleaner.clean(d.text, url=d.url) for d in docs], len(docs), dev_mb, scale.rounds)
    report.add("in-process", "Cleaner.clean, dev noisy texts", dev_rate, "docs/s", f"{dev_mbs:.2f} MB/s")
    dev_norm = [normalise(doc.text).text for doc in docs]
    dev_floor, dev_floor_mb = rate(lambda: scan(dev_norm), len(docs), dev_mb, scale.rounds)
    report.add("in-process", "floor: bare pass, dev noisy texts", dev_floor, "docs/s", f"{dev_floor_mb:.2f} MB/s")
    htmls = [gzip.decompress(Path(path).read_bytes()).decode("utf-8", "replace") for _, path in dev]
    html_mb = sum(len(h.encode()) for h in htmls) / 1e6
    dev_traf, _ = rate(lambda: [trafilatura.extract(h) for h in htmls], len(htmls), html_mb, scale.rounds)
    report.add("in-process", "trafilatura.extract, dev pages' real HTML", dev_traf, "docs/s")

    ratio = clean_rate / traf_rate
    report.add("in-process", "ratio: cleaner / trafilatura (seeds)", ratio, "x")
    report.target("cleaner >= 12x trafilatura docs/s (seeds)", ratio, ">= 12", ratio >= 12)
    share = clean_rate / floor_rate
    report.add("in-process", "ratio: cleaner / bare scan (seeds)", share, "x")
    report.target("cleaner >= 1/3 of the bare-scan rate (seeds)", share, ">= 0.333", share >= 1 / 3)
    report.add("in-process", "ratio: cleaner / trafilatura (dev pages)", dev_rate / dev_traf, "x")
    return {"seed_docs_per_s": clean_rate}


def article_finder(report: Report, scale: Scale, cleaner: Cleaner) -> None:
    """CPU µs per block of finding the article on the dev pages: the prose-run heuristic, then the model."""
    print("article finder, dev noisy texts", flush=True)
    pages = [cleaner.document_run(doc.text, url=doc.url).page_blocks() for doc, _ in dev_pages()[: scale.dev_pages]]
    blocks = sum(len(page) for page in pages)
    model = cleaner.article_model

    def heuristic() -> None:
        for page in pages:
            kept = [i for i in range(len(page)) if page.candidate[i]]
            find_article([page.texts[i] for i in kept], [page.tokens[i] for i in kept], page.stopwords)

    for name, work in (
        ("prose-run heuristic (before)", heuristic),
        ("learned model (now)", lambda: [model.decide(page) for page in pages]),
    ):
        per_second, _ = rate(work, blocks, 0.0, scale.rounds)
        report.add("article finder", f"{name}, per block", 1e6 / per_second, "µs", f"{blocks} blocks")


def rule_scaling(report: Report, scale: Scale, cleaner: Cleaner) -> None:
    print("rule-count scaling", flush=True)
    seeds = seed_corpus(scale.seed_copies)
    mb = sum(doc.megabytes for doc in seeds)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(generated_pack(1000), encoding="utf-8")
        started = time.perf_counter()
        bigger = Cleaner(packs=[load_pack(path)])
        compile_s = time.perf_counter() - started
    base, _ = rate(lambda: [cleaner.clean(d.text) for d in seeds], len(seeds), mb, scale.rounds)
    more, _ = rate(lambda: [bigger.clean(d.text) for d in seeds], len(seeds), mb, scale.rounds)
    builtin = sum(len(p.rules) for p in load_packs([]))
    report.add("rules", f"built-in packs ({builtin} rules)", base, "docs/s")
    report.add(
        "rules",
        f"built-in + 1,000 generated rules ({builtin + 1000})",
        more,
        "docs/s",
        f"compiled in {compile_s:.2f} s",
    )
    cost = base / more
    report.add("rules", "cost of 1,000 extra rules", cost, "x")
    report.target("1,000 extra rules cost < 2x", cost, "< 2", cost < 2)


def size_scaling(report: Report, scale: Scale, cleaner: Cleaner) -> None:
    print("document-size scaling", flush=True)
    per_mb = []
    for size in scale.sizes:
        docs = sized_documents(size, max(1, 400_000 // size))
        megabytes = sum(doc.megabytes for doc in docs)
        docs_rate, mb_rate = rate(
            lambda docs=docs: [cleaner.clean(d.text) for d in docs], len(docs), megabytes, scale.rounds
        )
        seconds_per_mb = 1 / mb_rate
        per_mb.append(seconds_per_mb)
        report.add("size", f"{size / 1000:,.0f} KB document", seconds_per_mb * 1000, "ms/MB", f"{docs_rate:.1f} docs/s")
    spread = max(per_mb) / min(per_mb)
    report.add("size", "time per MB, largest / smallest", spread, "x")
    report.target("time per MB flat within 1.5x (1 KB to 2 MB)", spread, "<= 1.5", spread <= 1.5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(workers: int, log: Path | None = None) -> tuple[subprocess.Popen[bytes], int]:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    port = free_port()
    level = "INFO" if log else "WARNING"
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "serve", "--port", str(port), "--workers", str(workers), "--log-level", level],
        stdout=subprocess.DEVNULL, stderr=log.open("w") if log else subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == 1:
                    return process, port
            except grpc.RpcError:
                time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("the server did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's whole process group; SIGKILL if it does not drain in time."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _stream_client(port: int, texts: list[str]) -> tuple[float, float]:
    """In a client process: stream every text through one CleanStream; wall-clock start and end."""
    import grpc
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc

    requests = [pb.CleanRequest(id=str(n), text=text) for n, text in enumerate(texts)]
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        list(stub.CleanStream(iter(requests[:50])))  # warm-up: connection, threads, caches
        started = time.time()
        count = sum(1 for _ in stub.CleanStream(iter(requests)))
        ended = time.time()
    assert count == len(requests)
    return started, ended


def _serving_workers(log: Path) -> int:
    """How many worker processes served a CleanStream, from the server's access log."""
    pids = {line.split()[2] for line in log.read_text().splitlines() if "CleanStream" in line}
    return max(1, len(pids))


def grpc_rows(report: Report, scale: Scale, in_process_rate: float) -> None:
    import grpc
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc

    print("gRPC on loopback", flush=True)
    gc.collect()
    gc.freeze()  # the corpora above stay alive: keep their objects out of the client's collections
    seed = seed_corpus(1)[1].text
    process, port = start_server(1)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.BoilerplateCleanerStub(channel)
            request = pb.CleanRequest(id="s", text=seed)
            for _ in range(50):
                stub.Clean(request)
            latencies = []
            for _ in range(scale.unary_calls):
                started = time.perf_counter()
                stub.Clean(request)
                latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        report.add("grpc", f"unary Clean latency p50 ({len(seed):,} chars)", p50, "ms")
        report.add("grpc", "unary Clean latency p99", p99, "ms")
        report.target("unary p99 < 5 ms on loopback", p99, "< 5 ms", p99 < 5)
    finally:
        stop_server(process)
    texts = [doc.text for doc in seed_corpus(max(1, scale.stream_docs // 5))]
    context = get_context("spawn")
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as folder:
            log = Path(folder) / "server.log"
            process, port = start_server(workers, log)
            try:
                with context.Pool(workers) as pool:
                    spans = pool.starmap(_stream_client, [(port, texts[i::workers]) for i in range(workers)])
            finally:
                stop_server(process)
            served_by = _serving_workers(log)
        elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
        docs_rate = len(texts) / elapsed
        per_worker = docs_rate / served_by / in_process_rate
        note = f"{served_by} worker(s) served; {per_worker:.0%} of in-process per serving worker"
        report.add("grpc", f"CleanStream, {workers} worker(s), {workers} client process(es)", docs_rate, "docs/s", note)
        report.target(
            f"CleanStream {workers} worker(s) >= 70% of in-process per worker", per_worker, ">= 0.7", per_worker >= 0.7
        )


def batch_memory(report: Report, scale: Scale) -> None:
    print(f"batch CLI memory on a {scale.batch_megabytes} MB JSONL file", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "batch.jsonl", Path(folder) / "out.jsonl"
        records = write_jsonl(source, scale.batch_megabytes * 1_000_000)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PEAK_RSS_WRAPPER, "batch", str(source), "-o", str(output), "--no-progress", "--allow-errors"],
            capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"cleaner batch failed: {done.stderr[-500:]}")
        peak_mb = int(done.stdout.split()[-1]) / 1024
        lines = sum(1 for _ in output.open(encoding="utf-8"))
    report.add(
        "batch",
        f"cleaner batch, {records:,} records, {scale.batch_megabytes} MB",
        peak_mb,
        "MB peak RSS",
        f"{scale.batch_megabytes / elapsed:.2f} MB/s",
    )
    report.target(f"batch peak RSS < 300 MB ({scale.batch_megabytes} MB input)", peak_mb, "< 300 MB", peak_mb < 300)
    if lines != records:
        raise RuntimeError(f"batch wrote {lines} lines for {records} records")


def bench_parser(prog: str, doc: str | None, quick: str, json_help: str) -> argparse.ArgumentParser:
    """A benchmark's options: --quick or --smoke (a smaller run), --json FILE."""
    parser = argparse.ArgumentParser(prog=prog, description=doc)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help=quick)
    size.add_argument("--smoke", action="store_true", help="tiny: checks that every section runs")
    parser.add_argument("--json", metavar="FILE", help=json_help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("python -m bench.run", __doc__, "smaller corpora, a 20 MB batch",
                          "where to write the results (default bench/results/)")  # fmt: skip
    parser.add_argument("--skip", default="", help="comma-separated sections to skip: finder,rules,size,grpc,batch")
    args = parser.parse_args(argv)
    name = "smoke" if args.smoke else "quick" if args.quick else "full"
    scale, skip = SCALES[name], set(filter(None, args.skip.split(",")))
    report = Report(name)
    cleaner = Cleaner()
    print(f"benchmark ({name}), python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    rates = in_process(report, scale, cleaner)
    if "finder" not in skip:
        article_finder(report, scale, cleaner)
    if "rules" not in skip:
        rule_scaling(report, scale, cleaner)
    if "size" not in skip:
        size_scaling(report, scale, cleaner)
    if "grpc" not in skip:
        grpc_rows(report, scale, rates["seed_docs_per_s"])
    if "batch" not in skip:
        batch_memory(report, scale)
    print("\ntargets")
    for target in report.targets:
        print(
            f"  {'met ' if target['met'] else 'MISS'}  {target['target']:<60} {target['value']:>9} ({target['goal']})"
        )
    path = Path(args.json) if args.json else RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"scale": name, "rows": [asdict(r) for r in report.rows], "targets": report.targets}, indent=2)
        + "\n"
    )
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
