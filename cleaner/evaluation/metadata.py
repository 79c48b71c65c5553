"""Score title, authors and date against gold metadata.

- Title, over pages with a gold title. Both sides are normalised (NFKC,
  whitespace collapsed, case-folded, edge characters that are not letters or
  digits removed). *Exact*: equal. *Loose*: exact, or token Jaccard ≥ 0.8, or
  one contains the other on word boundaries with 2+ tokens in the shorter
  ("Headline | Site" against "Headline").
- Authors, over pages with gold authors. Names are normalised (NFKC, case-folded,
  accents and a leading "by"/"written by"/"author:" removed, punctuation as
  spaces); two names match when equal, or when one's words are a subset of the
  other's with 2+ words in the smaller ("Dylan Bailey" ~ "Dylan Bailey MS RD").
  *Overlap*: a gold author is matched by a predicted one. *Precision*: predicted
  authors that match, pooled over those pages.
- Date, over pages with a gold date (``YYYY-MM-DD`` or ``YYYY-MM``): *same day*
  when the prediction's date as printed (its first 10 characters) equals it;
  otherwise *wrong*, or *none* when nothing was predicted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

LOOSE_JACCARD = 0.8
MIN_CONTAINED_TOKENS = 2

_SPACES = regex.compile(r"\s+")
_TOKEN = regex.compile(r"\w+")
_NOT_NAME = regex.compile(r"[\W_]+")
_BY = regex.compile(r"^(?:written by|posted by|published by|by|author|authors)\s*:?\s+", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PredictedMetadata:
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""


@dataclass(frozen=True, slots=True)
class MetadataOutcome:
    """One page's result: ``None`` where the gold has no such field."""

    title_exact: bool | None
    title_loose: bool | None
    author_overlap: bool | None
    authors_matched: int
    authors_predicted: int
    date: str | None
    """``right``, ``wrong`` or ``none``."""


def score_metadata(predicted: PredictedMetadata, gold: dict[str, object]) -> MetadataOutcome:
    title = str(gold.get("title") or "")
    authors = [str(name) for name in gold.get("authors") or [] if isinstance(name, str)]  # type: ignore[attr-defined]
    date = str(gold.get("date") or "")
    exact, loose = title_match(predicted.title, title) if title else (None, None)
    overlap, matched, guessed = author_match(predicted.authors, authors) if authors else (None, 0, 0)
    return MetadataOutcome(
        exact, loose, overlap, matched, guessed, date_verdict(predicted.date, date) if date else None
    )


@dataclass(frozen=True, slots=True)
class MetadataSummary:
    """Shares over the pages whose gold has each field."""

    title_pages: int
    title_exact: float
    title_loose: float
    author_pages: int
    author_overlap: float
    author_precision: float
    date_pages: int
    date_right: float
    date_wrong: float

    @classmethod
    def of(cls, outcomes: Iterable[MetadataOutcome]) -> MetadataSummary:
        found = list(outcomes)
        titles = [o for o in found if o.title_exact is not None]
        authors = [o for o in found if o.author_overlap is not None]
        dates = [o for o in found if o.date is not None]
        predicted = sum(o.authors_predicted for o in authors)
        return cls(
            len(titles),
            _share(sum(bool(o.title_exact) for o in titles), len(titles)),
            _share(sum(bool(o.title_loose) for o in titles), len(titles)),
            len(authors),
            _share(sum(bool(o.author_overlap) for o in authors), len(authors)),
            _share(sum(o.authors_matched for o in authors), predicted),
            len(dates),
            _share(sum(o.date == "right" for o in dates), len(dates)),
            _share(sum(o.date == "wrong" for o in dates), len(dates)),
        )


def normalise_title(text: str) -> str:
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    start, end = 0, len(text)
    while start < end and not _letter_or_digit(text[start]):
        start += 1
    while end > start and not _letter_or_digit(text[end - 1]):
        end -= 1
    return text[start:end]


def title_match(predicted: str, gold: str) -> tuple[bool, bool]:
    """(exact, loose) for one page."""
    guess, truth = normalise_title(predicted), normalise_title(gold)
    if not guess or not truth:
        return False, False
    if guess == truth:
        return True, True
    guessed, true = set(_TOKEN.findall(guess)), set(_TOKEN.findall(truth))
    if guessed and true and len(guessed & true) / len(guessed | true) >= LOOSE_JACCARD:
        return False, True
    short, long = sorted((guess, truth), key=len)
    contained = regex.search(rf"(?<!\w){regex.escape(short)}(?!\w)", long) is not None
    return False, len(_TOKEN.findall(short)) >= MIN_CONTAINED_TOKENS and contained


def normalise_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return str(_NOT_NAME.sub(" ", _BY.sub("", text))).strip()


def names_match(predicted: str, gold: str) -> bool:
    guess, truth = normalise_name(predicted), normalise_name(gold)
    if not guess or not truth:
        return False
    if guess == truth:
        return True
    guessed, true = set(guess.split()), set(truth.split())
    return min(len(guessed), len(true)) >= MIN_CONTAINED_TOKENS and (guessed <= true or true <= guessed)


def author_match(predicted: Sequence[str], gold: Sequence[str]) -> tuple[bool, int, int]:
    """(a gold author matched, predicted authors that match one, predicted authors)."""
    guesses = [name for name in predicted if normalise_name(name)]
    truths = [name for name in gold if normalise_name(name)]
    matched = [any(names_match(guess, truth) for truth in truths) for guess in guesses]
    return any(matched), sum(matched), len(guesses)


def date_verdict(predicted: str, gold: str) -> str:
    predicted, gold = predicted.strip(), gold.strip()
    if not predicted:
        return "none"
    width = 10 if len(gold) >= 10 else len(gold)
    return "right" if predicted[:width] == gold[:width] else "wrong"


def _letter_or_digit(character: str) -> bool:
    return unicodedata.category(character)[0] in "LN"


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0
