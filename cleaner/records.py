"""JSONL records: parse an input line, write a result or an error line."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .core import Cleaner
from .errors import CleanerError

INTERNAL = "INTERNAL"
INVALID_ARGUMENT = "INVALID_ARGUMENT"


class InputRecord(BaseModel):
    """One input line: an id and either text or html, with optional hints."""

    model_config = ConfigDict(extra="ignore", strict=True)

    id: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None


class RecordError(Exception):
    """A line that cannot become an input record."""

    def __init__(self, message: str, record_id: str | None = None) -> None:
        super().__init__(message)
        self.record_id = record_id


def parse_line(line: bytes | str) -> InputRecord:
    """Decode and validate one JSONL line; ``RecordError`` says what is wrong."""
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
        return InputRecord.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_describe(item) for item in error.errors())
        raise RecordError(problems, record_id) from None


def clean_record(cleaner: Cleaner, record: InputRecord) -> dict[str, Any]:
    result = cleaner.clean(record.text, html=record.html, url=record.url, source=record.source, id=record.id)
    return result.to_dict()


def clean_line(cleaner: Cleaner, line: bytes | str, line_number: int) -> str:
    """The output line for one input line; never raises."""
    record_id: str | None = None
    try:
        record = parse_line(line)
        record_id = record.id
        return dump(clean_record(cleaner, record))
    except RecordError as error:
        return dump(error_record(error.record_id, INVALID_ARGUMENT, f"line {line_number}: {error}"))
    except CleanerError as error:
        return dump(error_record(record_id, error.code, f"line {line_number}: {error}"))
    except Exception as error:  # noqa: BLE001 - a bad record must not end the batch
        return dump(error_record(record_id, INTERNAL, f"line {line_number}: internal error ({type(error).__name__})"))


def error_record(record_id: str | None, code: str, message: str) -> dict[str, Any]:
    return {"id": record_id, "error": {"code": code, "message": message}}


def dump(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline); the same bytes wherever it is written."""
    return json.dumps(record, ensure_ascii=False)


def _describe(item: Any) -> str:
    field = ".".join(str(part) for part in item.get("loc", ())) or "record"
    if item.get("type") == "missing":
        return f"missing field {field!r}"
    return f"field {field!r}: {item.get('msg', 'invalid')}"
