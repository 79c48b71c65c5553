"""Learn, per site, the blocks that repeat across its pages in one batch.

A site is the URL's host without ``www.`` (else the source hint). For each site
the learner counts on how many pages each block occurs, each page once, in
bounded memory: at most ``max_sites`` sites (the least recently seen is
forgotten first) and ``max_blocks`` distinct blocks per site (when full, the
blocks seen on fewest pages are forgotten; blocks longer than a rule phrase may
be, ``DEFAULT_RULE_MAX_CHARS``, are not counted). A block is the site's
boilerplate when the site has ``min_pages`` pages or more and the block occurs
on ``min_share`` of them and on ``min_pages`` at least. Each site's blocks
become a rule pack scoped to it, named after the site (made unique and short
enough for a pack name).
"""

from __future__ import annotations

import hashlib
import math
import shutil
import tempfile
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import regex
import tomlkit

from ..inputs import replace_surrogates
from ..rules.loading import LoadedPack
from ..rules.schema import DEFAULT_RULE_MAX_CHARS, Action, Category, PackInfo, Rule, RulePack, Scope
from ..settings import Settings
from ..text.blocks import segment
from ..text.normalise import normalise
from .formats.source import Source, open_source
from .records import DEFAULT_SPEC, InputRecord, Numbered, RecordError, parse_line
from .spec import RecordSpec

MAX_SITES = 256
MAX_BLOCKS = 1024
MAX_BLOCK_CHARS = DEFAULT_RULE_MAX_CHARS  # a longer block could not be a phrase of the learned rule
MAX_PACK_NAME_CHARS = 60  # as PackInfo.name allows
MIN_PAGES = 3
MIN_SHARE = 0.5
RULE_ID = "repeated-blocks"
SPOOL_BLOCK_BYTES = 1 << 20

_NOT_NAME = regex.compile(r"[^a-z0-9]+")


@dataclass
class _Site:
    pages: int = 0
    blocks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SiteBoilerplate:
    """The blocks found on enough pages of one site, with their page counts."""

    site: str
    pages: int
    needed: int
    blocks: list[tuple[str, int]]
    pack_name: str = ""
    """``site-`` and the site's name in lower-case letters, digits and hyphens (see ``pack_names``)."""

    def __post_init__(self) -> None:
        if not self.pack_name:
            object.__setattr__(self, "pack_name", readable_pack_name(self.site))

    def pack(self, origin: str) -> RulePack:
        info, rule = _pack_data(self, origin)
        return RulePack.model_validate({"pack": info, "rule": [rule]})

    def toml(self, origin: str) -> str:
        """The pack as a reviewable TOML file: each phrase with the share of pages it was on."""
        info, rule = _pack_data(self, origin)
        phrases = tomlkit.array()
        phrases.multiline(True)
        for text, count in self.blocks:
            phrases.add_line(text, comment=f"on {count} of {self.pages} pages")
        document = tomlkit.document()
        document.add(tomlkit.comment(f"Blocks repeated across the pages of {self.site} in {origin}."))
        document.add(tomlkit.comment("Review every phrase before using this pack: delete any that is article text."))
        document.add("pack", info)
        table = tomlkit.table()
        for key, value in sorted(rule.items(), key=lambda item: item[0] == "phrases"):
            table.add(key, phrases if key == "phrases" else value)
        rules = tomlkit.aot()
        rules.append(table)
        document.add("rule", rules)
        return tomlkit.dumps(document)


class SiteLearner:
    """Counts blocks per site over a stream of documents."""

    def __init__(self, max_sites: int = MAX_SITES, max_blocks: int = MAX_BLOCKS) -> None:
        self.max_sites = max_sites
        self.max_blocks = max_blocks
        self._sites: OrderedDict[str, _Site] = OrderedDict()

    def observe(self, text: str, url: str | None = None, source: str | None = None) -> None:
        site = site_of(url, source)
        if site is None:
            return
        counts = self._site(site)
        counts.pages += 1
        for block in page_blocks(text):
            counts.blocks[block] = counts.blocks.get(block, 0) + 1
        if len(counts.blocks) > self.max_blocks:
            _forget_rarest(counts.blocks, self.max_blocks)

    def boilerplate(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[SiteBoilerplate]:
        """Per site with enough pages, the blocks on enough of them, most frequent first."""
        counted = ((site, counts.pages, counts.blocks) for site, counts in self._sites.items())
        return boilerplate_of(counted, min_pages, min_share)

    def packs(self, origin: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[LoadedPack]:
        return learned_packs(self.boilerplate(min_pages, min_share), origin)

    def _site(self, site: str) -> _Site:
        counts = self._sites.pop(site, None) or _Site()
        self._sites[site] = counts
        if len(self._sites) > self.max_sites:
            self._sites.popitem(last=False)
        return counts


def page_blocks(text: str) -> set[str]:
    """The distinct blocks of a page that could be a learned phrase (each page counts a block once)."""
    return {block.text for block in segment(normalise(text)) if len(block.text) <= MAX_BLOCK_CHARS}


def observation(record: InputRecord) -> tuple[str, str] | None:
    """(text, site) of a record that site learning reads (text records with a site), lone surrogates replaced
    as cleaning replaces them, so the learned phrases match; else None."""
    if not record.text:
        return None
    site = site_of(_repaired(record.url), _repaired(record.source))
    return None if site is None else (replace_surrogates(record.text)[0], site)


def needed_pages(pages: int, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> int:
    """On how many of a site's ``pages`` a block must be to be the site's boilerplate."""
    return max(min_pages, math.ceil(min_share * pages))


def boilerplate_of(
    counted: Iterable[tuple[str, int, dict[str, int]]], min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE
) -> list[SiteBoilerplate]:
    """From (site, pages, pages per block): per site with enough pages, the blocks on enough of them,
    most frequent first; sites in name order, each with its unique pack name."""
    found = []
    for site, pages, blocks in sorted(counted, key=lambda item: item[0]):
        if pages < min_pages:
            continue
        needed = needed_pages(pages, min_pages, min_share)
        kept = sorted(((text, count) for text, count in blocks.items() if count >= needed), key=lambda i: (-i[1], i[0]))
        if kept:
            found.append(SiteBoilerplate(site, pages, needed, kept))
    names = pack_names([site.site for site in found])
    return [replace(site, pack_name=names[site.site]) for site in found]


def learned_packs(found: Iterable[SiteBoilerplate], origin: str) -> list[LoadedPack]:
    """Each site's boilerplate as a loaded rule pack, learned from ``origin`` (an input's name)."""
    return [LoadedPack(f"<learned from {origin}: {site.site}>", site.pack(origin)) for site in found]


def site_of(url: str | None, source: str | None) -> str | None:
    """The URL's host without ``www.``, else the source hint, else None."""
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        return host.removeprefix("www.")
    return source.strip() if source and source.strip() else None


def readable_pack_name(site: str) -> str:
    """``site-`` and the site's name, its runs of other characters as one hyphen (may be long or shared)."""
    return ("site-" + str(_NOT_NAME.sub("-", site.casefold())).strip("-")).rstrip("-")


def pack_names(sites: list[str]) -> dict[str, str]:
    """A valid, unique pack name per site: the readable name when it is short enough and no other
    site has it (``a-b.com`` and ``a.b.com`` would), else its start and a hash of the site."""
    readable = {site: readable_pack_name(site) for site in sites}
    shared = {name for name, count in Counter(readable.values()).items() if count > 1}
    names = {}
    for site, name in readable.items():
        if name in shared or len(name) > MAX_PACK_NAME_CHARS:
            digest = hashlib.sha256(site.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            name = f"{name[: MAX_PACK_NAME_CHARS - len(digest) - 1].rstrip('-')}-{digest}"
        names[site] = name
    return names


def _forget_rarest(blocks: dict[str, int], limit: int) -> None:
    for floor in range(1, max(blocks.values()) + 1):
        for text in [text for text, count in blocks.items() if count <= floor]:
            del blocks[text]
        if len(blocks) <= limit:
            return


def _pack_data(boilerplate: SiteBoilerplate, origin: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The [pack] table and the one rule of a learned pack, as TOML-ready data."""
    site = boilerplate.site
    first = boilerplate.blocks[0][0]
    is_host = "." in site and " " not in site
    info = PackInfo(
        name=boilerplate.pack_name,
        version="1",
        description=f"Learned from {boilerplate.pages} pages of {site} in {origin}.",
        publisher="" if is_host else site,
        domains=[site] if is_host else [],
    )
    rule = Rule(
        id=RULE_ID,
        category=Category.REPEATED,
        action=Action.DROP,
        scope=Scope.SITE,
        description=f"Blocks on {boilerplate.needed} or more of the {boilerplate.pages} pages of {site} in {origin}.",
        phrases=[text for text, _ in boilerplate.blocks],
        must_match=[first],
        must_not_match=[f"{first} is here only as the start of a longer sentence about something else."],
    )
    return info.model_dump(exclude_defaults=True), rule.model_dump(mode="json", exclude_defaults=True)


def site_learner(path: str, spec: RecordSpec = DEFAULT_SPEC) -> SiteLearner:
    """A learner that has read every text record of an input (any format a batch reads; ``-``: standard input)."""
    with open_source(path).open(Settings()) as items:
        return read_records(items, spec)


def read_records(items: Iterable[Numbered], spec: RecordSpec = DEFAULT_SPEC) -> SiteLearner:
    """A learner that has read every text record of a stream of items (HTML records are not learned from)."""
    learner = SiteLearner()
    for number, item in items:
        try:
            seen = observation(parse_line(item, number, spec).record)
        except RecordError:
            continue
        if seen is not None:
            text, site = seen
            learner.observe(text, source=site)
    return learner


def _repaired(value: str | None) -> str | None:
    return None if value is None else replace_surrogates(value)[0]


def learn_sites(path: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[LoadedPack]:
    """Rule packs of each site's repeated blocks in a JSONL file."""
    return site_learner(path).packs(Path(path).name, min_pages, min_share)


def learn_from(source: Source, settings: Settings, spec: RecordSpec = DEFAULT_SPEC) -> list[LoadedPack]:
    """The packs of each site's repeated blocks in ``source`` (read once here; see ``readable_twice``)."""
    with source.open(settings) as items:
        return read_records(items, spec).packs(origin_name(source.name))


def origin_name(name: str) -> str:
    """How learned packs name the input they come from: its file name."""
    return "standard input" if name == "-" else Path(name).name


@contextmanager
def readable_twice(source: Source) -> Iterator[tuple[Source, bool]]:
    """``source``, or for input that can be read only once (standard input, a pipe, a FIFO), a spool of it.

    The spool is an anonymous temporary file (deleted when closed, or when the
    process ends) holding the input's bytes as they came: memory stays constant,
    the spool takes as much disk as the input. Yields the source and whether it was spooled.
    """
    if source.stream is None:
        yield source, False
        return
    with tempfile.NamedTemporaryFile(prefix="cleaner-learn-sites-") as spool:
        shutil.copyfileobj(source.stream, spool, SPOOL_BLOCK_BYTES)
        spool.flush()
        again = open_source(spool.name)
        yield replace(again, name=source.name), True
