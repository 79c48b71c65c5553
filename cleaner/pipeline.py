"""Clean one document: normalise → blocks → rules → fragments → duplicates → article → headings → result."""

from __future__ import annotations

from .blocks import Block, segment
from .classifier import Article, BlockClass, find_article
from .dedupe import Duplicate, block_key, find_duplicates
from .headings import find_headings
from .htmltext import PageHints
from .language import page_language, stopwords
from .metadata import MetadataBuilder
from .normalise import normalise
from .result import CleanResult, Removal, Stats
from .rules.engine import Deadline, Hit, RuleSet
from .rules.schema import Category
from .strips import cut, group_by_block, has_content, merged_verdict
from .tokens import tokenize
from .verdicts import Verdict, decide_blocks

CLASSIFIER_PREFIX = "classifier."
TITLE_RULE = "heading.title"
SUBTITLE_RULE = "heading.subtitle"
HEADING_SEARCH_BLOCKS = 3
OUTSIDE_ARTICLE = {
    BlockClass.PROSE: ("classifier.prose-outside-article", Category.RELATED),
    BlockClass.SENTENCE: ("classifier.sentence-outside-article", Category.RELATED),
    BlockClass.ITEM: ("classifier.list-item-outside-article", Category.RELATED),
    BlockClass.HEADLINE: ("classifier.headline-outside-article", Category.RELATED),
    BlockClass.SHORT: ("classifier.short-line-outside-article", Category.NAVIGATION),
    BlockClass.NOISE: ("classifier.noise-outside-article", Category.OTHER),
}


class DocumentRun:
    """The state of cleaning one document; ``result`` runs the pipeline once."""

    def __init__(
        self,
        rules: RuleSet,
        text: str,
        hints: PageHints,
        *,
        url: str | None,
        publisher: str,
        packs: set[str],
        timeout: float,
        find_article: bool,
    ) -> None:
        self.rules = rules
        self.text = text
        self.hints = hints
        self.url = url
        self.find_article = find_article
        self.packs = set(packs)
        self.deadline = Deadline(timeout)
        self.normalised = normalise(text)
        self.blocks: list[Block] = segment(self.normalised)
        self.texts = [block.text for block in self.blocks]
        self.tokens = [tokenize(text) for text in self.texts]
        self.cuts: dict[int, list[Hit]] = {}
        self.metadata = MetadataBuilder()
        self.metadata.add("publisher", publisher)

    def result(self, id: str | None) -> CleanResult:
        self._apply_rules()
        duplicates = find_duplicates(self.tokens, self.texts, [verdict is not None for verdict in self.verdicts])
        for duplicate in duplicates:
            self.verdicts[duplicate.index] = Verdict(duplicate.rule, Category.DUPLICATE)
        kept = self._kept()
        texts, tokens = [self.texts[i] for i in kept], [self.tokens[i] for i in kept]
        language = page_language(texts, tokens)
        article = find_article(texts, tokens, stopwords(language)) if self.find_article else None
        self._find_headings(kept, article)
        if article is not None:
            self._leave_out_all_but(article, kept)
            self._keep_copies_inside(article, kept, duplicates)
        kept = self._kept()
        body = "\n\n".join(self.texts[index] for index in kept)
        removed = sorted(self._block_removals() + self._fragment_removals(kept), key=lambda r: r.start)
        self._collect_metadata(kept)
        return CleanResult(
            id=id,
            body=body,
            metadata=self.metadata.build(sum(len(self.tokens[index]) for index in kept), language),
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
        found = self.rules.scan_blocks(text, self.blocks, self.deadline)
        self.packs |= {hit.rule.pack for hit in found.values() if hit.rule.publisher}
        hits: dict[int, Hit] = {}
        for start, first in found.items():
            hit = self._applicable(first)
            if hit is not None:
                hits[index_at[start]] = hit
        self.verdicts, bounds = decide_blocks(self.blocks, self.tokens, hits, self._next_hit, self.deadline)
        fragments = self.rules.scan_inline(text, bounds.spans(self.blocks, len(text)), self.deadline)
        self.cuts = group_by_block(self.blocks, self.verdicts, fragments, bounds, self._applies)
        for index, block_hits in self.cuts.items():
            self.texts[index] = cut(self.blocks[index], block_hits)
            self.tokens[index] = tokenize(self.texts[index])
            if not has_content(self.texts[index]):
                self.verdicts[index] = merged_verdict(block_hits)

    def _applies(self, hit: Hit) -> bool:
        """Site-scoped rules act only on documents attributed to their pack."""
        return not hit.rule.scoped or hit.rule.pack in self.packs

    def _applicable(self, hit: Hit | None) -> Hit | None:
        """``hit``, or the next rule matching its block, whose scope includes this document."""
        while hit is not None and not self._applies(hit):
            hit = self.rules.next_block_hit(self.normalised.text, hit, self.deadline)
        return hit

    def _next_hit(self, hit: Hit) -> Hit | None:
        return self._applicable(self.rules.next_block_hit(self.normalised.text, hit, self.deadline))

    def _kept(self) -> list[int]:
        return [index for index, verdict in enumerate(self.verdicts) if verdict is None]

    # -- article and headings --------------------------------------------------

    def _leave_out_all_but(self, article: Article, kept: list[int]) -> None:
        """Every block outside the article run leaves, with its class as the reason."""
        for position, index in enumerate(kept):
            if self.verdicts[index] is None and not article.contains(position):
                rule, category = OUTSIDE_ARTICLE[article.classes[position]]
                self.verdicts[index] = Verdict(rule, category)

    def _keep_copies_inside(self, article: Article, kept: list[int], duplicates: list[Duplicate]) -> None:
        """A repeated block inside the article stays after all when its first copy left as outside it."""
        first_block, last_block = kept[article.start], kept[article.end]
        for duplicate in duplicates:
            first = self.verdicts[duplicate.first] if duplicate.first >= 0 else None
            if first is not None and first.rule.startswith(CLASSIFIER_PREFIX):
                if first_block <= duplicate.index <= last_block:
                    self.verdicts[duplicate.index] = None

    def _find_headings(self, kept: list[int], article: Article | None) -> None:
        if self.hints.title:
            self._match_page_headings(kept)
            return
        texts = [self.texts[index] for index in kept]
        title, subtitle = find_headings(texts, None if article is None else article.start, self.url)
        if title is not None:
            self._mark(kept[title], TITLE_RULE, Category.TITLE, "title")
        if subtitle is not None:
            self._mark(kept[subtitle], SUBTITLE_RULE, Category.SUBTITLE, "subtitle")

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
                kept = [i for i in kept if i != match]
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
