"""Scaling in rules, document size and cores, and memory per worker.

- Rules: the built-in packs, then with N generated realistic rules more
  (``corpus.generated_pack``): compile time in this process (cold), start-up in a
  new process twice (the first run fills any on-disk cache, the second uses
  it; both with a fresh, empty ``XDG_CACHE_HOME``), and the per-document cost
  against the built-in packs, side by side on the seeds and dev pages.
- Size: documents of 1 KB to 10 MB with the same mix of lines; CPU time per MB.
- Cores: ``cleaner batch --workers 2`` against ``--workers 1`` on one JSONL of real
  pages. The machine may be loaded, so beside the wall-time ratio the run shows
  the CPU time each spends (the batch process and its workers apart): the
  speed-up two idle cores would give is ``2 x CPU(1 worker) / CPU(2 workers, all
  processes)`` at best, and the batch process's own share is what the workers wait on.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from cleaner import Cleaner
from cleaner.rules.loading import load_pack, load_packs

from .children import run, run_cli
from .corpus import SEEDS, Doc, generated_pack, sized_documents, write_jsonl
from .measure import Report, side_by_side

RULE_COST = {1_000: 1.2, 10_000: 1.5}  # the targets: per-document cost over the built-in packs
CACHED_START_SECONDS = 10.0
SIZE_SPREAD = 1.3
WORKERS_SPEED_UP = 1.8
SIZE_LIMITS = {"max_chars": 25_000_000, "max_lines": 1_000_000, "timeout": 3600.0}

# A new process: build a cleaner with the pack, compile every rule, clean one seed.
START_UP = (
    "import sys\n"
    "from cleaner import Cleaner\n"
    "cleaner = Cleaner(rule_paths=[sys.argv[1]])\n"
    "cleaner.rules.compile_all()\n"
    "cleaner.clean(open(sys.argv[2], encoding='utf-8').read())\n"
)


def rules(report: Report, extra: Sequence[int], base: Cleaner, docs: Sequence[Doc], rounds: int) -> None:
    builtin = sum(len(p.rules) for p in load_packs([]))
    seed = str(SEEDS[0])
    for count in extra:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "generated.toml"
            path.write_text(generated_pack(count), encoding="utf-8")
            started = time.process_time()
            bigger = Cleaner(packs=[load_pack(path)])
            bigger.rules.compile_all()
            compiled = time.process_time() - started
            report.add("rules", f"+{count:,} rules: compile in this process (cold)", compiled, "s CPU")
            cache = {"XDG_CACHE_HOME": str(Path(folder) / "cache")}
            for attempt in ("first", "second"):
                spent = run([sys.executable, "-c", START_UP, str(path), seed], env=cache)
                report.add(
                    "rules", f"+{count:,} rules: start-up in a new process, {attempt}", spent.cpu, "s CPU",
                    f"{spent.wall:.1f} s wall",
                )  # fmt: skip
            goal = CACHED_START_SECONDS
            report.target(f"+{count:,} rules: cached start-up < {goal:.0f} s", spent.cpu, f"< {goal:.0f} s",
                          spent.cpu < goal)  # fmt: skip
            works: dict[str, Callable[[], object]] = {
                f"built-in packs ({builtin} rules)": partial(_clean_all, base, docs),
                f"+{count:,}": partial(_clean_all, bigger, docs),
            }
            seconds = side_by_side(works, rounds)
        base_s, more_s = seconds.values()
        report.add("rules", f"built-in packs ({builtin} rules), per document", base_s / len(docs) * 1000, "ms CPU")
        report.add("rules", f"+{count:,} rules, per document", more_s / len(docs) * 1000, "ms CPU")
        cost = more_s / base_s
        report.add("rules", f"+{count:,} rules: per-document cost", cost, "x")
        goal = RULE_COST.get(count, RULE_COST[1_000])
        report.target(f"+{count:,} rules cost < {goal}x per document", cost, f"< {goal}", cost < goal)


def sizes(report: Report, sizes: Sequence[int], rounds: int) -> None:
    """CPU ms per MB for each size, all sizes in the same interleaved rounds."""
    cleaner = Cleaner(**SIZE_LIMITS)  # type: ignore[arg-type]
    works: dict[str, Callable[[], object]] = {}
    megabytes: dict[int, float] = {}
    for size in sizes:
        docs = sized_documents(size, max(1, 400_000 // size))
        megabytes[size] = sum(doc.megabytes for doc in docs)
        works[str(size)] = partial(_clean_all, cleaner, docs)
    seconds = side_by_side(works, rounds)
    per_mb = []
    for size in sizes:
        ms_per_mb = seconds[str(size)] / megabytes[size] * 1000
        per_mb.append(ms_per_mb)
        report.add("size", f"{_size_name(size)} document", ms_per_mb, "ms/MB CPU")
    spread = max(per_mb) / min(per_mb)
    report.add("size", f"time per MB, largest / smallest ({_size_name(sizes[0])} to {_size_name(sizes[-1])})",
               spread, "x")  # fmt: skip
    report.target(f"time per MB within {SIZE_SPREAD}x ({_size_name(sizes[0])} to {_size_name(sizes[-1])})", spread,
                  f"<= {SIZE_SPREAD}", spread <= SIZE_SPREAD)  # fmt: skip


def cores(report: Report, megabytes: int) -> None:
    """``cleaner batch`` with 1 and with 2 workers on the same file of real pages."""
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "batch.jsonl", Path(folder) / "out.jsonl"
        records = write_jsonl(source, megabytes * 1_000_000)
        runs = {}
        for workers in (1, 2):
            arguments = ["batch", str(source), "-o", str(output), "--no-progress", "--allow-errors"]
            runs[workers] = run_cli([*arguments, "--workers", str(workers)])
            lines = sum(1 for _ in output.open(encoding="utf-8"))
            if lines != records:
                raise RuntimeError(f"batch wrote {lines} lines for {records} records")
    one, two = runs[1], runs[2]
    size = f"{records:,} records, {megabytes} MB"
    for workers, found in runs.items():
        report.add(
            "cores", f"--workers {workers}: {size}", megabytes / found.wall, "MB/s wall",
            f"batch process {found.cpu:.1f} s CPU, workers {found.workers_cpu:.1f} s CPU",
        )  # fmt: skip
    report.add("cores", "--workers 1: peak RSS", one.peak_mb, "MB")
    report.add("cores", "--workers 2: batch process peak RSS", two.peak_mb, "MB")
    report.add("cores", "--workers 2: peak RSS per worker", two.worker_peak_mb, "MB")
    wall = one.wall / two.wall
    total_two = two.cpu + two.workers_cpu
    idle = 2 * (one.cpu + one.workers_cpu) / total_two
    report.add("cores", "--workers 2 / --workers 1, wall time (loaded machine)", wall, "x")
    report.add("cores", "--workers 2 / --workers 1, on two idle cores at best (CPU)", idle, "x",
               f"batch process {two.cpu / total_two:.1%} of the CPU")  # fmt: skip
    report.target(f"--workers 2 >= {WORKERS_SPEED_UP}x --workers 1 (wall)", wall, f">= {WORKERS_SPEED_UP}",
                  wall >= WORKERS_SPEED_UP)  # fmt: skip
    report.target(f"--workers 2 >= {WORKERS_SPEED_UP}x --workers 1 (CPU bound)", idle, f">= {WORKERS_SPEED_UP}",
                  idle >= WORKERS_SPEED_UP)  # fmt: skip


def _clean_all(cleaner: Cleaner, docs: Sequence[Doc]) -> None:
    for doc in docs:
        cleaner.clean(doc.text, url=doc.url)


def _size_name(size: int) -> str:
    return f"{size / 1e6:g} MB" if size >= 1_000_000 else f"{size / 1e3:g} KB"
