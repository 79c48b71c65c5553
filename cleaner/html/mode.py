"""HTML mode: the page's DOM blocks, kept or dropped by the block model, reconciled with trafilatura.

The model reads trafilatura's three extractions as features of each block, so
it keeps what trafilatura keeps unless the DOM says otherwise. The text the
rest of the pipeline sees (and removal offsets refer to) is every DOM block, one
a line; the blocks the model drops come with exclusions naming the model and
the feature that explains them. A page where trafilatura finds nothing, or the
model keeps nothing, falls back to its visible text, cleaned as text mode cleans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document.exclusions import Exclusion
from .dom.blocks import DomPage, dom_page
from .dom.features import PageInput, page_features
from .dom.markup import page_markup
from .dom.model import BlockModel
from .dom.reasons import category_of
from .dom.structure import hidden_blocks
from .extract import Extraction, PageHints, all_text, trafilatura_extraction


@dataclass(frozen=True, slots=True)
class HtmlText:
    """The text HTML mode cleans, its page hints, the model's exclusions, and whether text mode's finder runs."""

    text: str
    hints: PageHints = PageHints()
    exclusions: list[Exclusion] = field(default_factory=list)
    find_article: bool = False


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A page read for the block model: its blocks (without the tree), their feature rows, trafilatura's hints.

    No rows where trafilatura found nothing; then, or where the model keeps nothing, ``fallback`` is cleaned.
    """

    dom: DomPage
    rows: list[list[float]]
    hints: PageHints
    fallback: HtmlText


def html_text(html: str, url: str | None, model: BlockModel) -> HtmlText:
    """The page as HTML mode cleans it."""
    return decide(prepare(html, url, trafilatura_extraction(html, url)), model)


def prepare(html: str, url: str | None, extraction: Extraction) -> PreparedPage:
    dom = dom_page(html)
    if not extraction.text.strip() or not dom.blocks:
        return PreparedPage(dom, [], extraction.hints, _visible_text(dom, html))
    rows = page_features(PageInput(dom, page_markup(dom.root), extraction.variants, url or ""))
    dom.root = None  # the tree is not needed any more
    return PreparedPage(dom, rows, extraction.hints, _visible_text(dom, html))


def decide(page: PreparedPage, model: BlockModel) -> HtmlText:
    """The model's exclusions, one per run of dropped blocks; the fallback where it keeps nothing."""
    decision = model.decide(page.rows)
    if not any(decision.keep):
        return page.fallback
    blocks = page.dom.blocks
    exclusions = []
    start = -1
    for index, keep in enumerate([*decision.keep, True]):
        if not keep and start < 0:
            start = index
        elif keep and start >= 0:
            reason = model.reason(decision.rows[start])
            first, last = blocks[start], blocks[index - 1]
            rule = f"{model.name}.{reason.replace('_', '-')}"
            exclusions.append(Exclusion(first.start, last.start + last.chars, rule, category_of(reason)))
            start = -1
    return HtmlText(page.dom.text, page.hints, exclusions)


def _visible_text(dom: DomPage, html: str) -> HtmlText:
    """The page's visible blocks (or all its text where the DOM gave none), for text mode's finder."""
    hidden = hidden_blocks(dom)
    text = "\n".join(block.text for block, invisible in zip(dom.blocks, hidden, strict=True) if not invisible)
    return HtmlText(text if text.strip() else all_text(html), find_article=True)
