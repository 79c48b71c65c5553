"""Compile every rule of every pack into two patterns and scan a text once.

Block rules (all actions but ``strip``) become one alternation anchored to
whole lines: ``^(?:(?P<r0>...)|(?P<r1>...)|...)$``, so a single scan of the
normalised text classifies every block; the first alternative that matches a
line is its verdict, so rule order is priority.  Literal ``phrases`` become
``regex`` named lists, matched in one step whatever their number.  ``strip``
rules become a second, unanchored alternation.  Rule-local group and list
names are renamed so that packs cannot collide.  Every match runs under the
document's time budget.
"""

from __future__ import annotations

import time
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass

import regex

from ..errors import RulePackError, RuleTimeoutError
from .loading import LoadedPack
from .schema import LIST_REFERENCE, Action, Category, Position, Rule, RulePack, Scope, list_references

_GROUP_NAME = regex.compile(r"(?<!\\)((?:\\\\)*)\(\?P?<([A-Za-z_]\w*)>")
_GROUP_REFERENCE = regex.compile(r"(?<!\\)((?:\\\\)*)(\(\?P=|\(\?&|\(\?P>|\\g<)([A-Za-z_]\w*)")
_TRAILING_PUNCTUATION = ".!:;…"
_QUOTE_VARIANTS = (("'", "’"), ('"', "“"), ('"', "”"))


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """What the engine needs of a rule at match time."""

    index: int
    id: str
    category: Category
    action: Action
    position: Position
    field: str | None
    groups: tuple[tuple[str, str], ...]
    end: regex.Pattern[str] | None
    max_blocks: int | None
    pack: str
    scoped: bool
    publisher: str
    """The pack's publisher when the rule is a signature, else ``""``."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule matched: a whole block (``start`` is the block start) or a fragment."""

    rule: CompiledRule
    start: int
    end: int
    fields: dict[str, str]


class Deadline:
    """A time budget shared by every match of one document."""

    __slots__ = ("_expires",)

    def __init__(self, seconds: float) -> None:
        self._expires = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._expires - time.monotonic()
        if left <= 0:
            raise RuleTimeoutError("rule matching exceeded the time budget")
        return left


class RuleSet:
    """All loaded packs, compiled once; immutable and safe to share between threads."""

    def __init__(self, packs: Sequence[LoadedPack]) -> None:
        self.packs = list(packs)
        block_rules: list[tuple[RulePack, Rule]] = []
        inline_rules: list[tuple[RulePack, Rule]] = []
        seen: dict[str, str] = {}
        for loaded in self.packs:
            for rule in loaded.pack.rules:
                qualified = loaded.pack.qualified_id(rule)
                if qualified in seen:
                    raise RulePackError(
                        loaded.path, [(rule.id, "id", f"{qualified!r} is also defined in {seen[qualified]}")]
                    )
                seen[qualified] = loaded.path
                target = inline_rules if rule.action is Action.STRIP else block_rules
                target.append((loaded.pack, rule))
        # Site-scoped rules go last: when one is filtered out for a
        # document, no earlier rule was passed over for it.
        block_rules.sort(key=lambda pair: pair[1].scope is Scope.SITE)
        inline_rules.sort(key=lambda pair: pair[1].scope is Scope.SITE)
        self._list_prefix = {id(loaded.pack): f"p{index}_" for index, loaded in enumerate(self.packs)}
        self._sources: dict[str, tuple[str, dict[str, list[str]]]] = {}
        self._singles: dict[int, regex.Pattern[str]] = {}
        self.block_rules, self._block_pattern = self._combine(block_rules, "r", anchored=True)
        self.inline_rules, self._inline_pattern = self._combine(inline_rules, "s", anchored=False)

    def scan_blocks(self, text: str, block_starts: Container[int], deadline: Deadline) -> dict[int, Hit]:
        """The first block rule matching each block, keyed by block start offset."""
        hits: dict[int, Hit] = {}
        for match in _line_matches(self._block_pattern, text, deadline):
            if match.start() in block_starts:
                rule = self.block_rules[_alternative(match)]
                hits[match.start()] = Hit(rule, match.start(), match.end(), _fields(rule, match))
        return hits

    def next_block_hit(self, text: str, hit: Hit, deadline: Deadline) -> Hit | None:
        """The next rule after ``hit.rule``, in priority order, that matches the same block.

        For a block whose first match cannot act there (wrong position, another
        site's rule): each later rule is tried alone, compiled on first use.
        """
        for index in range(hit.rule.index + 1, len(self.block_rules)):
            try:
                match = self._single(index).match(text, hit.start, timeout=deadline.remaining())
            except TimeoutError:
                raise RuleTimeoutError("rule matching exceeded the time budget", self.block_rules[index].id) from None
            if match is not None and match.end() > match.start() and "\n" not in match.group():
                rule = self.block_rules[index]
                return Hit(rule, match.start(), match.end(), _fields(rule, match))
        return None

    def _single(self, index: int) -> regex.Pattern[str]:
        pattern = self._singles.get(index)
        if pattern is None:
            source, lists = self._sources[f"r{index}"]
            pattern = self._singles[index] = regex.compile(f"^(?:{source})$", regex.MULTILINE, **lists)
        return pattern

    def scan_inline(self, text: str, deadline: Deadline) -> list[Hit]:
        """Every fragment a ``strip`` rule matches, in text order."""
        hits: list[Hit] = []
        for match in _line_matches(self._inline_pattern, text, deadline):
            rule = self.inline_rules[_alternative(match)]
            hits.append(Hit(rule, match.start(), match.end(), _fields(rule, match)))
        return hits

    def _combine(
        self, rules: list[tuple[RulePack, Rule]], prefix: str, *, anchored: bool
    ) -> tuple[list[CompiledRule], regex.Pattern[str] | None]:
        compiled: list[CompiledRule] = []
        alternatives: list[str] = []
        lists: dict[str, list[str]] = {}
        for index, (pack, rule) in enumerate(rules):
            name = f"{prefix}{index}"
            body, rule_lists = self._rule_source(pack, rule, name)
            lists.update(rule_lists)
            flags = "-i" if rule.case_sensitive else "i"
            alternatives.append(f"(?P<{name}>(?{flags}:{body}))")
            self._sources[name] = (alternatives[-1], rule_lists)
            compiled.append(self._compile_rule(pack, rule, name, index))
        if not alternatives:
            return compiled, None
        joined = "|".join(alternatives)
        source = f"^(?:{joined})$" if anchored else joined
        return compiled, regex.compile(source, regex.MULTILINE, **lists)

    def _rule_source(self, pack: RulePack, rule: Rule, name: str) -> tuple[str, dict[str, list[str]]]:
        """The rule's pattern with its names made unique, and the lists it uses."""
        list_prefix = self._list_prefix[id(pack)]
        if rule.phrases is not None:
            list_name = f"{name}_phrases"
            return rf"\L<{list_name}>[{_TRAILING_PUNCTUATION}]?", {list_name: _phrase_variants(rule.phrases)}
        assert rule.pattern is not None
        source = _GROUP_NAME.sub(lambda m: f"{m[1]}(?P<{name}_{m[2]}>", rule.pattern)
        source = _GROUP_REFERENCE.sub(lambda m: f"{m[1]}{m[2]}{name}_{m[3]}", source)
        used = list_references(source)
        source = LIST_REFERENCE.sub(lambda m: f"{m[1]}\\L<{list_prefix}{m[2]}>", source)
        return source, {f"{list_prefix}{list_name}": pack.lists[list_name] for list_name in used}

    def _compile_rule(self, pack: RulePack, rule: Rule, name: str, index: int) -> CompiledRule:
        end = None
        if rule.end is not None:
            flags = 0 if rule.case_sensitive else regex.IGNORECASE
            end = regex.compile(rule.end, flags, **{name: pack.lists[name] for name in list_references(rule.end)})
        return CompiledRule(
            index=index,
            id=pack.qualified_id(rule),
            category=rule.category,
            action=rule.action,
            position=rule.position,
            field=rule.field.value if rule.field else None,
            groups=tuple((group, f"{name}_{group}") for group in rule.field_groups),
            end=end,
            max_blocks=rule.max_blocks,
            pack=pack.pack.name,
            scoped=rule.scope is Scope.SITE,
            publisher=pack.pack.publisher if rule.signature else "",
        )


def _line_matches(pattern: regex.Pattern[str] | None, text: str, deadline: Deadline) -> Iterator[regex.Match[str]]:
    """Non-empty matches within one line; after a match that strays across lines, go on from the next line."""
    if pattern is None:
        return
    pos = 0
    while True:
        try:
            match = pattern.search(text, pos, timeout=deadline.remaining())
        except TimeoutError:
            raise RuleTimeoutError("rule matching exceeded the time budget") from None
        if match is None:
            return
        start, end = match.span()
        newline = text.find("\n", start, end)
        if newline != -1:
            pos = newline + 1
            continue
        if end > start:
            yield match
        pos = max(end, start + 1)


def _alternative(match: regex.Match[str]) -> int:
    """Index of the rule whose group matched: it encloses all others, so closes last."""
    name = match.lastgroup
    assert name is not None and "_" not in name, "a match without a rule group"
    return int(name[1:])


def _fields(rule: CompiledRule, match: regex.Match[str]) -> dict[str, str]:
    values = {field: match.group(group) for field, group in rule.groups if match.group(group)}
    if not values and rule.field:
        values[rule.field] = match.group()
    return values


def _phrase_variants(phrases: list[str]) -> list[str]:
    """Phrases without trailing punctuation, with curly-quote spellings added."""
    variants: list[str] = []
    for phrase in phrases:
        base = " ".join(phrase.split()).rstrip(_TRAILING_PUNCTUATION)
        variants.append(base)
        for straight, curly in _QUOTE_VARIANTS:
            if straight in base:
                variants.append(base.replace(straight, curly))
    return list(dict.fromkeys(variants))
