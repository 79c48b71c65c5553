"""The library call: relate a list of cleaned results (all kept, whatever their number)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..result import CleanResult
from .index import Membership, SyndicationIndex
from .options import SyndicationOptions
from .signature import signature


def syndicate(results: Sequence[CleanResult], options: SyndicationOptions | None = None) -> list[dict[str, Membership]]:
    """Each result's cluster at the ``copy`` and ``story`` levels.

    Clusters are numbered by their first result's position, from 1; a result without an id is named by its position.
    """
    chosen = replace(options or SyndicationOptions(), max_records=max(len(results), 1))
    index = SyndicationIndex(chosen)
    return [
        index.add(number, result.id or str(number), signature(result.body)) for number, result in enumerate(results, 1)
    ]
