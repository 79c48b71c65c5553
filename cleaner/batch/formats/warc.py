"""WARC and WET files (FastWARC): HTML responses as pages, WET conversions as text.

A WARC's ``response`` records with an HTML payload (``text/html``,
``application/xhtml+xml``) become pages with the record's ``WARC-Record-ID`` as
id, its ``WARC-Target-URI`` as url, and its ``WARC-Date`` passed through as
``date``; the HTTP ``Content-Type`` charset is the declared one; transfer and
content encodings (chunked, gzip, ...) are undone. A WET's ``conversion``
records (extracted text, UTF-8) become text records the same way. Other
records (requests, metadata, images, redirects without a body) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from ..records import Numbered, Page

HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_pages(stream: IO[bytes]) -> Iterator[Numbered]:
    """Pages and texts of a WARC or WET stream (gzip members undone by FastWARC), numbered from 1."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    kinds = WarcRecordType.response | WarcRecordType.conversion
    number = 0
    for record in ArchiveIterator(stream, record_types=kinds, parse_http=False):
        headers = record.headers
        extra = {"date": headers.get("WARC-Date")}
        record_id, url = record.record_id or "", headers.get("WARC-Target-URI")
        if record.record_type == WarcRecordType.conversion:
            number += 1
            yield number, Page(record_id, text=record.reader.read(), url=url, extra=extra)
            continue
        if not (headers.get("Content-Type") or "").startswith("application/http"):
            continue
        record.parse_http(auto_decode="all")
        content_type = (record.http_content_type or "").lower()
        if record.http_headers.status_code != 200 or not content_type.startswith(HTML_TYPES):
            continue
        number += 1
        yield number, Page(record_id, html=record.reader.read(), url=url, charset=record.http_charset, extra=extra)
