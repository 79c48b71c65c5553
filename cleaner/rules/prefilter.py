"""One Hyperscan scan of a document's text: which block rules can match which line.

Each regex block rule that cannot consume a line break gets a line-anchored
expression (``translate``) that matches a superset of its matches; the
expressions are compiled into one Hyperscan database, scanned once per
document. A rule reported for a line *may* match it; the engine confirms
with the rule's own ``regex`` pattern, so a report never decides anything
by itself. Compiling takes seconds for thousands of rules: the database is
kept on disk (``cache``), keyed by every expression, the translation version
and the Hyperscan version.

Used when the ``hyperscan`` module imports, unless ``CLEANER_PREFILTER=0``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from . import cache
from .translate import VERSION

hyperscan: ModuleType | None
try:
    import hyperscan
except ImportError:  # the pure-Python dispatch is used instead
    hyperscan = None

ENVIRONMENT = "CLEANER_PREFILTER"
FLAGS = (
    0 if hyperscan is None else hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_PREFILTER
)
MIN_CACHED_SECONDS = 0.05
"""Databases quicker to compile than this are not kept on disk (a one-rule check, a test's pack)."""


def enabled(choice: bool | None = None) -> bool:
    """Whether to prefilter: ``choice`` if given, else unless ``CLEANER_PREFILTER=0``; never without hyperscan."""
    wanted = os.environ.get(ENVIRONMENT, "1").strip() != "0" if choice is None else choice
    return wanted and hyperscan is not None


class Prefilter:
    """A compiled database of rule expressions; safe to share between threads (one scratch space each)."""

    def __init__(self, expressions: Mapping[int, str]) -> None:
        """``expressions``: Hyperscan expressions by rule index; those Hyperscan refuses end in ``refused``."""
        assert hyperscan is not None
        self._local = threading.local()
        self.compile_seconds = 0.0
        self.cached = False
        self.refused: frozenset[int] = frozenset()
        self._database: Any = self._load(dict(expressions)) if expressions else None

    def lines(self, text: str) -> dict[int, list[int]]:
        """Rule indices reported at each line end (an offset into ``text``)."""
        if self._database is None:
            return {}
        data = text.encode("utf-8", "surrogatepass")  # the expressions take any byte sequence for a lone surrogate
        reports: list[tuple[int, int]] = []
        self._database.scan(data, match_event_handler=_collect, context=reports, scratch=self._scratch())
        found: dict[int, list[int]] = {}
        # Only line ends can end a block (a prefilter may report elsewhere); byte offsets become text offsets.
        ends = {end for end, _ in reports if data[end : end + 1] in (b"\n", b"")}
        offsets = dict(zip(ends, ends, strict=True)) if len(data) == len(text) else _text_offsets(data, ends)
        for end, index in reports:
            if end in offsets:
                found.setdefault(offsets[end], []).append(index)
        return found

    def _scratch(self) -> object:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            assert hyperscan is not None
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch

    def _load(self, expressions: dict[int, str]) -> object:
        assert hyperscan is not None
        key = _key(expressions)
        stored = cache.read(key)
        if stored is not None:
            header, _, blob = stored.partition(b"\n")
            try:
                database = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
                self.refused = frozenset(json.loads(header))
            except (hyperscan.error, ValueError):
                pass
            else:
                self.cached = True
                return database
        started = time.process_time()
        database, refused = _compile(expressions)
        self.compile_seconds = time.process_time() - started
        self.refused = frozenset(refused)
        if database is not None and self.compile_seconds >= MIN_CACHED_SECONDS:
            cache.write(key, json.dumps(sorted(refused)).encode() + b"\n" + hyperscan.dumpb(database))
        return database


def _compile(expressions: dict[int, str]) -> tuple[object | None, list[int]]:
    """The database of every expression Hyperscan takes, and the indices of those it refuses."""
    assert hyperscan is not None
    try:
        return _database(expressions), []
    except hyperscan.error:
        pass
    refused = []
    for index, expression in expressions.items():
        try:
            _database({index: expression})
        except hyperscan.error:
            refused.append(index)
    taken = {index: expression for index, expression in expressions.items() if index not in refused}
    return (_database(taken) if taken else None), refused


def _database(expressions: dict[int, str]) -> object:
    assert hyperscan is not None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[expression.encode("ascii") for expression in expressions.values()],
        ids=list(expressions),
        elements=len(expressions),
        flags=[FLAGS] * len(expressions),
    )
    return database


def _key(expressions: dict[int, str]) -> str:
    assert hyperscan is not None
    engine = getattr(hyperscan, "_hs_ext", None)
    versions = [VERSION, hyperscan.__version__, str(getattr(engine, "__version__", "")), FLAGS]
    payload = json.dumps([versions, sorted(expressions.items())], ensure_ascii=True).encode()
    return f"prefilter-{hashlib.sha256(payload).hexdigest()}.hsdb"


def _text_offsets(data: bytes, ends: set[int]) -> dict[int, int]:
    """Each byte offset in ``ends`` (all at line ends) as an offset into the decoded text."""
    offsets: dict[int, int] = {}
    previous = position = 0
    for end in sorted(ends):
        position += len(data[previous:end].decode("utf-8", "surrogatepass"))
        previous = end
        offsets[end] = position
    return offsets


def _collect(index: int, start: int, end: int, flags: int, reports: list[tuple[int, int]]) -> None:
    reports.append((end, index))
