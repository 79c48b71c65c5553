"""HTML input: trafilatura extracts the main text and the page metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from trafilatura.settings import Document

PAGE_SNIFF_CHARS = 50  # trafilatura looks for "html" this far into the markup
MAX_DEPTH = 256  # libxml2's nesting limit for HTML
# The page's own date markup and URL only: the extensive search takes any date it meets ("© 2020" → 2020-01-01).
DATE_SEARCH = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class PageHints:
    """Metadata the page markup gives; used where the text gives nothing."""

    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    publisher: str = ""


def extract(html: str, url: str | None = None) -> tuple[str, PageHints, bool]:
    """The page's text (paragraphs one per line), its metadata, and whether an article was found.

    When trafilatura finds no article, all the page's text comes back instead,
    for the plain-text article finder to work on.
    """
    import trafilatura  # imported on the first HTML document: text-only work never loads it
    from trafilatura.settings import Document

    html = _as_page(html)
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=DATE_SEARCH,
        )
    except Exception as error:  # trafilatura raises many types on broken markup
        raise InvalidInputError(f"html could not be parsed: {type(error).__name__}") from None
    if not isinstance(document, Document) or not (document.text or "").strip():
        return _all_text(html), PageHints(), False
    return document.text or "", _hints(document), True


def _as_page(html: str) -> str:
    """A fragment (``<p>...</p>``, bare text) wrapped as a page: trafilatura refuses what does not look like one."""
    return html if "html" in html[:PAGE_SNIFF_CHARS].lower() else f"<html><body>{html}</body></html>"


def _all_text(html: str) -> str:
    """Every visible text of the page, for pages where extraction finds no article."""
    import trafilatura

    try:
        text = trafilatura.html2txt(html) or ""
    except Exception:
        text = ""
    if not text.strip() and _too_deep(html):
        raise InvalidInputError(f"html is nested more than {MAX_DEPTH} elements deep; the parser stops there")
    return text


def _too_deep(html: str) -> bool:
    """Whether the HTML parser gave up on the page's nesting depth."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8")
    etree.fromstring(html.encode("utf-8"), parser)  # bytes: a str may not declare an encoding
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _hints(document: Document) -> PageHints:
    authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    return PageHints(
        title=document.title or "",
        description=document.description or "",
        authors=authors,
        published=document.date or "",
        publisher=_site_name(document),
    )


def _site_name(document: Document) -> str:
    """The page's own name for its site; not trafilatura's fallback to the URL's host, which names nobody."""
    name = (document.sitename or "").strip()
    host = (document.hostname or "").casefold()
    return "" if host and name.casefold().removeprefix("www.") == host.removeprefix("www.") else name
