"""Author candidates and their features.

Candidates: the names after byline labels anywhere on the page (in any language
the labels know; a label alone on its line takes the next line's names), the
names before or after a date on a short line ("Jane Doe · 3 March 2025",
"March 3, 2025 by Jane Doe"), and bare name-shaped lines near the title and the
article's start (role words and brackets removed: "Jane Doe, Senior Editor").
One candidate per name; its features say how it was found (all the ways), its
shape, and where it stands against the title, the article, dates and bylines.

The label features do not depend on the language: ``label_line`` (the line is a
label and names, nothing else) and ``label_native`` (the label is one the page's
language uses, English labels on any page), so "Von Hans Müller" on a German
page reads as "By Jane Doe" does on an English one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .names import NAME_SHAPE, ROLE_WORDS, TRAILING_ROLES, is_byline, looks_like_name, name_shape, split_names, trim
from .page import MetaPage, Row, log_distance

BEFORE = 25  # bare names searched this far before the title (or the article's start)
AFTER = 12  # and this far after the article's start
MAX_LINE = 120
KINDS = ["by", "written", "reviewed", "forum", "author", "foreign", "before_date", "after_date", "bare"]
LABEL_KINDS = frozenset({"by", "written", "author", "foreign"})
_ORDER = {"by": 0, "written": 0, "author": 0, "foreign": 0, "forum": 1, "before_date": 2, "after_date": 2,
          "reviewed": 3, "bare": 4}  # fmt: skip
_PAREN = re.compile(r"\s*\([^)]*\)")
_BIO = frozenset({"is", "was", "has", "writes", "covers", "joined", "holds", "lives"})
_ABOUT = re.compile(
    r"(?:about|more from|posts by|articles by|view all posts by|meet|contact)\s*(?:the\s+author)?\s*:?\s*$", re.I
)
_TAIL_SEPARATORS = (" | ", ", ", " - ", " – ", " — ", " · ")

AUTHOR_FEATURES = [
    *(f"k_{kind}" for kind in KINDS),
    "only_bare", "first_label", "n_kinds", "label_native", "label_line", "label_next_line",
    "d_anchor", "d_anchor_abs", "near_anchor3", "near_anchor8", "after_anchor", "d_start", "inside_article",
    "after_article", "pos_frac", "date_near1", "date_near3", "date_self", "byline_near",
    "rule_byline", "rule_date", "rule_none", "rule_other", "kept", "bio_next", "about_prev", "in_slug", "in_url",
    "line_is_name", "line_words", "cls_prose", "title_line", "n_occ",
    *(f"shape_{name}" for name in NAME_SHAPE),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuthorCandidate:
    name: str
    index: int
    row: Row


@dataclass(frozen=True, slots=True)
class _Found:
    name: str
    index: int
    kind: str
    native: bool = True
    label_line: bool = False
    next_line: bool = False


def author_candidates(page: MetaPage) -> list[AuthorCandidate]:
    anchor = page.anchor
    blocks = page.blocks
    raw, stop = page.raw, blocks.stopwords
    count = len(page)
    found: list[_Found] = []
    for i, labels in page.labels.items():
        line = raw[i]
        shaped = labels[0].start == 0 and is_byline(line, stop)
        for label in labels:
            at = i + 1 if label.next_line else i
            for name in label.names:
                found.append(_Found(name, at, label.kind, label.native, shaped or label.next_line, label.next_line))
    low = max(0, min(anchor, page.start) - BEFORE)
    high = min(count, max(anchor, page.start) + AFTER)
    for i in range(low, high):
        line = raw[i]
        if len(line) > MAX_LINE or i in page.labels:
            continue
        dated = page.dates.get(i)
        if dated:  # "NAME | DATE", "NAME · DATE", "DATE by NAME"
            before = trim(line[: dated[0].start].strip(" |•·,-–—:"))
            for name in split_names(before, stop)[:2] if before else []:
                found.append(_Found(name, i, "before_date"))
            after = trim(line[dated[-1].end :].strip(" |•·,-–—:"))
            for name in split_names(after, stop)[:1] if after else []:
                found.append(_Found(name, i, "after_date"))
            continue
        if blocks.classes[i] in ("prose", "sentence"):
            continue
        bare = line.removeprefix("• ")
        for separator in _TAIL_SEPARATORS:
            if separator in bare:  # "Jane Doe, Senior Editor", "Jane Doe | Staff Writer"
                head, tail = bare.split(separator, 1)
                if all(_role_or_capital(word) for word in tail.split()):
                    bare = head
                break
        if "(" in bare:
            bare = _PAREN.sub("", bare)
        bare = trim(bare)
        if looks_like_name(bare):
            found.append(_Found(bare, i, "bare"))
        words = bare.split()
        cut = next((j for j, word in enumerate(words) if j and word.casefold().strip(".,&") in TRAILING_ROLES), 0)
        if cut:  # "Jane Doe Founder & Lead Reviewer", "Linc Admin"
            head = " ".join(words[:cut])
            if looks_like_name(head):
                found.append(_Found(head, i, "bare"))
    by_key: dict[str, list[_Found]] = {}
    for item in found:
        key = _key(item.name)
        if key:
            by_key.setdefault(key, []).append(item)
    out = []
    for key, items in by_key.items():
        items.sort(key=lambda item: (_ORDER[item.kind], abs(item.index - anchor)))
        first = items[0]
        out.append(AuthorCandidate(first.name, first.index, _features(page, key, first, items, anchor)))
    return out


def _role_or_capital(word: str) -> bool:
    return word.casefold().strip(".,") in ROLE_WORDS or not word[:1].isalpha() or word[:1].isupper()


def _key(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


def _features(page: MetaPage, key: str, first: _Found, items: list[_Found], anchor: int) -> Row:
    i = first.index
    blocks = page.blocks
    count = len(page)
    kinds = {item.kind for item in items}
    labelled = [item for item in items if item.kind in LABEL_KINDS]
    next_line = page.raw[i + 1] if i + 1 < count else ""
    prev_line = page.raw[i - 1] if i > 0 else ""
    d_anchor = i - anchor
    d_start = i - page.start
    rule = blocks.rule[i] if 0 <= i < count else ""
    words = key.split()
    url = blocks.url.casefold()
    following = next_line.removeprefix(first.name).split(None, 1)
    near_date = page.near_date(i)
    return (
        *(float(kind in kinds) for kind in KINDS),
        float(kinds == {"bare"}),
        float(first.kind in LABEL_KINDS),
        float(len(kinds)),
        float(any(item.native for item in labelled)),
        float(any(item.label_line for item in labelled)),
        float(any(item.next_line for item in labelled)),
        log_distance(d_anchor),
        math.log1p(abs(d_anchor)),
        float(abs(d_anchor) <= 3),
        float(abs(d_anchor) <= 8),
        float(d_anchor > 0),
        log_distance(d_start),
        float(page.start <= i <= page.end),
        float(i > page.end),
        i / max(1, count),
        float(near_date <= 1),
        float(near_date <= 3),
        float(i in page.dates),
        float(page.near_byline(i, exclude_self=True) <= 2),
        float(rule == "byline"),
        float(rule == "date"),
        float(rule == ""),
        float(rule not in ("", "byline", "date")),
        float(page.finder.keep[i]) if 0 <= i < count else 0.0,
        float(bool(following) and following[0].casefold() in _BIO),
        float(_ABOUT.search(prev_line[-40:]) is not None),
        float(bool(page.slug) and set(words) <= page.slug),
        float(bool(url) and all(word in url for word in words)),
        float(page.key(i) == key) if 0 <= i < count else 0.0,
        math.log1p(len(page.raw[i].split())) if 0 <= i < count else 0.0,
        float(page.is_prose(i)) if 0 <= i < count else 0.0,
        float(i == page.title),
        math.log1p(len(items)),
        *name_shape(first.name, blocks.stopwords),
    )
