"""Turn rule hits into per-block verdicts: actions, spans, tails and positions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..rules.deadline import Deadline, charged_to
from ..rules.engine import CompiledRule, Hit
from ..rules.schema import Action, Position
from ..text.blocks import Block
from ..text.tokens import is_prose

DEFAULT_SPAN_BLOCKS = 30


class Stage(Enum):
    """The stage of the pipeline that decided a block leaves."""

    RULE = "rule"
    DUPLICATE = "duplicate"
    ARTICLE = "article"
    HEADING = "heading"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a block left the body, and what it tells about the document.

    ``origin`` is the block whose decision it is: the blocks of one span or
    tail share their opening block's verdict, so they are reported as one removal.
    """

    rule: str
    category: str
    stage: Stage
    origin: int
    fields: dict[str, str] = field(default_factory=dict, compare=False)
    publisher: str = ""

    @classmethod
    def of(cls, hit: Hit, origin: int) -> Verdict:
        return cls(hit.rule.id, hit.rule.category, Stage.RULE, origin, hit.fields, hit.rule.publisher)


@dataclass(frozen=True, slots=True)
class ProseBounds:
    """Indexes of the first and last blocks of prose: the article's head ends and tail starts there."""

    first: int
    last: int

    @classmethod
    def of(
        cls, blocks: Sequence[Block], tokens: Sequence[list[str]], verdicts: Sequence[Verdict | None]
    ) -> ProseBounds:
        prose = [b.index for b in blocks if verdicts[b.index] is None and is_prose(b.text, tokens[b.index])]
        return cls(prose[0], prose[-1]) if prose else cls(len(blocks), -1)

    def spans(self, blocks: Sequence[Block], text_length: int) -> dict[Position, tuple[int, int]]:
        """The stretch of text where ``strip`` rules of each position may act."""
        count = len(blocks)
        head_end = blocks[min(self.first, count - 1)].end if count else 0
        body_start = blocks[self.first].start if self.first < count else text_length
        tail_start = blocks[self.last].start if self.last >= 0 else 0
        return {
            Position.ANY: (0, text_length),
            Position.HEAD: (0, head_end),
            Position.BODY: (body_start, text_length),
            Position.TAIL: (tail_start, text_length),
        }

    def admits(self, index: int, position: Position, *, inclusive: bool) -> bool:
        """Whether a rule with ``position`` may act on block ``index``.

        Block rules act strictly before the first paragraph of prose (head),
        after it (body) or after the last one (tail); ``strip`` rules
        (``inclusive``) act inside that paragraph too.
        """
        if position is Position.HEAD:
            return index <= self.first if inclusive else index < self.first
        if position is Position.BODY:
            return index >= self.first if inclusive else index > self.first
        if position is Position.TAIL:
            return index >= self.last if inclusive else index > self.last
        return True


def decide_blocks(
    blocks: Sequence[Block],
    tokens: Sequence[list[str]],
    hits: dict[int, Hit],
    next_hit: Callable[[Hit], Hit | None],
    deadline: Deadline,
) -> tuple[list[Verdict | None], ProseBounds]:
    """Verdicts of the block rules: rules without a position first, then head, body and tail rules.

    A positional hit outside its position gives way to the next rule that
    matches the block (``next_hit``).
    """
    verdicts: list[Verdict | None] = [None] * len(blocks)
    ends = _SpanEnds(blocks, deadline)
    deferred: list[tuple[int, Hit]] = []
    for index, hit in hits.items():
        if hit.rule.position is Position.ANY:
            _apply(blocks, hits, verdicts, index, hit, ends)
        else:
            deferred.append((index, hit))
    bounds = ProseBounds.of(blocks, tokens, verdicts)
    for index, first in deferred:
        candidate: Hit | None = first
        while candidate is not None and not bounds.admits(index, candidate.rule.position, inclusive=False):
            candidate = next_hit(candidate)
        if candidate is not None:
            hits[index] = candidate
            _apply(blocks, hits, verdicts, index, candidate, ends)
    return verdicts, bounds


class _SpanEnds:
    """Whether a span rule's end pattern matches a block, each (rule, block) tried once.

    Span openers in a row look ahead over the same blocks: without the memo a
    document of many openers would try each end up to ``max_blocks`` times.
    """

    def __init__(self, blocks: Sequence[Block], deadline: Deadline) -> None:
        self.blocks = blocks
        self.deadline = deadline
        self._known: dict[tuple[int, int], bool] = {}

    def last_block(self, index: int, hit: Hit) -> int:
        rule = hit.rule
        if rule.action is Action.DROP_TAIL:
            return (
                len(self.blocks) - 1 if rule.max_blocks is None else min(len(self.blocks), index + rule.max_blocks) - 1
            )
        if rule.action is Action.DROP_SPAN:
            reach = rule.max_blocks or DEFAULT_SPAN_BLOCKS
            for block in self.blocks[index + 1 : index + 1 + reach]:
                if self._ends(rule, block):
                    return block.index
        return index

    def _ends(self, rule: CompiledRule, block: Block) -> bool:
        key = (rule.index, block.index)
        known = self._known.get(key)
        if known is None:
            assert rule.end is not None
            with charged_to(rule.id, "its end pattern"):
                known = self._known[key] = self.deadline.run(rule.end.fullmatch, block.text) is not None
        return known


def _apply(
    blocks: Sequence[Block],
    hits: dict[int, Hit],
    verdicts: list[Verdict | None],
    index: int,
    hit: Hit,
    ends: _SpanEnds,
) -> None:
    """Give block ``index`` (and the span or tail it opens) the hit's verdict.

    A block inside a span or tail that matched a rule of its own keeps that
    rule's verdict, so what it tells about the document is not lost.
    """
    if verdicts[index] is not None:
        return
    verdict = Verdict.of(hit, index)
    verdicts[index] = verdict
    for inner in range(index + 1, ends.last_block(index, hit) + 1):
        own = hits.get(inner)
        if own is not None:
            verdicts[inner] = Verdict.of(own, inner)
        elif verdicts[inner] is None:
            verdicts[inner] = verdict
