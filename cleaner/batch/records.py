"""Batch records: parse an input item (a JSONL line, a table row, a page), write a result or an error line."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..api import Cleaner
from ..errors import INTERNAL, INVALID_ARGUMENT, InvalidInputError, describe_failure
from ..inputs import check_id
from .spec import FieldMap, RecordSpec


class _Fields(BaseModel):
    """What the fields of a record read from JSON or a table must be."""

    model_config = ConfigDict(extra="ignore", strict=True)

    id: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One input record: an id and either text or html (bytes: not yet decoded), with optional hints."""

    id: str
    text: str | None = None
    html: str | bytes | None = None
    url: str | None = None
    source: str | None = None
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class TooLong:
    """An input line over the size limit, skipped unread; ``size`` in bytes."""

    size: int


@dataclass(frozen=True, slots=True)
class Page:
    """A document a reader found (a file, a WARC record): its fields are named already, its bytes not yet decoded.

    ``text`` bytes are UTF-8; ``html`` bytes are decoded by ``charset`` (the
    transport's declaration), the page's own, or detection.
    """

    id: str
    text: bytes | None = None
    html: bytes | None = None
    url: str | None = None
    charset: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    oversized: int = 0
    """The size in bytes of a document too large to hold an acceptable one, left unread (0: read)."""


Item = bytes | str | TooLong | Mapping[str, Any] | Page
"""What a reader yields for one record: a JSONL line, a table row (field names as the input's), a page."""
Numbered = tuple[int, Item]  # an item and its position, from 1
DEFAULT_SPEC = RecordSpec()


@dataclass(frozen=True, slots=True)
class Parsed:
    """An input item as a record, and the fields of it that are passed through to the output."""

    record: InputRecord
    passed: dict[str, Any]


class RecordError(Exception):
    """An item that cannot become an input record."""

    def __init__(self, message: str, record_id: str | None = None) -> None:
        super().__init__(message)
        self.record_id = record_id


def parse_line(item: Item, number: int = 0, spec: RecordSpec = DEFAULT_SPEC) -> Parsed:
    """Decode and validate one input item; ``RecordError`` says what is wrong.

    A record without an id (or with a null one) gets its position, ``number``, as its id.
    """
    if isinstance(item, Page):
        return _parse_page(item)
    if isinstance(item, TooLong):
        raise RecordError(f"line is {item.size:,} bytes long, more than any acceptable record")
    if isinstance(item, Mapping):
        data: Any = item
    else:
        try:
            text = item.decode("utf-8") if isinstance(item, bytes) else item
        except UnicodeDecodeError as error:
            raise RecordError(f"not valid UTF-8 (byte {error.start})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise RecordError(f"invalid JSON: {error.msg} at column {error.colno}") from None
        if not isinstance(data, dict):
            raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    names = spec.fields
    raw_id = data.get(names.id)
    record_id = str(number) if raw_id is None else raw_id if isinstance(raw_id, str) else None
    try:
        check_id(record_id)
    except InvalidInputError as error:  # an id that cannot be given back as it came: not an id
        raise RecordError(str(error)) from None
    values = {"id": record_id if raw_id is None else raw_id}
    values.update({key: data[name] for key, name in _mapped(names) if name in data and key != "id"})
    html = values.get("html")
    if isinstance(html, bytes):  # a binary column of a table: decoded as a page's bytes are
        del values["html"]
    try:
        fields = _Fields.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(_describe(item, names) for item in error.errors())
        raise RecordError(problems, record_id) from None
    html = html if isinstance(html, bytes) else fields.html
    record = InputRecord(fields.id, fields.text, html, fields.url, fields.source)
    if record.text is not None and record.html is not None:  # a gRPC request cannot carry both
        raise RecordError(f"give either {names.text} or {names.html}, not both", record_id)
    return Parsed(record, spec.passed(data))


def _parse_page(page: Page) -> Parsed:
    if page.oversized:
        raise RecordError(f"the document is {page.oversized:,} bytes or more, more than any acceptable one", page.id)
    text = None
    if page.text is not None:
        try:
            text = page.text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RecordError(f"not valid UTF-8 (byte {error.start})", page.id) from None
    record = InputRecord(id=page.id, text=text, html=page.html, url=page.url, charset=page.charset)
    return Parsed(record, dict(page.extra))


def clean_record(cleaner: Cleaner, record: InputRecord) -> dict[str, Any]:
    result = cleaner.clean_values(
        record.text, html=record.html, url=record.url, source=record.source, id=record.id, charset=record.charset
    )
    return result.to_dict()


def clean_line(cleaner: Cleaner, item: Item, number: int, spec: RecordSpec = DEFAULT_SPEC) -> str:
    """The output line for one input item; never raises."""
    try:
        parsed = parse_line(item, number, spec)
    except RecordError as error:
        return error_line(error.record_id, INVALID_ARGUMENT, str(error), number, item)
    try:
        result = clean_record(cleaner, parsed.record)
    except Exception as error:  # noqa: BLE001 - a bad record must not end the batch
        return error_line(parsed.record.id, *describe_failure(error), number, item, parsed.passed)
    return dump(shape(result, spec, parsed.passed))


def shape(result: dict[str, Any], spec: RecordSpec, passed: Mapping[str, Any]) -> dict[str, Any]:
    """The output record of a cleaned document: its id, the chosen fields (or why it is filtered out), passed fields."""
    record: dict[str, Any] = {"id": result["id"]}
    metadata = result["metadata"]
    reason = spec.filters.reason(metadata["language"], metadata["word_count"])
    if reason is not None:
        record["filtered"] = {"filter": reason[0], "message": reason[1]}
    else:
        record.update((name, result[name]) for name in spec.output)
    record.update(passed)
    return record


def worker_died_line(item: Numbered, cause: str, spec: RecordSpec = DEFAULT_SPEC) -> str:
    """The output line for a record whose worker process died (``cause`` says how) while cleaning it."""
    number, line = item
    passed: Mapping[str, Any] = {}
    try:
        parsed = parse_line(line, number, spec)
        record_id: str | None = parsed.record.id
        passed = parsed.passed
    except RecordError as error:
        record_id = error.record_id
    return error_line(record_id, INTERNAL, cause, number, line, passed)


def error_line(
    record_id: str | None,
    code: str,
    message: str,
    number: int,
    item: Item = b"",
    passed: Mapping[str, Any] | None = None,
) -> str:
    """An error record: the id, the status code, and a message that says where the item was (``line 7: ...``)."""
    record = {"id": record_id, "error": {"code": code, "message": f"{position(item)} {number}: {message}"}}
    return dump({**record, **(passed or {})})


def position(item: Item) -> str:
    """What the number of an item counts: lines of JSONL, rows of a table, records of an archive or listing."""
    if isinstance(item, Page):
        return "record"
    return "row" if isinstance(item, Mapping) else "line"


_STATUS_LINE = r'^\{"id": (?:null|"(?:[^"\\]|\\.)*"), "(error|filtered)": \{"(?:code|filter)": "([A-Za-z_]+)"'
_STATUS_TEXT = re.compile(_STATUS_LINE)
_STATUS_BYTES = re.compile(_STATUS_LINE.encode())


def line_status(line: str | bytes) -> tuple[str, str] | None:
    """("error", status code) or ("filtered", filter) for such a line as written here, None for a result line.

    Reads only the start of the line: its id (JSON-escaped, so no quote in it ends
    it early) and the key after it.
    """
    if isinstance(line, bytes):
        found = _STATUS_BYTES.match(line)
        return (found[1].decode("ascii"), found[2].decode("ascii")) if found else None
    match = _STATUS_TEXT.match(line)
    return (match[1], match[2]) if match else None


def error_code(line: str | bytes) -> str | None:
    """The status code of an error line as ``error_line`` writes it, None for any other line."""
    status = line_status(line)
    return status[1] if status is not None and status[0] == "error" else None


def dump(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline); the same bytes wherever it is written."""
    return json.dumps(record, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    """A passed-through value JSON has no type for (from a table): dates as ISO 8601, bytes as base64."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _mapped(names: FieldMap) -> tuple[tuple[str, str], ...]:
    return (("id", names.id), ("text", names.text), ("html", names.html), ("url", names.url), ("source", names.source))


def _describe(item: Any, names: FieldMap) -> str:
    parts = [str(part) for part in item.get("loc", ())]
    if parts:
        parts[0] = dict(_mapped(names)).get(parts[0], parts[0])
    name = ".".join(parts) or "record"
    if item.get("type") == "missing":
        return f"missing field {name!r}"
    return f"field {name!r}: {item.get('msg', 'invalid')}"
