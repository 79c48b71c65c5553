"""What a batch reads from each record and writes for it: field names, output fields, filters.

One picklable ``RecordSpec`` travels to every worker (pool, Spark, Ray), so each
cleans and shapes records alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OUTPUT_FIELDS = ("body", "metadata", "removed", "stats")
"""What a result record may hold besides its ``id`` (always written); ``--fields`` chooses among them."""
RESERVED = frozenset({"id", "error", "filtered", "syndication", *OUTPUT_FIELDS})
"""Names the output record uses itself: an input field passed through under one of them gets ``input_`` before it."""
PASSED_PREFIX = "input_"


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which input fields hold the id, the text or html, the url and the source hint."""

    id: str = "id"
    text: str = "text"
    html: str = "html"
    url: str = "url"
    source: str = "source"

    def known(self) -> frozenset[str]:
        return frozenset((self.id, self.text, self.html, self.url, self.source))


@dataclass(frozen=True, slots=True)
class Filters:
    """Records to leave out: a language not in ``languages`` (if any), a body under ``min_words`` words."""

    languages: frozenset[str] = frozenset()
    min_words: int = 0

    def reason(self, language: str, words: int) -> tuple[str, str] | None:
        """(filter, message) for a cleaned record that does not pass, else None."""
        if self.languages and language not in self.languages:
            return "language", f"language {language or 'unknown'!r} is not one of {', '.join(sorted(self.languages))}"
        if words < self.min_words:
            return "min_words", f"{words:,} words in the body, fewer than {self.min_words:,}"
        return None


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """How to read and write every record of a batch (the defaults: as ``cleaner batch`` always has)."""

    fields: FieldMap = field(default_factory=FieldMap)
    output: tuple[str, ...] = OUTPUT_FIELDS
    pass_through: bool = True
    filters: Filters = field(default_factory=Filters)

    def passed(self, data: dict[str, object]) -> dict[str, object]:
        """The fields of an input record the cleaner does not read, as they are written out."""
        if not self.pass_through:
            return {}
        known = self.fields.known()
        return {
            (PASSED_PREFIX + name if name in RESERVED else name): value
            for name, value in data.items()
            if name not in known
        }


def parse_fields(value: str) -> tuple[str, ...]:
    """``--fields body,metadata``: the output fields named, in the record's own order."""
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - set(OUTPUT_FIELDS)
    if unknown or not names:
        raise ValueError(f"--fields takes some of {', '.join(OUTPUT_FIELDS)} (the id is always written)")
    return tuple(name for name in OUTPUT_FIELDS if name in names)
