"""Run a mode over gold pages: body scores, per page type, and metadata outcomes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .gold import GoldPage
from .metadata import MetadataOutcome, MetadataSummary, PredictedMetadata, score_metadata
from .modes import Extraction, Mode
from .scoring import PageScore, Summary, score_page

NON_ARTICLE = "non-article"


@dataclass(frozen=True, slots=True)
class ModeResult:
    summary: Summary
    metadata: list[MetadataOutcome] | None
    """One outcome per page with gold metadata, where the mode gives metadata and it was asked for."""

    def metadata_summary(self) -> MetadataSummary | None:
        return None if self.metadata is None else MetadataSummary.of(self.metadata)


def evaluate(mode: Mode, pages: Sequence[GoldPage], *, with_metadata: bool = False) -> ModeResult:
    """Score a mode on every page; a page it fails on scores as an empty body (and no metadata)."""
    scores, outcomes = [], []
    gives_metadata = False
    for page in pages:
        try:
            found = mode.extract(page, with_metadata)
        except Exception:  # noqa: BLE001 - a failure is an empty body, scored as such
            found = Extraction("")
        scores.append(score_page(page.id, page.gold_text, found.body))
        gives_metadata |= found.metadata is not None
        if with_metadata and page.meta:
            outcomes.append(score_metadata(found.metadata or PredictedMetadata(), page.meta))
    return ModeResult(Summary(mode.label, scores), outcomes if with_metadata and gives_metadata else None)


def by_type(scores: Mapping[str, PageScore], pages: Sequence[GoldPage], name: str = "") -> dict[str, Summary]:
    """Summaries per page type, plus all non-article pages together (only where pages have types)."""
    groups: dict[str, list[PageScore]] = {}
    for page in pages:
        if page.page_type and page.id in scores:
            groups.setdefault(page.page_type, []).append(scores[page.id])
            if page.page_type != "article":
                groups.setdefault(NON_ARTICLE, []).append(scores[page.id])
    return {group: Summary(name or group, found) for group, found in sorted(groups.items(), key=_type_order)}


def _type_order(item: tuple[str, list[PageScore]]) -> tuple[int, str]:
    name = item[0]
    return (0 if name == "article" else 2 if name == NON_ARTICLE else 1, name)
