"""Cold start: a new process to its first cleaned document, and ``cleaner serve`` to SERVING.

``cleaner clean SEED`` and ``import cleaner`` run in new processes (CPU time
of the process, median of a few runs); ``python -X importtime -c "import
cleaner"`` names the heaviest imports (cumulative time of the packages that
``cleaner`` itself imports first). The server is timed from its start to the
health check's SERVING (wall time: its workers are other processes).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from .children import run
from .corpus import SEEDS
from .measure import Report

HEAVY_IMPORTS = 6  # imports named in the note
Server = TypeVar("Server")


def import_times() -> list[tuple[str, float]]:
    """(top-level package, cumulative seconds) of what ``import cleaner`` imports outside itself, heaviest first.

    Modules the interpreter imports at start-up (``site`` and what it brings) are left out."""
    startup = {module for module, _ in _imports("pass")}
    found: dict[str, float] = {}
    for module, seconds in _imports("import cleaner"):
        top = module.split(".")[0]
        if top != "cleaner" and module not in startup:  # a package's outermost import is its largest time
            found[top] = max(found.get(top, 0.0), seconds)
    return sorted(found.items(), key=lambda item: -item[1])


def _imports(code: str) -> list[tuple[str, float]]:
    """(module, cumulative seconds) of each import ``python -X importtime -c CODE`` reports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    found = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            found.append((parts[2].strip(), int(parts[1]) / 1e6))
    return found


def cold_start(report: Report, runs: int, serving: float) -> None:
    """The cold-start rows; ``serving``: seconds a ``cleaner serve --workers 1`` took to SERVING."""
    seed = str(SEEDS[0])
    commands = {
        "python -c 'import cleaner'": [sys.executable, "-c", "import cleaner"],
        "cleaner clean SEED (start to first cleaned document)": [sys.executable, "-m", "cleaner", "clean", seed],
        "python -c pass (the interpreter alone)": [sys.executable, "-c", "pass"],
    }
    spent: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            result = run(command)
            spent[name].append((result.cpu, result.wall))
    for name, found in spent.items():
        cpu = statistics.median(c for c, _ in found)
        wall = statistics.median(w for _, w in found)
        report.add("cold start", name, cpu, "s CPU", f"{wall:.2f} s wall")
    heavy = import_times()[:HEAVY_IMPORTS]
    report.add("cold start", "heaviest imports of 'import cleaner' (importtime, cumulative)", heavy[0][1] if heavy else 0,
               "s", ", ".join(f"{name} {seconds:.2f} s" for name, seconds in heavy))  # fmt: skip
    report.add("cold start", "cleaner serve --workers 1: start to SERVING", serving, "s wall")


def time_to_serving(start: Callable[[], Server], stop: Callable[[Server], None]) -> Callable[[], float]:
    """A function timing ``start`` (which returns once the server answers SERVING), then stopping it."""

    def timed() -> float:
        started = time.perf_counter()
        server = start()
        elapsed = time.perf_counter() - started
        stop(server)
        return elapsed

    return timed
