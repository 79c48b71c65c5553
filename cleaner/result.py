"""The result of cleaning one document; ``to_dict`` is the JSONL output record."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Metadata(BaseModel):
    """What the document says about itself; a field it does not give stays empty."""

    model_config = ConfigDict(extra="forbid")

    title: str = ""
    subtitle: str = ""
    authors: list[str] = []
    published: str = ""
    publisher: str = ""
    agency: str = ""
    dateline: str = ""
    captions: list[str] = []
    language: str = ""
    word_count: int = 0
    """Words of the body, counted as the evaluation counts them: runs of letters and digits."""


MEASURED_FIELDS = frozenset({"language", "word_count"})
RULE_FIELDS = tuple(name for name in Metadata.model_fields if name not in MEASURED_FIELDS)
"""The metadata fields a rule may fill (named groups, or ``field``); the others are measured."""
LIST_FIELDS = frozenset(name for name, info in Metadata.model_fields.items() if info.annotation == list[str])


class Removal(BaseModel):
    """One piece of the input left out of the body: ``text == input[start:end]``."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    category: str
    start: int
    end: int
    text: str


class Stats(BaseModel):
    """Counts describing the cleaning of one document."""

    model_config = ConfigDict(extra="forbid")

    chars_in: int = 0
    chars_out: int = 0
    blocks_in: int = 0
    blocks_kept: int = 0
    blocks_removed: int = 0
    duplicates: int = 0
    surrogates_replaced: int = 0
    """Lone surrogates in text, html, url or source, each replaced by U+FFFD (see ``inputs``)."""


class CleanResult(BaseModel):
    """Body, metadata and the account of every removal."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    body: str
    metadata: Metadata
    removed: list[Removal]
    stats: Stats
    input_text: str = ""
    """The text that offsets refer to: the input, or the text extracted from HTML."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON record that ``cleaner batch`` writes for this document."""
        return self.model_dump(exclude={"input_text"})
