"""JSONL records: parse an input line, write a result or an error line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..api import Cleaner
from ..errors import INTERNAL, INVALID_ARGUMENT, InvalidInputError, describe_failure
from ..inputs import check_id


class InputRecord(BaseModel):
    """One input line: an id and either text or html, with optional hints."""

    model_config = ConfigDict(extra="ignore", strict=True)

    id: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class TooLong:
    """An input line over the size limit, skipped unread; ``size`` in bytes."""

    size: int


Numbered = tuple[int, "bytes | TooLong"]  # an input line and its number, from 1


class RecordError(Exception):
    """A line that cannot become an input record."""

    def __init__(self, message: str, record_id: str | None = None) -> None:
        super().__init__(message)
        self.record_id = record_id


def parse_line(line: bytes | str | TooLong) -> InputRecord:
    """Decode and validate one JSONL line; ``RecordError`` says what is wrong."""
    if isinstance(line, TooLong):
        raise RecordError(f"line is {line.size:,} bytes long, more than any acceptable record")
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
    except UnicodeDecodeError as error:
        raise RecordError(f"not valid UTF-8 (byte {error.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(f"invalid JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(data, dict):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        check_id(record_id)
    except InvalidInputError as error:  # an id that cannot be given back as it came: not an id
        raise RecordError(str(error)) from None
    try:
        record = InputRecord.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_describe(item) for item in error.errors())
        raise RecordError(problems, record_id) from None
    if record.text is not None and record.html is not None:  # a gRPC request cannot carry both
        raise RecordError("give either text or html, not both", record_id)
    return record


def clean_record(cleaner: Cleaner, record: InputRecord) -> dict[str, Any]:
    result = cleaner.clean(record.text, html=record.html, url=record.url, source=record.source, id=record.id)
    return result.to_dict()


def clean_line(cleaner: Cleaner, line: bytes | str | TooLong, line_number: int) -> str:
    """The output line for one input line; never raises."""
    try:
        record = parse_line(line)
    except RecordError as error:
        return error_line(error.record_id, INVALID_ARGUMENT, str(error), line_number)
    try:
        return dump(clean_record(cleaner, record))
    except Exception as error:  # noqa: BLE001 - a bad record must not end the batch
        return error_line(record.id, *describe_failure(error), line_number)


def worker_died_line(item: Numbered, cause: str) -> str:
    """The output line for a record whose worker process died (``cause`` says how) while cleaning it."""
    number, line = item
    try:
        record_id: str | None = parse_line(line).id
    except RecordError as error:
        record_id = error.record_id
    return error_line(record_id, INTERNAL, cause, number)


def error_line(record_id: str | None, code: str, message: str, line_number: int) -> str:
    return dump({"id": record_id, "error": {"code": code, "message": f"line {line_number}: {message}"}})


_ERROR_LINE = r'^\{"id": (?:null|"(?:[^"\\]|\\.)*"), "error": \{"code": "([A-Z_]+)"'
_ERROR_TEXT = re.compile(_ERROR_LINE)
_ERROR_BYTES = re.compile(_ERROR_LINE.encode())


def error_code(line: str | bytes) -> str | None:
    """The status code of an error line as ``error_line`` writes it, None for a result line.

    Reads only the start of the line: its id (JSON-escaped, so no quote in it ends
    it early) and the key after it.
    """
    if isinstance(line, bytes):
        found = _ERROR_BYTES.match(line)
        return found[1].decode("ascii") if found else None
    match = _ERROR_TEXT.match(line)
    return match[1] if match else None


def dump(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline); the same bytes wherever it is written."""
    return json.dumps(record, ensure_ascii=False)


def _describe(item: Any) -> str:
    field = ".".join(str(part) for part in item.get("loc", ())) or "record"
    if item.get("type") == "missing":
        return f"missing field {field!r}"
    return f"field {field!r}: {item.get('msg', 'invalid')}"
