"""Compile every rule of every pack once; classify each block in one step.

Block rules (every action but ``strip``):

- literal ``phrases`` go into one dictionary from a folded key (case, quote
  style and trailing punctuation do not count) to the first rule listing them:
  one lookup per block, whatever their number;
- regex rules become alternations anchored to whole lines,
  ``^(?:(?P<r3>...)|(?P<r9>...)|...)$``. With Hyperscan (``prefilter``), one
  scan of the document's text names the rules that may match each line, and
  a line meets the alternation of only those (compiled on first use, kept);
  without it (or with ``CLEANER_PREFILTER=0``), one per first character and
  length bucket (``dispatch``). Both give the same hits: the rules left out
  cannot match, so the first rule that does, and where its match ends, are
  the same.

The first rule in priority order that matches a block is its verdict; a rule
that cannot act there gives way to the next (``next_block_hit``). ``strip``
rules form one unanchored alternation per position, searched only in the
span of text that position allows. Rule group and list names are made
private (``groups``), so packs cannot collide. Every match runs under the
document's time budget (``deadline``); when a combined pattern runs out of it,
each of its rules is tried alone, within a bounded share more, to name the
one that was slow.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import regex

from ..text.blocks import Block
from .deadline import Deadline, MatchTimedOut, charged_to, timed_out
from .dispatch import Dispatch
from .groups import Kind, field_group, matched_rule, rule_group, rule_indices
from .loading import LoadedPack, check_unique_names
from .prefilter import Prefilter, enabled
from .schema import Action, Category, Position, Rule, RulePack, Scope, list_references
from .sources import Lists, alternative, compile_alternatives, phrase_key
from .translate import Untranslatable, translate

CHECK_EVERY = 64
MAX_ALTERNATIONS = 4096
"""Alternations of the rules reported together kept at once (a few per document's distinct reports)."""
"""With the prefilter, the budget (and the caller's stop) is looked at once per this many blocks at least."""


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


Ranked = tuple[int, RulePack, Rule]  # a rule with its pack's position in the pack list


class RuleSet:
    """All loaded packs, compiled once; immutable and safe to share between threads.

    ``prefilter``: use Hyperscan (``None``: when it imports, unless ``CLEANER_PREFILTER=0``).
    """

    def __init__(self, packs: Sequence[LoadedPack], *, prefilter: bool | None = None) -> None:
        check_unique_names(packs)
        self.packs = list(packs)
        block_rules, inline_rules = self._collect()
        self.block_rules = [_compile_rule(pack, rule, Kind.BLOCK, i) for i, (_, pack, rule) in enumerate(block_rules)]
        self.inline_rules = [
            _compile_rule(pack, rule, Kind.INLINE, i) for i, (_, pack, rule) in enumerate(inline_rules)
        ]
        self.phrase_keys: dict[int, frozenset[str]] = {}
        self.regex_sources: dict[int, tuple[str, Lists]] = {}
        for index, (pack_index, pack, rule) in enumerate(block_rules):
            if rule.phrases is not None:
                self.phrase_keys[index] = frozenset(phrase_key(phrase) for phrase in rule.phrases)
            else:
                self.regex_sources[index] = alternative(pack, rule, rule_group(Kind.BLOCK, index), pack_index)
        self._phrases: dict[str, int] = {}
        self._phrase_rules: dict[str, list[int]] = {}
        for index, keys in self.phrase_keys.items():
            for key in keys:
                self._phrases.setdefault(key, index)
                self._phrase_rules.setdefault(key, []).append(index)
        self._longest_phrase = max((len(key) for key in self._phrases), default=0)
        self._singles: dict[int, regex.Pattern[str]] = {}
        self._alternations: dict[tuple[int, ...], regex.Pattern[str]] = {}
        self.prefilter: Prefilter | None = None
        self.unfiltered: tuple[int, ...] = ()
        """Regex rules the prefilter cannot rule out (they can match across lines, or cannot be translated)."""
        self.dispatch: Dispatch | None = None
        """The pure-Python dispatch, when there is no prefilter."""
        if enabled(prefilter):
            self._build_prefilter(block_rules)
        else:
            self.dispatch = Dispatch(self.regex_sources, [rule.max_chars for rule in self.block_rules])
        self._inline_sources = [
            alternative(pack, rule, rule_group(Kind.INLINE, i), pack_index)
            for i, (pack_index, pack, rule) in enumerate(inline_rules)
        ]
        self._inline_singles = [compile_alternatives([source], anchored=False) for source in self._inline_sources]
        self._inline: dict[Position, regex.Pattern[str]] = {}
        for position in Position:
            sources = [
                self._inline_sources[i] for i, (_, _, rule) in enumerate(inline_rules) if rule.position is position
            ]
            if sources:
                self._inline[position] = compile_alternatives(sources, anchored=False)

    def _build_prefilter(self, block_rules: list[Ranked]) -> None:
        expressions: dict[int, str] = {}
        unfiltered: list[int] = []
        for index in self.regex_sources:
            _, pack, rule = block_rules[index]
            source = rule.prefilter or rule.pattern
            assert source is not None
            try:
                translation = translate(source, pack.lists, case_sensitive=rule.case_sensitive)
            except Untranslatable:
                unfiltered.append(index)
                continue
            if translation.crosses_lines:
                unfiltered.append(index)
            else:
                expressions[index] = translation.expression
        self.prefilter = Prefilter(expressions)
        self.unfiltered = tuple(sorted([*unfiltered, *self.prefilter.refused]))

    def _collect(self) -> tuple[list[Ranked], list[Ranked]]:
        """Block and strip rules in priority order (``_priority``), pack order among equals."""
        block_rules: list[Ranked] = []
        inline_rules: list[Ranked] = []
        for pack_index, loaded in enumerate(self.packs):
            for rule in loaded.rules:
                target = inline_rules if rule.action is Action.STRIP else block_rules
                target.append((pack_index, loaded.pack, rule))
        block_rules.sort(key=_priority)
        inline_rules.sort(key=_priority)
        return block_rules, inline_rules

    def scan_blocks(self, text: str, blocks: Sequence[Block], deadline: Deadline) -> dict[int, Hit]:
        """The first block rule matching each block, keyed by block start offset."""
        hits: dict[int, Hit] = {}
        lines = self.prefilter.lines(text) if self.prefilter is not None else {}
        for number, block in enumerate(blocks):
            length = len(block.text)
            phrase = self._phrases.get(phrase_key(block.text)) if length <= self._longest_phrase + 3 else None
            if self.dispatch is not None:
                match = self._match(self.dispatch.pattern_for(block.text[0], length, deadline), text, block, deadline)
            else:
                if not number % CHECK_EVERY:
                    deadline.remaining()
                match = self._confirm(text, block, lines.get(block.end, ()), deadline)
            index = matched_rule(match) if match is not None else None
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
        site's rule): each later rule that can start with the block's first
        character is tried alone.
        """
        line_end = text.find("\n", hit.start)
        block_text = text[hit.start : len(text) if line_end == -1 else line_end]
        key = phrase_key(block_text)
        can_start: frozenset[int] | None = None
        if self.dispatch is not None:
            can_start = self.dispatch.can_start(block_text[0])
            later: Iterable[int] = range(hit.rule.index + 1, len(self.block_rules))
        else:  # only the rules that can match: the phrase rules listing the block, the regex rules reported
            assert self.prefilter is not None
            reported = self.prefilter.lines(block_text).get(len(block_text), ())
            found = {*self._phrase_rules.get(key, ()), *reported, *self.unfiltered}
            later = sorted(index for index in found if index > hit.rule.index)
        for index in later:
            rule = self.block_rules[index]
            if rule.max_chars < len(block_text):
                continue
            if index in self.phrase_keys:
                if key in self.phrase_keys[index]:
                    return Hit(rule, hit.start, hit.end, {rule.field: block_text} if rule.field else {})
                continue
            if can_start is not None and index not in can_start:
                continue
            single = self._single(index, deadline)
            with charged_to(rule.id):
                match = deadline.run(single.match, text, hit.start)
            if match is not None and match.end() == hit.end:
                return Hit(rule, hit.start, hit.end, _fields(rule, match))
        return None

    def scan_inline(self, text: str, spans: Mapping[Position, tuple[int, int]], deadline: Deadline) -> list[Hit]:
        """Every fragment a ``strip`` rule matches, searched only in the span its position allows."""
        hits: list[Hit] = []
        for position, pattern in self._inline.items():
            start, end = spans[position]
            try:
                for match in _line_matches(pattern, text, start, end, deadline):
                    rule = self.inline_rules[matched_rule(match)]
                    hits.append(Hit(rule, match.start(), match.end(), _fields(rule, match)))
            except MatchTimedOut:
                singles = {i: self._inline_singles[i] for i in rule_indices(pattern)}
                raise _slowest(singles, self.inline_rules, deadline.search(), "search", text, start, end) from None
        return sorted(hits, key=lambda hit: hit.start)

    def compile_all(self) -> None:
        """Compile every dispatch alternation now rather than on first use (a server, before it serves).

        With the prefilter there are none: the database is compiled (or loaded) at once, and a rule's own
        pattern, compiled when first confirmed, takes a millisecond or so.
        """
        if self.dispatch is not None:
            self.dispatch.compile_all()

    def _single(self, index: int, deadline: Deadline) -> regex.Pattern[str]:
        """Regex rule ``index`` alone, anchored to a line; compiled on first use, not charged to the document."""
        if self.dispatch is not None:
            return self.dispatch.singles[index]
        single = self._singles.get(index)
        if single is None:
            started = time.thread_time()
            single = self._singles[index] = compile_alternatives([self.regex_sources[index]], anchored=True)
            deadline.extend(time.thread_time() - started)
        return single

    def _confirm(self, text: str, block: Block, reported: Sequence[int], deadline: Deadline) -> regex.Match[str] | None:
        """What the dispatch alternation would match: the alternation of only the rules that may match.

        The rules left out cannot match, so the first rule that does (and where its match ends) is the
        same; when it runs out of time, the rules in it are searched for the one to blame, as the
        dispatch alternation's are.
        """
        if not reported and not self.unfiltered:
            return None
        length = len(block.text)
        candidates = tuple(sorted(i for i in {*reported, *self.unfiltered} if self.block_rules[i].max_chars >= length))
        if not candidates:
            return None
        return self._match(self._alternation(candidates, deadline), text, block, deadline)

    def _alternation(self, candidates: tuple[int, ...], deadline: Deadline) -> regex.Pattern[str]:
        """The line-anchored alternation of these regex rules (one rule: itself), compiled on first use."""
        if len(candidates) == 1:
            return self._single(candidates[0], deadline)
        pattern = self._alternations.get(candidates)
        if pattern is None:
            started = time.thread_time()
            pattern = compile_alternatives([self.regex_sources[i] for i in candidates], anchored=True)
            if len(self._alternations) >= MAX_ALTERNATIONS:
                self._alternations.clear()
            self._alternations[candidates] = pattern
            deadline.extend(time.thread_time() - started)
        return pattern

    def _match(
        self, pattern: regex.Pattern[str] | None, text: str, block: Block, deadline: Deadline
    ) -> regex.Match[str] | None:
        if pattern is None:
            return None
        try:
            match = deadline.run(pattern.match, text, block.start)
        except MatchTimedOut:
            singles = {index: self._single(index, deadline) for index in rule_indices(pattern)}
            raise _slowest(singles, self.block_rules, deadline.search(), "match", text, block.start) from None
        return match if match is not None and match.end() == block.end else None


def _compile_rule(pack: RulePack, rule: Rule, kind: Kind, index: int) -> CompiledRule:
    end = None
    if rule.end is not None:
        flags = 0 if rule.case_sensitive else regex.IGNORECASE
        end = regex.compile(rule.end, flags, **{name: pack.lists[name] for name in list_references(rule.end)})
    group = rule_group(kind, index)
    return CompiledRule(
        index=index,
        id=pack.qualified_id(rule),
        category=rule.category,
        action=rule.action,
        position=rule.position,
        field=rule.field,
        groups=tuple((name, field_group(group, name)) for name in rule.field_groups),
        end=end,
        max_blocks=rule.max_blocks,
        max_chars=rule.max_chars,
        pack=pack.info.name,
        scoped=rule.scope is Scope.SITE,
        publisher=pack.info.publisher if rule.signature else "",
    )


def _priority(ranked: Ranked) -> tuple[bool, int]:
    """Sort key keeping pack order among equals: fallback rules last; then packs of higher priority first."""
    _, pack, rule = ranked
    return rule.fallback, -pack.info.priority


def _line_matches(
    pattern: regex.Pattern[str], text: str, start: int, stop: int, deadline: Deadline
) -> Iterator[regex.Match[str]]:
    """Non-empty matches within one line; after a match that strays across lines, go on from the next line."""
    pos = start
    while pos < stop:
        match = deadline.run(pattern.search, text, pos, stop)
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


def _slowest(
    singles: dict[int, regex.Pattern[str]],
    rules: Sequence[CompiledRule],
    search: Deadline,
    method: str,
    *args: object,
) -> Exception:
    """The error for a combined pattern that ran out of time, naming the rule that did.

    Each rule of the combination, in priority order, is tried alone (its
    ``method`` called with ``args``) with an even share of what is left of
    ``search`` (the budget for this), and the first to run out of its share is
    named; if the search budget is spent first, no rule is named. So the search
    is bounded whatever the number of rules.
    """
    candidates = list(singles.items())
    for tried, (index, single) in enumerate(candidates):
        left = search.left()
        if left <= 0:
            break
        probe = Deadline(left / (len(candidates) - tried))
        try:
            probe.run(getattr(single, method), *args)
        except TimeoutError:  # the probe's share ran out, during the match or before a retry
            return timed_out(rules[index].id)
    return timed_out()


def _fields(rule: CompiledRule, match: regex.Match[str]) -> dict[str, str]:
    values = {field: match.group(group) for field, group in rule.groups if match.group(group)}
    if not values and rule.field:
        values[rule.field] = match.group()
    return values
