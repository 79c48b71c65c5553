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
import os
import stat
import sys
import tempfile
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import regex
import tomlkit

from ..inputs import replace_surrogates
from ..rules.loading import LoadedPack
from ..rules.schema import DEFAULT_RULE_MAX_CHARS, Action, Category, PackInfo, Rule, RulePack, Scope
from ..settings import Settings
from ..text.blocks import segment
from ..text.normalise import normalise
from .reading import max_line_bytes, numbered_lines
from .records import RecordError, parse_line

MAX_SITES = 256
MAX_BLOCKS = 1024
MAX_BLOCK_CHARS = DEFAULT_RULE_MAX_CHARS  # a longer block could not be a phrase of the learned rule
MAX_PACK_NAME_CHARS = 60  # as PackInfo.name allows
MIN_PAGES = 3
MIN_SHARE = 0.5
RULE_ID = "repeated-blocks"

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
        for block in {block.text for block in segment(normalise(text)) if len(block.text) <= MAX_BLOCK_CHARS}:
            counts.blocks[block] = counts.blocks.get(block, 0) + 1
        if len(counts.blocks) > self.max_blocks:
            _forget_rarest(counts.blocks, self.max_blocks)

    def boilerplate(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[SiteBoilerplate]:
        """Per site with enough pages, the blocks on enough of them, most frequent first."""
        found = []
        for site, counts in sorted(self._sites.items()):
            if counts.pages < min_pages:
                continue
            needed = max(min_pages, math.ceil(min_share * counts.pages))
            blocks = sorted(
                ((text, count) for text, count in counts.blocks.items() if count >= needed),
                key=lambda item: (-item[1], item[0]),
            )
            if blocks:
                found.append(SiteBoilerplate(site, counts.pages, needed, blocks))
        names = pack_names([site.site for site in found])
        return [replace(site, pack_name=names[site.site]) for site in found]

    def packs(self, origin: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[LoadedPack]:
        return [
            LoadedPack(f"<learned from {origin}: {site.site}>", site.pack(origin))
            for site in self.boilerplate(min_pages, min_share)
        ]

    def _site(self, site: str) -> _Site:
        counts = self._sites.pop(site, None) or _Site()
        self._sites[site] = counts
        if len(self._sites) > self.max_sites:
            self._sites.popitem(last=False)
        return counts


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


def site_learner(path: str) -> SiteLearner:
    """A learner that has read every text record of a JSONL file, or of standard input for ``-``."""
    if path == "-":
        return read_records(sys.stdin.buffer)
    with open(path, "rb") as stream:
        return read_records(stream)


def read_records(stream: IO[bytes], max_bytes: int = max_line_bytes(Settings())) -> SiteLearner:
    """A learner that has read every text record of a JSONL stream (HTML records are not learned from)."""
    learner = SiteLearner()
    for _, line in numbered_lines(stream, max_bytes):
        try:
            record = parse_line(line)
        except RecordError:
            continue
        if record.text:  # lone surrogates replaced as cleaning replaces them, so the learned phrases match
            learner.observe(replace_surrogates(record.text)[0], _repaired(record.url), _repaired(record.source))
    return learner


def _repaired(value: str | None) -> str | None:
    return None if value is None else replace_surrogates(value)[0]


def learn_sites(path: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[LoadedPack]:
    """Rule packs of each site's repeated blocks in a JSONL file."""
    return site_learner(path).packs(Path(path).name, min_pages, min_share)


@dataclass(frozen=True, slots=True)
class FirstPass:
    """What learning from a stream gives the pass that cleans it: the packs, and where to read it again."""

    packs: list[LoadedPack]
    again: IO[bytes]
    """The input from where learning started: the same file rewound, or a spool of what was read."""
    spooled: bool


def learn_for_second_pass(stream: IO[bytes], origin: str, max_bytes: int) -> FirstPass:
    """Learn from ``stream`` and make it readable a second time.

    A regular file is rewound. Anything else (standard input, a pipe, a FIFO,
    a device) can be read once only: what is read is copied to an anonymous
    temporary file (deleted when closed, or when the process ends), which the
    second pass reads. Memory stays constant; the spool takes as much disk as the input.
    """
    if _is_regular(stream):
        start = stream.tell()
        packs = read_records(stream, max_bytes).packs(origin)
        stream.seek(start)
        return FirstPass(packs, stream, spooled=False)
    spool = tempfile.TemporaryFile(prefix="cleaner-learn-sites-")
    try:
        packs = read_records(cast(IO[bytes], _Tee(stream, spool)), max_bytes).packs(origin)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FirstPass(packs, spool, spooled=True)


class _Tee:
    """Lines read from a stream, each also written to a spool (``readline`` is all ``numbered_lines`` uses)."""

    def __init__(self, stream: IO[bytes], spool: IO[bytes]) -> None:
        self._stream = stream
        self._spool = spool

    def readline(self, size: int | None = -1) -> bytes:
        line = self._stream.readline(-1 if size is None else size)
        self._spool.write(line)
        return line


def _is_regular(stream: IO[bytes]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode) and stream.seekable()
    except (OSError, ValueError):
        return False
