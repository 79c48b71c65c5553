"""Which publisher a document belongs to, and so which site-scoped rules act on it.

A document is attributed by its ``source`` hint or its URL's host (a pack's
name, publisher or one of its domains), and by any signature rule that matches
one of its blocks. Site-scoped rules act only on documents attributed to
their pack.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..rules.engine import Hit
from ..rules.loading import LoadedPack


@dataclass(slots=True)
class Attribution:
    """The publisher a document was attributed to by its hints, and the packs that act on it."""

    publisher: str = ""
    packs: set[str] = field(default_factory=set)

    def sign(self, hits: Iterable[Hit]) -> None:
        """Signature rules that matched name their pack's publisher: their packs act on the document."""
        self.packs |= {hit.rule.pack for hit in hits if hit.rule.publisher}

    def admits(self, hit: Hit) -> bool:
        """Site-scoped rules act only on documents attributed to their pack."""
        return not hit.rule.scoped or hit.rule.pack in self.packs


class Publishers:
    """Pack names, publishers and domains (case-folded) → (publisher, pack name), built once per cleaner."""

    def __init__(self, packs: Sequence[LoadedPack]) -> None:
        self._index: dict[str, tuple[str, str]] = {}
        for loaded in packs:
            info = loaded.info
            if info.publisher or info.domains:
                for key in (info.name, info.publisher, *info.domains):
                    if key:
                        self._index.setdefault(key.casefold(), (info.publisher, info.name))

    def attribute(self, url: str | None, source: str | None) -> Attribution:
        """The publisher named by the source hint or the URL's host, and the packs they select."""
        publisher, packs = "", set()
        if source and source.strip():
            found, pack = self._index.get(source.strip().casefold(), ("", ""))
            publisher = found or source.strip()
            packs.add(pack)
        host = (urlsplit(url).hostname or "") if url else ""
        while host:
            if host in self._index:
                found, pack = self._index[host]
                publisher = publisher or found
                packs.add(pack)
                break
            host = host.partition(".")[2]
        return Attribution(publisher, packs - {""})
