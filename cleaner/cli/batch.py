"""``cleaner batch INPUT -o OUTPUT``: one output record per input line, in order, resumable.

The run ends with a summary on stderr (records, errors by status code). Exit
status: 0 when every record was cleaned; ``RECORD_ERRORS`` (3) when the output
is complete but holds error records (0 with ``--allow-errors``); 1 when the run
stopped (the partial file stays for ``--resume``); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import IO

from tqdm import tqdm

from ..api import CleanerOptions
from ..batch.output import OutputError, output_target
from ..batch.reading import count_lines, max_line_bytes, numbered_lines
from ..batch.records import error_code
from ..batch.resume import Resumed, error_counts, partial_path, resume_point, skip_done, write_resumable
from ..batch.run import clean_lines
from ..batch.sites import learn_for_second_pass
from . import plugins
from .options import add_rule_options, cleaner_options
from .plugins import Commands

SERVER_SIDE_OPTIONS = ("--rules", "--no-builtin-rules", "--timeout", "--max-chars", "--max-lines", "--workers")
CLIENT_OPTIONS = ("--tls-ca", "--window")
RECORD_ERRORS = 3  # exit status: the output is complete, and some of its records are errors


def add_command(commands: Commands) -> None:
    batch = commands.add_parser("batch", help="clean a JSONL file: one output record per input line")
    batch.add_argument("input", metavar="INPUT", help="JSONL input; - reads standard input")
    batch.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="JSONL output; - writes standard output")
    batch.add_argument("--workers", type=int, default=1, metavar="N", help="clean in N processes (default 1)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    batch.add_argument("--server", metavar="HOST:PORT", help="clean on a running `cleaner serve` instead")
    batch.add_argument("--tls-ca", metavar="FILE", help="with --server: CA certificate of a TLS server")
    batch.add_argument("--window", type=int, default=64, metavar="N", help="with --server: requests in flight")
    batch.add_argument(
        "--learn-sites",
        action="store_true",
        help="read INPUT twice: first learn each site's repeated blocks, then clean with them "
        "(input that can be read only once, such as a pipe, is spooled to a temporary file)",
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run that wrote OUTPUT's partial file, after its last complete line",
    )
    batch.add_argument(
        "--allow-errors",
        action="store_true",
        help=f"exit 0 when the run completes even if some records are errors (default: exit {RECORD_ERRORS})",
    )
    add_rule_options(batch)
    batch.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    options = cleaner_options(args)
    misplaced = _misplaced_options(args)
    if misplaced:
        print(f"cleaner batch: {misplaced}", file=sys.stderr)
        return 2
    try:
        target = None if args.output == "-" else output_target(args.output)
    except OutputError as error:
        print(f"cleaner batch: {error}", file=sys.stderr)
        return 2
    if args.resume and (target is None or target.in_place):
        what = "standard output is" if target is None else f"{args.output} is {target.kind},"
        print(f"cleaner batch: --resume needs a regular output file; {what} written in place", file=sys.stderr)
        return 2
    if args.learn_sites and args.server:
        print("cleaner batch: --learn-sites cleans in-process (a server has its own rules)", file=sys.stderr)
        return 2
    if args.server is None:
        options.build()  # fail fast on a bad rule pack, before any output exists
    if args.resume and Path(args.output).exists() and not partial_path(args.output).exists():
        done = _Tally(0, error_counts(args.output))
        done.records = count_lines(args.output) or 0
        print(f"cleaner batch: nothing to resume, {args.output} is complete: {done.summary()}", file=sys.stderr)
        return _exit_status(args, done)
    resumed = Resumed() if target is None or target.in_place else _start_point(args)
    tally = _Tally(resumed.lines, resumed.errors)
    show = not args.no_progress and sys.stderr.isatty()
    with ExitStack() as stack:
        source = stack.enter_context(sys.stdin.buffer if args.input == "-" else open(args.input, "rb"))
        if args.learn_sites:
            source, options = _learn_sites(args, source, options)
            stack.enter_context(source)
        if args.server is None:
            numbered = skip_done(numbered_lines(source, max_line_bytes(options.settings)), resumed)
            lines = clean_lines(numbered, options, workers=args.workers)
        else:  # lines are read with the server's limits, so a line too long there is an error record here
            remote = stack.enter_context(plugins.remote(args.server, tls_ca=args.tls_ca, window=args.window))
            numbered = skip_done(numbered_lines(source, max_line_bytes(remote.settings)), resumed)
            lines = remote.clean_lines(numbered)
        total = count_lines(args.input) if show else None
        progress = tqdm(tally.count(lines), total=total, initial=resumed.lines, unit="rec", disable=not show)
        if target is None:
            _write(progress, sys.stdout)
        elif target.in_place:  # a device, FIFO or open descriptor: no partial file, no rename
            with open(target.name, "a", encoding="utf-8", newline="\n") as sink:
                _write(progress, sink)
        else:
            _write_resumable(progress, args.output, resumed)
    print(f"cleaner batch: {tally.summary()}", file=sys.stderr)
    return _exit_status(args, tally)


class _Tally:
    """Records written, and error records by status code (counting those of an earlier run resumed)."""

    def __init__(self, done: int = 0, errors: Counter[str] | None = None) -> None:
        self.earlier = done
        self.records = done
        self.errors: Counter[str] = Counter(errors or {})

    def count(self, lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            self.records += 1
            code = error_code(line)
            if code is not None:
                self.errors[code] += 1
            yield line

    def summary(self) -> str:
        failed = sum(self.errors.values())
        earlier = f" ({self.earlier:,} written before this run)" if self.earlier else ""
        cleaned = self.records - failed
        text = f"{_count(self.records, 'record')}{earlier}: {cleaned:,} cleaned, {_count(failed, 'error')}"
        if failed:
            text += " (" + ", ".join(f"{code} {count:,}" for code, count in sorted(self.errors.items())) + ")"
        return text


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _exit_status(args: argparse.Namespace, tally: _Tally) -> int:
    return RECORD_ERRORS if tally.errors and not args.allow_errors else 0


def _learn_sites(
    args: argparse.Namespace, source: IO[bytes], options: CleanerOptions
) -> tuple[IO[bytes], CleanerOptions]:
    """The first of two passes: learn each site's repeated blocks; the input to read again, and the options with them.

    Input that can be read only once (standard input, a pipe or FIFO) is spooled to a temporary file.
    """
    origin = "standard input" if args.input == "-" else Path(args.input).name
    first = learn_for_second_pass(source, origin, max_line_bytes(options.settings))
    spooled = " (the input, read once, was spooled to a temporary file)" if first.spooled else ""
    print(f"cleaner batch: learned repeated blocks of {len(first.packs)} sites{spooled}", file=sys.stderr)
    options = replace(options, packs=tuple(first.packs))
    options.build()  # learned packs are valid by construction; a clash with a user's pack name shows here
    return first.again, options


def _start_point(args: argparse.Namespace) -> Resumed:
    """Where this run starts: after the partial output's complete lines with --resume, else at the top."""
    if not args.resume:
        if partial_path(args.output).exists():
            print(f"cleaner batch: starting over; {partial_path(args.output)} is discarded", file=sys.stderr)
        return Resumed()
    resumed = resume_point(args.output)
    if resumed.lines:
        print(f"cleaner batch: resuming after line {resumed.lines:,}", file=sys.stderr)
    return resumed


def _misplaced_options(args: argparse.Namespace) -> str:
    """Options that would be silently ignored: cleaning options with --server, client options without."""
    defaults = _defaults()
    flags = [f"--{name.replace('_', '-')}" for name in vars(args) if getattr(args, name) != getattr(defaults, name)]
    if args.server is not None:
        local = [flag for flag in flags if flag in SERVER_SIDE_OPTIONS]
        return f"{', '.join(local)}: the server's own settings apply; give them to `cleaner serve`" if local else ""
    remote = [flag for flag in flags if flag in CLIENT_OPTIONS]
    return f"{', '.join(remote)}: only with --server" if remote else ""


def _defaults() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers())
    return parser.parse_args(["batch", "-", "-o", "-"])


def _write(lines: Iterable[str], sink: IO[str]) -> None:
    for line in lines:
        sink.write(line + "\n")


def _write_resumable(lines: Iterable[str], output: str, resumed: Resumed) -> None:
    try:
        write_resumable(lines, output, resumed)
    except BaseException:
        print(
            f"cleaner batch: interrupted; {partial_path(output)} keeps the lines written so far "
            "(run again with --resume to continue)",
            file=sys.stderr,
        )
        raise
