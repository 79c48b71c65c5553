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
    """The band keys of kept records at one level (a bucket of one is its position, of more a list), and clusters."""

    def __init__(self, level: Level) -> None:
        self.level = level
        self.buckets: dict[int, int | list[int]] = {}
        self.clusters: dict[int, int] = {}

    def keys(self, values: Signature) -> list[int]:
        return band_keys(values, self.level.bands, self.level.rows)

    def match(self, keys: list[int], values: Signature, signatures: dict[int, Signature]) -> int | None:
        """The cluster of the earliest kept record that matches, if any."""
        shared = Counter(position for key in keys for position in _members(self.buckets.get(key)))
        candidates = sorted(position for position, votes in shared.items() if votes >= self.level.votes)
        for position in candidates:
            cluster = self.clusters[position]
            if cluster in signatures and similarity(values, signatures[position]) >= self.level.threshold:
                return cluster
        return None

    def add(self, position: int, keys: list[int], cluster: int) -> None:
        """Index the record under its keys whose buckets have room."""
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket is None:
                self.buckets[key] = position
            elif isinstance(bucket, int):
                self.buckets[key] = [bucket, position]
            elif len(bucket) < BUCKET_SIZE:
                bucket.append(position)
        self.clusters[position] = cluster

    def forget(self, position: int, keys: list[int]) -> None:
        """Take the record out of the buckets that hold it."""
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket == position:
                del self.buckets[key]
            elif isinstance(bucket, list) and position in bucket:
                bucket.remove(position)
                if len(bucket) == 1:
                    self.buckets[key] = bucket[0]
        del self.clusters[position]


def _members(bucket: int | list[int] | None) -> list[int]:
    if bucket is None:
        return []
    return [bucket] if isinstance(bucket, int) else bucket


class SyndicationIndex:
    """Streaming syndication: ``add`` each record in order, get its cluster at each level."""

    def __init__(self, options: SyndicationOptions | None = None) -> None:
        self.options = options or SyndicationOptions()
        self._levels = [_LevelIndex(level) for level in self.options.levels()]
        self._signatures: dict[int, Signature] = {}
        self._ids: dict[int, str] = {}
        self._kept: deque[int] = deque()

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, position: int, record_id: str, values: Signature | None) -> dict[str, Membership]:
        """The record's membership at each level (by name); positions must increase. No signature: its own cluster."""
        if values is None:
            alone = Membership(position, record_id, 1.0)
            return {index.level.name: alone for index in self._levels}
        found: dict[str, Membership] = {}
        for index in self._levels:
            keys = index.keys(values)
            cluster = index.match(keys, values, self._signatures)
            if cluster is None:
                found[index.level.name] = Membership(position, record_id, 1.0)
            else:
                found[index.level.name] = Membership(
                    cluster, self._ids[cluster], similarity(values, self._signatures[cluster])
                )
            index.add(position, keys, found[index.level.name].cluster)
        self._keep(position, record_id, values)
        return found

    def _keep(self, position: int, record_id: str, values: Signature) -> None:
        """Keep the record; past ``max_records``, forget the oldest (its band keys computed again)."""
        self._signatures[position] = values
        self._ids[position] = record_id
        self._kept.append(position)
        if len(self._kept) > self.options.max_records:
            oldest = self._kept.popleft()
            for index in self._levels:
                index.forget(oldest, index.keys(self._signatures[oldest]))
            del self._signatures[oldest], self._ids[oldest]
