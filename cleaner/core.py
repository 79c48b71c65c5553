"""The public API: ``Cleaner`` compiles the rules once; ``clean`` uses the built-in packs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import regex

from .errors import InvalidInputError
from .htmltext import PageHints, extract
from .pipeline import DocumentRun
from .result import CleanResult
from .rules.engine import RuleSet
from .rules.loading import LoadedPack, load_packs
from .settings import Settings

_LONE_SURROGATE = regex.compile(r"[\ud800-\udfff]")


class Cleaner:
    """Rules compiled once; ``clean`` is thread-safe and may be called concurrently.

    ``rule_paths``: extra pack files or folders (one path, or several). Keyword
    options are the fields of ``Settings``: ``timeout`` (CPU seconds of rule
    matching per document), ``max_chars``, ``max_lines`` and ``find_article``.
    """

    def __init__(
        self,
        rule_paths: str | Path | Sequence[str | Path] = (),
        *,
        builtin_rules: bool = True,
        **settings: float | int | bool,
    ) -> None:
        paths = [rule_paths] if isinstance(rule_paths, str | Path) else rule_paths
        self._configure(RuleSet(load_packs(paths, builtin=builtin_rules)), Settings(**settings))

    @classmethod
    def from_packs(cls, packs: Sequence[LoadedPack], **settings: float | int | bool) -> Cleaner:
        """A cleaner over packs already loaded, and only those."""
        cleaner = cls.__new__(cls)
        cleaner._configure(RuleSet(packs), Settings(**settings))
        return cleaner

    def _configure(self, rules: RuleSet, settings: Settings) -> None:
        self.rules = rules
        self.settings = settings
        self._attributions = self._attribution_index()

    @property
    def timeout(self) -> float:
        return self.settings.timeout

    def clean(
        self,
        text: str | None = None,
        *,
        html: str | None = None,
        url: str | None = None,
        source: str | None = None,
        id: str | None = None,
        timeout: float | None = None,
    ) -> CleanResult:
        """Clean plain text, or HTML through trafilatura; offsets refer to that text.

        ``timeout`` overrides the cleaner's time budget for rule matching.
        """
        hints = PageHints()
        extracted = False
        if html is not None and text is not None:
            raise InvalidInputError("give either text or html, not both")
        if url is not None:
            self._check_url(url)
        if html is not None:
            self._check_input("html", html)
            text, hints, extracted = extract(html, url)
            if not text.strip():
                raise InvalidInputError("html holds no text")
        elif text is None:
            raise InvalidInputError("no text and no html given")
        self._check_input("text", text)
        if not text.strip():
            raise InvalidInputError("text is empty")
        lines = text.count("\n") + 1
        if lines > self.settings.max_lines:
            raise InvalidInputError(f"text has {lines:,} lines; the limit is {self.settings.max_lines:,}")
        publisher, packs = self._attribution(url, source)
        run = DocumentRun(
            self.rules,
            text,
            hints,
            url=url,
            publisher=publisher,
            packs=packs,
            timeout=self.settings.timeout if timeout is None else timeout,
            find_article=self.settings.find_article and not extracted,
        )
        return run.result(id)

    def _check_input(self, name: str, value: object) -> None:
        if not isinstance(value, str):
            raise InvalidInputError(f"{name} must be a string, not {type(value).__name__}")
        if len(value) > self.settings.max_chars:
            raise InvalidInputError(f"{name} is {len(value):,} characters; the limit is {self.settings.max_chars:,}")
        surrogate = _LONE_SURROGATE.search(value)
        if surrogate is not None:
            raise InvalidInputError(f"{name} is not valid Unicode: lone surrogate at offset {surrogate.start()}")

    def _check_url(self, url: str) -> None:
        self._check_input("url", url)
        try:
            urlsplit(url)
        except ValueError as error:
            raise InvalidInputError(f"url is not a valid URL: {error}") from None

    def _attribution_index(self) -> dict[str, tuple[str, str]]:
        """Pack name, publisher and domains (case-folded) → (publisher, pack name)."""
        index: dict[str, tuple[str, str]] = {}
        for loaded in self.rules.packs:
            info = loaded.pack.pack
            if info.publisher or info.domains:
                for key in (info.name, info.publisher, *info.domains):
                    if key:
                        index.setdefault(key.casefold(), (info.publisher, info.name))
        return index

    def _attribution(self, url: str | None, source: str | None) -> tuple[str, set[str]]:
        """Publisher named by the source hint or the URL's host, and the packs they select."""
        publisher, packs = "", set()
        if source and source.strip():
            found, pack = self._attributions.get(source.strip().casefold(), ("", ""))
            publisher = found or source.strip()
            packs.add(pack)
        host = (urlsplit(url).hostname or "") if url else ""
        while host:
            if host in self._attributions:
                found, pack = self._attributions[host]
                publisher = publisher or found
                packs.add(pack)
                break
            host = host.partition(".")[2]
        return publisher, packs - {""}


@cache
def default_cleaner() -> Cleaner:
    """The cleaner with the built-in packs, built on first use."""
    return Cleaner()


def clean(
    text: str | None = None,
    *,
    html: str | None = None,
    url: str | None = None,
    source: str | None = None,
    id: str | None = None,
    timeout: float | None = None,
) -> CleanResult:
    """Clean one document with the built-in rules; see ``Cleaner.clean``."""
    return default_cleaner().clean(text, html=html, url=url, source=source, id=id, timeout=timeout)
