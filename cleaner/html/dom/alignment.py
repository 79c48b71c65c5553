"""Which blocks of a page a reference text holds: trafilatura's extraction (a feature) or the gold body (a label).

Tokens are ``\\w+`` runs and shingles 4 tokens, as the benchmark's metric has them.
A block of 4+ tokens is held when half of its shingles are still available in the
reference's shingle multiset; held blocks use their shingles up (visible blocks
first, then hidden ones, each in page order), so a second copy is not held. A
shorter block is held when it is a whole line of the reference, or occurs there
joined to the end of the block before or the start of the block after it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

SHINGLE = 4
CONTEXT_TOKENS = 3
HELD_SHARE = 0.5
_TOKEN = regex.compile(r"\w+")

Shingle = tuple[str, ...]


def tokens(text: str) -> list[str]:
    found: list[str] = _TOKEN.findall(text)
    return found


def shingles(words: Sequence[str]) -> list[Shingle]:
    return [tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


@dataclass(frozen=True, slots=True)
class Alignment:
    held: list[int]
    """1 for each block the reference holds."""
    share: list[float]
    """The share of each block's shingles the reference still had for it."""


class Reference:
    """A reference text prepared for alignment."""

    def __init__(self, text: str) -> None:
        words = tokens(text)
        self.bag = Counter(shingles(words))
        longest = SHINGLE - 1 + CONTEXT_TOKENS
        self.runs = {tuple(words[i : i + k]) for k in range(1, longest + 1) for i in range(len(words) - k + 1)}
        self.lines = {" ".join(found) for line in text.split("\n") if (found := tokens(line))}


def align(
    words: Sequence[Sequence[str]], grams: Sequence[Sequence[Shingle]], text: str, hidden: Sequence[bool]
) -> Alignment:
    """The blocks (their tokens and shingles) that ``text`` holds."""
    reference = Reference(text)
    held, share = [0] * len(words), [0.0] * len(words)
    budget = Counter(reference.bag)
    for index in sorted(range(len(words)), key=lambda i: (hidden[i], i)):
        block = grams[index]
        if not block or sum(g in reference.bag for g in block) < HELD_SHARE * len(block):
            continue
        need = Counter(block)
        available = sum(min(count, budget[g]) for g, count in need.items())
        share[index] = available / len(block)
        if available >= HELD_SHARE * len(block):
            held[index] = 1
            budget.subtract(need)
    for index, block_words in enumerate(words):
        if block_words and len(block_words) < SHINGLE:
            held[index] = int(_short_held(words, index, reference))
            share[index] = float(held[index])
    return Alignment(held, share)


def _short_held(words: Sequence[Sequence[str]], index: int, reference: Reference) -> bool:
    block = list(words[index])
    before = next((list(words[j]) for j in range(index - 1, -1, -1) if words[j]), [])
    after = next((list(words[j]) for j in range(index + 1, len(words)) if words[j]), [])
    return (
        " ".join(block) in reference.lines
        or bool(before and tuple(before[-CONTEXT_TOKENS:] + block) in reference.runs)
        or bool(after and tuple(block + after[:CONTEXT_TOKENS]) in reference.runs)
    )
