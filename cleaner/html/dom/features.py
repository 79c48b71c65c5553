"""One row of numbers per DOM block: its text, its DOM, trafilatura's extractions, its neighbours, the page."""

from __future__ import annotations

from dataclasses import dataclass

from . import context, page, stacking, structure, text
from .alignment import Shingle, shingles, tokens
from .blocks import DomPage
from .markup import Markup

FEATURES = [*text.NAMES, *structure.NAMES, *stacking.NAMES, *context.NAMES, *page.PAGE_NAMES, *page.RELATION_NAMES]


@dataclass(frozen=True, slots=True)
class PageInput:
    """What the features are computed from: the DOM blocks, the markup, trafilatura's texts, the URL."""

    dom: DomPage
    markup: Markup
    extractions: dict[str, str]
    url: str


def page_features(source: PageInput) -> list[list[float]]:
    """One row per block, in ``FEATURES`` order."""
    dom = source.dom
    if not dom.blocks:
        return []
    words = [tokens(block.text) for block in dom.blocks]
    grams: list[list[Shingle]] = [shingles(block_words) for block_words in words]
    hidden = structure.hidden_blocks(dom)
    whole_page = page.page_row(dom, words, source.markup, source.url)
    groups = (
        [text.text_row(block.text, block_words) for block, block_words in zip(dom.blocks, words, strict=True)],
        structure.structure_rows(dom, words, hidden),
        stacking.stacking_rows(dom, words, grams, hidden, source.extractions),
        context.context_rows(dom, words),
        [whole_page] * len(dom.blocks),
        page.relation_rows(dom, words, source.markup),
    )
    return [[value for group in parts for value in group] for parts in zip(*groups, strict=True)]
