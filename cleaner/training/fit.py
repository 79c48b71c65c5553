"""Fit the article model: a logistic stage, boosted trees over its neighbourhood, and the smoothing.

Stage 1, a logistic regression over the block features (standardised; the
scaling is folded into the weights written). Stage 2, scikit-learn's
``HistGradientBoostingClassifier`` over the block features plus the context of
stage-1 probabilities, where those probabilities are out of fold (grouped by
domain), so the trees learn how far to trust stage 1 on sites it never saw.
Then the HMM's transitions, counted from the label sequences. Rows are weighted
by their words' share of their page, so every page counts alike.

Deterministic: pages sorted by id, unshuffled folds, a fixed seed, no early
stopping, the JSON written with sorted keys.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ..document.finder.context import CONTEXT, context_features
from ..document.finder.features import FEATURES, block_features
from ..document.finder.model import Linear, ModelFile
from ..document.finder.smoothing import Transitions
from ..document.finder.trees import Ensemble, Tree
from .pages import TrainingPage

MODEL_NAME = "article-finder"
FORMAT_VERSION = 1
Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Config:
    """The training settings; written into the model file."""

    c: float = 1.0
    trees: int = 80
    max_depth: int = 6
    max_leaf_nodes: int = 20
    learning_rate: float = 0.12
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    inner_folds: int = 3
    strength: float = 0.5
    threshold: float = 0.5
    run_agreement: float = 0.7
    outside_run: float = 0.8
    lead: float = 0.1
    seed: int = 0
    features: tuple[str, ...] = tuple(FEATURES)


DEFAULT_CONFIG = Config()


@dataclass
class Rows:
    """Every candidate block of the pages as a matrix row, with its label, weight, page and words."""

    x: Matrix
    y: NDArray[np.int8]
    weight: Matrix
    page: NDArray[np.int32]
    words: NDArray[np.int32]
    labels: list[list[int]] = field(default_factory=list)
    """Each page's candidate labels in order, for the HMM."""

    @property
    def pages(self) -> int:
        return len(self.labels)


def rows(pages: Sequence[TrainingPage], features: Sequence[str] = FEATURES) -> Rows:
    columns = [FEATURES.index(name) for name in features]
    found: list[tuple[float, ...]] = []
    labels, weights, page_of, words, sequences = [], [], [], [], []
    for number, page in enumerate(pages):
        candidates, features_rows = block_features(page.blocks)
        total = sum(len(page.blocks.tokens[i]) + 1 for i in candidates) or 1
        sequences.append([page.labels[i] for i in candidates])
        for index, row in zip(candidates, features_rows, strict=True):
            found.append(tuple(row[j] for j in columns))
            labels.append(page.labels[index])
            weights.append((len(page.blocks.tokens[index]) + 1) / total * len(pages))
            page_of.append(number)
            words.append(len(page.blocks.tokens[index]))
    return Rows(
        np.asarray(found, dtype=np.float64).reshape(-1, len(columns)),
        np.asarray(labels, dtype=np.int8),
        np.asarray(weights, dtype=np.float64),
        np.asarray(page_of, dtype=np.int32),
        np.asarray(words, dtype=np.int32),
        sequences,
    )


@dataclass
class Fitted:
    """The fitted stages (scikit-learn's trees, before export) and the rows they were fitted on."""

    stage1: Linear
    trees: HistGradientBoostingClassifier
    data: Rows


def fit(pages: Sequence[TrainingPage], config: Config = DEFAULT_CONFIG) -> ModelFile:
    """The model trained on ``pages``."""
    return model_file(fit_stages(pages, config), config)


def fit_stages(pages: Sequence[TrainingPage], config: Config = DEFAULT_CONFIG) -> Fitted:
    data = rows(pages, config.features)
    domains = np.asarray([pages[p].gold.domain for p in data.page])
    out_of_fold = np.zeros(len(data.y))
    for train, test in GroupKFold(n_splits=config.inner_folds).split(data.x, data.y, domains):
        inner = _fit_linear(data.x[train], data.y[train], data.weight[train], config.c)
        out_of_fold[test] = predict_linear(inner, data.x[test])
    trees = HistGradientBoostingClassifier(
        max_iter=config.trees,
        max_depth=config.max_depth,
        max_leaf_nodes=config.max_leaf_nodes,
        learning_rate=config.learning_rate,
        min_samples_leaf=config.min_samples_leaf,
        l2_regularization=config.l2_regularization,
        early_stopping=False,
        random_state=config.seed,
    )
    trees.fit(
        np.hstack([data.x, context_matrix(out_of_fold, data.page, data.words)]), data.y, sample_weight=data.weight
    )
    return Fitted(_fit_linear(data.x, data.y, data.weight, config.c), trees, data)


def model_file(fitted: Fitted, config: Config) -> ModelFile:
    return ModelFile(
        name=MODEL_NAME,
        version=FORMAT_VERSION,
        features=list(config.features),
        context=list(CONTEXT),
        stage1=fitted.stage1,
        stage2=export_trees(fitted.trees),
        hmm=_transitions(fitted.data.labels),
        strength=config.strength,
        threshold=config.threshold,
        run_agreement=config.run_agreement,
        outside_run=config.outside_run,
        lead=config.lead,
        training={
            "pages": fitted.data.pages,
            "blocks": len(fitted.data.y),
            "config": _config_record(config),
        },
    )


def dump(model: ModelFile) -> str:
    """The model file's text: the same model gives the same bytes."""
    return json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"


def context_matrix(q: NDArray[np.float64], page: NDArray[np.int32], words: NDArray[np.int32]) -> Matrix:
    """The context features of every row from stage-1 probabilities ``q`` (rows grouped by page)."""
    out = np.zeros((len(q), len(CONTEXT)))
    bounds = np.flatnonzero(np.diff(page)) + 1
    for start, end in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(q)]]), strict=True):
        out[start:end] = context_features(q[start:end].tolist(), words[start:end].tolist())
    return out


def export_trees(model: HistGradientBoostingClassifier) -> Ensemble:
    """The fitted trees as the model file's arrays (sklearn shrinks leaves only: node values are scaled to match)."""
    shrink = model.learning_rate
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        size = len(nodes)
        trees.append(
            Tree(
                f=[-1 if leaf[k] else int(nodes["feature_idx"][k]) for k in range(size)],
                t=[0.0 if leaf[k] else float(nodes["num_threshold"][k]) for k in range(size)],
                l=[0 if leaf[k] else int(nodes["left"][k]) for k in range(size)],
                r=[0 if leaf[k] else int(nodes["right"][k]) for k in range(size)],
                v=[float(nodes["value"][k]) if leaf[k] else 0.0 for k in range(size)],
                n=[float(f"{nodes['value'][k] * (1 if leaf[k] else shrink):.4g}") for k in range(size)],
            )
        )
    return Ensemble(base=float(np.asarray(model._baseline_prediction).ravel()[0]), trees=trees)


def _fit_linear(x: Matrix, y: NDArray[np.int8], weight: Matrix, c: float) -> Linear:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (weights * mean).sum())
    return Linear(w=[float(w) for w in weights], b=bias, means=[float(m) for m in mean])


def predict_linear(linear: Linear, x: Matrix) -> NDArray[np.float64]:
    z = x @ np.asarray(linear.w) + linear.b
    result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return result


def _transitions(sequences: Sequence[Sequence[int]]) -> Transitions:
    """Transition and start log-probabilities counted from label sequences (add-one smoothed)."""
    counts = [[1.0, 1.0], [1.0, 1.0]]
    start = [1.0, 1.0]
    ones = zeros = 0
    for sequence in sequences:
        if not sequence:
            continue
        start[sequence[0]] += 1
        for a, b in zip(sequence, sequence[1:], strict=False):
            counts[a][b] += 1
        ones += sum(sequence)
        zeros += len(sequence) - sum(sequence)
    trans = tuple(tuple(math.log(c / sum(row)) for c in row) for row in counts)
    prior = ones / (ones + zeros)
    return Transitions(
        trans=trans,
        start=(math.log(start[0] / sum(start)), math.log(start[1] / sum(start))),
        prior=(1 - prior, prior),
    )


def _config_record(config: Config) -> dict[str, Any]:
    record = {name: getattr(config, name) for name in config.__dataclass_fields__ if name != "features"}
    return record
