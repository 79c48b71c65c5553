"""Text normalisation that keeps a map back to the input offsets.

A sequence of passes, each one compiled pattern applied in a single scan, and
each skipped when a cheap ``str`` check shows the text does not need it:

1. Unicode NFC (only when the text is not already NFC).
2. Characters: line endings to ``\\n``; control, zero-width and bidi-control
   characters removed; HTML entities decoded.
3. Bullets (``::``, ``•``, ``▪`` ...) at a line start written as ``• ``.
4. Spaces: tabs, no-break and other spaces become plain spaces (one for one,
   so no offset moves), runs collapse to one, both ends of each line trimmed.
5. Glued blocks split onto their own lines ("logged inPlease refresh" →
   "logged in" / "Please refresh"; "preferences.Stay" → two lines).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .offsets import ChainedMap, OffsetMap, SpanMap

BULLET = "• "
BULLET_MARKS = "•·▪►●■◦‣∙"
_RARE_LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
_UNUSUAL_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_NON_ASCII_RUN = regex.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
_CHARACTERS = regex.compile(
    r"(?P<newline>\r\n?|[\x0b\x0c\x85\u2028\u2029])"
    r"|(?P<invisible>[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f"
    r"\u202a-\u202e\u2060\u2066-\u2069\ufeff]+)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
)
_BULLETS = regex.compile(
    rf"(?:::|[{BULLET_MARKS}])(?<=(?:^|\n)[^\S\n]*(?:::|[{BULLET_MARKS}]))[^\S\n]*(?=\S)", regex.MULTILINE
)
_SPACES = regex.compile(r"(?P<edge>^ +| +$)| {2,}", regex.MULTILINE)
_GLUE = regex.compile(r"(?P<word>\p{Lu}(?<=\p{Ll}\p{Lu})(?=\p{Ll}))|[.!?][\"”’)]?(?=\p{Lu}\p{Ll})")

# Lower-case name particles that legitimately precede a capital ("deGrom").
_NAME_PARTICLES = frozenset("da de del della der di do dos du el la le mac mc van von".split())

Replace = Callable[[regex.Match[str]], str | None]


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
    if _needs_characters(text):
        text, offsets = _rewrite(text, _CHARACTERS, _character, offsets)
    text = _plain_spaces(text)  # one for one: no offset moves
    for needed, pattern, replace in _PASSES:
        if needed(text):
            text, offsets = _rewrite(text, pattern, replace, offsets)
    return Normalised(text, offsets)


def _rewrite(text: str, pattern: regex.Pattern[str], replace: Replace, previous: SpanMap) -> tuple[str, SpanMap]:
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


def _bullet(match: regex.Match[str]) -> str | None:
    return BULLET if match.group() != BULLET else None


def _space(match: regex.Match[str]) -> str | None:
    return "" if match.lastgroup == "edge" else " "


def _glue(match: regex.Match[str]) -> str | None:
    found = match.group()
    if match.lastgroup == "word":
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


def _plain_spaces(text: str) -> str:
    """Tabs, no-break and other spaces as plain spaces."""
    for space in "\t" if text.isascii() else _UNUSUAL_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


def _needs_characters(text: str) -> bool:
    """Line breaks other than ``\\n``, an entity, or a control or format character (not printable)."""
    if "\r" in text or ("&" in text and ";" in text) or any(mark in text for mark in _RARE_LINE_BREAKS):
        return True
    return not _plain_spaces(text.replace("\n", "")).isprintable()


def _needs_bullets(text: str) -> bool:
    return "::" in text or any(mark in text for mark in BULLET_MARKS)


def _needs_spaces(text: str) -> bool:
    return "  " in text or " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " "


_PASSES: tuple[tuple[Callable[[str], bool], regex.Pattern[str], Replace], ...] = (
    (_needs_bullets, _BULLETS, _bullet),
    (_needs_spaces, _SPACES, _space),
    (lambda text: True, _GLUE, _glue),
)
