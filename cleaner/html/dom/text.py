"""Features of a block's own text: length, stop words, punctuation, capitals, digits, boilerplate words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import regex

from ...document.language import stopwords

SENTENCE_END = regex.compile(r"[.!?…][\"”’')\]]*$")
_PUNCT = regex.compile(r"[^\w\s]")
_UPPER_START = regex.compile(r"^[\"“‘(]*[A-Z]")
_SENTENCE_GAP = regex.compile(r"[.!?][\"”’)]?\s+[A-Z\"“]")
_DATE_LIKE = regex.compile(
    r"\b(19|20)\d\d\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2}:\d\d\b",
    regex.IGNORECASE,
)
_BOILERPLATE = regex.compile(
    r"\b(cookie|cookies|privacy|subscribe|newsletter|sign ?up|log ?in|sign ?in|share|follow us|copyright|"
    r"all rights reserved|advertisement|related|read more|comments?|reply|terms|click|download|menu|skip to)\b",
    regex.IGNORECASE,
)
CREDIT = regex.compile(
    r"\b(photo|photograph|image|picture|credit|credits|getty|reuters|shutterstock|afp|ap photo|file photo|"
    r"illustration|courtesy|caption|pictured|via)\b",
    regex.IGNORECASE,
)

NAMES = [
    "log_tokens", "log_chars", "mean_token_len", "stop_share", "punct_share", "sentence_end", "upper_start",
    "digit_share", "caps_token_share", "title_token_share", "has_copyright", "has_pipe", "sentences",
    "date_like", "boiler_words", "starts_by", "ends_colon",
]  # fmt: skip


@cache
def english_stopwords() -> frozenset[str]:
    return stopwords("en") or frozenset()


def text_row(text: str, words: Sequence[str]) -> list[float]:
    count = len(words)
    chars = max(1, len(text))
    per_word = 1 / count if count else 0.0
    stop = english_stopwords()
    return [
        math.log1p(count),
        math.log1p(chars),
        sum(map(len, words)) * per_word,
        sum(word.casefold() in stop for word in words) * per_word,
        len(_PUNCT.findall(text)) / chars,
        float(SENTENCE_END.search(text) is not None),
        float(_UPPER_START.match(text) is not None),
        sum(map(str.isdigit, text)) / chars,
        sum(word.isupper() and len(word) > 1 for word in words) * per_word,
        sum(word[:1].isupper() for word in words) * per_word,
        float("©" in text or "copyright" in text.casefold()),
        float("|" in text),
        float(len(_SENTENCE_GAP.findall(text))),
        float(_DATE_LIKE.search(text) is not None),
        float(len(_BOILERPLATE.findall(text))),
        float(text[:3].casefold() == "by "),
        float(text.endswith(":")),
    ]
