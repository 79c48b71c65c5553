"""Clean the files of ``cleaner clean`` and ``cleaner explain``, in this process or in worker processes."""

from __future__ import annotations

import argparse
import gzip
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from ..api import Cleaner, CleanerOptions
from ..batch.formats.pages import HTML_SUFFIXES
from ..batch.pool import exit_with_parent
from ..engines.worker import worker_cleaner
from ..errors import CleanerError, describe_failure
from ..result import CleanResult

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Job:
    """One file to clean: its name, and its bytes when they had to be read here (standard input)."""

    name: str
    html: bool
    url: str | None
    source: str | None
    content: bytes | None = None

    @property
    def label(self) -> str:
        """The file name as text: a name that is not UTF-8 (decoded with surrogate escapes) shows U+FFFD."""
        return self.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be read or cleaned."""

    code: str
    message: str


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """How to read the files: ``--html``, ``--url``, ``--source``."""
    parser.add_argument("--html", action="store_true", help="treat input as HTML (default: by file suffix)")
    parser.add_argument("--url", help="the page URL (helps name the publisher)")
    parser.add_argument("--source", help="a publisher hint, e.g. 'The Independent'")


def make_jobs(names: Sequence[str], *, html: bool, url: str | None, source: str | None) -> list[Job]:
    """A job per name; standard input (``-``) is read now, so that a worker process need not."""
    return [Job(name, html or _html_name(name), url, source, _read(name) if name == "-" else None) for name in names]


def clean_job(cleaner: Cleaner, job: Job) -> CleanResult | Failure:
    """The file's result; HTML is given as bytes, decoded by the page's declared or detected charset."""
    try:
        content = job.content if job.content is not None else _read(job.name)
        return cleaner.clean(
            None if job.html else content.decode("utf-8"),
            html=content if job.html else None,
            url=job.url,
            source=job.source,
            id=job.label,
        )
    except (OSError, EOFError, UnicodeDecodeError) as error:
        return Failure("INVALID_ARGUMENT", str(error))
    except CleanerError as error:
        return Failure(*describe_failure(error))


def clean_jobs(jobs: Sequence[Job], options: CleanerOptions, workers: int) -> Iterator[CleanResult | Failure]:
    """Each job's outcome, in order; with ``workers`` > 1 in that many processes, each with its own cleaner."""
    if workers <= 1 or len(jobs) <= 1:
        cleaner = options.build()
        yield from (clean_job(cleaner, job) for job in jobs)
        return
    options.build()  # a bad rule pack fails here, once, not in every worker
    context = get_context("spawn")
    initargs = (os.getpid(), options)
    with ProcessPoolExecutor(min(workers, len(jobs)), context, initializer=_start, initargs=initargs) as pool:
        yield from pool.map(_clean_in_worker, [(options, job) for job in jobs])


def _start(parent: int, options: CleanerOptions) -> None:
    exit_with_parent(parent)
    worker_cleaner(options)


def _clean_in_worker(task: tuple[CleanerOptions, Job]) -> CleanResult | Failure:
    options, job = task
    return clean_job(worker_cleaner(options), job)


def _html_name(name: str) -> bool:
    return Path(name.lower().removesuffix(".gz")).suffix in HTML_SUFFIXES


def _read(name: str) -> bytes:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    return gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data
