"""Language identification (py3langid) and per-language stop words (jusText's lists)."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

import justext
import regex

SAMPLE_CHARS = 600
MIN_LETTERS = 40
ENGLISH_SAMPLE_WORDS = 40
ENGLISH_STOPWORD_SHARE = 0.4

_LETTER = regex.compile(r"\p{L}")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "" for too little text."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return ""
    import py3langid  # its model takes ~100 MB: loaded only when a text is not plainly English

    language, _score = py3langid.classify(sample)
    return str(language)


def page_language(texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> str:
    """The language of a page's longest blocks.

    Text whose words are 40% or more English stop words is English without
    asking the identifier (the common case, and the slowest step otherwise).
    """
    longest = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    words: list[str] = []
    for index in longest:
        words.extend(tokens[index])
        if len(words) >= ENGLISH_SAMPLE_WORDS:
            break
    english = stopwords("en")
    if (
        english
        and len(words) >= ENGLISH_SAMPLE_WORDS
        and sum(map(english.__contains__, words)) >= ENGLISH_STOPWORD_SHARE * len(words)
    ):
        return "en"
    return detect_language(language_sample(texts))


def language_sample(texts: Sequence[str]) -> str:
    """The longest blocks, joined up to the sample size: the page's own prose, not its menus."""
    chosen: list[str] = []
    size = 0
    for text in sorted(texts, key=len, reverse=True):
        chosen.append(text)
        size += len(text)
        if size >= SAMPLE_CHARS:
            break
    return " ".join(chosen)


@cache
def stopwords(language: str) -> frozenset[str] | None:
    """Lower-case stop words of a language, or None when no list exists for it."""
    name = _stoplist_names().get(language)
    return frozenset(word.casefold() for word in justext.get_stoplist(name)) if name else None


@cache
def _stoplist_names() -> dict[str, str]:
    text = (resources.files("cleaner") / "data" / "stoplists.toml").read_text(encoding="utf-8")
    names: dict[str, str] = tomllib.loads(text)["stoplists"]
    return names
