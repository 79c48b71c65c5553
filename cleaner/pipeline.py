"""Clean one document: normalise → blocks → rules → fragments → duplicates → headings → result."""

from __future__ import annotations

from . import headings
from .blocks import Block, segment
from .dedupe import block_key, find_duplicates
from .htmltext import PageHints
from .metadata import MetadataBuilder
from .normalise import normalise
from .result import CleanResult, Removal, Stats
from .rules.engine import Deadline, Hit, RuleSet
from .rules.schema import Category
from .strips import cut, group_by_block, has_content, merged_verdict
from .verdicts import Verdict, decide_blocks

TITLE_RULE = "heading.title"
SUBTITLE_RULE = "heading.subtitle"
HEADING_SEARCH_BLOCKS = 3


class DocumentRun:
    """The state of cleaning one document; ``result`` runs the pipeline once."""

    def __init__(
        self, rules: RuleSet, text: str, hints: PageHints, publisher: str, packs: set[str], timeout: float
    ) -> None:
        self.rules = rules
        self.text = text
        self.hints = hints
        self.packs = set(packs)
        self.deadline = Deadline(timeout)
        self.normalised = normalise(text)
        self.blocks: list[Block] = segment(self.normalised)
        self.texts = [block.text for block in self.blocks]
        self.cuts: dict[int, list[Hit]] = {}
        self.metadata = MetadataBuilder()
        self.metadata.add("publisher", publisher)

    def result(self, id: str | None) -> CleanResult:
        self._apply_rules()
        duplicates = find_duplicates(self.texts, [verdict is not None for verdict in self.verdicts])
        for duplicate in duplicates:
            self.verdicts[duplicate.index] = Verdict(duplicate.rule, Category.DUPLICATE)
        self._find_headings()
        kept = [index for index, verdict in enumerate(self.verdicts) if verdict is None]
        body = "\n\n".join(self.texts[index] for index in kept)
        removed = sorted(self._block_removals() + self._fragment_removals(kept), key=lambda r: r.start)
        self._collect_metadata(kept)
        return CleanResult(
            id=id,
            body=body,
            metadata=self.metadata.build(body),
            removed=removed,
            stats=Stats(
                chars_in=len(self.text),
                chars_out=len(body),
                blocks_in=len(self.blocks),
                blocks_kept=len(kept),
                blocks_removed=len(self.blocks) - len(kept),
                duplicates=len(duplicates),
            ),
            input_text=self.text,
        )

    # -- rules ---------------------------------------------------------------

    def _apply_rules(self) -> None:
        text = self.normalised.text
        index_at = {block.start: block.index for block in self.blocks}
        found = self.rules.scan_blocks(text, index_at.keys(), self.deadline)
        self.packs |= {hit.rule.pack for hit in found.values() if hit.rule.publisher}
        hits = {index_at[start]: hit for start, hit in found.items() if self._applies(hit)}
        self.verdicts, bounds = decide_blocks(self.blocks, hits, self.deadline)
        fragments = self.rules.scan_inline(text, self.deadline)
        self.cuts = group_by_block(self.blocks, self.verdicts, fragments, bounds, self._applies)
        for index, block_hits in self.cuts.items():
            self.texts[index] = cut(self.blocks[index], block_hits)
            if not has_content(self.texts[index]):
                self.verdicts[index] = merged_verdict(block_hits)

    def _applies(self, hit: Hit) -> bool:
        """Publisher-scoped rules act only on documents attributed to their pack."""
        return not hit.rule.scoped or hit.rule.pack in self.packs

    # -- headings ------------------------------------------------------------

    def _find_headings(self) -> None:
        kept = [index for index, verdict in enumerate(self.verdicts) if verdict is None]
        if self.hints.title:
            self._match_page_headings(kept)
        elif kept and headings.is_headline(self.texts[kept[0]]):
            self._mark(kept[0], TITLE_RULE, Category.TITLE, "title")
            if len(kept) > 1 and headings.is_standfirst(self.texts[kept[1]]):
                self._mark(kept[1], SUBTITLE_RULE, Category.SUBTITLE, "subtitle")

    def _match_page_headings(self, kept: list[int]) -> None:
        """HTML input: take out the blocks that repeat the page's title and description."""
        wanted = [(self.hints.title, TITLE_RULE, Category.TITLE, "title")]
        if self.hints.description:
            wanted.append((self.hints.description, SUBTITLE_RULE, Category.SUBTITLE, "subtitle"))
        for value, rule, category, name in wanted:
            key = block_key(value)
            match = next((i for i in kept[:HEADING_SEARCH_BLOCKS] if block_key(self.texts[i]) == key), None)
            if match is not None:
                self._mark(match, rule, category, name)
                kept.remove(match)
            elif name == "title":
                self.metadata.add("title", value)

    def _mark(self, index: int, rule: str, category: str, name: str) -> None:
        self.verdicts[index] = Verdict(rule, category, {name: self.texts[index]})

    # -- removals and metadata -------------------------------------------------

    def _block_removals(self) -> list[Removal]:
        """One removal per run of blocks that left for the same decision."""
        removals: list[Removal] = []
        previous: Verdict | None = None
        for block, verdict in zip(self.blocks, self.verdicts, strict=True):
            if verdict is not None and verdict is previous:
                last = removals[-1]
                removals[-1] = self._removal(last.rule, last.category, last.start, block.source_end)
            elif verdict is not None:
                removals.append(self._removal(verdict.rule, verdict.category, block.source_start, block.source_end))
            previous = verdict
        return removals

    def _fragment_removals(self, kept: list[int]) -> list[Removal]:
        offsets = self.normalised.offsets
        return [
            self._removal(hit.rule.id, hit.rule.category, offsets.start(hit.start), offsets.end(hit.end))
            for index in kept
            for hit in self.cuts.get(index, ())
        ]

    def _removal(self, rule: str, category: str, start: int, end: int) -> Removal:
        """A removal of ``input[start:end]``."""
        return Removal(rule=rule, category=str(category), start=start, end=end, text=self.text[start:end])

    def _collect_metadata(self, kept: list[int]) -> None:
        for verdict in self.verdicts:
            if verdict is not None:
                self.metadata.add("publisher", verdict.publisher)
                for name, value in verdict.fields.items():
                    self.metadata.add(name, value)
        for index in kept:
            for hit in self.cuts.get(index, ()):
                for name, value in hit.fields.items():
                    self.metadata.add(name, value)
        if not self.metadata.authors:
            for author in self.hints.authors:
                self.metadata.add("authors", author)
        self.metadata.add("published", self.hints.published)
        self.metadata.add("publisher", self.hints.publisher)
