"""Title candidates and their features.

Candidates are the blocks near the page's anchors (the article's first block,
the heuristic's run, the first prose, the first long prose) and the first few
blocks of the page, plus parts of them: the pieces of a line split at " | ",
" - ", " · ", ..., the last part of a breadcrumb ("Home / Blog / Headline") and
a line without the date it starts or ends with ("Dec 18 2025 Headline"). A
byline ("By Jane Doe", "Von Hans Müller", in any language the labels know) or a
line that is only a date is never a candidate, nor is a line that ends as a
sentence or a label does (``.``, ``,``, ``;``, ``:``) or one a rule took for a caption.

Each candidate's row is ``TITLE_FEATURES`` (its position against the anchors, its
shape, the dates and bylines around it, its cover of the URL slug, its words in
the article's first lines, which part of a line it is) followed by the article
finder's row of its block (block features and context), so the ranker sees all
the finder saw. Where the C extension is on (``cleaner.native``), it computes the
block and text rows, bit for bit as the Python code here does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from ... import native
from ...text.tokens import tokenize
from .names import LABEL_WORDS, is_byline, looks_like_name, trim
from .page import MetaPage, Row, log_distance

BEFORE = 40  # blocks before an anchor searched
AFTER = 6  # and after it
TOP = 8  # the first blocks of the page are always searched
MAX_CHARS = 300
MAX_WORDS = 40
LEDE_TOKENS = 80
BODY_TOKENS = 800
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|«|/|:)\s+")
_SEPARATOR_CHARS = frozenset("|-–—·•:»«/")
_CRUMB = re.compile(r"\s*(?:/|»|›|>|→|\\)\s*")
_CRUMB_CHARS = frozenset("/»›>→\\")
_CRUMB_HOME = re.compile(r"^(?:home|homepage|start|inicio|accueil|startseite|главная)\s*(?:/|»|›|>|→|\|)", re.I)
_UNFINISHED = ".,;:"
_CLOSERS = "\"'”’)]"

BLOCK = [
    "d_start", "d_start_abs", "before_start", "at_start", "d_start_m1", "d_start_m2_3", "d_start_m4_8",
    "d_run", "d_prose", "d_long", "ahead_1", "ahead_2_3", "ahead_4_10", "ahead_log", "anchors_ahead",
    "line_index", "pos_frac", "top", "headline_rank", "headline_rank0", "kept", "no_row",
    "rule_none", "rule_duplicate", "rule_other",
    "date_self", "date_prev", "date_next", "date_after", "date_before", "date_near",
    "byline_self", "byline_prev", "byline_next", "byline_after", "byline_before", "byline_near",
    "prose_after", "prose_after_0", "prose_before", "short_before", "short_after", "next_prose", "prev_short",
    "next_standfirst", "prev_same",
]  # fmt: skip
TEXT = [
    "words", "words_1", "words_2", "words_3_12", "words_13_20", "words_21p", "chars", "title_case", "all_caps",
    "ends_punct", "ends_q", "has_digit", "starts_digit", "has_colon", "url_like", "name_like", "label_word",
    "slug_cover", "line_cover", "slug_full", "slug_none", "no_slug", "in_lede", "in_body", "in_body_0",
    "no_content_words", "crumb_line", "segment", "seg_first", "seg_last", "n_segments", "crumb_part",
    "date_stripped",
]  # fmt: skip
OWN = BLOCK + TEXT
RELATIVE = ["slug_cover", "in_lede", "in_body"]
TITLE_FEATURES = OWN + [f"{name}_best" for name in RELATIVE] + [f"{name}_gap" for name in RELATIVE]
_RELATIVE_AT = [OWN.index(name) for name in RELATIVE]


@dataclass(frozen=True, slots=True)
class TitleCandidate:
    index: int
    text: str
    row: Row


def window(page: MetaPage) -> list[int]:
    """The blocks searched: near each anchor and the first few of the page."""
    count = len(page)
    wanted = set(range(min(count, TOP)))
    for anchor in page.anchors:
        wanted.update(range(max(0, anchor - BEFORE), min(count, anchor + AFTER + 1)))
    return sorted(wanted)


def title_candidates(page: MetaPage, finder_columns: list[int] | None, width: int) -> list[TitleCandidate]:
    """Every candidate with its row: ``TITLE_FEATURES``, then ``width`` columns of the finder's row of its block
    (``finder_columns`` picks them; ``None``: the whole row as it is)."""
    blocks = page.blocks
    texts, tokens, stop = blocks.texts, blocks.tokens, blocks.stopwords
    searched = window(page)
    context = _Context(page, searched)
    missing: Row = (0.0,) * width
    found: list[tuple[int, str, list[float]]] = []
    for i in searched:
        text = texts[i]
        words = tokens[i]
        if len(text) > MAX_CHARS or len(words) > MAX_WORDS or not words:
            continue
        line = trim(text.removeprefix("• "))
        if not line or not any(map(str.isalpha, line)) or _sentence(text) or blocks.rule[i] == "caption":
            continue
        if (words[0] in LABEL_WORDS or len(words) > 1 and words[1] in LABEL_WORDS) and is_byline(line, stop):
            continue
        dated = page.dates.get(i)
        if dated and _date_only(text, dated[0].start, dated[-1].end):
            continue
        base = context.block(i)
        found.append((i, line, base + context.text(i, line, words, -1, 0)))
        if dated and (dated[0].start <= 1 or dated[-1].end >= len(text) - 1):  # "Dec 18 2025 Headline"
            rest = trim((text[dated[0].end :] if dated[0].start <= 1 else text[: dated[-1].start]).strip())
            if len(rest.split()) >= 2:
                features = base + context.text(i, rest, tokenize(rest), 0, 2)
                features[-1] = 1.0
                found.append((i, rest, features))
        if not _CRUMB_CHARS.isdisjoint(line):
            crumbs = breadcrumb(line)
            if crumbs:
                last = trim(crumbs[-1])
                if last and last != line:
                    features = base + context.text(i, last, tokenize(last), len(crumbs) - 1, len(crumbs))
                    features[-2] = 1.0
                    found.append((i, last, features))
        if not _SEPARATOR_CHARS.isdisjoint(line):
            parts = [part for part in _SEPARATORS.split(line) if part.strip()]
            if len(parts) > 1:
                for s, part in enumerate(parts):
                    part = trim(part)
                    if len(part.split()) >= 2:
                        found.append((i, part, base + context.text(i, part, tokenize(part), s, len(parts))))
    best = [max((f[k] for _, _, f in found), default=0.0) for k in _RELATIVE_AT]
    relative = list(zip(_RELATIVE_AT, best, strict=True))
    out = []
    rows = page.finder.rows
    tails: dict[int, Row] = {}
    for i, text, features in found:
        extra = [1.0 if b > 0 and features[k] == b else 0.0 for k, b in relative]
        gaps = [b - features[k] for k, b in relative]
        tail = tails.get(i)
        if tail is None:
            tail = tails[i] = _finder_tail(rows.get(i), finder_columns, missing)
        out.append(TitleCandidate(i, text, (*features, *extra, *gaps, *tail)))
    return out


def _finder_tail(pair: tuple[Row, Row] | None, finder_columns: list[int] | None, missing: Row) -> Row:
    """The finder's row of a block as the title row's tail (``missing`` where the finder has none)."""
    if pair is None:
        return missing
    if finder_columns is None:
        return pair[0] + pair[1]
    row = pair[0] + pair[1]
    return tuple(row[c] if c >= 0 else 0.0 for c in finder_columns)


class _Context:
    """Per-page facts the title features read, computed once over the searched blocks."""

    def __init__(self, page: MetaPage, searched: list[int]) -> None:
        self.page = page
        blocks = page.blocks
        count = len(page)
        self.count = count
        low, high = (searched[0], searched[-1]) if searched else (0, -1)
        self.low = max(0, low - 10)
        high = min(count, high + 12)
        classes, tokens = blocks.classes, blocks.tokens
        self.prose = [0]
        self.short = [0]
        for i in range(self.low, high):
            c = classes[i]
            self.prose.append(self.prose[-1] + (len(tokens[i]) if c == "prose" or c == "sentence" else 0))
            self.short.append(self.short[-1] + (1 if c == "short" else 0))
        self.headline_rank: dict[int, int] = {}
        seen = 0
        for i in range(min(page.start, count) - 1, self.low - 1, -1):
            self.headline_rank[i] = seen
            seen += classes[i] == "headline"
        stop = blocks.stopwords
        lede: set[str] = set()
        body: set[str] = set()
        size = 0
        keep = page.finder.keep
        for i in range(page.start, count):
            if keep[i]:
                words = tokens[i]
                if size < LEDE_TOKENS:
                    lede.update(words)
                body.update(words)
                size += len(words)
                if size >= BODY_TOKENS:
                    break
        self.lede, self.body = lede, body
        self.stop = stop or frozenset()
        self.slug = page.slug
        self.rules, self.classes, self.texts, self.tokens = blocks.rule, classes, blocks.texts, tokens
        self.dated = _running_count(count, page.dates)
        self.bylined = _running_count(count, page.byline_lines)
        self.rows: dict[int, list[float]] | None = None
        built = native.extension()
        if built is not None:
            computed = built.title_blocks(
                searched, count, page.start, page.run_start, page.first_prose, page.first_long, page.anchors, TOP,
                self.headline_rank, blocks.rule, classes, blocks.texts, tokens, list(keep), page.finder.rows,
                self.dated, self.bylined, self.prose, self.short, self.low,
            )  # fmt: skip
            self.rows = dict(zip(searched, computed, strict=True))

    def _prose(self, a: int, b: int) -> int:
        a, b = max(a, self.low), min(b, self.low + len(self.prose) - 1)
        return self.prose[b - self.low] - self.prose[a - self.low] if b > a else 0

    def _short(self, a: int, b: int) -> int:
        a, b = max(a, self.low), min(b, self.low + len(self.short) - 1)
        return self.short[b - self.low] - self.short[a - self.low] if b > a else 0

    def block(self, i: int) -> list[float]:
        """The features of the candidate's block (the same for every part of the line; the caller copies them)."""
        if self.rows is not None:
            return self.rows[i]
        page = self.page
        count = self.count
        start = page.start
        d = i - start
        ahead = [a - i for a in page.anchors if a > i]
        nearest = min(ahead) if ahead else 99
        rank = self.headline_rank.get(i, 0)
        rule = self.rules[i]
        classes = self.classes
        prose_after = self._prose(i + 1, i + 11)
        next_words = len(self.texts[i + 1].split()) if i + 1 < count else 0
        return [
            log_distance(d),
            math.log1p(abs(d)),
            float(d < 0),
            float(d == 0),
            float(d == -1),
            float(-3 <= d <= -2),
            float(-8 <= d <= -4),
            log_distance(i - page.run_start),
            log_distance(i - page.first_prose),
            log_distance(i - page.first_long),
            float(nearest == 1),
            float(2 <= nearest <= 3),
            float(4 <= nearest <= 10),
            math.log1p(nearest),
            float(len(ahead)),
            math.log1p(i),
            i / max(1, count),
            float(i < TOP),
            math.log1p(rank),
            float(rank == 0 and d < 0),
            float(page.finder.keep[i]),
            float(i not in page.finder.rows),
            float(rule == ""),
            float(rule == "duplicate"),
            float(rule not in ("", "duplicate")),
            *_around(self.dated, i),
            *_around(self.bylined, i),
            math.log1p(prose_after),
            float(prose_after == 0),
            math.log1p(self._prose(i - 10, i)),
            self._short(i - 5, i) / 5,
            self._short(i + 1, i + 6) / 5,
            float(i + 1 < count and classes[i + 1] == "prose"),
            float(i > 0 and classes[i - 1] == "short"),
            float(8 <= next_words <= 60),
            float(i > 0 and self.tokens[i - 1] == self.tokens[i]),
        ]

    def text(self, i: int, text: str, words: list[str], segment: int, segments: int) -> list[float]:
        """The features of the candidate's own text (a whole line, or a part of it)."""
        built = native.extension()
        if built is not None:
            row: list[float] = built.title_text(
                text, words, segment, segments, self.stop, self.slug, self.lede, self.body, LABEL_WORDS,
                looks_like_name, breadcrumb,
            )  # fmt: skip
            return row
        count = len(words)
        alpha = [w for w in text.split() if w[:1].isalpha()]
        stop = self.stop
        title_case = bool(alpha) and count >= 2 and not any(w[:1].islower() and w.casefold() not in stop for w in alpha)
        last = text.rstrip(_CLOSERS)[-1:]
        slug = self.slug
        unique = set(words)
        covered = len(unique & slug) if slug else 0
        content = [w for w in words if len(w) > 2 and w not in stop and not w.isdigit()]
        lede, body = self.lede, self.body
        in_lede = len([w for w in content if w in lede]) / len(content) if content else 0.0
        in_body = len([w for w in content if w in body]) / len(content) if content else 0.0
        slug_cover = covered / len(slug) if slug else 0.0
        crumbs = segment < 0 and not _CRUMB_CHARS.isdisjoint(text) and bool(breadcrumb(text))
        return [
            min(count, 40) / 10,
            float(count == 1),
            float(count == 2),
            float(3 <= count <= 12),
            float(13 <= count <= 20),
            float(count >= 21),
            min(len(text), 300) / 100,
            float(title_case),
            float(bool(alpha) and text.upper() == text),
            float(bool(last) and last in _UNFINISHED),
            float(last in ("?", "!")),
            float(any(map(str.isdigit, text))),
            float(text[:1].isdigit()),
            float(":" in text),
            float("://" in text or text.startswith("www.") or "@" in text),
            float(count <= 6 and looks_like_name(text.split(",")[0])),
            float(bool(words) and words[0] in LABEL_WORDS),
            slug_cover,
            covered / len(unique) if slug and unique else 0.0,
            float(slug_cover >= 0.99),
            float(bool(slug) and covered == 0),
            float(not slug),
            in_lede,
            in_body,
            float(bool(content) and in_body == 0),
            float(not content),
            float(crumbs),
            float(segment >= 0),
            float(segment == 0),
            float(segment >= 0 and segment == segments - 1),
            float(min(segments, 5)) if segment >= 0 else 0.0,
            0.0,  # crumb_part: set by the caller
            0.0,  # date_stripped: set by the caller
        ]


def _running_count(count: int, flagged: Iterable[int]) -> list[int]:
    """``sums[k]``: how many of the lines ``flagged`` are before line ``k`` (``k`` up to ``count``)."""
    marks = [0] * count
    for index in flagged:
        marks[index] = 1
    return [0, *accumulate(marks)]


def _around(sums: list[int], i: int) -> tuple[float, float, float, float, float, float]:
    """Whether a flagged line is line ``i``, the one before, the one after, among the 4 after, the 4 before,
    within 3 lines (``sums``: from ``_running_count``; lines off the page are not flagged)."""
    top = len(sums) - 1
    at = sums[i]
    after, after2, after5, after4 = (sums[min(i + k, top)] for k in (1, 2, 5, 4))
    before, before4, before3 = (sums[max(i - k, 0)] for k in (1, 4, 3))
    return (
        float(after > at),
        float(at > before),
        float(after2 > after),
        float(after5 > after),
        float(at > before4),
        float(after4 > before3),
    )


def breadcrumb(line: str) -> list[str]:
    """The parts of a breadcrumb line ("Home / Blog / Title", "Home » Section » Title"), else []."""
    if len(line) > 250 or "://" in line:
        return []
    parts = [part.strip() for part in _CRUMB.split(line) if part.strip()]
    if _CRUMB_HOME.match(line) and len(parts) >= 2:
        return parts
    if len(parts) >= 3 and all(len(part.split()) <= 12 for part in parts):
        return parts
    return []


def _sentence(line: str) -> bool:
    """A line ending as a sentence or a clause does (an ellipsis aside): never a title."""
    end = line.rstrip(_CLOSERS + " ")
    return end[-1:] in (".", ",", ";", ":") and not end.endswith("..")


def _date_only(line: str, start: int, end: int) -> bool:
    """A line that is a date and at most one other word ("20 Dec 2025, 11:59", "Updated: 10/31/2024")."""
    rest = line[:start] + " " + line[end:]
    return sum(1 for word in rest.split() if sum(c.isalpha() for c in word) >= 2) <= 1
