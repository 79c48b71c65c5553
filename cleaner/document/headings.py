"""Tell the headline and the standfirst of an article from the blocks before it.

A headline: 3 to 30 words, at most 250 characters, no final ``.`` ``,`` ``;`` or
``:`` (a question or exclamation mark is fine), a capital letter somewhere.
A standfirst: 4 to 60 words without a final full stop.

Where the article starts (see ``classifier``), the headline is looked for among
the six blocks before it: the one whose words best cover the URL's slug (half of
its words or more), else the last headline-like block. A standfirst right after
it (with only short labels between it and the article), or a headline-like block
right before it with the found one reading as a standfirst, completes the pair.
Without an article start, only the first block can be the headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import regex

from ..text.tokens import word_count

HEADLINE_WORDS = (3, 30)
HEADLINE_MAX_CHARS = 250
STANDFIRST_WORDS = (4, 60)
HEADING_WINDOW = 6
SLUG_SEARCH_BLOCKS = 30
SLUG_MIN_COVER = 0.5

_UNFINISHED = regex.compile(r"[.,;:][\"'”’)\]]*$")
_CAPITAL = regex.compile(r"\p{Lu}")
_SLUG_WORD = regex.compile(r"[^\W\d_]{2,}")


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
    return STANDFIRST_WORDS[0] <= words <= STANDFIRST_WORDS[1] and not _UNFINISHED.search(text)


def find_headings(texts: Sequence[str], article_start: int | None, url: str | None) -> tuple[int | None, int | None]:
    """Positions of the headline and the standfirst in ``texts`` (None where there is none)."""
    title = _title_position(texts, article_start, url)
    if title is None:
        return None, None
    return pair(texts, title, len(texts) if article_start is None else article_start)


def pair(texts: Sequence[str], title: int, end: int, look_back: bool = True) -> tuple[int, int | None]:
    """The headline and standfirst around a title found at ``title``, the article starting at ``end``: a standfirst
    after it, or (``look_back``) a headline right before it, the found one being the standfirst."""
    if title + 1 < end and is_standfirst(texts[title + 1]) and only_labels(texts[title + 2 : end]):
        return title, title + 1
    if look_back and title > 0 and is_headline(texts[title - 1]) and is_standfirst(texts[title]):
        return title - 1, title
    return title, None


def only_labels(texts: Sequence[str]) -> bool:
    """Nothing but short labels (bylines, dates, counters) stands between a standfirst and the article."""
    return all(word_count(text) < STANDFIRST_WORDS[0] for text in texts)


def _title_position(texts: Sequence[str], article_start: int | None, url: str | None) -> int | None:
    if article_start is None:
        return 0 if texts and is_headline(texts[0]) else None
    slug = slug_words(url)
    if slug:
        earliest = max(0, article_start - SLUG_SEARCH_BLOCKS)
        scored = [(_cover(texts[i], slug), i) for i in range(earliest, article_start) if is_headline(texts[i])]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SLUG_MIN_COVER:
            return best[1]
    window = range(max(0, article_start - HEADING_WINDOW), article_start)
    return next((i for i in reversed(window) if is_headline(texts[i])), None)


def slug_words(url: str | None) -> set[str]:
    if not url:
        return set()
    path = urlsplit(url).path
    return {word.casefold() for word in _SLUG_WORD.findall(path)}


def _cover(text: str, slug: set[str]) -> float:
    words = {word.casefold() for word in _SLUG_WORD.findall(text)}
    return len(words & slug) / len(words) if words else 0.0
