"""One cleaner per worker process, built on first use from its picklable options; records as values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..api import Cleaner, CleanerOptions
from ..batch.reading import max_line_bytes
from ..batch.records import InputRecord, TooLong, clean_line, clean_record
from ..batch.spec import OUTPUT_FIELDS, RecordSpec
from ..errors import describe_failure
from ..inputs import check_id

_built: tuple[CleanerOptions, Cleaner] | None = None


def worker_cleaner(options: CleanerOptions) -> Cleaner:
    """This process's cleaner for ``options``: built once (rules compiled once), then reused."""
    global _built
    if _built is None or _built[0] != options:
        _built = (options, options.build())
    return _built[1]


def jsonl_lines(lines: Iterable[tuple[bytes, int]], options: CleanerOptions, spec: RecordSpec) -> Iterator[str]:
    """The output lines for (input line, index from 0) pairs, exactly as ``cleaner batch`` writes them.

    A line is what ``batch.reading.numbered_lines`` makes of it: without its line
    ending, the first without a UTF-8 byte-order mark, one over the size limit a ``TooLong``.
    """
    cleaner = worker_cleaner(options)
    limit = max_line_bytes(options.settings)
    for line, index in lines:
        line = line.rstrip(b"\r\n")
        if index == 0:
            line = line.removeprefix(b"\xef\xbb\xbf")
        yield clean_line(cleaner, TooLong(len(line)) if len(line) > limit else line, index + 1, spec)


def result_values(
    options: CleanerOptions,
    record_id: str | None,
    text: str | None,
    html: str | bytes | None,
    url: str | None,
    source: str | None,
) -> dict[str, Any]:
    """The cleaned document as a struct's values (body, metadata, removed, stats), or its error as a value."""
    try:
        check_id(record_id)
        result = clean_record(worker_cleaner(options), InputRecord(record_id or "", text, html, url, source))
    except Exception as error:  # noqa: BLE001 - a bad record is a value, never a failed task
        code, message = describe_failure(error)
        return {**dict.fromkeys(OUTPUT_FIELDS), "error": {"code": code, "message": message}}
    del result["id"]
    return {**result, "error": None}
