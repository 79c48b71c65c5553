"""The result of cleaning one document; ``to_dict`` is the JSONL output record.

The pipeline builds a result as plain values (``ResultValues``): its ``to_dict``
is the record without pydantic, and ``model`` the ``CleanResult`` of the API.
"""

from __future__ import annotations

from dataclasses import dataclass
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


METADATA_FIELDS = tuple(Metadata.model_fields)
STATS_FIELDS = tuple(Stats.model_fields)
"""The fields of ``Metadata`` and ``Stats`` in their order: the keys of ``ResultValues.metadata`` and ``stats``."""


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


RemovalSpan = tuple[str, str, int, int]
"""A removal as the pipeline builds it: rule, category, start and end in the input (the text is sliced from it)."""


@dataclass(slots=True)
class ResultValues:
    """A ``CleanResult`` as plain values, as the pipeline builds it.

    ``metadata`` and ``stats`` hold the fields of ``Metadata`` and ``Stats`` in
    their order, so ``to_dict`` is the record ``CleanResult.to_dict`` gives, key
    for key, without building a model.
    """

    id: str | None
    body: str
    metadata: dict[str, Any]
    removed: list[RemovalSpan]
    stats: dict[str, int]
    input_text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON record that ``cleaner batch`` writes for this document."""
        text = self.input_text
        return {
            "id": self.id,
            "body": self.body,
            "metadata": {name: _copy(value) for name, value in self.metadata.items()},
            "removed": [
                {"rule": rule, "category": category, "start": start, "end": end, "text": text[start:end]}
                for rule, category, start, end in self.removed
            ],
            "stats": dict(self.stats),
        }

    def model(self) -> CleanResult:
        """The ``CleanResult``, by one validation of the whole record: about 1 µs a removal, where pydantic's
        unvalidated ``model_construct`` costs 9.5 µs a ``Removal`` (and ``Removal(...)`` 4.9 µs)."""
        return CleanResult.model_validate({**self.to_dict(), "input_text": self.input_text})


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def stats_values(**counts: int) -> dict[str, int]:
    """``Stats``' fields in their order: the counts given, 0 for the others."""
    values = dict.fromkeys(STATS_FIELDS, 0)
    values.update(counts)
    if len(values) > len(STATS_FIELDS):
        raise TypeError(f"not a field of Stats: {', '.join(sorted(values.keys() - STATS_FIELDS))}")
    return values
