"""What ``cleaner eval`` can compare: the raw text, text mode, HTML mode, trafilatura alone."""

from __future__ import annotations

from collections.abc import Callable

import trafilatura

from ..api import Cleaner
from .gold import GoldPage, read_html


def extractors(cleaner: Cleaner) -> dict[str, tuple[str, Callable[[GoldPage], str]]]:
    """The modes ``cleaner eval`` can compare: name → (label, body of a page)."""
    return {
        "raw": ("raw noisy text", lambda page: page.noisy_text),
        "text": ("text mode", lambda page: cleaner.clean(page.noisy_text, url=page.url or None).body),
        "html": ("html mode", lambda page: cleaner.clean(html=read_html(page), url=page.url or None).body),
        "trafilatura": ("trafilatura alone", lambda page: trafilatura.extract(read_html(page), url=page.url) or ""),
    }
