"""What one document's fields must be before it is cleaned: strings, within the limits, valid Unicode.

One policy for every string field, on every path (library, batch, server, client):

- A lone surrogate (U+D800-U+DFFF: a code point no UTF-8 text can hold, which
  a JSON escape such as ``"\\ud800"`` or a ``surrogateescape`` decoding can
  put in a Python string) is replaced by U+FFFD in ``text``, ``html``, ``url``
  and ``source``, one code point for one, so offsets do not move; the result
  counts them in ``stats.surrogates_replaced``. No article is lost for one bad
  code point.
- An ``id`` holding one is refused (``InvalidInputError``): an id must come back
  exactly as it was given, and this one cannot be written as UTF-8 or sent
  over gRPC; a replaced id could name another record.

Sizes: ``text`` and ``html`` at most ``max_chars`` characters; ``id``, ``url``
and ``source`` at most ``MAX_HINT_CHARS`` (and a url no more than ``max_chars``).
So whatever the library accepts fits in a request the server receives (its
message limit is ``max_chars`` in UTF-8 plus 1 MiB, room for three hints).

``check_document`` runs these checks in the order ``Cleaner.clean`` reports
them; the ``batch --server`` client runs the same function with the server's
limits, so a record it cannot send gets the error it would get in-process.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import regex

from .errors import InvalidInputError
from .settings import Settings

REPLACEMENT_CHARACTER = "\ufffd"
MAX_HINT_CHARS = 65_536  # id, url, source: 3 x 4 bytes x 64 Ki fit in the server's 1 MiB beyond max_chars
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Document:
    """A document's fields once checked, lone surrogates replaced, and how many were."""

    text: str | None
    html: str | None
    url: str | None
    source: str | None
    id: str | None
    surrogates_replaced: int = 0


def check_document(
    settings: Settings,
    text: str | None = None,
    *,
    html: str | None = None,
    url: str | None = None,
    source: str | None = None,
    id: str | None = None,
) -> Document:
    """The fields as the cleaner will use them; ``InvalidInputError`` for the first that cannot be used."""
    if html is not None and text is not None:
        raise InvalidInputError("give either text or html, not both")
    check_id(id)
    replaced = 0
    if url is not None:
        url, count = _repaired("url", url, min(settings.max_chars, MAX_HINT_CHARS))
        replaced += count
        try:
            urlsplit(url)
        except ValueError as error:
            raise InvalidInputError(f"url is not a valid URL: {error}") from None
    if source is not None:
        source, count = _repaired("source", source, MAX_HINT_CHARS)
        replaced += count
    if html is not None:
        html, count = _repaired("html", html, settings.max_chars)
        replaced += count
    elif text is None:
        raise InvalidInputError("no text and no html given")
    else:
        text, count = _repaired("text", text, settings.max_chars)
        replaced += count
    return Document(text, html, url, source, id, replaced)


def check_id(value: object) -> None:
    """An id is a string that can be given back exactly as it came, of at most ``MAX_HINT_CHARS`` (None: no id)."""
    if value is None:
        return
    _check_length("id", value, MAX_HINT_CHARS)
    assert isinstance(value, str)
    surrogate = _SURROGATE.search(value)
    if surrogate is not None:
        raise InvalidInputError(f"id is not valid Unicode: lone surrogate at offset {surrogate.start()}")


def check_size(name: str, value: object, settings: Settings) -> None:
    """A string of at most ``max_chars`` characters."""
    _check_length(name, value, settings.max_chars)


def replace_surrogates(value: str) -> tuple[str, int]:
    """``value`` with each lone surrogate replaced by U+FFFD, and how many were."""
    if _SURROGATE.search(value) is None:  # the common case: one scan, no copy
        return value, 0
    repaired, count = _SURROGATE.subn(REPLACEMENT_CHARACTER, value)
    return str(repaired), int(count)


def _repaired(name: str, value: object, limit: int) -> tuple[str, int]:
    _check_length(name, value, limit)
    assert isinstance(value, str)
    return replace_surrogates(value)


def _check_length(name: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string, not {type(value).__name__}")
    if len(value) > limit:
        raise InvalidInputError(f"{name} is {len(value):,} characters; the limit is {limit:,}")
