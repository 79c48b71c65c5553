"""The public API: ``Cleaner`` compiles the rules once; ``clean`` uses the built-in packs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .document.attribution import Publishers
from .document.exclusions import Exclusion
from .document.finder.model import ArticleModel, builtin_model
from .document.meta.ranker import MetadataModel, builtin_metadata_model
from .document.run import DocumentRun
from .errors import InvalidInputError
from .html.charset import decode_html
from .html.dom.model import BlockModel, builtin_html_model
from .html.extract import PageHints
from .html.mode import html_text
from .inputs import check_document, check_size
from .result import CleanResult, ResultValues
from .rules.deadline import NO_INTERRUPT, Interrupt, Stop
from .rules.engine import RuleSet
from .rules.loading import LoadedPack, load_packs
from .settings import Settings


class Cleaner:
    """Rules compiled once; ``clean`` is thread-safe and may be called concurrently.

    ``rule_paths``: extra pack files or folders (one path, or several), loaded
    after the built-in packs (unless ``builtin_rules`` is false); ``packs``:
    packs already loaded, after those; ``article_model``: the model that finds
    the article in plain text (default: the one shipped, ``cleaner train`` makes
    others); ``metadata_model``: the rankers of title, authors and date in plain
    text (default: the one shipped, ``cleaner train --metadata`` makes others);
    ``html_model``: HTML mode's DOM block model (default: the one shipped,
    ``cleaner train --html`` makes others). Keyword options are the fields of
    ``Settings``: ``timeout`` (the time budget of the rule stage: CPU seconds of the
    cleaning thread per document), ``max_chars``, ``max_lines`` and ``find_article``.
    """

    def __init__(
        self,
        rule_paths: str | Path | Sequence[str | Path] = (),
        *,
        builtin_rules: bool = True,
        packs: Sequence[LoadedPack] = (),
        article_model: ArticleModel | None = None,
        metadata_model: MetadataModel | None = None,
        html_model: BlockModel | None = None,
        **settings: float | int | bool,
    ) -> None:
        paths = [rule_paths] if isinstance(rule_paths, str | Path) else rule_paths
        self.settings = Settings(**settings)  # validated before any pack is read
        self.rules = RuleSet(load_packs(paths, builtin=builtin_rules) + list(packs))
        self._publishers = Publishers(self.rules.packs)
        self._article_model = article_model
        self._metadata_model = metadata_model
        self._html_model = html_model

    @property
    def article_model(self) -> ArticleModel:
        """The model given, or the shipped one (loaded on first use)."""
        return self._article_model or builtin_model()

    @property
    def metadata_model(self) -> MetadataModel:
        """The model given, or the shipped one (loaded on first use)."""
        return self._metadata_model or builtin_metadata_model()

    @property
    def html_model(self) -> BlockModel:
        """The DOM block model given, or the shipped one (loaded on first use)."""
        return self._html_model or builtin_html_model()

    @property
    def timeout(self) -> float:
        return self.settings.timeout

    def clean(
        self,
        text: str | None = None,
        *,
        html: str | bytes | None = None,
        url: str | None = None,
        source: str | None = None,
        id: str | None = None,
        timeout: float | None = None,
        stop: Stop | None = None,
        deadline: float | None = None,
        charset: str | None = None,
    ) -> CleanResult:
        """Clean plain text, or HTML (``html.mode``); offsets refer to that text (``result.input_text``).

        ``html`` as bytes is decoded by its byte-order mark, ``charset`` (what an
        HTTP header declared), its ``<meta>`` declaration, or detection (see
        ``html.charset``). ``timeout`` overrides the cleaner's time budget for the
        rule stage. ``stop``, a function of no arguments, is asked between stages
        and every few milliseconds of rule matching; when it returns true the
        document stops with ``CleaningStopped`` (code CANCELLED). ``deadline``, a
        ``time.monotonic()`` instant, stops it the same way once it passes (code
        DEADLINE_EXCEEDED); a match is given slices of time, so it cannot run on long past it. (A server passes
        "the call was cancelled" and the call's deadline.)
        """
        values = self.clean_values(
            text,
            html=html,
            url=url,
            source=source,
            id=id,
            timeout=timeout,
            stop=stop,
            deadline=deadline,
            charset=charset,
        )
        return values.model()

    def clean_values(
        self,
        text: str | None = None,
        *,
        html: str | bytes | None = None,
        url: str | None = None,
        source: str | None = None,
        id: str | None = None,
        timeout: float | None = None,
        stop: Stop | None = None,
        deadline: float | None = None,
        charset: str | None = None,
    ) -> ResultValues:
        """``clean``'s result as plain values: ``to_dict()`` is the same record, built without pydantic."""
        if isinstance(html, bytes):
            html = decode_html(html, charset)
        document = check_document(self.settings, text, html=html, url=url, source=source, id=id)
        text, html, url, source = document.text, document.html, document.url, document.source
        interrupt = Interrupt(stop, deadline)
        hints = PageHints()
        exclusions: list[Exclusion] = []
        find_article, judged, split_glued = True, False, True
        if html is not None:
            page = html_text(html, url, self.html_model)
            text, hints, exclusions, find_article = page.text, page.hints, page.exclusions, page.find_article
            judged, split_glued = page.judged, not page.dom_lines
            interrupt.check()
            if not text.strip():
                raise InvalidInputError("html holds no text")
        assert text is not None
        check_size("text", text, self.settings)
        if not text.strip():
            raise InvalidInputError("text is empty")
        lines = text.count("\n") + 1
        if lines > self.settings.max_lines:
            raise InvalidInputError(f"text has {lines:,} lines; the limit is {self.settings.max_lines:,}")
        run = self.document_run(
            text,
            hints,
            url=url,
            source=source,
            timeout=timeout,
            find_article=find_article,
            interrupt=interrupt,
            exclusions=exclusions,
            judged=judged,
            split_glued=split_glued,
        )
        result = run.values(id)
        result.stats["surrogates_replaced"] = document.surrogates_replaced
        return result

    def document_run(
        self,
        text: str,
        hints: PageHints | None = None,
        *,
        url: str | None = None,
        source: str | None = None,
        timeout: float | None = None,
        find_article: bool = True,
        interrupt: Interrupt = NO_INTERRUPT,
        exclusions: Sequence[Exclusion] = (),
        judged: bool = False,
        split_glued: bool = True,
    ) -> DocumentRun:
        """The run of one document whose input is already checked (``clean`` checks it first); ``judged``: HTML
        mode's block model decided its blocks (``exclusions``); ``split_glued``: lines may be blocks glued
        together (not where each line is a DOM block)."""
        learned = find_article and self.settings.find_article
        return DocumentRun(
            self.rules,
            text,
            hints or PageHints(),
            url=url,
            attribution=self._publishers.attribute(url, source),
            timeout=self.settings.timeout if timeout is None else timeout,
            finder=self.article_model if learned else None,
            max_lines=self.settings.max_lines,
            interrupt=interrupt,
            metadata_model=self.metadata_model if learned else None,
            exclusions=exclusions,
            judged=judged,
            split_glued=split_glued,
        )


@dataclass(frozen=True, slots=True)
class CleanerOptions:
    """How to build a ``Cleaner``: picklable, so each worker process builds its own."""

    rule_paths: tuple[str, ...] = ()
    builtin_rules: bool = True
    packs: tuple[LoadedPack, ...] = ()
    settings: Settings = Settings()

    def build(self) -> Cleaner:
        return Cleaner(
            self.rule_paths, builtin_rules=self.builtin_rules, packs=self.packs, **self.settings.model_dump()
        )


@cache
def default_cleaner() -> Cleaner:
    """The cleaner with the built-in packs, built on first use."""
    return Cleaner()


def clean(
    text: str | None = None,
    *,
    html: str | bytes | None = None,
    url: str | None = None,
    source: str | None = None,
    id: str | None = None,
    timeout: float | None = None,
    stop: Stop | None = None,
    deadline: float | None = None,
    charset: str | None = None,
) -> CleanResult:
    """Clean one document with the built-in rules; see ``Cleaner.clean``."""
    return default_cleaner().clean(
        text, html=html, url=url, source=source, id=id, timeout=timeout, stop=stop, deadline=deadline, charset=charset
    )
