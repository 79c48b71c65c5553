"""Warnings about rule patterns: catastrophic backtracking, and prefilters that miss.

A *nested quantifier* is a group repeated without bound (``*``, ``+``,
``{n,}``) around a repetition without bound, such as ``(a+)+`` or
``(\\w+\\s?)*``: on a near-miss the engine tries exponentially many ways to
split the text between the two. It is harmless when the inner repetition is
possessive (``a++``), the group atomic (``(?>...)``), or every alternative of
the group requires a literal character that marks where one repetition ends
and the next begins (``(?: \\w+)*``). Every match still runs under a time
budget; this check finds the risk before it costs that budget.

A regex block rule is only tried on the lines its prefilter (its own pattern
translated for Hyperscan, or its ``prefilter`` field) reports, so a rule whose
pattern cannot be translated is tried on every line, and an explicit
``prefilter`` must match every line of a ``must_match`` example that the
pattern matches (and some line of each example).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .loading import LoadedPack
from .schema import Action, Rule, list_references
from .translate import Untranslatable, class_end, translate

_NOT_LITERAL = ".^$"
_FLAGS_OR_COMMENT = regex.compile(r"\(\?(?:#[^)]*|[a-zA-Z-]+)\)")
_LITERAL_ESCAPES = "\\.^$|?*+()[]{}-/ nt'\"#&~<>=!,:;@%`"


@dataclass
class _Item:
    """One atom with its quantifier."""

    literal: bool = False  # one fixed character
    group: _Group | None = None
    optional: bool = False
    unbounded: bool = False
    possessive: bool = False


@dataclass
class _Group:
    start: int
    atomic: bool = False
    lookaround: bool = False
    alternatives: list[list[_Item]] = field(default_factory=lambda: [[]])


def pack_warnings(loaded: LoadedPack) -> list[str]:
    """One message per rule pattern with a nested quantifier."""
    warnings: list[str] = []
    for rule in loaded.pack.rules:
        for name, pattern in (("pattern", rule.pattern), ("end", rule.end)):
            if pattern is not None and (positions := nested_quantifiers(pattern)):
                warnings.append(
                    f"{loaded.path}: rule {rule.id!r}: field {name!r}: nested quantifier at character "
                    f"{positions[0]} ({pattern[positions[0] : positions[0] + 24]!r}) can backtrack "
                    "catastrophically; make the inner repetition possessive (a++) or the group atomic (?>...)"
                )
    return warnings + prefilter_warnings(loaded)


def prefilter_warnings(loaded: LoadedPack) -> list[str]:
    """One message per block rule that cannot be prefiltered, or whose ``prefilter`` misses an example."""
    warnings: list[str] = []
    lists = loaded.pack.lists
    for rule in loaded.pack.rules:
        if rule.pattern is None or rule.action is Action.STRIP:
            continue
        field = "prefilter" if rule.prefilter is not None else "pattern"
        try:
            translate(rule.prefilter or rule.pattern, lists, case_sensitive=rule.case_sensitive)
        except Untranslatable as error:
            warnings.append(
                f"{loaded.path}: rule {rule.id!r}: field {field!r}: cannot be prefiltered ({error}), so the rule "
                "is tried on every line; give it a 'prefilter' (a pattern matching at least what it matches)"
            )
            continue
        for example in _missed_examples(rule, lists):
            warnings.append(
                f"{loaded.path}: rule {rule.id!r}: field 'prefilter' does not match must_match example {example!r} "
                "where the pattern does: the rule would never be tried there"
            )
    return warnings


def _missed_examples(rule: Rule, lists: dict[str, list[str]]) -> list[str]:
    """``must_match`` examples with a line the pattern matches and the prefilter does not, or no line it matches."""
    if rule.prefilter is None or rule.pattern is None:
        return []
    flags = 0 if rule.case_sensitive else regex.IGNORECASE

    def whole_line(source: str) -> regex.Pattern[str]:
        return regex.compile(f"(?:{source})", flags, **{name: lists[name] for name in list_references(source)})

    pattern, prefilter = whole_line(rule.pattern), whole_line(rule.prefilter)
    missed = []
    for example in rule.must_match:
        lines = [line for line in example.split("\n") if line]
        matched = [line for line in lines if pattern.fullmatch(line)]
        if not all(prefilter.fullmatch(line) for line in matched) or not any(
            prefilter.fullmatch(line) for line in lines
        ):
            missed.append(example)
    return missed


def nested_quantifiers(pattern: str) -> list[int]:
    """Positions in ``pattern`` of groups that repeat without bound around an unbounded repetition."""
    found: list[int] = []
    _check(_parse(pattern), found)
    return sorted(found)


def _check(group: _Group, found: list[int]) -> bool:
    """Whether ``group`` holds a backtracking-prone repetition; collects risky repeated groups."""
    inner = False
    for alternative in group.alternatives:
        for item in alternative:
            nested = item.group is not None and _check(item.group, found)
            free = item.unbounded and not item.possessive
            if free and nested and item.group is not None and not _delimited(item.group):
                found.append(item.group.start)
            inner |= (free or nested) and not (item.group is not None and item.group.lookaround)
    return inner and not group.atomic


def _delimited(group: _Group) -> bool:
    """Every alternative requires a literal character, so repetitions cannot trade text."""
    return all(any(item.literal and not item.optional for item in alt) for alt in group.alternatives)


def _parse(pattern: str) -> _Group:
    stack = [_Group(-1)]
    position = 0
    while position < len(pattern):
        char = pattern[position]
        items = stack[-1].alternatives[-1]
        if char == "(" and _FLAGS_OR_COMMENT.match(pattern, position):
            position = pattern.find(")", position) + 1 or len(pattern)
            continue
        if char == "(":
            lookaround = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), position)
            group = _Group(position, atomic=pattern.startswith("(?>", position), lookaround=lookaround)
            items.append(_Item(group=group))
            stack.append(group)
            position = _skip_group_prefix(pattern, position)
            continue
        if char == "|":
            stack[-1].alternatives.append([])
            position += 1
            continue
        if char == ")" and len(stack) > 1:
            stack.pop()
            position += 1
        elif char == "\\":
            end = _skip_escape(pattern, position)
            items.append(_Item(literal=end == position + 2 and pattern[position + 1] in _LITERAL_ESCAPES))
            position = end
        elif char == "[":
            items.append(_Item())
            position = class_end(pattern, position)
        else:
            items.append(_Item(literal=char not in _NOT_LITERAL))
            position += 1
        position = _quantify(pattern, position, stack[-1].alternatives[-1])
    return stack[0]


def _quantify(pattern: str, position: int, items: list[_Item]) -> int:
    """Apply a quantifier at ``position`` (if any) to the last item; returns the position after it."""
    quantifier = _quantifier(pattern, position)
    if quantifier is None or not items:
        return position
    minimum, unbounded, possessive, end = quantifier
    item = items[-1]
    item.optional |= minimum == 0
    item.unbounded |= unbounded
    item.possessive |= possessive
    item.literal &= not unbounded
    return end


def _quantifier(pattern: str, position: int) -> tuple[int, bool, bool, int] | None:
    """(minimum, unbounded, possessive, end) of a quantifier at ``position``, or None."""
    if position >= len(pattern):
        return None
    char = pattern[position]
    if char in "*+?":
        minimum, unbounded, end = (0 if char != "+" else 1), char != "?", position + 1
    elif char == "{":
        close = pattern.find("}", position)
        parts = pattern[position + 1 : close].split(",") if close != -1 else []
        if not parts or len(parts) > 2 or not all(part.strip().isdigit() or not part.strip() for part in parts):
            return None
        minimum = int(parts[0]) if parts[0].strip() else 0
        unbounded, end = len(parts) == 2 and not parts[1].strip(), close + 1
    else:
        return None
    possessive = end < len(pattern) and pattern[end] == "+"
    lazy = end < len(pattern) and pattern[end] == "?"
    return minimum, unbounded, possessive, end + (1 if possessive or lazy else 0)


def _skip_escape(pattern: str, position: int) -> int:
    """Past ``\\x``, ``\\p{...}``, ``\\L<...>``, ``\\x{...}`` and the like."""
    after = position + 2
    if after < len(pattern) and pattern[after] in "{<" and pattern[position + 1] in "pPLNxXug":
        close = pattern.find("}" if pattern[after] == "{" else ">", after)
        return close + 1 if close != -1 else len(pattern)
    return min(after, len(pattern))


def _skip_group_prefix(pattern: str, position: int) -> int:
    """Past ``(``, ``(?:``, ``(?P<name>``, ``(?i:``, lookarounds and the like, to the group's content."""
    if not pattern.startswith("(?", position):
        return position + 1
    for prefix in ("(?:", "(?>", "(?=", "(?!", "(?<=", "(?<!", "(?|"):
        if pattern.startswith(prefix, position):
            return position + len(prefix)
    if pattern.startswith(("(?P<", "(?<"), position):
        return pattern.find(">", position) + 1
    colon = pattern.find(":", position)
    return colon + 1 if colon != -1 else position + 2
