"""The article model: load the model file once, score a page's candidate blocks, decide and explain.

Stage 1 is a logistic regression over the block features (standardisation
folded into the weights). Stage 2, boosted trees over the block features plus
the context of stage-1 probabilities (``context``). Viterbi smoothing over the
page decides. A page where the model keeps nothing falls back to the prose-run
heuristic's run (or keeps every candidate where it found none).

Every removed run is explained by the feature with the most negative
contribution to its first block's score; where that is a stage-1 probability,
the stage-1 feature that pulled that probability down most is named instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import mul

from pydantic import BaseModel, ConfigDict, model_validator

from ... import native
from .constraints import keep_lead, outside_run
from .context import CONTEXT, context_features
from .features import FEATURES, block_features
from .page import PageBlocks
from .smoothing import Transitions, viterbi
from .trees import Ensemble, Trees

MODEL_FILE = "article_model.json"


class Linear(BaseModel):
    """``sigmoid(b + w·x)``; ``means`` of the training rows, for explanations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    w: list[float]
    b: float
    means: list[float]


class ModelFile(BaseModel):
    """The model file's format (``cleaner/data/article_model.json``, written by ``cleaner train``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int
    features: list[str]
    context: list[str]
    stage1: Linear
    stage2: Ensemble
    hmm: Transitions
    strength: float
    threshold: float
    run_agreement: float = 0.7
    outside_run: float = 0.8
    lead: float = 0.1
    training: dict[str, object]

    @model_validator(mode="after")
    def _consistent(self) -> ModelFile:
        unknown = sorted(set(self.features) - set(FEATURES))
        if unknown:
            raise ValueError(f"features this version does not compute: {', '.join(unknown)}")
        if self.context != CONTEXT:
            raise ValueError("the context features differ from the ones this version computes")
        if not len(self.stage1.w) == len(self.stage1.means) == len(self.features):
            raise ValueError("stage 1 needs one weight and one mean per feature")
        width = len(self.features) + len(self.context)
        if any(feature >= width for tree in self.stage2.trees for feature in tree.f):
            raise ValueError("a tree uses a feature the model does not have")
        return self


Row = tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """Which blocks of the page the model keeps (rule-decided blocks are never kept), and why.

    ``rows`` holds each candidate's block features and context features, by block index;
    ``outside_run`` the blocks dropped for lying outside the prose run (``constraints``).
    """

    keep: list[bool]
    probabilities: dict[int, float]
    rows: dict[int, tuple[Row, Row]]
    outside_run: frozenset[int] = frozenset()


class ArticleModel:
    """A loaded model; read-only after loading, so one instance serves every thread."""

    def __init__(self, spec: ModelFile) -> None:
        self.spec = spec
        self.name = spec.name
        index = {name: j for j, name in enumerate(FEATURES)}
        self._columns = [index[name] for name in spec.features]
        self._all_columns = self._columns == list(range(len(FEATURES)))
        self._trees = Trees(spec.stage2)
        self._names = [*spec.features, *spec.context]

    def decide(self, page: PageBlocks) -> Decision:
        candidates, rows, context = self._rows(page)
        probabilities = [_sigmoid(score) for score in self._trees.scores(rows, context)]
        states = viterbi(probabilities, self.spec.hmm, self.spec.strength)
        keep = [False] * len(page)
        for index, state in zip(candidates, states, strict=True):
            keep[index] = bool(state)
        spec = self.spec
        dropped = outside_run(page, candidates, probabilities, keep, spec.run_agreement, spec.outside_run)
        keep_lead(page, candidates, probabilities, keep, spec.lead)
        if candidates and not any(keep):
            fallback = [index for index in candidates if page.in_run[index]] or candidates
            for index in fallback:
                keep[index] = True
        return Decision(
            keep,
            dict(zip(candidates, probabilities, strict=True)),
            dict(zip(candidates, zip(rows, context, strict=True), strict=True)),
            dropped,
        )

    def reason(self, decision: Decision, index: int) -> str:
        """The feature that pushed block ``index`` (a candidate) out most, or ``outside_prose_run``."""
        if index in decision.outside_run:
            return "outside_prose_run"
        row, context = decision.rows[index]
        top = self._trees.lowest(row + context)
        if top < len(self.spec.features):
            return self._names[top]
        return self._stage1_reason(row)

    def _stage1_reason(self, row: Sequence[float]) -> str:
        stage1 = self.spec.stage1
        pulls = [w * (x - mean) for w, x, mean in zip(stage1.w, row, stage1.means, strict=True)]
        return self.spec.features[min(range(len(pulls)), key=pulls.__getitem__)]

    def _rows(self, page: PageBlocks) -> tuple[list[int], list[Row], list[Row]]:
        candidates, rows = block_features(page)
        if not self._all_columns:
            rows = [tuple(row[j] for j in self._columns) for row in rows]
        weights, bias = self.spec.stage1.w, self.spec.stage1.b
        linear = getattr(native.extension(), "linear", None)  # built before Python 3.12 only (see _native.c)
        if linear is not None:
            first: list[float] = linear(rows, weights, bias)
        else:
            first = [_sigmoid(bias + sum(map(mul, weights, row))) for row in rows]
        context = context_features(first, [len(page.tokens[i]) for i in candidates])
        return candidates, rows, context


@cache
def builtin_model() -> ArticleModel:
    """The model shipped with the library, loaded on first use."""
    text = (resources.files("cleaner") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    return ArticleModel(ModelFile.model_validate_json(text))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
