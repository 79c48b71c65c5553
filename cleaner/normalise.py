"""Text normalisation that keeps a map back to the input offsets.

Three passes, each a single scan with one compiled pattern:

1. Unicode NFC (only when the text is not already NFC).
2. Characters: line endings to ``\\n``; control, zero-width and bidi-control
   characters removed; HTML entities decoded.
3. Layout: spaces collapsed and trimmed per line, bullets (``::``, ``•``, ...)
   written as ``• ``, and glued blocks split onto their own lines
   ("logged inPlease refresh" → "logged in" / "Please refresh").
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .offsets import ChainedMap, OffsetMap, SpanMap

BULLET = "• "

_NON_ASCII_RUN = regex.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")

_CHARACTERS = regex.compile(
    r"(?P<newline>\r\n?|[\x0b\x0c\x85\u2028\u2029])"
    r"|(?P<invisible>[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f"
    r"\u202a-\u202e\u2060\u2066-\u2069\ufeff]+)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
)

_LAYOUT = regex.compile(
    r"(?P<bullet>^[^\S\n]*(?:::|[•·▪►●■◦‣∙])[^\S\n]*(?=\S))"
    r"|(?P<edge>^[^\S\n]+|[^\S\n]+$)"
    r"|(?P<space>[^\S\n]{2,}|[^\S\n ])"
    r"|(?P<glued_word>(?<=\p{Ll})\p{Lu}(?=\p{Ll}))"
    r"|(?P<glued_sentence>[.!?][\"”’)]?(?=\p{Lu}\p{Ll}))",
    regex.MULTILINE,
)

# Lower-case name particles that legitimately precede a capital ("deGrom").
_NAME_PARTICLES = frozenset("da de del della der di do dos du el la le mac mc van von".split())


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus the map from its offsets to the input's."""

    text: str
    offsets: SpanMap


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for segmentation, keeping offsets into the input."""
    offsets: SpanMap = OffsetMap()
    if not unicodedata.is_normalized("NFC", text):
        text, offsets = _rewrite(text, _NON_ASCII_RUN, _nfc, offsets)
    text, offsets = _rewrite(text, _CHARACTERS, _character, offsets)
    text, offsets = _rewrite(text, _LAYOUT, _layout, offsets)
    return Normalised(text, offsets)


def _rewrite(
    text: str,
    pattern: regex.Pattern[str],
    replace: Callable[[regex.Match[str]], str | None],
    previous: SpanMap,
) -> tuple[str, SpanMap]:
    """Apply ``replace`` to every match; ``None`` keeps the match unchanged."""
    pieces: list[str] = []
    edits = OffsetMap()
    copied_to = 0
    out_len = 0
    for match in pattern.finditer(text):
        new = replace(match)
        if new is None:
            continue
        start, end = match.span()
        pieces.append(text[copied_to:start])
        out_start = out_len + start - copied_to
        pieces.append(new)
        edits.record(out_start, out_start + len(new), start, end)
        out_len = out_start + len(new)
        copied_to = end
    if not edits.edits:
        return text, previous
    pieces.append(text[copied_to:])
    combined = edits if isinstance(previous, OffsetMap) and not previous.edits else ChainedMap(previous, edits)
    return "".join(pieces), combined


def _nfc(match: regex.Match[str]) -> str | None:
    composed = unicodedata.normalize("NFC", match.group())
    return composed if composed != match.group() else None


def _character(match: regex.Match[str]) -> str | None:
    kind = match.lastgroup
    if kind == "newline":
        return "\n"
    if kind == "invisible":
        return ""
    decoded = html.unescape(match.group())
    return decoded if decoded != match.group() else None


def _layout(match: regex.Match[str]) -> str | None:
    kind = match.lastgroup
    found = match.group()
    if kind == "bullet":
        return BULLET if found != BULLET else None
    if kind == "edge":
        return ""
    if kind == "space":
        return " "
    if kind == "glued_word":
        return "\n" + found if _ends_lowercase_word(match.string, match.start()) else None
    return found + "\n" if _lowercase_before(match.string, match.start()) else None


def _ends_lowercase_word(text: str, pos: int) -> bool:
    """True when ``text[:pos]`` ends with a whole lower-case word of 2+ letters."""
    start = pos
    while start > 0 and text[start - 1].islower():
        start -= 1
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
        return False
    word = text[start:pos]
    return len(word) >= 2 and word not in _NAME_PARTICLES


def _lowercase_before(text: str, pos: int) -> bool:
    return pos >= 2 and text[pos - 1].islower() and text[pos - 2].islower()
