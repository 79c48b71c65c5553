"""``cleaner batch --syndication``: each result line gets its clusters, in input order, in bounded memory.

Error and filtered lines pass unchanged and are not indexed. The field is added
at the end of the line, so the lines are otherwise the ones written without it.
A resumed run first indexes the result lines its partial output already holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..syndication import SyndicationIndex, signature
from .records import dump, line_status
from .resume import ResumeError

FIELD = "syndication"


def annotate(lines: Iterable[str], index: SyndicationIndex, first: int = 1) -> Iterator[str]:
    """The lines (the first at input position ``first``), each result line with its ``syndication`` field."""
    for position, line in enumerate(lines, first):
        yield _annotated(line, index, position)


def reindex(partial: Path, index: SyndicationIndex, lines: int) -> None:
    """Index the first ``lines`` lines of a partial output, as the run that wrote them did."""
    with partial.open(encoding="utf-8") as stream:
        for position, line in enumerate(stream, 1):
            if position > lines:
                break
            if line_status(line) is None and f'"{FIELD}": ' not in line:
                raise ResumeError(f"{partial} was written without --syndication; run again without --resume")
            _annotated(line.rstrip("\n"), index, position)


def with_field(line: str, value: dict[str, Any]) -> str:
    """A result line with its ``syndication`` value added at the end."""
    return f'{line[:-1]}, "{FIELD}": {dump(value)}}}'


def _annotated(line: str, index: SyndicationIndex, position: int) -> str:
    if line_status(line) is not None:
        return line
    record = json.loads(line)
    levels = index.add(position, record["id"], signature(record["body"]))
    return with_field(line, {name: membership.to_dict() for name, membership in levels.items()})
