"""Clean one document: normalise → blocks → rules → fragments → duplicates → article → headings → result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InvalidInputError
from ..html.extract import PageHints
from ..result import CleanResult, RemovalSpan, ResultValues, stats_values
from ..rules.deadline import NO_INTERRUPT, Deadline, Interrupt
from ..rules.engine import Hit, RuleSet
from ..rules.schema import Category
from ..text.blocks import Block, segment
from ..text.normalise import normalise
from ..text.tokens import tokenize
from .article import BlockClass, find_article
from .attribution import Attribution
from .dedupe import JUDGED_MIN_WORDS, MIN_WORDS, Duplicate, block_key, find_duplicates
from .exclusions import Exclusion, exclusion_verdicts
from .finder.model import ArticleModel, Decision
from .finder.page import PageBlocks
from .fragments import cut, group_by_block, has_content, merged_verdict
from .headings import find_headings, pair
from .language import page_language, stopwords
from .meta.extract import meta_page, rank_metadata, without_agencies
from .meta.ranker import Found, MetadataModel
from .metadata import MetadataBuilder
from .verdicts import Stage, Verdict, decide_blocks

TITLE_RULE = "heading.title"
SUBTITLE_RULE = "heading.subtitle"
HEADING_SEARCH_BLOCKS = 3
OUTSIDE_ARTICLE: dict[str, Category] = {  # the category of a block the model leaves out, by its heuristic class
    BlockClass.PROSE: Category.RELATED,
    BlockClass.SENTENCE: Category.RELATED,
    BlockClass.ITEM: Category.RELATED,
    BlockClass.HEADLINE: Category.RELATED,
    BlockClass.SHORT: Category.NAVIGATION,
    BlockClass.NOISE: Category.OTHER,
}


@dataclass(slots=True)
class BlockState:
    """One block as the run sees it: its text with fragments cut out, its tokens, and why it left (if it did)."""

    block: Block
    text: str
    tokens: list[str]
    verdict: Verdict | None = None
    cuts: list[Hit] = field(default_factory=list)

    @property
    def index(self) -> int:
        return self.block.index


def _start(removal: RemovalSpan) -> int:
    return removal[2]


class DocumentRun:
    """The state of cleaning one document; ``result`` runs the pipeline once.

    Preparing the document (normalise, segment, tokenise) is bounded by the
    input limits: ``max_lines`` is checked again on the normalised text, whose
    line breaks include those normalisation makes (``\\r``, U+2028, glued
    blocks). The rule stage runs under ``timeout`` seconds of the thread's CPU
    time (``rules.deadline``); ``interrupt`` is checked between stages and every
    few milliseconds of rule matching, and stops the document
    (``CleaningStopped``) when the caller says so or its deadline passes.
    ``exclusions`` (HTML mode's block model) leave out the blocks inside them
    that no rule removed, before duplicates are looked for; ``judged`` says that
    model judged every block in its page, so only long blocks can be copies
    (``dedupe.JUDGED_MIN_WORDS``); ``split_glued`` is normalisation's glued-block
    pass, off where each line is a DOM block.
    """

    def __init__(
        self,
        rules: RuleSet,
        text: str,
        hints: PageHints,
        *,
        url: str | None,
        attribution: Attribution,
        timeout: float,
        finder: ArticleModel | None,
        max_lines: int,
        interrupt: Interrupt = NO_INTERRUPT,
        metadata_model: MetadataModel | None = None,
        exclusions: Sequence[Exclusion] = (),
        judged: bool = False,
        split_glued: bool = True,
    ) -> None:
        self.rules = rules
        self.exclusions = exclusions
        self.copy_min_words = JUDGED_MIN_WORDS if judged else MIN_WORDS
        self.text = text
        self.hints = hints
        self.url = url
        self.finder = finder
        self.metadata_model = metadata_model
        self.ranked = Found()
        self.attribution = attribution
        self.timeout = timeout
        self.interrupt = interrupt
        self.deadline = Deadline(timeout, interrupt)  # started again when the rule stage begins
        self.normalised = normalise(text, split_glued=split_glued)
        lines = self.normalised.text.count("\n") + 1
        if lines > max_lines:
            raise InvalidInputError(
                f"text has {lines:,} lines once its line breaks are normalised; the limit is {max_lines:,}"
            )
        self._check_stop()
        self.states = [BlockState(block, block.text, tokenize(block.text)) for block in segment(self.normalised)]
        self.duplicates: list[Duplicate] = []
        self.metadata = MetadataBuilder()
        self.metadata.add("publisher", attribution.publisher)

    def _check_stop(self) -> None:
        self.interrupt.check()

    def result(self, id: str | None) -> CleanResult:
        """The result as the API gives it: ``values`` as the pydantic model."""
        return self.values(id).model()

    def values(self, id: str | None) -> ResultValues:
        """Run the pipeline once: the result as plain values."""
        self._check_stop()
        decision: tuple[PageBlocks, Decision] | None = None
        if self.finder is None:
            self._apply_rules()
            self._check_stop()
            self._apply_exclusions()
            self._mark_duplicates()
            language = self._language(self._kept())
        else:
            page = self.page_blocks()
            language = page.language
            self._check_stop()
            decision = page, self.finder.decide(page)
        model = self.metadata_model
        if decision is not None and self.finder is not None and model is not None and not self.hints.title:
            self._rank_headings(*decision, self.finder, model)
        else:
            self._find_headings(self._kept(), None if decision is None else decision[1])
        if decision is not None and self.finder is not None:
            self._apply_decision(*decision, self.finder)
        self._check_stop()
        kept = self._kept()
        body = "\n\n".join(state.text for state in kept)
        removed = sorted(self._block_removals() + self._fragment_removals(kept), key=_start)
        self._collect_metadata(kept)
        return ResultValues(
            id=id,
            body=body,
            metadata=self.metadata.build(sum(len(state.tokens) for state in kept), language),
            removed=removed,
            stats=stats_values(
                chars_in=len(self.text),
                chars_out=len(body),
                blocks_in=len(self.states),
                blocks_kept=len(kept),
                blocks_removed=len(self.states) - len(kept),
                duplicates=len(self.duplicates),
            ),
            input_text=self.text,
        )

    def page_blocks(self) -> PageBlocks:
        """The page as the article finder sees it: rules applied, duplicates found, the prose-run heuristic's view."""
        self._apply_rules()
        self._mark_duplicates()
        kept = self._kept()
        language = self._language(kept)
        stop = stopwords(language)
        heuristic = find_article([state.text for state in kept], [state.tokens for state in kept], stop)
        classes, in_run = [""] * len(self.states), [False] * len(self.states)
        for position, state in enumerate(kept):
            classes[state.index] = heuristic.classes[position] if heuristic else ""
            in_run[state.index] = heuristic.contains(position) if heuristic else True
        duplicate_of = [-1] * len(self.states)
        for duplicate in self.duplicates:
            duplicate_of[duplicate.index] = duplicate.first
        return PageBlocks(
            texts=[state.text for state in self.states],
            tokens=[state.tokens for state in self.states],
            rule=[str(state.verdict.category) if state.verdict else "" for state in self.states],
            duplicate_of=duplicate_of,
            candidate=[state.verdict is None or state.verdict.stage is Stage.DUPLICATE for state in self.states],
            classes=classes,
            in_run=in_run,
            language=language,
            stopwords=stop,
            url=self.url or "",
        )

    def _apply_exclusions(self) -> None:
        blocks = [state.block for state in self.states if state.verdict is None]
        for index, verdict in exclusion_verdicts(blocks, self.exclusions).items():
            self.states[index].verdict = verdict

    def _mark_duplicates(self) -> None:
        self.duplicates = find_duplicates(
            [state.tokens for state in self.states],
            [state.text for state in self.states],
            [state.verdict is not None for state in self.states],
            self.copy_min_words,
        )
        for duplicate in self.duplicates:
            self.states[duplicate.index].verdict = Verdict(
                duplicate.rule, Category.DUPLICATE, Stage.DUPLICATE, duplicate.index
            )

    def _language(self, kept: list[BlockState]) -> str:
        return page_language([state.text for state in kept], [state.tokens for state in kept])

    # -- rules ---------------------------------------------------------------

    def _apply_rules(self) -> None:
        """The rule stage: its time budget starts here, once the document is prepared."""
        self.deadline = Deadline(self.timeout, self.interrupt)
        text = self.normalised.text
        blocks = [state.block for state in self.states]
        found = self.rules.scan_blocks(text, blocks, self.deadline)
        self.attribution.sign(found.values())
        index_at = {block.start: block.index for block in blocks}
        hits: dict[int, Hit] = {}
        for start, first in found.items():
            hit = self._applicable(first)
            if hit is not None:
                hits[index_at[start]] = hit
        tokens = [state.tokens for state in self.states]
        verdicts, bounds = decide_blocks(blocks, tokens, hits, self._next_hit, self.deadline)
        for state, verdict in zip(self.states, verdicts, strict=True):
            state.verdict = verdict
        fragments = self.rules.scan_inline(text, bounds.spans(blocks, len(text)), self.deadline)
        for index, block_hits in group_by_block(blocks, verdicts, fragments, bounds, self.attribution.admits).items():
            state = self.states[index]
            state.cuts = block_hits
            state.text = cut(state.block, block_hits)
            state.tokens = tokenize(state.text)
            if not has_content(state.text):
                state.verdict = merged_verdict(block_hits, index)

    def _applicable(self, hit: Hit | None) -> Hit | None:
        """``hit``, or the next rule matching its block, whose scope includes this document."""
        while hit is not None and not self.attribution.admits(hit):
            hit = self.rules.next_block_hit(self.normalised.text, hit, self.deadline)
        return hit

    def _next_hit(self, hit: Hit) -> Hit | None:
        return self._applicable(self.rules.next_block_hit(self.normalised.text, hit, self.deadline))

    def _kept(self) -> list[BlockState]:
        return [state for state in self.states if state.verdict is None]

    # -- article and headings --------------------------------------------------

    def _apply_decision(self, page: PageBlocks, decision: Decision, finder: ArticleModel) -> None:
        """Blocks the model leaves out go, one removal per run, named after the model and its reason.

        A duplicate stays only where the model keeps it and its first copy is gone
        (left out by a rule or by the model): the copy inside the article survives
        a first copy in a menu or a list of related headlines.
        """
        previous: Verdict | None = None
        for state in self.states:
            index = state.index
            kept = decision.keep[index]
            verdict = state.verdict
            if verdict is not None and verdict.stage is Stage.DUPLICATE:
                first = page.duplicate_of[index]
                if kept and first >= 0 and not decision.keep[first]:
                    state.verdict = None
            elif verdict is None and page.candidate[index] and not kept:
                category = OUTSIDE_ARTICLE.get(page.classes[index], Category.OTHER)
                if previous is None or previous.category != category:  # a new run of removed blocks
                    reason = finder.reason(decision, index).replace("_", "-")
                    previous = Verdict(f"{finder.name}.{reason}", category, Stage.ARTICLE, index)
                state.verdict = previous
                continue
            previous = None

    def _find_headings(self, kept: list[BlockState], decision: Decision | None) -> None:
        """The title and subtitle among the blocks before the article (its first block the model keeps)."""
        if self.hints.title:
            self._match_page_headings(kept)
            return
        start = None
        if decision is not None:
            start = next((position for position, state in enumerate(kept) if decision.keep[state.index]), None)
        title, subtitle = find_headings([state.text for state in kept], start, self.url)
        if title is not None:
            self._mark(kept[title], TITLE_RULE, Category.TITLE, "title")
        if subtitle is not None:
            self._mark(kept[subtitle], SUBTITLE_RULE, Category.SUBTITLE, "subtitle")

    def _rank_headings(self, page: PageBlocks, decision: Decision, finder: ArticleModel, model: MetadataModel) -> None:
        """Plain text: the metadata rankers choose title, authors and date.

        A title before the article's first block is paired with a standfirst as ``headings.pair`` does (a
        headline opening the page right before the chosen line becomes the title); both leave as headings,
        blocks the finder leaves out anyway, so the body never depends on the choice."""
        raw = [state.block.text for state in self.states]
        self.ranked = found = rank_metadata(meta_page(page, raw, decision, finder), model)
        start = next((i for i, keep in enumerate(decision.keep) if keep), len(self.states))
        before = [state for state in self.states[:start] if state.verdict is None]
        position = next((n for n, state in enumerate(before) if state.index == found.title_index), None)
        if position is None:
            self.metadata.add("title", found.title)
            return
        # a headline before the chosen line makes that one a standfirst only where the page opens with the two
        title, subtitle = pair([state.text for state in before], position, len(before), look_back=position == 1)
        if title == position:
            self.metadata.add("title", found.title)
        self._mark(before[title], TITLE_RULE, Category.TITLE, "title")
        if subtitle is not None:
            self._mark(before[subtitle], SUBTITLE_RULE, Category.SUBTITLE, "subtitle")

    def _match_page_headings(self, kept: list[BlockState]) -> None:
        """HTML input: take out the block that repeats the page's title; the one that repeats its description
        is the subtitle and stays in the body (a standfirst is part of the article)."""
        title = self._page_heading(kept, self.hints.title)
        if title is None:
            self.metadata.add("title", self.hints.title)
        else:
            self._mark(title, TITLE_RULE, Category.TITLE, "title")
        subtitle = self._page_heading([state for state in kept if state is not title], self.hints.description)
        if subtitle is not None:
            self.metadata.add("subtitle", subtitle.text)

    def _page_heading(self, kept: list[BlockState], value: str) -> BlockState | None:
        """The first block near the top that has ``value``'s words."""
        if not value:
            return None
        key = block_key(value)
        return next((state for state in kept[:HEADING_SEARCH_BLOCKS] if block_key(state.text) == key), None)

    def _mark(self, state: BlockState, rule: str, category: str, name: str) -> None:
        state.verdict = Verdict(rule, category, Stage.HEADING, state.index, {name: state.text})

    # -- removals and metadata -------------------------------------------------

    def _block_removals(self) -> list[RemovalSpan]:
        """One removal per run of blocks that left for the same decision."""
        removals: list[RemovalSpan] = []
        previous: Verdict | None = None
        for state in self.states:
            verdict = state.verdict
            if verdict is not None and verdict == previous:
                rule, category, start, _ = removals[-1]
                removals[-1] = (rule, category, start, state.block.source_end)
            elif verdict is not None:
                block = state.block
                removals.append((verdict.rule, str(verdict.category), block.source_start, block.source_end))
            previous = verdict
        return removals

    def _fragment_removals(self, kept: list[BlockState]) -> list[RemovalSpan]:
        offsets = self.normalised.offsets
        return [
            (hit.rule.id, str(hit.rule.category), offsets.start(hit.start), offsets.end(hit.end))
            for state in kept
            for hit in state.cuts
        ]

    def _collect_metadata(self, kept: list[BlockState]) -> None:
        """The rankers' authors (a news agency a rule names aside) and date first; rule captures fill only what
        they left empty; then hints."""
        captured = self.captures(kept)
        authors = without_agencies(self.ranked.authors, [value for name, value in captured if name == "agency"])
        for author in authors:
            self.metadata.add("authors", author)
        self.metadata.add("published", self.ranked.published)
        for name, value in captured:
            if not (name == "authors" and authors):
                self.metadata.add(name, value)
        if not self.metadata.has("authors"):
            for author in self.hints.authors:
                self.metadata.add("authors", author)
        self.metadata.add("published", self.hints.published)
        self.metadata.add("publisher", self.hints.publisher)

    def captures(self, kept: list[BlockState]) -> list[tuple[str, str]]:
        """The fields rules captured, in block order: verdicts' publishers and fields, then strip rules' fields."""
        found: list[tuple[str, str]] = []
        for state in self.states:
            if state.verdict is not None:
                found.append(("publisher", state.verdict.publisher))
                found.extend(state.verdict.fields.items())
        for state in kept:
            for hit in state.cuts:
                found.extend(hit.fields.items())
        return found
