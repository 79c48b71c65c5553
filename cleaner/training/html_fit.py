"""Fit HTML mode's block model: boosted trees over the DOM block features, written as the model file.

scikit-learn's ``HistGradientBoostingClassifier`` on every block of the pages
where trafilatura found text (the others are never decided by the model). A
block weighs its tokens over its page's size (the mean of the gold's and the
page's token counts, each at least 50), capped at 50 times the median, so every
page counts about alike. Deterministic: pages sorted by id, a fixed seed, no
early stopping, the JSON written with sorted keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier

from ..html.dom.alignment import tokens
from ..html.dom.features import FEATURES
from ..html.dom.model import HtmlModelFile
from .fit import export_trees
from .html_pages import HtmlTrainingPage

MODEL_NAME = "html-model"
FORMAT_VERSION = 1
MIN_PAGE_TOKENS = 50.0
WEIGHT_CAP = 50.0
Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class HtmlConfig:
    """The training settings; written into the model file."""

    trees: int = 100
    learning_rate: float = 0.1
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0
    threshold: float = 0.5
    seed: int = 0


DEFAULT_HTML_CONFIG = HtmlConfig()


@dataclass
class HtmlRows:
    x: NDArray[np.float32]
    y: NDArray[np.int8]
    weight: Matrix
    pages: int


def html_rows(pages: Sequence[HtmlTrainingPage]) -> HtmlRows:
    found: list[NDArray[np.float32]] = []
    labels: list[int] = []
    weights: list[float] = []
    used = 0
    for page in pages:
        if not len(page.matrix):
            continue
        used += 1
        sizes = [max(1, len(tokens(block.text))) for block in page.page.dom.blocks]
        gold = sum(size for size, label in zip(sizes, page.labels, strict=True) if label)
        scale = 2000.0 / (max(gold, MIN_PAGE_TOKENS) + max(sum(sizes), MIN_PAGE_TOKENS))
        found.append(page.matrix)
        labels += page.labels
        weights += [size * scale for size in sizes]
    weight = np.asarray(weights, dtype=np.float64)
    if len(weight):
        weight = np.minimum(weight, WEIGHT_CAP * np.median(weight))
    x = np.vstack(found) if found else np.zeros((0, len(FEATURES)), dtype=np.float32)
    return HtmlRows(x, np.asarray(labels, dtype=np.int8), weight, used)


def fit_html(pages: Sequence[HtmlTrainingPage], config: HtmlConfig = DEFAULT_HTML_CONFIG) -> HtmlModelFile:
    """The block model trained on ``pages``."""
    data = html_rows(pages)
    trees = HistGradientBoostingClassifier(
        max_iter=config.trees,
        learning_rate=config.learning_rate,
        max_leaf_nodes=config.max_leaf_nodes,
        min_samples_leaf=config.min_samples_leaf,
        l2_regularization=config.l2_regularization,
        early_stopping=False,
        random_state=config.seed,
    )
    trees.fit(data.x, data.y, sample_weight=data.weight)
    return HtmlModelFile(
        name=MODEL_NAME,
        version=FORMAT_VERSION,
        features=list(FEATURES),
        trees=export_trees(trees),
        threshold=config.threshold,
        training={"pages": data.pages, "blocks": len(data.y), "config": asdict(config)},
    )


def dump_html(model: HtmlModelFile) -> str:
    """The model file's text: the same model gives the same bytes."""
    return json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"
