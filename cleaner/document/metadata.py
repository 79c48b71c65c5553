"""Collect metadata from rule captures, hints and the cleaned body.

Every field a rule may fill (``result.RULE_FIELDS``) is collected the same
way: the first value found wins, list fields accumulate distinct values. A few
fields are tidied on the way in (``_TIDY``): bylines split into names, dates
parsed into ISO 8601 (in seven languages), shouted datelines title-cased.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex

from ..result import LIST_FIELDS, METADATA_FIELDS, RULE_FIELDS
from .dates import OncePerString, parse_published
from .meta.datefinder import find_dates, may_hold_date

_AUTHOR_SEPARATORS = regex.compile(r"\s*(?:,|;|&|\band\b|\|)\s*", regex.IGNORECASE)
_BY_PREFIX = regex.compile(r"^(?:written\s+)?by[:\s]+", regex.IGNORECASE)
_EDGE_PUNCTUATION = " \t.,;:|-–—"


def split_authors(byline: str) -> list[str]:
    """Names in a byline: "By Jane Doe and John Roe" → ["Jane Doe", "John Roe"]."""
    names = _AUTHOR_SEPARATORS.split(_BY_PREFIX.sub("", byline.strip()))
    return [name.strip(_EDGE_PUNCTUATION) for name in names if name.strip(_EDGE_PUNCTUATION)]


def _as_is(value: str) -> list[str]:
    return [value]


def _dateline(value: str) -> list[str]:
    return [value.title() if value.isupper() else value]


def _published(value: str) -> list[str]:
    parsed = _published_date(value)
    return [parsed] if parsed else []


@OncePerString
def _published_date(value: str) -> str:
    """ISO 8601 from dateutil, unless the date finder (month names in seven languages) reads another day."""
    parsed = parse_published(value)
    found = find_dates(value) if may_hold_date(value) else []
    day = found[0].iso if found and found[0].day else ""
    if day and parsed[:10] != day:
        parsed = day
    return parsed


_TIDY: dict[str, Callable[[str], list[str]]] = {
    "authors": split_authors,
    "published": _published,
    "dateline": _dateline,
}


@dataclass
class MetadataBuilder:
    """Fills each field once: the first value found wins; list fields accumulate.

    Linear in the number of values added (a set per field), so a document with
    tens of thousands of captions costs no more per caption than one with three.
    """

    values: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in RULE_FIELDS})
    _seen: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in RULE_FIELDS})

    def add(self, name: str, value: str) -> None:
        found = self.values[name]
        if found and name not in LIST_FIELDS:
            return  # the first value won: no need to tidy (parse) another
        value = value.strip() if name == "captions" else value.strip(_EDGE_PUNCTUATION)
        if not value:
            return
        seen = self._seen[name]
        for tidied in _TIDY.get(name, _as_is)(value):
            if tidied not in seen and (name in LIST_FIELDS or not found):
                seen.add(tidied)
                found.append(tidied)

    def has(self, name: str) -> bool:
        return bool(self.values[name])

    def build(self, words: int, language: str) -> dict[str, Any]:
        """``Metadata``'s fields in its order, as plain values (``result.ResultValues.metadata``)."""
        fields: dict[str, Any] = {"language": language, "word_count": words}
        for name, found in self.values.items():
            fields[name] = found if name in LIST_FIELDS else (found[0] if found else "")
        return {name: fields[name] for name in METADATA_FIELDS}
