"""Date candidates and their features.

Candidates: every date the page prints (``datefinder``; an ambiguous numeric date
in both readings), at most ``MAX_CANDIDATES`` of them nearest the title, and the
date in the URL's path. Features: the date's form, whether a time is given,
the words before it (published / updated / © / joined / from-to), whether its
line is only the date or looks like a comment, the bylines near it, where it
stands against the title and the article, how often the page prints that day,
whether it is the page's earliest or latest, whether the URL agrees, and the
page's evidence for day-first or month-first numeric dates.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ...rules.schema import Category
from .datefinder import DateMatch
from .page import MetaPage, Row, log_distance

MAX_CANDIDATES = 80
_PUBLISHED = re.compile(
    r"(?:published|posted|first published|publication date|date|released|created|written|"
    r"veröffentlicht|publié|publicado|pubblicato|gepubliceerd|on)\s*(?:on|:|at)?\s*:?\s*$",
    re.I,
)
_UPDATED = re.compile(
    r"(?:updated|last updated|modified|last modified|revised|reviewed|edited|last edited|"
    r"aktualisiert|mis à jour|actualizado|aggiornato|bijgewerkt)\s*(?:on|:|at)?\s*:?\s*$",
    re.I,
)
_UPDATED_WORDS = frozenset({"updated", "modified", "revised", "aktualisiert", "actualizado", "aggiornato"})
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)
_JOINED = re.compile(r"(?:joined|member since|registered|since)\s*:?\s*$", re.I)
_STARTED = re.compile(r"(?:start date|started|asked|opened)\s*:?\s*$", re.I)
_RANGE = re.compile(r"(?:from|until|through|to|deadline|expires?|valid|ends?|starts?|event|-|–)\s*:?\s*$", re.I)
_COMMENTISH = frozenset({"says", "said", "reply", "replies", "replied", "wrote", "comment", "comments", "ago"})

DATE_FEATURES = [
    "src_url", "full", "month_only", "k_mdy", "k_dmy", "k_iso", "k_num", "has_time", "line_only_date",
    "line_short", "line_words", "cls_prose", "ambiguous", "swapped", "page_dayfirst", "page_monthfirst",
    "reading_agrees", "lab_published", "lab_updated", "lab_updated_line", "lab_copyright", "lab_join", "lab_start",
    "lab_range", "commentish", "rule_date", "rule_byline", "rule_none", "byline_same", "byline_near",
    "first_on_line", "n_on_line", "d_anchor", "d_anchor_abs", "near_anchor3", "near_anchor10", "after_anchor",
    "r_after0", "r_after", "rank", "rank0", "inside_article", "after_article", "pos_frac", "day_repeats",
    "n_distinct", "is_earliest", "is_latest", "year_gap", "url_agrees", "url_disagrees", "near_start",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class DateCandidate:
    value: str
    """``YYYY-MM-DD`` (or ``YYYY-MM``)."""
    index: int
    """Its block, -1 for the URL's date."""
    match: DateMatch | None
    row: Row


def date_candidates(page: MetaPage) -> list[DateCandidate]:
    anchor = page.anchor
    items = [(i, d) for i in page.date_lines for d in page.dates[i]]
    if len(items) > MAX_CANDIDATES:  # the ones nearest the title
        items.sort(key=lambda item: abs(item[0] - anchor))
        items = sorted(items[:MAX_CANDIDATES], key=lambda item: (item[0], item[1].start))
    day_counts: dict[str, int] = {}
    for _, d in items:
        if d.day:
            day_counts[d.iso] = day_counts.get(d.iso, 0) + 1
    isos = sorted(day_counts)
    max_year = max((d.year for _, d in items), default=0)
    dayfirst = monthfirst = 0.0
    for _, d in items:
        if d.kind == "num" and not d.ambiguous and d.day > 12:
            if d.first == d.day:
                dayfirst = 1.0
            elif d.first == d.month:
                monthfirst = 1.0
    url = page.url_date
    url_iso = None if url is None else f"{url[0]:04d}-{url[1]:02d}" + (f"-{url[2]:02d}" if url[2] else "")
    out: list[DateCandidate] = []
    after_rank = 0
    count = len(page)
    raw, rules, classes = page.raw, page.blocks.rule, page.blocks.classes
    for rank, (i, d) in enumerate(items):
        line = raw[i]
        before = line[: d.start]
        previous = raw[i - 1] if i > 0 else ""
        label = (before if before.strip() else previous)[-40:]
        d_anchor = i - anchor
        if d_anchor >= 0:
            r_after = after_rank
            after_rank += 1
        else:
            r_after = -1
        same_line = page.dates[i]
        words = line.split()
        folded = {word.casefold().strip(".,:;") for word in words}
        rule = rules[i]
        reading = d.ambiguous and ((d.day == d.first and dayfirst > 0) or (d.month == d.first and monthfirst > 0))
        row = (
            0.0,
            float(bool(d.day)),
            float(not d.day),
            float(d.kind == "mdy"),
            float(d.kind == "dmy"),
            float(d.kind == "iso"),
            float(d.kind == "num"),
            float(d.has_time),
            float(len(line) - (d.end - d.start) <= 3),
            float(len(line) <= 60),
            math.log1p(len(words)),
            float(classes[i] in ("prose", "sentence")),
            float(d.ambiguous),
            float(d.swapped),
            dayfirst,
            monthfirst,
            float(reading),
            float(_PUBLISHED.search(label) is not None),
            float(_UPDATED.search(label) is not None),
            float(not _UPDATED_WORDS.isdisjoint(folded)),
            float(_COPYRIGHT.search(line) is not None),
            float(_JOINED.search(label[-30:]) is not None),
            float(_STARTED.search(label[-30:]) is not None),
            float(_RANGE.search(label[-12:]) is not None),
            float(not _COMMENTISH.isdisjoint(folded)),
            float(rule == Category.DATE),
            float(rule == Category.BYLINE),
            float(rule == ""),
            float(i in page.labels),
            float(page.near_byline(i) <= 2),
            float(d is same_line[0]),
            float(min(len(same_line), 4)),
            log_distance(d_anchor),
            math.log1p(abs(d_anchor)),
            float(abs(d_anchor) <= 3),
            float(abs(d_anchor) <= 10),
            float(d_anchor > 0),
            float(r_after == 0),
            math.log1p(r_after) if r_after >= 0 else -1.0,
            math.log1p(rank),
            float(rank == 0),
            float(page.start <= i <= page.end),
            float(i > page.end),
            i / max(1, count),
            math.log1p(day_counts.get(d.iso, 0)),
            math.log1p(len(isos)),
            float(bool(isos) and d.iso == isos[0]),
            float(bool(isos) and d.iso == isos[-1]),
            float(min(max_year - d.year, 10)),
            float(url_iso is not None and d.iso.startswith(url_iso)),
            float(url_iso is not None and not d.iso.startswith(url_iso)),
            float(abs(i - page.start) <= 3),
        )
        out.append(DateCandidate(d.iso, i, d, row))
    if url is not None and url_iso is not None:
        values = dict.fromkeys(DATE_FEATURES, 0.0)
        values.update(
            src_url=1.0,
            full=float(bool(url[2])),
            month_only=float(not url[2]),
            day_repeats=math.log1p(day_counts.get(url_iso, 0)),
            url_agrees=1.0,
        )
        out.append(DateCandidate(url_iso, -1, None, tuple(values.values())))
    return out
