"""A rule's ``regex`` pattern as a Hyperscan expression that matches a superset of what it matches.

The expression works on UTF-8 bytes and never relies on Hyperscan's own
Unicode or case handling: each character the pattern can consume becomes an
explicit byte class. The translation only ever widens:

- lookarounds, anchors and word boundaries inside the pattern are dropped
  (zero-width: without them more strings match, never fewer);
- named lists ``\\L<name>`` become alternations of their items;
- a repeat keeps only whether it may be empty (``{2,40}`` → ``+``,
  ``{0,3}`` → ``*``), possessive and atomic forms become plain ones;
- ``\\p{...}`` classes, ``\\w``, ``\\d``, ``\\s`` and negated classes are exact
  on ASCII and take every non-ASCII character; case-insensitive characters
  take every case the ``regex`` module folds together;
- a back-reference becomes the group it refers to.

Whether the pattern can consume a line break (``crosses_lines``) is found on
the way: such a rule can match from one line into the next, so a scan that
reports lines cannot rule it out.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
from regex import _regex as regex_internals

# The standard library's own regex parser (no typing stubs): patterns are parsed, never compiled, with it.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

VERSION = 1
"""Changes whenever a translation could change: part of the compiled database's cache key."""

_ASCII = frozenset(range(128))
_NEWLINE = 10
_PLACEHOLDER_BASE = 0xF0000  # private-use code points standing for \p{...} classes while the pattern is parsed
_PROPERTY = regex.compile(r"(?<!\\)((?:\\\\)*)\\([pP])(?:\{(\^?[\w:= &.-]+)\}|([A-Za-z]))")
_LIST = regex.compile(r"(?<!\\)((?:\\\\)*)\\L<([A-Za-z_]\w*)>")
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_CATEGORIES: dict[Any, frozenset[int]] = {
    sre.CATEGORY_DIGIT: frozenset(range(48, 58)),
    sre.CATEGORY_SPACE: frozenset([9, 10, 11, 12, 13, 28, 29, 30, 31, 32]),
    sre.CATEGORY_WORD: frozenset(c for c in range(128) if chr(c).isalnum() or c == 95),
}
_NEGATED_CATEGORIES = {
    sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT,
    sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
    sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD,
}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_WIDE_RANGE = 4096  # a case-insensitive range wider than this takes every non-ASCII character


class Untranslatable(ValueError):
    """The pattern uses syntax the translation does not know; the reason says which."""


@dataclass(frozen=True, slots=True)
class Translation:
    expression: str
    """The Hyperscan expression (ASCII; bytes given as ``\\xHH``), anchored to a whole line."""
    crosses_lines: bool


@dataclass(frozen=True, slots=True)
class _Chars:
    """A set of characters: ASCII code points, some non-ASCII ones, or every non-ASCII one."""

    ascii: frozenset[int]
    others: frozenset[int] = frozenset()
    all_others: bool = False


def translate(pattern: str, lists: dict[str, list[str]], *, case_sensitive: bool) -> Translation:
    """The line-anchored Hyperscan expression for ``pattern``; raises ``Untranslatable``."""
    properties: list[tuple[str, str]] = []
    source = _expand_lists(_without_lookarounds(pattern), lists)
    source = str(_PROPERTY.sub(lambda m: _placeholder(m, properties), source))
    try:
        parsed = sre_parse.parse(source, 0)
    except (re.error, OverflowError, RecursionError) as error:
        raise Untranslatable(f"unsupported syntax: {error}") from None
    flags = parsed.state.flags
    emitter = _Emitter(properties)
    body = emitter.sequence(
        list(parsed),
        ignorecase=not case_sensitive or bool(flags & sre.SRE_FLAG_IGNORECASE),
        dotall=bool(flags & sre.SRE_FLAG_DOTALL),
    )
    return Translation(f"^(?:{body})$", emitter.crosses_lines)


class _Emitter:
    """Walks the parsed pattern, writing the expression and noting whether a line break can be consumed."""

    def __init__(self, properties: list[tuple[str, str]]) -> None:
        self.properties = properties
        self.groups: dict[int, tuple[list[Any], bool, bool]] = {}
        self.crosses_lines = False

    def sequence(self, items: list[Any], *, ignorecase: bool, dotall: bool) -> str:
        return "".join(self.item(op, av, ignorecase=ignorecase, dotall=dotall) for op, av in items)

    def item(self, op: Any, av: Any, *, ignorecase: bool, dotall: bool) -> str:  # noqa: PLR0911, PLR0912
        if op is sre.LITERAL:
            return self.chars(self.literal(av, ignorecase))
        if op is sre.NOT_LITERAL:
            return self.chars(_Chars(_ASCII - {av}, all_others=True))
        if op is sre.ANY:
            return self.chars(_Chars(_ASCII if dotall else _ASCII - {_NEWLINE}, all_others=True))
        if op is sre.IN:
            return self.chars(self.char_class(av, ignorecase))
        if op is sre.BRANCH:
            return (
                "(?:" + "|".join(self.sequence(list(alt), ignorecase=ignorecase, dotall=dotall) for alt in av[1]) + ")"
            )
        if op is sre.SUBPATTERN:
            group, added, removed, inner = av
            ignorecase = (ignorecase or bool(added & sre.SRE_FLAG_IGNORECASE)) and not removed & sre.SRE_FLAG_IGNORECASE
            dotall = (dotall or bool(added & sre.SRE_FLAG_DOTALL)) and not removed & sre.SRE_FLAG_DOTALL
            if group is not None:
                self.groups[group] = (list(inner), ignorecase, dotall)
            return "(?:" + self.sequence(list(inner), ignorecase=ignorecase, dotall=dotall) + ")"
        if op is sre.ATOMIC_GROUP:
            return "(?:" + self.sequence(list(av), ignorecase=ignorecase, dotall=dotall) + ")"
        if op in _REPEATS:
            low, high, inner = av
            if high == 0:
                return ""
            body = "(?:" + self.sequence(list(inner), ignorecase=ignorecase, dotall=dotall) + ")"
            if low == 0:
                return body + ("?" if high == 1 else "*")
            return body + ("" if high == 1 else "+")
        if op is sre.GROUPREF:
            inner, group_ignorecase, group_dotall = self.groups[av]
            return "(?:" + self.sequence(inner, ignorecase=ignorecase or group_ignorecase, dotall=group_dotall) + ")"
        if op is sre.GROUPREF_EXISTS:
            _, yes, no = av
            branches = [self.sequence(list(yes), ignorecase=ignorecase, dotall=dotall)]
            branches.append(self.sequence(list(no), ignorecase=ignorecase, dotall=dotall) if no is not None else "")
            return "(?:" + "|".join(branches) + ")"
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return ""
        raise Untranslatable(f"unsupported construct {op}")

    def literal(self, code: int, ignorecase: bool) -> _Chars:
        if code >= _PLACEHOLDER_BASE and code - _PLACEHOLDER_BASE < len(self.properties):
            return self.property_chars(code - _PLACEHOLDER_BASE, ignorecase)
        return _literal(code, ignorecase)

    def property_chars(self, index: int, ignorecase: bool) -> _Chars:
        sign, name = self.properties[index]
        test = regex.compile(f"\\{sign}{{{name}}}", regex.IGNORECASE if ignorecase else 0)
        return _Chars(frozenset(c for c in range(128) if test.match(chr(c))), all_others=True)

    def char_class(self, members: list[Any], ignorecase: bool) -> _Chars:
        negated = bool(members) and members[0][0] is sre.NEGATE
        if negated:  # what the class excludes, taken no wider than it is: its complement is then wide enough
            excluded = self.class_members(members[1:], ignorecase=False, widen=False)
            return _Chars(_ASCII - excluded.ascii, all_others=True)
        return self.class_members(members, ignorecase=ignorecase, widen=True)

    def class_members(self, members: list[Any], *, ignorecase: bool, widen: bool) -> _Chars:
        """The union of a class's members; ``widen``: a superset, else a subset (non-ASCII parts left out)."""
        codes: set[int] = set()
        all_others = False
        for op, av in members:
            if op is sre.LITERAL:
                found = self.literal(av, ignorecase)
                if found.all_others and not widen:
                    found = _Chars(self.property_chars(av - _PLACEHOLDER_BASE, False).ascii)
                codes |= found.ascii | found.others
                all_others |= found.all_others
            elif op is sre.RANGE:
                low, high = av
                if max(low, high) >= _PLACEHOLDER_BASE:
                    raise Untranslatable("a \\p{...} class as the end of a range")
                if ignorecase and high - low > _WIDE_RANGE:
                    codes |= {c for code in range(low, min(high, 127) + 1) for c in _cases(code)}
                    all_others = True
                else:
                    span = range(low, high + 1)
                    codes |= {c for code in span for c in _cases(code)} if ignorecase else set(span)
            elif op is sre.CATEGORY:
                if av in _CATEGORIES:
                    codes |= _CATEGORIES[av]
                else:
                    codes |= _ASCII - _CATEGORIES[_NEGATED_CATEGORIES[av]]
                all_others = widen
            else:
                raise Untranslatable(f"unsupported class member {op}")
        chars = _split(codes)
        if not widen:
            return _Chars(chars.ascii)
        return _Chars(chars.ascii, chars.others, all_others)

    def chars(self, chars: _Chars) -> str:
        """One character of ``chars`` as UTF-8 bytes."""
        self.crosses_lines |= _NEWLINE in chars.ascii
        return _bytes_of(chars)


@lru_cache(maxsize=4096)
def _bytes_of(chars: _Chars) -> str:
    """The expression for one character of ``chars`` (the same few come back in every rule)."""
    parts = [_byte_class(chars.ascii)] if chars.ascii else []
    if chars.all_others:
        parts.append("[\\xc2-\\xf4][\\x80-\\xbf]+")
    else:
        parts += [_utf8(code) for code in sorted(chars.others)]
    if not parts:
        raise Untranslatable("a class that matches nothing")
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _utf8(code: int) -> str:
    """The UTF-8 bytes of one character (a lone surrogate as Python writes it with ``surrogatepass``)."""
    return "".join(f"\\x{byte:02x}" for byte in chr(code).encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=4096)
def _literal(code: int, ignorecase: bool) -> _Chars:
    return _split(_cases(code) if ignorecase else {code})


def _cases(code: int) -> set[int]:
    """Every character the ``regex`` module matches case-insensitively against ``code``."""
    return set(regex_internals.get_all_cases(regex.IGNORECASE | regex.UNICODE, code)) | {code}


def _split(codes: set[int]) -> _Chars:
    return _Chars(frozenset(c for c in codes if c < 128), frozenset(c for c in codes if c >= 128))


def _byte_class(codes: frozenset[int]) -> str:
    ordered = sorted(codes)
    ranges: list[tuple[int, int]] = []
    for code in ordered:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    inner = "".join(f"\\x{low:02x}" if low == high else f"\\x{low:02x}-\\x{high:02x}" for low, high in ranges)
    return f"[{inner}]"


def _placeholder(match: regex.Match[str], properties: list[tuple[str, str]]) -> str:
    properties.append((match[2], match[3] or match[4]))
    return f"{match[1]}{chr(_PLACEHOLDER_BASE + len(properties) - 1)}"


def _expand_lists(pattern: str, lists: dict[str, list[str]]) -> str:
    def alternation(match: regex.Match[str]) -> str:
        if match[2] not in lists:
            raise Untranslatable(f"unknown named list {match[2]}")
        return f"{match[1]}(?:{'|'.join(re.escape(item) for item in lists[match[2]])})"

    return str(_LIST.sub(alternation, pattern))


def _without_lookarounds(pattern: str) -> str:
    """``pattern`` with every lookaround group (and any quantifier after it) removed."""
    kept: list[str] = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            kept.append(pattern[position : position + 2])
            position += 2
        elif char == "[":
            end = class_end(pattern, position)
            kept.append(pattern[position:end])
            position = end
        elif pattern.startswith(_LOOKAROUNDS, position):
            position = _group_end(pattern, position)
            if position < len(pattern) and pattern[position] in "?*+{":
                raise Untranslatable("a quantified lookaround")
        else:
            kept.append(char)
            position += 1
    return "".join(kept)


def class_end(pattern: str, position: int) -> int:
    """Past a character class ``[...]`` (a ``]`` right after ``[`` or ``[^`` is literal)."""
    position += 1
    if position < len(pattern) and pattern[position] == "^":
        position += 1
    if position < len(pattern) and pattern[position] == "]":
        position += 1
    while position < len(pattern) and pattern[position] != "]":
        position += 2 if pattern[position] == "\\" else 1
    return position + 1


def _group_end(pattern: str, position: int) -> int:
    """Past the group opening at ``position``, nested groups, classes and escapes included."""
    depth = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            position = class_end(pattern, position)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    raise Untranslatable("an unclosed group")
