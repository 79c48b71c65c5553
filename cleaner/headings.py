"""Recognise a headline and a standfirst at the top of a plain-text article.

Thresholds (all on the normalised block text):

- headline: 3 to 30 words, at most 250 characters, not ending in ``.`` ``,``
  ``;`` or ``:`` (``?`` and ``!`` are fine), containing a capital letter;
- standfirst: the block right after the headline, 4 to 60 words, with no
  sentence-final full stop (a summary line, not the first paragraph).
"""

from __future__ import annotations

import regex

from .blocks import word_count

_UNFINISHED = regex.compile(r"[.,;:]$")
_CAPITAL = regex.compile(r"\p{Lu}")

HEADLINE_WORDS = (3, 30)
HEADLINE_MAX_CHARS = 250
STANDFIRST_WORDS = (4, 60)


def is_headline(text: str) -> bool:
    words = word_count(text)
    return (
        HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1]
        and len(text) <= HEADLINE_MAX_CHARS
        and not _UNFINISHED.search(text)
        and _CAPITAL.search(text) is not None
    )


def is_standfirst(text: str) -> bool:
    words = word_count(text)
    return STANDFIRST_WORDS[0] <= words <= STANDFIRST_WORDS[1] and not text.endswith(".")
