"""Training pages: each gold page run through the pipeline up to the article finder, with its labels.

Pages are sorted by id, so the same data gives the same training rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..api import Cleaner
from ..document.finder.page import PageBlocks
from ..evaluation.gold import GoldPage
from .labels import label_blocks


@dataclass(frozen=True, slots=True)
class TrainingPage:
    gold: GoldPage
    blocks: PageBlocks
    labels: list[int]


def prepare(cleaner: Cleaner, pages: Iterable[GoldPage]) -> list[TrainingPage]:
    """The pages as the article finder sees them, labelled from their gold bodies."""
    prepared = []
    for page in sorted(pages, key=lambda page: page.id):
        blocks = cleaner.document_run(page.noisy_text, url=page.url or None, find_article=False).page_blocks()
        prepared.append(TrainingPage(page, blocks, label_blocks(blocks.texts, page.gold_text)))
    return prepared
