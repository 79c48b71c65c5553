"""HTML mode: the page's DOM blocks, kept or dropped by the block model, reconciled with trafilatura.

The model reads trafilatura's three extractions as features of each block, so
it keeps what trafilatura keeps unless the DOM says otherwise. The text the
rest of the pipeline sees (and removal offsets refer to) is every DOM block, one
a line; the blocks the model drops come with exclusions naming the model and
the feature that explains them; captions trafilatura left out go to the
page's captions even where the model keeps them (``dom.captions``). A page where trafilatura finds nothing, or the
model keeps nothing, falls back to its visible text, cleaned as text mode cleans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document.exclusions import Exclusion
from ..rules.schema import Category
from .dom.blocks import DomPage, dom_page
from .dom.captions import is_caption
from .dom.features import PageInput, page_features
from .dom.markup import page_markup
from .dom.model import BlockModel
from .dom.reasons import category_of
from .dom.structure import hidden_blocks
from .extract import Extraction, PageHints, all_text, trafilatura_extraction

DROPPED = "dropped"
CAPTION = "caption"


@dataclass(frozen=True, slots=True)
class HtmlText:
    """The text HTML mode cleans, its page hints, the model's exclusions, and whether text mode's finder runs.

    ``dom_lines``: each line is one DOM block, so none is two blocks glued together.
    """

    text: str
    hints: PageHints = PageHints()
    exclusions: list[Exclusion] = field(default_factory=list)
    find_article: bool = False
    dom_lines: bool = True

    @property
    def judged(self) -> bool:
        """Whether the block model decided the blocks (not the fallback, which text mode's finder decides)."""
        return not self.find_article


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
    variants = {**extraction.variants, "main": extraction.text}
    rows = page_features(PageInput(dom, page_markup(dom.root), variants, url or ""))
    dom.root = None  # the tree is not needed any more
    return PreparedPage(dom, rows, extraction.hints, _visible_text(dom, html))


def decide(page: PreparedPage, model: BlockModel) -> HtmlText:
    """The model's exclusions (one per run of dropped blocks) and the captions; the fallback where it keeps nothing."""
    decision = model.decide(page.rows)
    if not any(decision.keep):
        return page.fallback
    kinds = [DROPPED if not keep else CAPTION if is_caption(row) else None
             for keep, row in zip(decision.keep, page.rows, strict=True)]  # fmt: skip
    blocks = page.dom.blocks
    exclusions = []
    for start, end, kind in _runs(kinds):
        first, last = blocks[start], blocks[end - 1]
        if kind == CAPTION:
            rule, category, field = f"{model.name}.caption", Category.CAPTION, "captions"
        else:
            reason = model.reason(decision.rows[start])
            rule, category, field = f"{model.name}.{reason.replace('_', '-')}", category_of(reason), ""
        exclusions.append(Exclusion(first.start, last.start + last.chars, rule, category, field))
    return HtmlText(page.dom.text, page.hints, exclusions)


def _runs(kinds: list[str | None]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each run of blocks of one kind that is not None."""
    runs = []
    start = 0
    for index in range(1, len(kinds) + 1):
        if index == len(kinds) or kinds[index] != kinds[start]:
            kind = kinds[start]
            if kind is not None:
                runs.append((start, index, kind))
            start = index
    return runs


def _visible_text(dom: DomPage, html: str) -> HtmlText:
    """The page's visible blocks (or all its text where the DOM gave none), for text mode's finder."""
    hidden = hidden_blocks(dom)
    text = "\n".join(block.text for block, invisible in zip(dom.blocks, hidden, strict=True) if not invisible)
    if text.strip():
        return HtmlText(text, find_article=True)
    return HtmlText(all_text(html), find_article=True, dom_lines=False)
