"""Relate records one at a time, in input order, keeping at most ``max_records`` of them.

Each level keeps, per band key, the positions of the first ``BUCKET_SIZE`` kept
records that have it. A record's match at a level is the earliest of those sharing
``votes`` band keys with it whose estimated Jaccard reaches the level's threshold;
it joins that record's cluster, whose canonical (first record) must still be kept.
No match: its own cluster.
Past ``max_records`` the oldest record is forgotten, so a copy of a record that
many records back starts a cluster of its own.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from .options import BUCKET_SIZE, Level, SyndicationOptions
from .signature import Signature, band_keys, similarity


@dataclass(frozen=True, slots=True)
class Membership:
    """A record's cluster at one level: its canonical's position (the cluster's number), id, estimated Jaccard to it."""

    cluster: int
    canonical: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "canonical": self.canonical, "similarity": round(self.similarity, 4)}


class _LevelIndex:
    """The band keys of kept records at one level, and each kept record's cluster."""

    def __init__(self, level: Level) -> None:
        self.level = level
        self.buckets: dict[int, list[int]] = {}
        self.clusters: dict[int, int] = {}

    def match(self, keys: list[int], values: Signature, signatures: dict[int, Signature]) -> int | None:
        """The cluster of the earliest kept record that matches, if any."""
        shared = Counter(position for key in keys for position in self.buckets.get(key, ()))
        candidates = sorted(position for position, votes in shared.items() if votes >= self.level.votes)
        for position in candidates:
            cluster = self.clusters[position]
            if cluster in signatures and similarity(values, signatures[position]) >= self.level.threshold:
                return cluster
        return None

    def add(self, position: int, keys: list[int], cluster: int) -> list[int]:
        """Index the record under its keys whose buckets have room; those keys."""
        added = []
        for key in keys:
            bucket = self.buckets.setdefault(key, [])
            if len(bucket) < BUCKET_SIZE:
                bucket.append(position)
                added.append(key)
        self.clusters[position] = cluster
        return added

    def forget(self, position: int, keys: list[int]) -> None:
        for key in keys:
            bucket = self.buckets[key]
            bucket.remove(position)
            if not bucket:
                del self.buckets[key]
        del self.clusters[position]


class SyndicationIndex:
    """Streaming syndication: ``add`` each record in order, get its cluster at each level."""

    def __init__(self, options: SyndicationOptions | None = None) -> None:
        self.options = options or SyndicationOptions()
        self._levels = [_LevelIndex(level) for level in self.options.levels()]
        self._signatures: dict[int, Signature] = {}
        self._ids: dict[int, str] = {}
        self._kept: deque[tuple[int, list[list[int]]]] = deque()

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, position: int, record_id: str, values: Signature | None) -> dict[str, Membership]:
        """The record's membership at each level (by name); positions must increase. No signature: its own cluster."""
        if values is None:
            alone = Membership(position, record_id, 1.0)
            return {index.level.name: alone for index in self._levels}
        found: dict[str, Membership] = {}
        all_keys = []
        for index in self._levels:
            keys = band_keys(values, index.level.bands, index.level.rows)
            cluster = index.match(keys, values, self._signatures)
            if cluster is None:
                found[index.level.name] = Membership(position, record_id, 1.0)
            else:
                found[index.level.name] = Membership(
                    cluster, self._ids[cluster], similarity(values, self._signatures[cluster])
                )
            all_keys.append(index.add(position, keys, found[index.level.name].cluster))
        self._keep(position, record_id, values, all_keys)
        return found

    def _keep(self, position: int, record_id: str, values: Signature, keys: list[list[int]]) -> None:
        self._signatures[position] = values
        self._ids[position] = record_id
        self._kept.append((position, keys))
        if len(self._kept) > self.options.max_records:
            oldest, oldest_keys = self._kept.popleft()
            for index, level_keys in zip(self._levels, oldest_keys, strict=True):
                index.forget(oldest, level_keys)
            del self._signatures[oldest], self._ids[oldest]
