"""Where a document's time goes: the pipeline's functions wrapped by name, their own CPU time per document.

The library holds no timing code. ``Probes`` replaces each named function or
method (``"module:Class.method"``) for the duration of a ``with`` block by a
wrapper that reads the thread's CPU clock, wherever the object is bound: the
class attribute, or every ``cleaner`` module global that is that object (a
function imported by name into another module is wrapped there too). A name
that no longer exists is listed as missing, never an error, so the table keeps
working while the pipeline's internals move (to C, to plain values); a probe
that exists but is not called is shown with 0 calls.

A stage's time is its own: the time inside its probes less the time of the
probes they call. What no probe covers is the "unattributed" row. The wrappers
cost CPU time themselves; that cost is measured on an empty function and
taken out, and the instrumented total is shown beside the plain one.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial, wraps
from types import ModuleType
from typing import Any

# (stage, probe) in the order the table shows them; one stage may have several probes.
STAGES: tuple[tuple[str, str], ...] = (
    ("input checks, attribution", "cleaner.api:Cleaner.clean"),
    ("input checks, attribution", "cleaner.api:Cleaner.document_run"),
    ("input checks, attribution", "cleaner.document.run:DocumentRun.__init__"),
    ("normalise", "cleaner.text.normalise:normalise"),
    ("segment", "cleaner.text.blocks:segment"),
    ("tokenise", "cleaner.text.tokens:tokenize"),
    ("rules: block scan", "cleaner.rules.engine:RuleSet.scan_blocks"),
    ("rules: next hit", "cleaner.rules.engine:RuleSet.next_block_hit"),
    ("rules: inline scan", "cleaner.rules.engine:RuleSet.scan_inline"),
    ("rules: applying hits", "cleaner.document.run:DocumentRun._apply_rules"),
    ("verdicts", "cleaner.document.verdicts:decide_blocks"),
    ("fragments", "cleaner.document.fragments:group_by_block"),
    ("fragments", "cleaner.document.fragments:cut"),
    ("fragments", "cleaner.document.fragments:has_content"),
    ("duplicates", "cleaner.document.dedupe:find_duplicates"),
    ("language", "cleaner.document.language:page_language"),
    ("prose-run heuristic", "cleaner.document.article:find_article"),
    ("finder: page view", "cleaner.document.run:DocumentRun.page_blocks"),
    ("finder: features", "cleaner.document.finder.features:block_features"),
    ("finder: features", "cleaner.document.finder.context:context_features"),
    ("finder: score", "cleaner.document.finder.model:ArticleModel.decide"),
    ("finder: score", "cleaner.document.finder.model:ArticleModel._rows"),
    ("finder: smoothing", "cleaner.document.finder.smoothing:viterbi"),
    ("finder: smoothing", "cleaner.document.finder.constraints:outside_run"),
    ("finder: smoothing", "cleaner.document.finder.constraints:keep_lead"),
    ("finder: reasons", "cleaner.document.finder.model:ArticleModel.reason"),
    ("finder: applying", "cleaner.document.run:DocumentRun._apply_decision"),
    ("metadata rankers", "cleaner.document.meta.extract:meta_page"),
    ("metadata rankers", "cleaner.document.meta.extract:rank_metadata"),
    ("metadata rankers", "cleaner.document.run:DocumentRun._rank_headings"),
    ("dates", "cleaner.document.meta.datefinder:find_dates"),
    ("dates", "cleaner.document.meta.datefinder:url_date"),
    ("dates", "cleaner.document.dates:parse_published"),
    ("headings", "cleaner.document.run:DocumentRun._find_headings"),
    ("headings", "cleaner.document.headings:find_headings"),
    ("headings", "cleaner.document.headings:pair"),
    ("removals", "cleaner.document.run:DocumentRun._block_removals"),
    ("removals", "cleaner.document.run:DocumentRun._fragment_removals"),
    ("metadata, result building", "cleaner.document.run:DocumentRun._collect_metadata"),
    ("metadata, result building", "cleaner.document.metadata:MetadataBuilder.build"),
    ("metadata, result building", "cleaner.document.run:DocumentRun.values"),
    ("result model", "cleaner.result:ResultValues.model"),
    ("to_dict", "cleaner.result:ResultValues.to_dict"),
    ("to_dict", "cleaner.result:CleanResult.to_dict"),
)
UNATTRIBUTED = "unattributed"


@dataclass
class Timings:
    """Own CPU nanoseconds and calls per stage, over every document run while the probes were in."""

    own: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    child_calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    outer: int = 0  # calls of probes with no probe around them


class Probes:
    """The named functions and methods, wrapped while inside ``with probes.installed():``."""

    def __init__(self, stages: Sequence[tuple[str, str]] = STAGES) -> None:
        self.stages = list(dict.fromkeys(stage for stage, _ in stages))
        self.timings = Timings()
        self.missing: list[str] = []
        self._targets: list[tuple[str, str, Any]] = []
        for stage, name in stages:
            found = _resolve(name)
            if found is None:
                self.missing.append(name)
            else:
                self._targets.append((stage, name, found))

    @contextmanager
    def installed(self) -> Iterator[Timings]:
        undo: list[Callable[[], None]] = []
        try:
            for stage, _name, (owner, attribute, original) in self._targets:
                undo.extend(_replace(owner, attribute, original, self._wrap(stage, original)))
            yield self.timings
        finally:
            for restore in reversed(undo):
                restore()

    def _wrap(self, stage: str, original: Any) -> Any:
        if isinstance(original, staticmethod | classmethod):
            return type(original)(self._wrap(stage, original.__func__))
        timings, stack, clock = self.timings, _STACK, time.thread_time_ns

        @wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame: list[Any] = [0, stage]  # the time of probes called inside, and this probe's stage
            stack.append(frame)
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = clock() - started
                stack.pop()
                timings.own[stage] += elapsed - frame[0]
                timings.calls[stage] += 1
                if stack:
                    caller = stack[-1]
                    caller[0] += elapsed
                    timings.child_calls[caller[1]] += 1
                else:
                    timings.outer += 1

        return timed

    def reset(self) -> None:
        self.timings = Timings()


_STACK: list[list[Any]] = []


def _resolve(name: str) -> tuple[Any, str, Any] | None:
    """``(owner, attribute, object)`` of ``"module:Qual.name"``, or None where any part of it is gone."""
    module_name, _, qualname = name.partition(":")
    try:
        owner: Any = importlib.import_module(module_name)
    except ImportError:
        return None
    *path, attribute = qualname.split(".")
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    found = owner.__dict__.get(attribute) if isinstance(owner, type) else getattr(owner, attribute, None)
    if found is None or not (callable(found) or isinstance(found, staticmethod | classmethod)):
        return None
    return owner, attribute, found


def _replace(owner: Any, attribute: str, original: Any, wrapper: Any) -> list[Callable[[], None]]:
    """Bind ``wrapper`` wherever ``original`` is bound: a class attribute, or every cleaner module global."""
    if isinstance(owner, type):
        setattr(owner, attribute, wrapper)
        return [lambda: setattr(owner, attribute, original)]
    undo: list[Callable[[], None]] = []
    for module in _cleaner_modules():
        for key, value in list(vars(module).items()):
            if value is original:
                setattr(module, key, wrapper)
                undo.append(partial(setattr, module, key, original))
    return undo


def _cleaner_modules() -> list[ModuleType]:
    return [m for name, m in list(sys.modules.items()) if m is not None and name.split(".")[0] == "cleaner"]


@dataclass(frozen=True)
class StageTable:
    """Own CPU µs per document of each stage, for one corpus; ``plain_us`` measured without probes."""

    corpus: str
    documents: int
    own: dict[str, float]
    calls: dict[str, float]
    plain_us: float
    instrumented_us: float
    overhead_us: float


def calibrate(rounds: int = 20_000) -> tuple[float, float]:
    """CPU ns a probe adds inside itself and to its caller, per call (measured on an empty function)."""
    probes = Probes(())

    def empty() -> None:
        return None

    inner = probes._wrap("inner", empty)

    def outer() -> None:
        for _ in range(rounds):
            inner()

    wrapped_outer = probes._wrap("outer", outer)
    bare_started = time.thread_time_ns()
    for _ in range(rounds):
        empty()
    bare = time.thread_time_ns() - bare_started
    wrapped_outer()
    timings = probes.timings
    inside = timings.own["inner"] / rounds
    caller = max(0.0, (timings.own["outer"] - bare) / rounds)
    return inside, caller


def stage_table(
    corpus: str, clean_all: Callable[[], int], rounds: int, probes: Probes, calibration: tuple[float, float]
) -> StageTable:
    """Time ``clean_all`` (which cleans a corpus and returns its document count) in interleaved rounds:
    plain, then with the probes in; the median plain round, the mean instrumented one per stage."""
    inside, caller = calibration
    documents = clean_all()  # warm-up
    plain: list[float] = []
    instrumented: list[float] = []
    probes.reset()
    for _ in range(rounds):
        started = time.thread_time_ns()
        clean_all()
        plain.append(time.thread_time_ns() - started)
        with probes.installed():
            started = time.thread_time_ns()
            clean_all()
            instrumented.append(time.thread_time_ns() - started)
    timings = probes.timings
    runs = rounds * documents
    own: dict[str, float] = {}
    for stage in probes.stages:
        corrected = timings.own.get(stage, 0) - inside * timings.calls.get(stage, 0)
        corrected -= caller * timings.child_calls.get(stage, 0)
        own[stage] = max(0.0, corrected) / runs / 1000
    overhead = (inside + caller) * (sum(timings.calls.values())) / runs / 1000
    plain_us = sorted(plain)[len(plain) // 2] / documents / 1000
    instrumented_us = sum(instrumented) / runs / 1000
    own[UNATTRIBUTED] = max(0.0, instrumented_us - overhead - sum(own.values()))
    calls = {stage: timings.calls.get(stage, 0) / runs for stage in probes.stages}
    return StageTable(corpus, documents, own, calls, plain_us, instrumented_us, overhead)


def format_tables(tables: Sequence[StageTable], stages: Sequence[str]) -> str:
    """One column per corpus: µs per document and share of the attributed time, then the totals."""
    width = 28
    head = f"  {'stage':<{width}}" + "".join(f"{t.corpus + f' ({t.documents})':>26}" for t in tables)
    lines = [head, f"  {'':<{width}}" + "".join(f"{'µs/doc   share  calls':>26}" for _ in tables)]
    for stage in [*stages, UNATTRIBUTED]:
        cells = []
        for table in tables:
            total = sum(table.own.values()) or 1.0
            us = table.own.get(stage, 0.0)
            calls = table.calls.get(stage)
            call_text = f"{calls:7.1f}" if calls is not None else "       "
            cells.append(f"{us:>10.1f} {us / total:>6.1%} {call_text}")
        lines.append(f"  {stage:<{width}}" + "".join(f"{cell:>26}" for cell in cells))
    totals: dict[str, Callable[[StageTable], float]] = {
        "sum of stages": lambda t: sum(t.own.values()),
        "plain run (no probes)": lambda t: t.plain_us,
        "instrumented run": lambda t: t.instrumented_us,
        "probe overhead (taken out)": lambda t: t.overhead_us,
    }
    for label, pick in totals.items():
        lines.append(f"  {label:<{width}}" + "".join(f"{pick(t):>10.1f}{'':16}" for t in tables))
    return "\n".join(lines)
