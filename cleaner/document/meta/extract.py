"""Run the metadata rankers on one page, from the article finder's view and decision."""

from __future__ import annotations

from collections.abc import Sequence

from ..finder.model import ArticleModel, Decision
from ..finder.page import PageBlocks
from .page import FinderView, MetaPage, build_page
from .ranker import Found, MetadataModel


def finder_names(finder: ArticleModel) -> list[str]:
    """The columns of the finder's rows: its block features, then its context features."""
    return [*finder.spec.features, *finder.spec.context]


def meta_page(blocks: PageBlocks, raw: Sequence[str], decision: Decision, finder: ArticleModel) -> MetaPage:
    """The rankers' page: ``raw`` holds each block's line before strip rules cut fragments out."""
    return build_page(
        blocks, raw, FinderView(decision.keep, decision.probabilities, decision.rows, finder_names(finder))
    )


def without_agencies(authors: Sequence[str], agencies: Sequence[str]) -> tuple[str, ...]:
    """``authors`` but the news agencies a rule named ("By Sam Jones, Reuters": Reuters is no author)."""
    folded = {agency.casefold() for agency in agencies}
    return tuple(name for name in authors if name.casefold() not in folded)


def rank_metadata(page: MetaPage, model: MetadataModel) -> Found:
    """The title, authors and date the rankers choose on ``page``."""
    return model.extract(page, model.columns(page.finder.names))
