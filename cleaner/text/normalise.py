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
   "logged in" / "Please refresh"; "preferences.Stay" → two lines). One scan
   finds the capitals that can open a glued block; the rest is decided in
   Python at those few places. Skipped where the caller knows each line is
   one block of a page (HTML mode's DOM blocks): there "useState" is code.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import regex

from .offsets import ChainedMap, OffsetMap, SpanMap

BULLET = "• "
BULLET_MARKS = "•·▪►●■◦‣∙"
_RARE_LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
_UNUSUAL_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_ENTITIES = regex.compile(_ENTITY)
_NON_ASCII_RUN = regex.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
_CHARACTERS = regex.compile(
    r"(?P<newline>\r\n?|[\x0b\x0c\x85\u2028\u2029])"
    r"|(?P<invisible>[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f"
    r"\u202a-\u202e\u2060\u2066-\u2069\ufeff]+)"
    rf"|(?P<entity>{_ENTITY})"
)
_BULLETS = regex.compile(
    rf"(?:::|[{BULLET_MARKS}])(?<=(?:^|\n)[^\S\n]*(?:::|[{BULLET_MARKS}]))[^\S\n]*(?=\S)", regex.MULTILINE
)
_SPACES = regex.compile(r"(?P<edge>^ +| +$)| {2,}", regex.MULTILINE)
_SENTENCE_ENDS = ".!?"
_CLOSING = '"”’)'
# A capital opening a lower-case word, after a lower-case letter ("inPlease") or after a sentence end,
# maybe closed by a quote or bracket ("preferences.Stay", "said.”The"): where a glued block can start.
_GLUE_START = regex.compile(rf"(?<=[\p{{Ll}}{_SENTENCE_ENDS}{_CLOSING}])\p{{Lu}}(?=\p{{Ll}})")

# Lower-case name particles that legitimately precede a capital ("deGrom").
_NAME_PARTICLES = frozenset("da de del della der di do dos du el la le mac mc van von".split())

Replace = Callable[[regex.Match[str]], str | None]
Replacements = Iterator[tuple[int, int, str]]
"""``text[start:end]`` becomes the string, in increasing, non-overlapping order."""


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus the map from its offsets to the input's."""

    text: str
    offsets: SpanMap


def normalise(text: str, *, split_glued: bool = True) -> Normalised:
    """Normalise ``text`` for segmentation, keeping offsets into the input; ``split_glued``: pass 5."""
    offsets: SpanMap = OffsetMap()
    if not unicodedata.is_normalized("NFC", text):
        text, offsets = _rewrite(text, _matches(text, _NON_ASCII_RUN, _nfc), offsets)
    spaced = _plain_spaces(text)  # one for one: no offset moves
    if _needs_characters(text, spaced):
        rewritten, offsets = _rewrite(text, _matches(text, _CHARACTERS, _character), offsets)
        spaced = spaced if rewritten is text else _plain_spaces(rewritten)
    text = spaced
    if _needs_bullets(text):
        text, offsets = _rewrite(text, _matches(text, _BULLETS, _bullet), offsets)
    if _needs_spaces(text):
        text, offsets = _rewrite(text, _matches(text, _SPACES, _space), offsets)
    if split_glued:
        text, offsets = _rewrite(text, _glued(text), offsets)
    return Normalised(text, offsets)


def _matches(text: str, pattern: regex.Pattern[str], replace: Replace) -> Replacements:
    """``replace`` of every match of ``pattern``; ``None`` keeps the match unchanged."""
    for match in pattern.finditer(text):
        new = replace(match)
        if new is not None:
            yield match.start(), match.end(), new


def _rewrite(text: str, replacements: Replacements, previous: SpanMap) -> tuple[str, SpanMap]:
    """Make the replacements; the map records each one."""
    pieces: list[str] = []
    edits = OffsetMap()
    copied_to = 0
    out_len = 0
    for start, end, new in replacements:
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


def _glued(text: str) -> Replacements:
    """A line break before a capital glued to a lower-case word ("inPlease"), after a sentence end glued to the
    next ("preferences.Stay", "said.”The"); names ("iPhone", "deGrom") and initials ("U.S.Army") stay."""
    for match in _GLUE_START.finditer(text):
        pos = match.start()
        before = text[pos - 1]
        if before not in _SENTENCE_ENDS and before not in _CLOSING:  # a lower-case letter
            if _ends_lowercase_word(text, pos):
                yield pos, pos + 1, "\n" + text[pos]
            continue
        end = pos - 1 if before in _SENTENCE_ENDS else pos - 2
        if end >= 0 and text[end] in _SENTENCE_ENDS and _lowercase_before(text, end):
            yield end, pos, text[end:pos] + "\n"


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


def _needs_characters(text: str, spaced: str) -> bool:
    """Line breaks other than ``\\n``, an entity, or a control or format character (not printable in ``spaced``,
    the text with plain spaces)."""
    if "\r" in text or any(mark in text for mark in _RARE_LINE_BREAKS):
        return True
    if "&" in text and _ENTITIES.search(text) is not None:
        return True
    return not spaced.replace("\n", "").isprintable()


def _needs_bullets(text: str) -> bool:
    return "::" in text or any(mark in text for mark in BULLET_MARKS)


def _needs_spaces(text: str) -> bool:
    return "  " in text or " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " "
