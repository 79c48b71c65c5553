"""The page's text blocks from its DOM (lxml), each with the DOM facts the features need.

One block per run of text between block-level boundaries (a block element's own
text, the text between its block children, or one line between ``<br>``s), in
document order. Scripts, styles and other invisible elements are skipped. The
page's text is the blocks joined by ``\\n``; each block knows its ``start`` in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex
from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from .vocabulary import NONE, attribute_words

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table tbody "
    "thead tfoot tr td th ul caption legend option select textarea button label iframe noscript html".split()
)
SKIP_TAGS = frozenset("script style template head svg math canvas object embed noscript title meta link".split())
MEDIA_TAGS = frozenset(("img", "picture", "video"))
_SPACE = regex.compile(r"\s+")
Tags = frozenset[str]
_State = tuple[int, bool, bool, bool, Tags]


@dataclass(slots=True)
class Element:
    """One element: its tag, parent (index, -1 for the root), depth, vocabulary words and subtree counts."""

    tag: str
    parent: int
    depth: int
    words: frozenset[str]
    hidden: bool
    article_body: bool = False
    text_chars: int = 0
    link_chars: int = 0
    blocks: int = 0
    children: int = 0
    media: int = 0


@dataclass(slots=True)
class Block:
    """A run of text: ``owner`` its nearest block-level element, ``inline`` the element holding its first text."""

    text: str
    owner: int
    inline: int
    link_chars: int
    strong_chars: int
    br: bool
    inline_tags: frozenset[str]
    start: int = 0

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(slots=True)
class DomPage:
    blocks: list[Block]
    elements: list[Element]
    media_at: list[int]
    """For each visible image, the number of blocks before it."""
    root: HtmlElement | None

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(slots=True)
class _Run:
    pieces: list[str] = field(default_factory=list)
    link: int = 0
    strong: int = 0
    owner: int = -1
    inline: int = -1
    tags: frozenset[str] = NONE


class _Walker:
    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.blocks: list[Block] = []
        self.media_at: list[int] = []
        self.run = _Run()

    def add_text(
        self, text: str | None, owner: int, inline: int, link: bool, strong: bool, tags: frozenset[str]
    ) -> None:
        if not text:
            return
        run = self.run
        if not run.pieces:
            run.owner, run.inline = owner, inline
        run.pieces.append(text)
        size = len(text.strip())
        run.link += size if link else 0
        run.strong += size if strong else 0
        run.tags = run.tags | tags

    def flush(self, br: bool = False) -> None:
        run = self.run
        text = _SPACE.sub(" ", "".join(run.pieces)).strip() if run.pieces else ""
        if text:
            size = len(text)
            block = Block(text, run.owner, run.inline, min(run.link, size), min(run.strong, size), br, run.tags)
            self.blocks.append(block)
        self.run = _Run()

    def walk(self, element: HtmlElement, parent: int, owner: int, state: _State) -> None:
        """``state``: depth, inside a link, inside strong text, hidden, the inline tags around."""
        tag = element.tag.lower().rpartition("}")[2] if isinstance(element.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            return
        depth, link, strong, hidden, tags = state
        hidden = hidden or _is_hidden(element)
        index = self._add_element(element, tag, parent, depth, hidden)
        block_level = tag in BLOCK_TAGS
        if block_level:
            self.flush()
            owner = index
        if tag == "br":
            self.flush(br=True)
        link = link or tag == "a"
        strong = strong or tag in ("strong", "b")
        tags = NONE if block_level else tags | {tag}
        inner = (depth + 1, link, strong, hidden, tags)
        self.add_text(element.text, owner, index, link, strong, tags)
        for child in element:
            self.walk(child, index, owner, inner)
            self.add_text(child.tail, owner, index, link, strong, tags)
        if block_level:
            self.flush()

    def _add_element(self, element: HtmlElement, tag: str, parent: int, depth: int, hidden: bool) -> int:
        index = len(self.elements)
        body = (element.get("itemprop") or "").lower() == "articlebody"
        self.elements.append(Element(tag, parent, depth, attribute_words(element), hidden, body))
        if parent >= 0:
            self.elements[parent].children += 1
        if tag in MEDIA_TAGS and not hidden:
            self.media_at.append(len(self.blocks))
            up = index
            while up >= 0:
                self.elements[up].media += 1
                up = self.elements[up].parent
        return index


def parse(html: str) -> HtmlElement | None:
    """The page's DOM, or None where lxml cannot read it."""
    try:
        root: HtmlElement = document_fromstring(html)
        return root
    except (ValueError, etree.ParserError):
        try:
            parser = etree.HTMLParser(encoding="utf-8")
            root = document_fromstring(html.encode("utf-8"), parser=parser)
            return root
        except (ValueError, etree.ParserError):
            return None


def dom_page(html: str) -> DomPage:
    """The blocks of the page's ``<body>`` (or the whole document without one)."""
    root = parse(html)
    walker = _Walker()
    if root is not None:
        body = root.find("body")
        walker.walk(body if body is not None else root, -1, -1, (0, False, False, False, NONE))
        walker.flush()
    _subtree_counts(walker.blocks, walker.elements)
    offset = 0
    for block in walker.blocks:
        block.start = offset
        offset += block.chars + 1
    return DomPage(walker.blocks, walker.elements, walker.media_at, root)


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _subtree_counts(blocks: list[Block], elements: list[Element]) -> None:
    """Text and link characters and blocks of every element's subtree (through the owner chain)."""
    for block in blocks:
        index = block.owner
        while index >= 0:
            element = elements[index]
            element.text_chars += block.chars
            element.link_chars += block.link_chars
            element.blocks += 1
            index = element.parent
