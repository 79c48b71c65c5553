"""Fit the metadata rankers (title, authors, date) on gold pages, and measure them grouped by domain.

- Title: a conditional logit (a softmax over each page's candidates, L2, L-BFGS)
  on standardised features; pages without a right candidate do not train it.
- Authors and date: logistic regressions per candidate, then a threshold tuned
  on the training pages: authors maximise (pages with a right name - 0.5 x wrong
  names), the date (right - 0.5 x (wrong + spurious)).
- Author and date candidates are described against the chosen title, so their
  training pages carry the title a model that never saw their domain chose
  (grouped cross-fitting inside the training pages), as at run time.

Standardisation is folded into the weights written. Deterministic: pages sorted
by id, unshuffled grouped folds, no randomness, JSON with sorted keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from ..api import Cleaner
from ..document.meta.authors import AUTHOR_FEATURES, author_candidates
from ..document.meta.extract import finder_names, meta_page, rank_metadata, without_agencies
from ..document.meta.page import MetaPage
from ..document.meta.published import DATE_FEATURES, date_candidates
from ..document.meta.ranker import FORMAT_VERSION, MODEL_NAME, MetadataModel, MetadataModelFile, Ranker
from ..document.meta.title import TITLE_FEATURES, title_candidates
from ..document.metadata import MetadataBuilder
from ..evaluation.gold import GoldPage
from ..evaluation.metadata import MetadataOutcome, PredictedMetadata, names_match, score_metadata, title_match
from .crossval import grouped_splits

Matrix = NDArray[np.float64]
FOLDS = 5
INNER_FOLDS = 4
MAX_AUTHORS = 4
AUTHOR_PENALTY = 0.5
DATE_PENALTY = 0.5
TITLE_L2 = 1.0
Progress = Callable[[str], None]


@dataclass
class Sample:
    """One gold page as the rankers see it, its title candidates' rows and labels, and what rules captured."""

    gold: GoldPage
    page: MetaPage
    title_rows: list[tuple[float, ...]]
    title_labels: list[int]
    title_index: list[int]
    captured: dict[str, list[str]]


def prepare(cleaner: Cleaner, pages: Iterable[GoldPage]) -> list[Sample]:
    """Every page run through the pipeline up to the article finder's decision (pages sorted by id)."""
    finder = cleaner.article_model
    width = len(finder_names(finder))
    samples = []
    for gold in sorted(pages, key=lambda page: page.id):
        run = cleaner.document_run(gold.noisy_text, url=gold.url or None, find_article=False)
        blocks = run.page_blocks()
        page = meta_page(blocks, [state.block.text for state in run.states], finder.decide(blocks), finder)
        candidates = title_candidates(page, None, width)
        truth = str(gold.meta.get("title") or "")
        captured = MetadataBuilder()
        for name, value in run.captures([state for state in run.states if state.verdict is None]):
            captured.add(name, value)
        samples.append(
            Sample(
                gold,
                page,
                [c.row for c in candidates],
                [int(title_match(c.text, truth)[0]) for c in candidates],
                [c.index for c in candidates],
                {name: captured.values[name] for name in ("authors", "published", "agency")},
            )
        )
    return samples


def fit(samples: Sequence[Sample], finder_features: Sequence[str]) -> MetadataModelFile:
    """The three rankers trained on ``samples``."""
    title = fit_title(samples, finder_features)
    anchors: dict[int, int] = {}
    for inner, held in _folds(samples, INNER_FOLDS):
        anchors.update(_title_choices(fit_title([samples[i] for i in inner], finder_features), samples, held))
    authors, dates = _anchored(samples, [anchors.get(i, -1) for i in range(len(samples))])
    author_ranker = _fit_pointwise(authors, AUTHOR_FEATURES)
    date_ranker = _fit_pointwise(dates, DATE_FEATURES)
    return MetadataModelFile(
        name=MODEL_NAME,
        version=FORMAT_VERSION,
        finder_features=list(finder_features),
        title=title,
        authors=author_ranker.model_copy(update={"threshold": _author_threshold(author_ranker, authors)}),
        date=date_ranker.model_copy(update={"threshold": _date_threshold(date_ranker, dates)}),
        max_authors=MAX_AUTHORS,
        training={"pages": len(samples), "title_l2": TITLE_L2, "inner_folds": INNER_FOLDS},
    )


def dump(model: MetadataModelFile) -> str:
    """The model file's text: the same model gives the same bytes (weights rounded to 6 significant digits)."""
    data = model.model_dump(mode="json")
    for part in ("title", "authors", "date"):
        ranker = data[part]
        ranker["weights"] = [float(f"{w:.6g}") for w in ranker["weights"]]
        ranker["bias"], ranker["threshold"] = float(f"{ranker['bias']:.6g}"), float(f"{ranker['threshold']:.6g}")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"


# -- title -------------------------------------------------------------------------


def fit_title(samples: Sequence[Sample], finder_features: Sequence[str]) -> Ranker:
    rows = [(row, label, n) for n, s in enumerate(samples) if any(s.title_labels)
            for row, label in zip(s.title_rows, s.title_labels, strict=True)]  # fmt: skip
    x = np.asarray([row for row, _, _ in rows], dtype=np.float64)
    positive = np.asarray([label > 0 for _, label, _ in rows])
    owner = np.asarray([n for _, _, n in rows])
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    segment = np.cumsum(np.r_[True, owner[1:] != owner[:-1]]) - 1

    def objective(w: Matrix) -> tuple[float, Matrix]:
        s = z @ w
        e = np.exp(s - np.maximum.reduceat(s, starts)[segment])
        total = np.add.reduceat(e, starts)
        right = np.add.reduceat(np.where(positive, e, 0.0), starts)
        loss = -float(np.sum(np.log(right) - np.log(total))) + TITLE_L2 * float(w @ w)
        gradient = z.T @ (e / total[segment] - np.where(positive, e, 0.0) / right[segment]) + 2 * TITLE_L2 * w
        return loss, gradient

    found = minimize(objective, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return _folded(TITLE_FEATURES + list(finder_features), found.x, 0.0, mean, scale)


def _title_choices(ranker: Ranker, samples: Sequence[Sample], indices: Iterable[int]) -> dict[int, int]:
    chosen = {}
    for i in indices:
        scores = [ranker.score(row) for row in samples[i].title_rows]
        chosen[i] = samples[i].title_index[int(np.argmax(scores))] if scores else -1
    return chosen


# -- authors and date --------------------------------------------------------------


@dataclass
class Candidates:
    """Pointwise candidates of every page: rows, labels, and the page of each; ``gold[p]``: page p has the field."""

    rows: list[tuple[float, ...]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    gold: list[bool] = field(default_factory=list)


def _anchored(samples: Sequence[Sample], anchors: Sequence[int]) -> tuple[Candidates, Candidates]:
    authors, dates = Candidates(), Candidates()
    for n, (sample, anchor) in enumerate(zip(samples, anchors, strict=True)):
        page, meta = sample.page, sample.gold.meta
        page.title = anchor
        gold_authors = [str(name) for name in meta.get("authors") or []]
        gold_date = str(meta.get("date") or "")
        for c in author_candidates(page):
            authors.rows.append(c.row)
            authors.labels.append(int(any(names_match(c.name, g) for g in gold_authors)))
            authors.owner.append(n)
        for d in date_candidates(page):
            dates.rows.append(d.row)
            dates.labels.append(int(bool(gold_date) and d.value[: min(10, len(gold_date))] == gold_date[:10]))
            dates.owner.append(n)
        authors.gold.append(bool(gold_authors))
        dates.gold.append(bool(gold_date))
        page.title = -1
    return authors, dates


def _fit_pointwise(found: Candidates, names: list[str]) -> Ranker:
    x = np.asarray(found.rows, dtype=np.float64).reshape(-1, len(names))
    mean, scale = _standardise(x)
    model = LogisticRegression(C=1.0, max_iter=3000, tol=1e-6)
    model.fit((x - mean) / scale, np.asarray(found.labels))
    return _folded(names, model.coef_[0], float(model.intercept_[0]), mean, scale)


def _ranked(ranker: Ranker, found: Candidates) -> list[list[tuple[float, int]]]:
    """Per page: (score, label) of its candidates, best first."""
    pages: list[list[tuple[float, int]]] = [[] for _ in found.gold]
    for row, label, owner in zip(found.rows, found.labels, found.owner, strict=True):
        pages[owner].append((ranker.score(row), label))
    return [sorted(page, key=lambda item: -item[0]) for page in pages]


def _author_threshold(ranker: Ranker, found: Candidates) -> float:
    pages = _ranked(ranker, found)
    scores = np.asarray([score for page in pages for score, _ in page])
    best, value = 0.0, -1e18
    for t in np.unique(np.quantile(scores, np.linspace(0.5, 0.999, 150))) if len(scores) else []:
        total = 0.0
        for page in pages:
            taken = [label for score, label in page if score >= t][:MAX_AUTHORS]
            if taken:
                total += float(max(taken) > 0) - AUTHOR_PENALTY * taken.count(0)
        if total > value:
            best, value = float(t), total
    return best


def _date_threshold(ranker: Ranker, found: Candidates) -> float:
    tops = [page[0] for page in _ranked(ranker, found) if page]
    best, value = 1e9, 0.0
    for t in sorted({score for score, _ in tops}):
        total = sum(1.0 if label else -DATE_PENALTY for score, label in tops if score >= t)
        if total > value:
            best, value = t, total
    return best


# -- measuring ---------------------------------------------------------------------


def predict(model: MetadataModel, sample: Sample) -> PredictedMetadata:
    """What the product reports: the rankers' choices, rule captures where the rankers chose nothing."""
    found = rank_metadata(sample.page, model)
    sample.page.title = -1
    authors = without_agencies(found.authors, sample.captured["agency"]) or tuple(sample.captured["authors"])
    date = found.published or next(iter(sample.captured["published"]), "")
    return PredictedMetadata(found.title, authors, date)


def outcomes(model: MetadataModel, samples: Sequence[Sample]) -> dict[str, MetadataOutcome]:
    return {s.gold.id: score_metadata(predict(model, s), s.gold.meta) for s in samples if s.gold.meta}


@dataclass
class MetadataCrossValidation:
    held_out: dict[str, MetadataOutcome] = field(default_factory=dict)
    train_folds: list[dict[str, MetadataOutcome]] = field(default_factory=list)


def cross_validate(
    samples: Sequence[Sample], finder_features: Sequence[str], folds: int = FOLDS, progress: Progress = lambda _: None
) -> MetadataCrossValidation:
    """Grouped K-fold: each page's metadata chosen by rankers that never saw its domain."""
    found = MetadataCrossValidation()
    for number, (train, test) in enumerate(_folds(samples, folds), 1):
        model = MetadataModel(fit([samples[i] for i in train], finder_features))
        found.held_out.update(outcomes(model, [samples[i] for i in test]))
        found.train_folds.append(outcomes(model, [samples[i] for i in train]))
        progress(f"metadata fold {number}/{folds}: trained on {len(train)} pages, scored {len(test)}")
    return found


# -- helpers -----------------------------------------------------------------------


def _folds(samples: Sequence[Sample], k: int) -> list[tuple[list[int], list[int]]]:
    return grouped_splits([sample.gold.domain for sample in samples], k)


def _standardise(x: Matrix) -> tuple[Matrix, Matrix]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def _folded(names: list[str], w: Matrix, bias: float, mean: Matrix, scale: Matrix) -> Ranker:
    """A ranker on raw features from weights fitted on standardised ones."""
    weights = w / scale
    return Ranker(features=names, weights=[float(v) for v in weights], bias=float(bias - (weights * mean).sum()))
