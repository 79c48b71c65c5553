"""Collect metadata from rule captures, hints and the cleaned body."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .dates import parse_published
from .result import Metadata

_AUTHOR_SEPARATORS = regex.compile(r"\s*(?:,|;|&|\band\b|\|)\s*", regex.IGNORECASE)
_BY_PREFIX = regex.compile(r"^(?:written\s+)?by[:\s]+", regex.IGNORECASE)
_EDGE_PUNCTUATION = " \t.,;:|-–—"


@dataclass
class MetadataBuilder:
    """Fills each field once: the first value found wins; lists accumulate."""

    values: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        if name == "captions":
            if value.strip():
                _extend_unique(self.captions, [value.strip()])
            return
        value = value.strip(_EDGE_PUNCTUATION)
        if not value:
            return
        if name == "authors":
            _extend_unique(self.authors, split_authors(value))
        elif name == "published":
            parsed = parse_published(value)
            if parsed:
                self.values.setdefault(name, parsed)
        elif name == "dateline":
            self.values.setdefault(name, value.title() if value.isupper() else value)
        else:
            self.values.setdefault(name, value)

    def build(self, words: int, language: str) -> Metadata:
        return Metadata(
            title=self.values.get("title", ""),
            subtitle=self.values.get("subtitle", ""),
            authors=self.authors,
            published=self.values.get("published", ""),
            publisher=self.values.get("publisher", ""),
            agency=self.values.get("agency", ""),
            dateline=self.values.get("dateline", ""),
            captions=self.captions,
            language=language,
            word_count=words,
        )


def split_authors(byline: str) -> list[str]:
    """Names in a byline: "By Jane Doe and John Roe" → ["Jane Doe", "John Roe"]."""
    names = _AUTHOR_SEPARATORS.split(_BY_PREFIX.sub("", byline.strip()))
    return [name.strip(_EDGE_PUNCTUATION) for name in names if name.strip(_EDGE_PUNCTUATION)]


def _extend_unique(target: list[str], values: list[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)
