"""Compile every rule of every pack once; classify each block in one step.

Block rules (every action but ``strip``):

- literal ``phrases`` go into one dictionary from a folded key (case, quote
  style and trailing punctuation do not count) to the first rule listing them:
  one lookup per block, whatever their number;
- regex rules become alternations anchored to whole lines,
  ``^(?:(?P<r3>...)|(?P<r9>...)|...)$``. Which rules can start with which
  character is found once, by partially matching each rule against single
  characters; a block is matched against the alternation of only the rules
  that can start with its first character and whose ``max_chars`` admits its
  length (compiled on first use, then kept). A block longer than every rule
  admits meets no regex at all.

The first rule in priority order that matches a block is its verdict; a rule
that cannot act there gives way to the next (``next_block_hit``). ``strip``
rules form one unanchored alternation per position, searched only in the
span of text that position allows. Rule group
and list names are made private, so packs cannot collide. Every match runs under
the document's time budget.
"""

from __future__ import annotations

import string
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import regex

from ..blocks import Block
from ..errors import RulePackError, RuleTimeoutError
from .loading import LoadedPack
from .schema import Action, Category, Position, Rule, RulePack, Scope, list_references
from .sources import Lists, alternative, compile_alternatives, phrase_key

# After a timeout, each rule of the combined pattern is tried alone this long.
PROBE_SECONDS = 0.1

# First characters the dispatch table knows, in classes: a block is matched
# against the rules that can start with any character of its first
# character's class (few classes, so few alternations to compile). A block
# starting with a character outside every class meets every regex rule.
CHARACTER_CLASSES = (
    string.ascii_uppercase,
    string.ascii_lowercase,
    string.digits,
    "•▪►·",
    "\"“”‘’'«»",
    "([{",
    "©®™",
    "".join(sorted(set(string.punctuation) - set("\"'([{"))) + "–—…€£¥§¶¡¿",
    "".join(chr(c) for c in range(0xC0, 0x180)),
)


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
    max_chars: int
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
    """A time budget shared by every match of one document.

    Counted in the cleaning thread's own CPU time, so a document's fate does not
    depend on how many others the process is cleaning at once (threads waiting for
    the interpreter lock spend no budget).
    """

    __slots__ = ("_expires",)

    def __init__(self, seconds: float) -> None:
        self._expires = time.thread_time() + seconds

    def remaining(self) -> float:
        left = self._expires - time.thread_time()
        if left <= 0:
            raise RuleTimeoutError("rule matching exceeded the time budget")
        return left

    def extend(self, seconds: float) -> None:
        """Give back time spent on work that is not the document's (compiling a pattern)."""
        self._expires += seconds


class RuleSet:
    """All loaded packs, compiled once; immutable and safe to share between threads."""

    def __init__(self, packs: Sequence[LoadedPack]) -> None:
        self.packs = list(packs)
        block_rules, inline_rules = self._collect()
        list_prefix = {id(loaded.pack): f"p{index}_" for index, loaded in enumerate(self.packs)}
        self.block_rules = [self._compile_rule(pack, rule, f"r{i}", i) for i, (pack, rule) in enumerate(block_rules)]
        self.inline_rules = [self._compile_rule(pack, rule, f"s{i}", i) for i, (pack, rule) in enumerate(inline_rules)]
        self._phrases: dict[str, int] = {}
        self._phrase_keys: dict[int, frozenset[str]] = {}
        self._regex: dict[int, tuple[str, Lists]] = {}
        for index, (pack, rule) in enumerate(block_rules):
            if rule.phrases is not None:
                keys = frozenset(phrase_key(phrase) for phrase in rule.phrases)
                self._phrase_keys[index] = keys
                for key in keys:
                    self._phrases.setdefault(key, index)
            else:
                self._regex[index] = alternative(pack, rule, f"r{index}", list_prefix[id(pack)])
        self._singles = {index: compile_alternatives([source], anchored=True) for index, source in self._regex.items()}
        self._starting = _first_characters(self._singles)
        self._every_regex = tuple(self._regex)
        self._bounds = sorted({rule.max_chars for _, rule in block_rules})
        self._longest_phrase = max((len(key) for key in self._phrases), default=0)
        self._dispatch: dict[tuple[str, int], regex.Pattern[str] | None] = {}
        self._combined: dict[tuple[int, ...], regex.Pattern[str]] = {}
        inline_sources = [
            alternative(pack, rule, f"s{i}", list_prefix[id(pack)]) for i, (pack, rule) in enumerate(inline_rules)
        ]
        self._inline: dict[Position, regex.Pattern[str]] = {}
        for position in Position:
            sources = [inline_sources[i] for i, (_, rule) in enumerate(inline_rules) if rule.position is position]
            if sources:
                self._inline[position] = compile_alternatives(sources, anchored=False)
        self._inline_sources = inline_sources

    def _collect(self) -> tuple[list[tuple[RulePack, Rule]], list[tuple[RulePack, Rule]]]:
        """Block and strip rules in priority order: pack order, then site-scoped rules, then fallbacks."""
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
        block_rules.sort(key=_priority)
        inline_rules.sort(key=_priority)
        return block_rules, inline_rules

    def scan_blocks(self, text: str, blocks: Sequence[Block], deadline: Deadline) -> dict[int, Hit]:
        """The first block rule matching each block, keyed by block start offset."""
        hits: dict[int, Hit] = {}
        for block in blocks:
            length = len(block.text)
            phrase = self._phrases.get(phrase_key(block.text)) if length <= self._longest_phrase + 3 else None
            match = self._match(self._pattern_for(block.text[0], length, deadline), text, block, deadline)
            index = _rule_index(match) if match is not None else None
            if phrase is not None and (index is None or phrase < index):
                rule = self.block_rules[phrase]
                hits[block.start] = Hit(rule, block.start, block.end, {rule.field: block.text} if rule.field else {})
            elif match is not None and index is not None:
                rule = self.block_rules[index]
                hits[block.start] = Hit(rule, block.start, block.end, _fields(rule, match))
        return hits

    def next_block_hit(self, text: str, hit: Hit, deadline: Deadline) -> Hit | None:
        """The next rule after ``hit.rule``, in priority order, that matches the same block.

        For a block whose first match cannot act there (wrong position, another
        site's rule): each later rule is tried alone.
        """
        line_end = text.find("\n", hit.start)
        block_text = text[hit.start : len(text) if line_end == -1 else line_end]
        key = phrase_key(block_text)
        for index in range(hit.rule.index + 1, len(self.block_rules)):
            rule = self.block_rules[index]
            if rule.max_chars < len(block_text):
                continue
            if index in self._phrase_keys:
                if key in self._phrase_keys[index]:
                    return Hit(rule, hit.start, hit.end, {rule.field: block_text} if rule.field else {})
                continue
            try:
                match = self._singles[index].match(text, hit.start, timeout=deadline.remaining())
            except TimeoutError:
                raise RuleTimeoutError(f"rule {rule.id!r} exceeded the time budget", rule.id) from None
            if match is not None and match.end() == hit.end:
                return Hit(rule, hit.start, hit.end, _fields(rule, match))
        return None

    def single_pattern(self) -> regex.Pattern[str]:
        """Every block rule in one alternation anchored to lines (phrases as named lists).

        Not used for cleaning: it is the bare single-pass scan that the benchmark
        measures as the floor no rule engine can beat.
        """
        alternatives = list(self._regex.values())
        for index, keys in self._phrase_keys.items():
            alternatives.append((f"(?P<r{index}>(?i:\\L<r{index}_phrases>))", {f"r{index}_phrases": sorted(keys)}))
        return compile_alternatives(alternatives, anchored=True)

    def scan_inline(self, text: str, spans: Mapping[Position, tuple[int, int]], deadline: Deadline) -> list[Hit]:
        """Every fragment a ``strip`` rule matches, searched only in the span its position allows."""
        hits: list[Hit] = []
        for position, pattern in self._inline.items():
            start, end = spans[position]
            try:
                for match in _line_matches(pattern, text, start, end, deadline):
                    rule = self.inline_rules[_rule_index(match)]
                    hits.append(Hit(rule, match.start(), match.end(), _fields(rule, match)))
            except TimeoutError:
                singles = {
                    i: compile_alternatives([self._inline_sources[i]], anchored=False) for i in _rule_indices(pattern)
                }

                def search(one: regex.Pattern[str], limit: float, start: int = start, end: int = end) -> object:
                    return one.search(text, start, end, timeout=limit)

                raise _slowest(singles, self.inline_rules, search) from None
        return sorted(hits, key=lambda hit: hit.start)

    def compile_all(self) -> None:
        """Compile every dispatch alternation now rather than on first use (a server, before it serves)."""
        for first in [characters[0] for characters in CHARACTER_CLASSES] + ["\u4e00"]:  # and one outside every class
            for bound in self._bounds:
                self._pattern_for(first, bound)

    def _pattern_for(self, first: str, length: int, deadline: Deadline | None = None) -> regex.Pattern[str] | None:
        """The alternation of the regex rules that can match a block of this first character and length.

        Compiled on first use; the time that takes is not charged to the document.
        """
        bucket = bisect_left(self._bounds, length)
        key = (first, bucket)
        if key not in self._dispatch:
            started = time.thread_time()
            self._dispatch[key] = self._alternation(first, bucket)
            if deadline is not None:
                deadline.extend(time.thread_time() - started)
        return self._dispatch[key]

    def _alternation(self, first: str, bucket: int) -> regex.Pattern[str] | None:
        if bucket == len(self._bounds):
            return None
        shortest = self._bounds[bucket]
        indices = tuple(
            index
            for index in self._starting.get(first, self._every_regex)
            if self.block_rules[index].max_chars >= shortest
        )
        if not indices:
            return None
        pattern = self._combined.get(indices)
        if pattern is None:
            pattern = self._combined[indices] = compile_alternatives([self._regex[i] for i in indices], anchored=True)
        return pattern

    def _match(
        self, pattern: regex.Pattern[str] | None, text: str, block: Block, deadline: Deadline
    ) -> regex.Match[str] | None:
        if pattern is None:
            return None
        try:
            match = pattern.match(text, block.start, timeout=deadline.remaining())
        except TimeoutError:
            singles = {index: self._singles[index] for index in _rule_indices(pattern)}
            raise _slowest(
                singles, self.block_rules, lambda single, limit: single.match(text, block.start, timeout=limit)
            ) from None
        return match if match is not None and match.end() == block.end else None

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
            max_chars=rule.max_chars,
            pack=pack.pack.name,
            scoped=rule.scope is Scope.SITE,
            publisher=pack.pack.publisher if rule.signature else "",
        )


def _priority(pair: tuple[RulePack, Rule]) -> tuple[bool, bool]:
    """Sort key keeping pack order among equals: fallback rules last, site-scoped rules before them."""
    rule = pair[1]
    return rule.fallback, rule.scope is Scope.SITE


def _first_characters(singles: dict[int, regex.Pattern[str]]) -> dict[str, tuple[int, ...]]:
    """For each known first character, the regex rules that can match a line starting with any of its class."""
    starting: dict[str, tuple[int, ...]] = {}
    for characters in CHARACTER_CLASSES:
        indices = tuple(
            index
            for index, pattern in singles.items()
            if any(pattern.match(character, partial=True) for character in characters)
        )
        starting.update(dict.fromkeys(characters, indices))
    return starting


def _line_matches(
    pattern: regex.Pattern[str], text: str, start: int, stop: int, deadline: Deadline
) -> Iterator[regex.Match[str]]:
    """Non-empty matches within one line; after a match that strays across lines, go on from the next line."""
    pos = start
    while pos < stop:
        match = pattern.search(text, pos, stop, timeout=deadline.remaining())
        if match is None:
            return
        found_start, found_end = match.span()
        newline = text.find("\n", found_start, found_end)
        if newline != -1:
            pos = newline + 1
            continue
        if found_end > found_start:
            yield match
        pos = max(found_end, found_start + 1)


def _rule_indices(pattern: regex.Pattern[str]) -> list[int]:
    """Indices of the rules combined in a pattern, in priority order."""
    return [int(name[1:]) for name in pattern.groupindex if "_" not in name]


def _slowest(
    singles: dict[int, regex.Pattern[str]],
    rules: Sequence[CompiledRule],
    attempt: Callable[[regex.Pattern[str], float], object],
) -> RuleTimeoutError:
    """The error for a combined pattern that ran out of time, naming the rule that did.

    Each rule of the combination is tried alone with a short budget, and the
    first to run out of it is named (the rare path: only after a timeout).
    """
    for index, single in singles.items():
        try:
            attempt(single, PROBE_SECONDS)
        except TimeoutError:
            rule = rules[index]
            return RuleTimeoutError(f"rule {rule.id!r} exceeded the time budget", rule.id)
    return RuleTimeoutError("rule matching exceeded the time budget")


def _rule_index(match: regex.Match[str]) -> int:
    """Index of the rule whose group matched: it encloses all others, so closes last."""
    name = match.lastgroup
    assert name is not None and "_" not in name, "a match without a rule group"
    return int(name[1:])


def _fields(rule: CompiledRule, match: regex.Match[str]) -> dict[str, str]:
    values = {field: match.group(group) for field, group in rule.groups if match.group(group)}
    if not values and rule.field:
        values[rule.field] = match.group()
    return values
