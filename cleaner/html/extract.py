"""HTML input: trafilatura extracts the main text and the page metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from trafilatura.settings import Document

PAGE_SNIFF_CHARS = 50  # trafilatura looks for "html" this far into the markup
MAX_DEPTH = 256  # libxml2's nesting limit for HTML
# trafilatura's own date search (markup, URL, then the text), except that a January 1st, mostly a bare year
# ("© 2020" → 2020-01-01), gives way to what the markup and URL alone say. Measured on WCXB (README, HTML mode).
DATE_SEARCH = {"extensive_search": True, "original_date": True}
MARKUP_DATES = {"extensive_search": False, "original_date": True}
YEAR_ONLY = "-01-01"
VARIANTS = {"recall": {"favor_recall": True}, "precision": {"favor_precision": True}}


@dataclass(frozen=True, slots=True)
class PageHints:
    """Metadata the page markup gives; used where the text gives nothing."""

    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    publisher: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """trafilatura's main text ("" where it found none), the page's metadata, and its texts by setting.

    ``variants``: ``default`` (the main text and the comments, as ``trafilatura.extract`` gives them),
    ``recall`` and ``precision`` (favouring each); the DOM block model reads them as features.
    """

    text: str
    hints: PageHints
    variants: dict[str, str]


def trafilatura_extraction(html: str, url: str | None = None) -> Extraction:
    """The page as trafilatura's three settings extract it."""
    import trafilatura

    html = _as_page(html)
    document = _bare(html, url, with_metadata=True, include_comments=True, include_tables=True,
                     date_extraction_params=DATE_SEARCH)  # fmt: skip
    if document is None or not (document.text or "").strip():
        return Extraction("", PageHints(), {})
    text = document.text or ""
    hints = _hints(document, html, url)
    variants = {"default": "\n".join(part for part in (text, document.comments or "") if part).strip()}
    for name, setting in VARIANTS.items():
        variants[name] = trafilatura.extract(html, url=url, **setting) or ""  # type: ignore[arg-type]
    return Extraction(text, hints, variants)


def _bare(html: str, url: str | None, **options: object) -> Document | None:
    import trafilatura
    from trafilatura.settings import Document

    try:
        document = trafilatura.bare_extraction(html, url=url, **options)  # type: ignore[arg-type]
    except Exception as error:  # trafilatura raises many types on broken markup
        raise InvalidInputError(f"html could not be parsed: {type(error).__name__}") from None
    return document if isinstance(document, Document) else None


def extract(
    html: str, url: str | None = None, *, date_search: dict[str, bool] = DATE_SEARCH
) -> tuple[str, PageHints, bool]:
    """trafilatura's text alone (paragraphs one per line), its metadata, and whether an article was found.

    HTML mode before the block model (``cleaner eval`` compares them). When
    trafilatura finds no article, all the page's text comes back instead, for
    the plain-text article finder to work on. ``date_search``: htmldate's
    settings (before the block model: ``MARKUP_DATES``).
    """
    html = _as_page(html)
    document = _bare(html, url, with_metadata=True, include_comments=False, include_tables=True,
                     date_extraction_params=date_search)  # fmt: skip
    if document is None or not (document.text or "").strip():
        return all_text(html), PageHints(), False
    return document.text or "", _hints(document, html, url), True


def _as_page(html: str) -> str:
    """A fragment (``<p>...</p>``, bare text) wrapped as a page: trafilatura refuses what does not look like one."""
    return html if "html" in html[:PAGE_SNIFF_CHARS].lower() else f"<html><body>{html}</body></html>"


def all_text(html: str) -> str:
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


def _hints(document: Document, html: str, url: str | None) -> PageHints:
    authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    return PageHints(
        title=document.title or "",
        description=document.description or "",
        authors=authors,
        published=_published(document.date or "", html, url),
        publisher=_site_name(document),
    )


def _published(found: str, html: str, url: str | None) -> str:
    """The date found, or for a January 1st (mostly a bare year) what the markup and URL alone give."""
    if not found.endswith(YEAR_ONLY):
        return found
    from htmldate import find_date

    try:
        return find_date(html, url=url, extensive_search=False, original_date=True) or ""
    except Exception:  # htmldate raises many types on broken markup, like trafilatura
        return ""


def _site_name(document: Document) -> str:
    """The page's own name for its site; not trafilatura's fallback to the URL's host, which names nobody."""
    name = (document.sitename or "").strip()
    host = (document.hostname or "").casefold()
    return "" if host and name.casefold().removeprefix("www.") == host.removeprefix("www.") else name
