"""The metadata model: three linear rankers over the candidates, loaded from a small JSON file.

- Title: the best-scoring candidate (a conditional logit: trained as a softmax
  over each page's candidates); every page with a candidate gets one.
- Authors: every candidate scoring at least the threshold, best first, at most
  ``max_authors``; a name whose words are a subset or superset of one already
  chosen is left out ("Jane" beside "Jane Doe").
- Date: the best-scoring candidate when it scores at least the threshold; its
  time and zone come from ``dates.parse_published`` where that reads the same day.

Scores are ``bias + weights · row`` (the training's standardisation is folded
into the weights), pure Python; ties go to the earlier candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import mul

from pydantic import BaseModel, ConfigDict, model_validator

from ..dates import parse_published
from ..finder.context import CONTEXT
from ..finder.features import FEATURES
from .authors import AUTHOR_FEATURES, author_candidates
from .page import MetaPage
from .published import DATE_FEATURES, date_candidates
from .title import TITLE_FEATURES, title_candidates

MODEL_FILE = "metadata_model.json"
MODEL_NAME = "metadata-ranker"
FORMAT_VERSION = 1


class Ranker(BaseModel):
    """A linear score over named features; ``threshold``: the least score taken (authors, date)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    features: list[str]
    weights: list[float]
    bias: float
    threshold: float = 0.0

    @model_validator(mode="after")
    def _one_weight_per_feature(self) -> Ranker:
        if len(self.weights) != len(self.features):
            raise ValueError("a ranker needs one weight per feature")
        return self

    def score(self, row: Sequence[float]) -> float:
        return self.bias + float(sum(map(mul, self.weights, row)))


class MetadataModelFile(BaseModel):
    """The model file's format (``cleaner/data/metadata_model.json``, written by ``cleaner train --model metadata``).

    ``finder_features``: the article finder's columns (block features, then context
    features) that follow ``TITLE_FEATURES`` in a title candidate's row.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int
    finder_features: list[str]
    title: Ranker
    authors: Ranker
    date: Ranker
    max_authors: int
    training: dict[str, object]

    @model_validator(mode="after")
    def _consistent(self) -> MetadataModelFile:
        if self.version != FORMAT_VERSION:
            raise ValueError(f"model format {self.version}; this version reads {FORMAT_VERSION}")
        unknown = sorted(set(self.finder_features) - set(FEATURES) - set(CONTEXT))
        if unknown:
            raise ValueError(f"finder features this version does not compute: {', '.join(unknown)}")
        for name, ranker, expected in (
            ("title", self.title, TITLE_FEATURES + self.finder_features),
            ("authors", self.authors, AUTHOR_FEATURES),
            ("date", self.date, DATE_FEATURES),
        ):
            if ranker.features != expected:
                raise ValueError(f"the {name} ranker's features differ from the ones this version computes")
        if self.max_authors < 1:
            raise ValueError("max_authors must be at least 1")
        return self


@dataclass(frozen=True, slots=True)
class Found:
    """What the rankers chose (empty where nothing was good enough)."""

    title: str = ""
    title_index: int = -1
    authors: tuple[str, ...] = ()
    published: str = ""


class MetadataModel:
    """A loaded model; read-only after loading, so one instance serves every thread."""

    def __init__(self, spec: MetadataModelFile) -> None:
        self.spec = spec
        self._columns: dict[tuple[str, ...], list[int] | None] = {}

    def columns(self, finder_names: Sequence[str]) -> list[int] | None:
        """Where each of the model's finder features sits in rows named ``finder_names`` (None: in place)."""
        key = tuple(finder_names)
        if key not in self._columns:
            if list(key) == self.spec.finder_features:
                self._columns[key] = None
            else:
                at = {name: k for k, name in enumerate(key)}
                self._columns[key] = [at.get(name, -1) for name in self.spec.finder_features]
        return self._columns[key]

    def extract(self, page: MetaPage, columns: list[int] | None) -> Found:
        spec = self.spec
        title, index = choose_title(page, spec.title, columns, len(spec.finder_features))
        page.title, page.title_text = index, title
        return Found(title, index, choose_authors(page, spec.authors, spec.max_authors), choose_date(page, spec.date))


def choose_title(page: MetaPage, ranker: Ranker, columns: list[int] | None, width: int) -> tuple[str, int]:
    best, best_score = None, 0.0
    for candidate in title_candidates(page, columns, width):
        score = ranker.score(candidate.row)
        if best is None or score > best_score:
            best, best_score = candidate, score
    return ("", -1) if best is None else (best.text, best.index)


def choose_authors(page: MetaPage, ranker: Ranker, most: int) -> tuple[str, ...]:
    scored = sorted(
        ((ranker.score(c.row), n, c.name) for n, c in enumerate(author_candidates(page))), key=lambda x: (-x[0], x[1])
    )
    chosen: list[str] = []
    keys: list[set[str]] = []
    for score, _, name in scored:
        if score < ranker.threshold or len(chosen) >= most:
            break
        words = set(name.casefold().split())
        if any(words <= k or k <= words for k in keys):
            continue
        chosen.append(name)
        keys.append(words)
    return tuple(chosen)


def choose_date(page: MetaPage, ranker: Ranker) -> str:
    best, best_score = None, 0.0
    for candidate in date_candidates(page):
        score = ranker.score(candidate.row)
        if best is None or score > best_score:
            best, best_score = candidate, score
    if best is None or best_score < ranker.threshold:
        return ""
    match = best.match
    if match is not None and match.day and match.has_time:
        parsed = parse_published(page.raw[best.index][match.start : match.end])
        if parsed[:10] == best.value:
            return parsed
    return best.value


@cache
def builtin_metadata_model() -> MetadataModel:
    """The model shipped with the library, loaded on first use."""
    text = (resources.files("cleaner") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    return MetadataModel(MetadataModelFile.model_validate_json(text))
