"""The HTML block model: boosted trees over ``FEATURES``, loaded once, keep or drop each DOM block, and why.

The trees are the text finder's format, evaluated as it evaluates them
(``document.finder.trees.Trees``: the C extension where built); a ``BlockModel`` is read-only after loading, so one
instance serves every thread. A dropped block is explained by the feature whose
path contributions pulled its score down most.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, model_validator

from ...document.finder.trees import Ensemble, Trees
from .features import FEATURES

MODEL_FILE = "html_model.json"


class HtmlModelFile(BaseModel):
    """The model file's format (``cleaner/data/html_model.json``, written by ``cleaner train --html``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int
    features: list[str]
    trees: Ensemble
    threshold: float
    training: dict[str, object]

    @model_validator(mode="after")
    def _consistent(self) -> HtmlModelFile:
        unknown = sorted(set(self.features) - set(FEATURES))
        if unknown:
            raise ValueError(f"features this version does not compute: {', '.join(unknown)}")
        if any(feature >= len(self.features) for tree in self.trees.trees for feature in tree.f):
            raise ValueError("a tree uses a feature the model does not have")
        return self


@dataclass(frozen=True, slots=True)
class BlockDecision:
    keep: list[bool]
    rows: list[list[float]]
    """Each block's features, in the model's column order."""


class BlockModel:
    def __init__(self, spec: HtmlModelFile) -> None:
        self.spec = spec
        self.name = spec.name
        index = {name: j for j, name in enumerate(FEATURES)}
        self._columns = [index[name] for name in spec.features]
        self._trees = Trees(spec.trees)
        self._cutoff = math.log(spec.threshold / (1 - spec.threshold))

    def decide(self, rows: Sequence[Sequence[float]]) -> BlockDecision:
        """Which blocks to keep, from their ``FEATURES`` rows."""
        columns = self._columns
        picked = [[row[j] for j in columns] for row in rows]
        scores = self._trees.scores([tuple(row) for row in picked], [()] * len(picked))
        return BlockDecision([score >= self._cutoff for score in scores], picked)

    def probability(self, row: Sequence[float]) -> float:
        return 1 / (1 + math.exp(-self._trees.scores([tuple(row)], [()])[0]))

    def reason(self, row: Sequence[float]) -> str:
        """The feature that pushed the block (a row in the model's columns) out most."""
        return self.spec.features[self._trees.lowest(row)]


@cache
def builtin_html_model() -> BlockModel:
    """The model shipped with the library, loaded on first use."""
    text = (resources.files("cleaner") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    return BlockModel(HtmlModelFile.model_validate_json(text))
