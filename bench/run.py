"""Benchmark: the cleaner side by side with trafilatura, Resiliparse and a bare regex scan, in one run.

    python -m bench.run                 # full run (long), tables + bench/results/<time>.json
    python -m bench.run --quick         # smaller corpora, +1,000 rules only, a 20 MB batch
    python -m bench.run --smoke         # a minute or two: checks that every section runs (CI)

Sections: compare (``baselines``), stages (``stages``: where a document's time
goes), finder, rules, size and cores (``scaling``), grpc, cold start
(``coldstart``). Times are CPU time of the process doing the work, in
interleaved rounds (A, B, A, B, ...) after a warm-up, medians; ratios compare
rows measured side by side in this same run, so the machine's other load
cancels out of them. Wall times are shown where only they mean something
(processes in parallel, servers) and say so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from cleaner import Cleaner
from cleaner.document.article import find_article

from . import baselines, coldstart, scaling
from .corpus import dev_pages, seed_corpus, wcxb_pages
from .measure import Report, side_by_side
from .stages import Probes, calibrate, format_tables, stage_table

__all__ = ["PEAK_RSS_WRAPPER", "RESULTS", "Report", "bench_parser", "free_port", "start_server", "stop_server"]

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
SECTIONS = ("compare", "stages", "finder", "rules", "size", "cores", "grpc", "coldstart")


@dataclass(frozen=True)
class Scale:
    rounds: int
    seed_copies: int
    dev_pages: int
    wcxb_pages: int
    sizes: tuple[int, ...]
    extra_rules: tuple[int, ...]
    unary_calls: int
    stream_docs: int
    batch_megabytes: int
    cold_runs: int


SIZES = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
SCALES = {
    "full": Scale(5, 40, 78, 200, SIZES, (1_000, 10_000), 1000, 2000, 200, 5),
    "quick": Scale(3, 10, 78, 60, SIZES, (1_000,), 500, 1000, 20, 3),
    "smoke": Scale(1, 1, 3, 3, (1_000, 10_000), (20,), 20, 20, 1, 1),
}


def compare(report: Report, scale: Scale, cleaner: Cleaner) -> None:
    """The comparisons of ``baselines``."""
    print("side by side: the cleaner, trafilatura, Resiliparse, the bare scan", flush=True)
    baselines.seeds(report, [doc.text for doc in seed_corpus(scale.seed_copies)], cleaner, scale.rounds)
    baselines.real_pages(report, "dev pages", dev_pages()[: scale.dev_pages], cleaner, scale.rounds)
    wcxb = wcxb_pages(scale.wcxb_pages)
    if wcxb is None:
        report.skip("WCXB pages: ../shared/train/wcxb-dev.jsonl is absent")
    else:
        baselines.real_pages(report, "WCXB pages", wcxb, cleaner, scale.rounds)


def stages(report: Report, scale: Scale, cleaner: Cleaner) -> None:
    """The stage table: own CPU µs per document of each pipeline stage, on each corpus."""
    print("stage table (own CPU time per document)", flush=True)
    probes = Probes()
    for name in probes.missing:
        report.skip(f"stage probe {name}: no longer in the pipeline")
    corpora: dict[str, list[tuple[str, str | None]]] = {"seeds": [(doc.text, None) for doc in seed_corpus(min(scale.seed_copies, 4))],
               "dev pages": [(doc.text, doc.url) for doc, _ in dev_pages()[: scale.dev_pages]]}  # fmt: skip
    wcxb = wcxb_pages(scale.wcxb_pages)
    if wcxb is None:
        report.skip("WCXB pages in the stage table: ../shared/train/wcxb-dev.jsonl is absent")
    else:
        corpora["WCXB pages"] = [(doc.text, doc.url) for doc, _ in wcxb]
    calibration = calibrate()
    tables = []
    for corpus, docs in corpora.items():

        def clean_all(docs: list[tuple[str, str | None]] = docs) -> int:
            for text, url in docs:
                cleaner.clean(text, url=url).to_dict()
            return len(docs)

        table = stage_table(corpus, clean_all, max(1, scale.rounds - 1), probes, calibration)
        tables.append(table)
        for stage, us in table.own.items():
            report.add("stages", f"{corpus}: {stage}", us, "µs/doc", f"{table.calls.get(stage, 0):.1f} calls/doc",
                       echo=False)  # fmt: skip
        report.add("stages", f"{corpus}: plain run", table.plain_us, "µs/doc", echo=False)
    print(format_tables(tables, probes.stages), flush=True)


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

    seconds = side_by_side(
        {"prose-run heuristic (before)": heuristic,
         "learned model (now)": lambda: [model.decide(page) for page in pages]},
        scale.rounds,
    )  # fmt: skip
    for name, spent in seconds.items():
        report.add("article finder", f"{name}, per block", spent / blocks * 1e6, "µs CPU", f"{blocks} blocks")


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


def grpc_rows(report: Report, scale: Scale, cleaner: Cleaner) -> float:
    """The gRPC rows; returns the wall seconds its first server (1 worker) took from start to SERVING."""
    import grpc
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
    from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc

    print("gRPC on loopback", flush=True)
    gc.collect()
    gc.freeze()  # the corpora above stay alive: keep their objects out of the client's collections
    seed = seed_corpus(1)[1].text
    started = time.perf_counter()
    process, port = start_server(1)
    serving = time.perf_counter() - started
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
    sample = texts[:200]
    in_process_rate = (
        len(sample) / side_by_side({"in-process": lambda: [cleaner.clean(t) for t in sample]}, 1)["in-process"]
    )
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
    return serving


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
    parser.add_argument("--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}")
    parser.add_argument("--extra-rules", metavar="N,...", help="generated rule counts of the rules section "
                        "(default: full 1000,10000; quick 1000; smoke 20)")  # fmt: skip
    args = parser.parse_args(argv)
    name = "smoke" if args.smoke else "quick" if args.quick else "full"
    scale, skip = SCALES[name], set(filter(None, args.skip.split(",")))
    if args.extra_rules:
        scale = replace(scale, extra_rules=tuple(int(n) for n in args.extra_rules.split(",")))
    report = Report(name)
    cleaner = Cleaner()
    print(f"benchmark ({name}), python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    unknown = skip - set(SECTIONS)
    if unknown:
        parser.error(f"no such section: {', '.join(sorted(unknown))}")
    if "compare" not in skip:
        compare(report, scale, cleaner)
    if "stages" not in skip:
        stages(report, scale, cleaner)
    if "finder" not in skip:
        article_finder(report, scale, cleaner)
    if "rules" not in skip:
        print("rule-count scaling", flush=True)
        docs = seed_corpus(1) + [doc for doc, _ in dev_pages()[: min(scale.dev_pages, 20)]]
        scaling.rules(report, scale.extra_rules, cleaner, docs, scale.rounds)
    if "size" not in skip:
        print("document-size scaling", flush=True)
        scaling.sizes(report, scale.sizes, scale.rounds)
    if "cores" not in skip:
        print(f"cores and memory: cleaner batch on a {scale.batch_megabytes} MB JSONL of real pages", flush=True)
        scaling.cores(report, scale.batch_megabytes)
    serving = grpc_rows(report, scale, cleaner) if "grpc" not in skip else None
    if "coldstart" not in skip:
        print("cold start", flush=True)
        if serving is None:
            serving = coldstart.time_to_serving(lambda: start_server(1)[0], stop_server)()
        coldstart.cold_start(report, scale.cold_runs, serving)
    print("\ntargets")
    for target in report.targets:
        print(
            f"  {'met ' if target['met'] else 'MISS'}  {target['target']:<60} {target['value']:>9} ({target['goal']})"
        )
    path = Path(args.json) if args.json else RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "scale": name,
                "rows": [asdict(r) for r in report.rows],
                "targets": report.targets,
                "skipped": report.skipped,
            },
            indent=2,
        )  # fmt: skip
        + "\n"
    )
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
