"""What the metadata rankers know of a page: every block, with the facts computed once per page.

Built from what the pipeline already has (no second normalisation, no second
tokenisation): the blocks' texts and tokens after the rules, each block's rule
verdict (bylines and dates the rules removed included), the article finder's
decision (which blocks it keeps, each candidate's probability and feature rows)
and the prose-run heuristic's classes. On top of those, once per page: the
dates each line prints, the byline labels, and a few anchors (the article's first
block, the first prose).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import regex

from ..finder.page import PageBlocks
from .datefinder import DateMatch, find_dates, may_hold_date, url_date
from .names import MAX_LABEL_LINE, Label, find_labels, is_byline, may_hold_label

Row = tuple[float, ...]
LONG_PROSE = 30
NO_DISTANCE = 99
META_RULES = frozenset({"byline", "date", "dateline"})


@dataclass(frozen=True, slots=True)
class FinderView:
    """The article finder's decision on the page: kept blocks, probabilities, and its rows by block index."""

    keep: Sequence[bool]
    probabilities: dict[int, float]
    rows: dict[int, tuple[Row, Row]]
    names: Sequence[str]
    """The names of a row's columns: the finder's block features, then its context features."""


@dataclass(slots=True)
class MetaPage:
    blocks: PageBlocks
    raw: Sequence[str]
    """Each block's line before strip rules cut fragments out (dates and bylines are read there)."""
    finder: FinderView
    start: int
    """The article's first block (the first one the finder keeps)."""
    end: int
    run_start: int
    first_prose: int
    first_long: int
    dates: dict[int, list[DateMatch]]
    date_lines: list[int]
    labels: dict[int, list[Label]]
    byline_lines: list[int]
    slug: frozenset[str]
    url_date: tuple[int, int, int] | None
    anchors: tuple[int, ...]
    title: int = -1
    """The chosen title's block, once chosen: the authors' and dates' anchor."""
    title_text: str = ""
    keys: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.raw)

    @property
    def anchor(self) -> int:
        return self.title if self.title >= 0 else self.start

    def key(self, index: int) -> str:
        found = self.keys.get(index)
        if found is None:
            found = self.keys[index] = " ".join(self.blocks.tokens[index])
        return found

    def near_date(self, index: int) -> int:
        return _distance(self.date_lines, index)

    def near_byline(self, index: int, exclude_self: bool = False) -> int:
        return _distance(self.byline_lines, index, index if exclude_self else -1)

    def is_prose(self, index: int) -> bool:
        return self.blocks.classes[index] in ("prose", "sentence")


def build_page(blocks: PageBlocks, raw: Sequence[str], finder: FinderView) -> MetaPage:
    count = len(raw)
    keep, classes, tokens = finder.keep, blocks.classes, blocks.tokens
    kept = [i for i in range(count) if keep[i]]
    in_run = [i for i in range(count) if blocks.in_run[i] and classes[i]]
    start = kept[0] if kept else (in_run[0] if in_run else 0)
    end = kept[-1] if kept else (in_run[-1] if in_run else count - 1)
    first_prose = next((i for i in range(count) if classes[i] == "prose"), start)
    first_long = next((i for i in range(count) if classes[i] == "prose" and len(tokens[i]) >= LONG_PROSE), first_prose)
    run_start = in_run[0] if in_run else start
    dates: dict[int, list[DateMatch]] = {}
    labels: dict[int, list[Label]] = {}
    bylines: list[int] = []
    language, stop, rules = blocks.language, blocks.stopwords, blocks.rule
    for i, line in enumerate(raw):
        if may_hold_date(line):
            found = find_dates(line)
            if found:
                dates[i] = found
        if len(line) <= MAX_LABEL_LINE and may_hold_label(tokens[i]):
            found_labels = find_labels(line, raw[i + 1] if i + 1 < count else "", language, stop)
            if found_labels:
                labels[i] = found_labels
                if found_labels[0].start == 0 or is_byline(line, stop):
                    bylines.append(i)
                    continue
        if rules[i] == "byline":
            bylines.append(i)
    anchors = tuple(sorted({start, run_start, first_prose, first_long}))
    return MetaPage(
        blocks,
        raw,
        finder,
        start,
        end,
        run_start,
        first_prose,
        first_long,
        dates,
        sorted(dates),
        labels,
        bylines,
        slug_words(blocks.url),
        url_date(blocks.url),
        anchors,
    )


_SLUG_WORD = regex.compile(r"[^\W\d_]{2,}")


def slug_words(url: str | None) -> frozenset[str]:
    """The words of the URL path's longest segment (the slug; sections and ids weigh nothing)."""
    if not url:
        return frozenset()
    segments = [segment for segment in unquote(urlsplit(url).path).split("/") if segment]
    if not segments:
        return frozenset()
    slug = max(segments, key=lambda segment: len(_SLUG_WORD.findall(segment)))
    return frozenset(word.casefold() for word in _SLUG_WORD.findall(slug))


def _distance(positions: list[int], index: int, exclude: int = -1) -> int:
    """Lines from ``index`` to the nearest of the sorted ``positions`` (``NO_DISTANCE`` when none)."""
    k = bisect_left(positions, index)
    best = NO_DISTANCE
    for j in (k - 2, k - 1, k, k + 1):
        if 0 <= j < len(positions) and positions[j] != exclude:
            best = min(best, abs(positions[j] - index))
    return best


def log_distance(d: int) -> float:
    return math.copysign(math.log1p(abs(d)), d)
