"""Page-level markup: og:type, JSON-LD ``@type`` values, ``<article>`` count, title and description."""

from __future__ import annotations

from dataclasses import dataclass

import regex
from lxml.html import HtmlElement

LD_SCAN_CHARS = 200_000
TITLE_CHARS = 2000
DESCRIPTION_CHARS = 4000
_LD_TYPE = regex.compile(r'"@type"\s*:\s*\[?\s*"([A-Za-z]+)"')
_TITLES = ("og:title", "twitter:title")
_DESCRIPTIONS = ("description", "og:description", "twitter:description")


@dataclass(frozen=True, slots=True)
class Markup:
    og_type: str = ""
    ld_types: frozenset[str] = frozenset()
    articles: int = 0
    title: str = ""
    description: str = ""


def page_markup(root: HtmlElement | None) -> Markup:
    if root is None:
        return Markup()
    og = ""
    titles: list[str] = []
    descriptions: list[str] = []
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        content = meta.get("content") or ""
        if name == "og:type" and not og:
            og = content.strip().lower()
        elif name in _TITLES:
            titles.append(content)
        elif name in _DESCRIPTIONS:
            descriptions.append(content)
    title = root.find(".//title")
    if title is not None and title.text:
        titles.append(title.text)
    types: set[str] = set()
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            types.update(_LD_TYPE.findall(script.text[:LD_SCAN_CHARS]))
    articles = sum(1 for _ in root.iter("article"))
    return Markup(og, frozenset(types), articles, " \n ".join(titles)[:TITLE_CHARS],
                  " \n ".join(descriptions)[:DESCRIPTION_CHARS])  # fmt: skip
