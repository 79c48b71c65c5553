"""Score cleaned bodies against gold bodies, as the article-extraction benchmark does.

Text is split into ``\\w+`` tokens (case kept); each text becomes a multiset of
4-token shingles (a text of fewer tokens is one shorter shingle). Per page,
precision = shared / predicted and recall = shared / gold (a page that predicts
nothing counts no precision, one with an empty gold no recall; two empty texts
score 1). Precision and recall are averaged over pages; F1 is the harmonic mean
of the two averages. Also reported: the mean of per-page F1 and the share of
pages whose F1 exceeds 0.9.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import mean

import regex

SHINGLE_TOKENS = 4
GOOD_PAGE_F1 = 0.9

_TOKEN = regex.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageScore:
    id: str
    precision: float | None
    recall: float | None

    @property
    def f1(self) -> float:
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True, slots=True)
class Summary:
    name: str
    pages: list[PageScore]

    @property
    def precision(self) -> float:
        return _mean([p.precision for p in self.pages if p.precision is not None])

    @property
    def recall(self) -> float:
        return _mean([p.recall for p in self.pages if p.recall is not None])

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def mean_page_f1(self) -> float:
        return _mean([page.f1 for page in self.pages])

    @property
    def good_share(self) -> float:
        return _mean([float(page.f1 > GOOD_PAGE_F1) for page in self.pages])

    def as_dict(self) -> dict[str, float | str | int]:
        return {
            "name": self.name,
            "pages": len(self.pages),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "mean_page_f1": round(self.mean_page_f1, 4),
            "share_f1_over_0.9": round(self.good_share, 4),
        }


def metric_tokens(text: str) -> list[str]:
    """The benchmark's tokens: ``\\w+`` runs, case kept."""
    tokens: list[str] = _TOKEN.findall(text)
    return tokens


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = metric_tokens(text)
    count = max(1, len(tokens) - SHINGLE_TOKENS + 1)
    return Counter(tuple(tokens[i : i + SHINGLE_TOKENS]) for i in range(count) if tokens[i : i + SHINGLE_TOKENS])


def score_page(page_id: str, gold: str, predicted: str) -> PageScore:
    truth, guess = shingles(gold), shingles(predicted)
    shared = sum((truth & guess).values())
    extra = sum(guess.values()) - shared
    missed = sum(truth.values()) - shared
    if extra == missed == 0:
        return PageScore(page_id, 1.0, 1.0)
    precision = shared / (shared + extra) if shared + extra else None
    recall = shared / (shared + missed) if shared + missed else None
    return PageScore(page_id, precision, recall)


def _mean(values: list[float]) -> float:
    """The mean, 0 for no values (a subset where every prediction is empty)."""
    return mean(values) if values else 0.0
