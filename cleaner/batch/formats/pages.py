"""Directories and globs of pages: ``.txt`` as text, ``.html``/``.htm``/``.xhtml`` as HTML, each also ``.gz``.

Files are read one at a time, in sorted order (a directory's whole tree,
recursively; a glob's matches, ``**`` included). The id is the path: relative
to the directory given, or as the glob matched it. A file with another suffix
is left out; a gzipped file larger than ``max_bytes`` once decompressed is
refused as its record's error, unread past that.
"""

from __future__ import annotations

import glob
import gzip
import os
from collections.abc import Iterator
from pathlib import Path

from ..records import Numbered, Page

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PAGE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
GLOB_CHARACTERS = frozenset("*?[")


def is_page_name(name: str) -> bool:
    """Whether a file name says it holds one page (``.txt``, ``.html``, ... or one of them ``.gz``)."""
    return name.lower().removesuffix(".gz").endswith(PAGE_SUFFIXES)


def is_listing(name: str) -> bool:
    """Whether ``name`` is a directory, or a glob pattern (that names no file as it is)."""
    return os.path.isdir(name) or (not os.path.exists(name) and bool(GLOB_CHARACTERS & set(name)))


def page_files(name: str) -> list[tuple[str, Path]]:
    """(id, path) of every page file of a directory, a glob or one file, in sorted order."""
    if os.path.isdir(name):
        root = Path(name)
        found = (path for path in root.rglob("*") if path.is_file() and is_page_name(path.name))
        return sorted((path.relative_to(root).as_posix(), path) for path in found)
    if os.path.exists(name):
        return [(Path(name).name, Path(name))]
    matches = glob.glob(name, recursive=True)
    return sorted((match, Path(match)) for match in matches if os.path.isfile(match) and is_page_name(match))


def pages(name: str, max_bytes: int) -> Iterator[Numbered]:
    """Each page file as a record, numbered from 1 in sorted order."""
    for number, (page_id, path) in enumerate(page_files(name), start=1):
        data = _read(path, max_bytes)
        if isinstance(data, int):
            yield number, Page(page_id, oversized=data)
            continue
        is_html = path.name.lower().removesuffix(".gz").endswith(HTML_SUFFIXES)
        yield number, Page(page_id, html=data) if is_html else Page(page_id, text=data)


def _read(path: Path, max_bytes: int) -> bytes | int:
    """The file's bytes, or its size when it is larger than ``max_bytes`` (a gzipped one: read that far only)."""
    if not path.name.lower().endswith(".gz"):
        size = path.stat().st_size
        return size if size > max_bytes else path.read_bytes()
    with gzip.open(path, "rb") as stream:
        data = stream.read(max_bytes + 1)
        return len(data) if len(data) > max_bytes else data
