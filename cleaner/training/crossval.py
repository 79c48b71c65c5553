"""Cross-validation grouped by domain: every page scored by a model that never saw its site.

The pages are split into folds by domain (no domain in two folds); for each
fold a model is trained on the others and the fold's pages are cleaned in text
mode with it, exactly as the product cleans. Each fold's model also cleans its
own training pages, so the gap between seen and unseen sites can be reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import GroupKFold

from ..api import Cleaner
from ..document.finder.model import ArticleModel
from ..evaluation.scoring import PageScore, score_page
from .fit import DEFAULT_CONFIG, Config, fit
from .pages import TrainingPage

Progress = Callable[[str], None]


@dataclass
class CrossValidation:
    """Held-out scores (one per page) and each fold's scores on its own training pages."""

    held_out: dict[str, PageScore] = field(default_factory=dict)
    train_folds: list[dict[str, PageScore]] = field(default_factory=list)


def cross_validate(
    cleaner: Cleaner,
    pages: Sequence[TrainingPage],
    folds: int = 5,
    config: Config = DEFAULT_CONFIG,
    *,
    score_training: bool = True,
    progress: Progress = lambda _: None,
) -> CrossValidation:
    """Grouped K-fold cross-validation of the article model over ``pages``."""
    found = CrossValidation()
    for number, (train, test) in enumerate(grouped_splits([page.gold.domain for page in pages], folds), 1):
        model = ArticleModel(fit([pages[i] for i in train], config))
        fold_cleaner = Cleaner(builtin_rules=False, packs=cleaner.rules.packs, article_model=model)
        found.held_out.update(_scores(fold_cleaner, [pages[i] for i in test]))
        if score_training:
            found.train_folds.append(_scores(fold_cleaner, [pages[i] for i in train]))
        progress(f"fold {number}/{folds}: trained on {len(train)} pages, scored {len(test)}")
    return found


def grouped_splits(domains: Sequence[str], folds: int) -> list[tuple[list[int], list[int]]]:
    """(training, held-out) page indexes of each fold; no domain in two folds."""
    splits = GroupKFold(n_splits=folds).split(np.zeros(len(domains)), groups=domains)
    return [(train.tolist(), test.tolist()) for train, test in splits]


def _scores(cleaner: Cleaner, pages: Sequence[TrainingPage]) -> dict[str, PageScore]:
    scores = {}
    for page in pages:
        gold = page.gold
        body = cleaner.clean(gold.noisy_text, url=gold.url or None).body
        scores[gold.id] = score_page(gold.id, gold.gold_text, body)
    return scores
