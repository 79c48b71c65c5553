"""What ``cleaner eval`` can compare: raw text, text mode, HTML mode (now and before the block model), trafilatura."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import trafilatura
from trafilatura.settings import Document

from ..api import Cleaner
from ..html.extract import MARKUP_DATES, extract
from ..result import Metadata
from .gold import GoldPage, read_html
from .metadata import PredictedMetadata


@dataclass(frozen=True, slots=True)
class Extraction:
    body: str
    metadata: PredictedMetadata | None = None
    """None where the mode gives no metadata."""


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    label: str
    extract: Callable[[GoldPage, bool], Extraction]
    """The body of a page (and its metadata when asked for and the mode has any)."""


def modes(cleaner: Cleaner) -> dict[str, Mode]:
    """Every mode by name, in the order tables show them."""

    def raw(page: GoldPage, _metadata: bool) -> Extraction:
        return Extraction(page.noisy_text)

    def text(page: GoldPage, _metadata: bool) -> Extraction:
        result = cleaner.clean(page.noisy_text, url=page.url or None)
        return Extraction(result.body, _predicted(result.metadata))

    def html(page: GoldPage, _metadata: bool) -> Extraction:
        result = cleaner.clean(html=read_html(page), url=page.url or None)
        return Extraction(result.body, _predicted(result.metadata))

    def html_old(page: GoldPage, _metadata: bool) -> Extraction:
        text, hints, extracted = extract(read_html(page), page.url or None, date_search=MARKUP_DATES)
        run = cleaner.document_run(text, hints, url=page.url or None, find_article=not extracted)
        result = run.result(None)
        return Extraction(result.body, _predicted(result.metadata))

    def alone(page: GoldPage, metadata: bool) -> Extraction:
        page_html = read_html(page)
        body = trafilatura.extract(page_html, url=page.url) or ""
        return Extraction(body, _trafilatura_metadata(page_html, page.url) if metadata else None)

    found = [
        Mode("raw", "raw noisy text", raw),
        Mode("text", "text mode", text),
        Mode("html", "html mode", html),
        Mode("html-old", "html mode, old", html_old),
        Mode("trafilatura", "trafilatura alone", alone),
    ]
    return {mode.name: mode for mode in found}


def _predicted(metadata: Metadata) -> PredictedMetadata:
    return PredictedMetadata(metadata.title, tuple(metadata.authors), metadata.published)


def _trafilatura_metadata(html: str, url: str) -> PredictedMetadata:
    """trafilatura's own metadata, with its default date search."""
    document = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
    if not isinstance(document, Document):
        return PredictedMetadata()
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return PredictedMetadata(document.title or "", authors, document.date or "")
