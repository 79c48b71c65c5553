"""Features from the DOM: links, tags, ancestors' tags and class/id words, enclosing containers, position."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from .blocks import DomPage, Element
from .vocabulary import WORDS

MAX_DISTANCE = 30
CONTAINER_LEVELS = 4
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TRACKED_TAGS = (
    "article main header footer nav aside form li ul ol table td th figure figcaption blockquote pre "
    "section h1 h2 h3 h4 h5 h6 button label select a dl dd dt p span time address".split()
)
OWNER_TAGS = (
    "p div li h1 h2 h3 h4 h5 h6 td th dd dt blockquote pre figcaption caption button label option section "
    "article header footer nav aside form main body ul ol table tr figure address summary legend".split()
)
INLINE_TAGS = "a strong b em i span time code small cite sup sub abbr u mark q label".split()
_OWNER_ROWS = {tag: [float(tag == other) for other in OWNER_TAGS] + [0.0] for tag in OWNER_TAGS}
_OWNER_OTHER = [0.0] * len(OWNER_TAGS) + [1.0]
_TRACKED = frozenset(TRACKED_TAGS)
_WORD_KEYS = ["." + word for word in WORDS]
_BODY = "@body"

NAMES = [
    "link_share", "strong_share", "all_link", "depth", "br", "hidden", "dup_count", "dup_first",
    *(f"owner_{tag}" for tag in OWNER_TAGS), "owner_other",
    *(f"inline_{tag}" for tag in INLINE_TAGS),
    *(f"anc_{tag}" for tag in TRACKED_TAGS), "anc_articlebody", "heading_level",
    *(f"cls_{word}" for word in WORDS), *(f"cls_{word}_inline" for word in WORDS),
    *(f"c{level}_{name}" for level in range(CONTAINER_LEVELS)
      for name in ("text_share", "link_density", "log_blocks", "children")),
    "pos_block", "pos_char", "log_page_blocks", "log_page_chars",
]  # fmt: skip


def hidden_blocks(page: DomPage) -> list[bool]:
    return [page.elements[block.owner].hidden if block.owner >= 0 else False for block in page.blocks]


class _Ancestry:
    """Per element: the depth where each tracked tag and class/id word was last met from the root; its heading."""

    def __init__(self, elements: Sequence[Element]) -> None:
        self.elements = elements
        self.memo: dict[int, tuple[dict[str, int], int]] = {}

    def seen(self, index: int) -> tuple[dict[str, int], int]:
        found = self.memo.get(index)
        if found is not None:
            return found
        chain = []
        while index >= 0 and index not in self.memo:
            chain.append(index)
            index = self.elements[index].parent
        seen, heading = self.memo[index] if index >= 0 else ({}, 0)
        for element_index in reversed(chain):
            seen, heading = self._step(self.elements[element_index], seen, heading)
            self.memo[element_index] = seen, heading
        return seen, heading

    @staticmethod
    def _step(element: Element, seen: dict[str, int], heading: int) -> tuple[dict[str, int], int]:
        tracked = element.tag in _TRACKED
        if tracked or element.words or element.article_body:
            seen = dict(seen)
            if tracked:
                seen[element.tag] = element.depth
            for word in element.words:
                seen["." + word] = element.depth
            if element.article_body:
                seen[_BODY] = element.depth
        return seen, HEADINGS.get(element.tag, heading)


def structure_rows(page: DomPage, words: Sequence[Sequence[str]], hidden: Sequence[bool]) -> list[list[float]]:
    blocks, elements = page.blocks, page.elements
    count = len(blocks)
    page_chars = sum(block.chars for block in blocks) or 1
    keys = [" ".join(block_words).casefold() for block_words in words]
    repeats = Counter(keys)
    seen_keys: set[str] = set()
    ancestry = _Ancestry(elements)
    memo: dict[int, list[float]] = {}
    rows = []
    for i, block in enumerate(blocks):
        chars = max(1, block.chars)
        owner = elements[block.owner] if block.owner >= 0 else None
        row = [block.link_chars / chars, block.strong_chars / chars, float(block.link_chars >= 0.95 * chars)]
        row += [float(owner.depth if owner else 0), float(block.br), float(hidden[i])]
        row += [float(repeats[keys[i]] if words[i] else 0), float(keys[i] not in seen_keys)]
        seen_keys.add(keys[i])
        row += _OWNER_ROWS.get(owner.tag if owner else "", _OWNER_OTHER)
        row += [float(tag in block.inline_tags) for tag in INLINE_TAGS]
        if block.owner not in memo:
            memo[block.owner] = _ancestors(block.owner, ancestry, page_chars, count)
        row += memo[block.owner][: len(TRACKED_TAGS) + 2 + len(WORDS)]
        inline = elements[block.inline] if 0 <= block.inline != block.owner else None
        row += [float(word in inline.words) for word in WORDS] if inline else [0.0] * len(WORDS)
        row += memo[block.owner][len(TRACKED_TAGS) + 2 + len(WORDS) :]
        row += [i / count, block.start / page_chars, math.log1p(count), math.log1p(page_chars)]
        rows.append(row)
    return rows


def _ancestors(owner: int, ancestry: _Ancestry, page_chars: int, count: int) -> list[float]:
    """Distances up to each tracked tag, articleBody, heading level and class/id word; then the containers."""
    far = float(MAX_DISTANCE)
    if owner < 0:
        found = [far] * (len(TRACKED_TAGS) + 1) + [0.0] + [far] * len(WORDS)
        return found + [1.0, 0.0, math.log1p(count), 0.0] * CONTAINER_LEVELS
    seen, heading = ancestry.seen(owner)
    depth = ancestry.elements[owner].depth
    found = [min(float(depth - seen[tag]), far) if tag in seen else far for tag in TRACKED_TAGS]
    found.append(min(float(depth - seen[_BODY]), far) if _BODY in seen else far)
    found.append(float(heading))
    found += [min(float(depth - seen[key]), far) if key in seen else far for key in _WORD_KEYS]
    index = owner
    for _ in range(CONTAINER_LEVELS):
        if index >= 0:
            element = ancestry.elements[index]
            found += [element.text_chars / page_chars, element.link_chars / max(1, element.text_chars),
                      math.log1p(element.blocks), math.log1p(element.children)]  # fmt: skip
            index = element.parent
        else:
            found += [1.0, 0.0, math.log1p(count), 0.0]
    return found
