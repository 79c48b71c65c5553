"""How the benchmark times work and records rows: CPU time, interleaved rounds, medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


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
    skipped: list[str] = field(default_factory=list)

    def add(self, section: str, name: str, value: float, unit: str, note: str = "", *, echo: bool = True) -> float:
        self.rows.append(Row(section, name, value, unit, note))
        if echo:
            print(f"  {name:<58} {value:>12.2f} {unit:<10} {note}", flush=True)
        return value

    def target(self, name: str, value: float, goal: str, met: bool) -> None:
        self.targets.append({"target": name, "value": round(value, 3), "goal": goal, "met": met})

    def skip(self, what: str) -> None:
        """A part that could not run here (missing data or package), said once and recorded."""
        print(f"  skipped: {what}", flush=True)
        self.skipped.append(what)


def cpu_seconds(work: Callable[[], object]) -> float:
    """The CPU time of this process that ``work`` takes."""
    started = time.process_time()
    work()
    return time.process_time() - started


def side_by_side(works: Mapping[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median CPU seconds of each work, measured in interleaved rounds (A, B, A, B, ...) after one warm-up each.

    Interleaving spreads the machine's other load over every work alike, so the
    ratios of the medians hold even where the absolute figures drift.
    """
    for work in works.values():
        work()
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(rounds):
        for name, work in works.items():
            times[name].append(cpu_seconds(work))
    return {name: statistics.median(found) for name, found in times.items()}
