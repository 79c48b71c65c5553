"""``cleaner batch INPUT -o OUTPUT``: one output record per input record, in order, resumable.

INPUT is read by what it holds (see ``batch.formats.source``); OUTPUT is written
as its name asks (``.jsonl``, ``.jsonl.gz``/``.zst``/``.bz2``/``.xz``, ``.parquet``).

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

from ..api import CleanerOptions
from ..batch.formats.source import InputError, Source, open_source
from ..batch.formats.writer import OutputFormat, output_format
from ..batch.output import OutputError, OutputTarget, output_target
from ..batch.reading import count_lines
from ..batch.records import line_status
from ..batch.resume import (
    Resumed,
    error_counts,
    partial_path,
    replace_through_partial,
    resume_point,
    skip_done,
    write_resumable,
)
from ..batch.sites import learn_from, readable_twice
from ..batch.spec import OUTPUT_FIELDS, FieldMap, Filters, RecordSpec, parse_fields
from ..batch.syndication import annotate, reindex
from ..syndication import SyndicationIndex, SyndicationOptions
from ..syndication.options import COPY_THRESHOLD, MAX_RECORDS, STORY_THRESHOLD
from . import plugins
from .options import add_rule_options, cleaner_options
from .plugins import Commands

SERVER_SIDE_OPTIONS = ("--rules", "--no-builtin-rules", "--no-example-check", "--timeout", "--max-chars",
                       "--max-lines", "--workers")  # fmt: skip
IN_PROCESS_OPTIONS = ("--text-field", "--html-field", "--id-field", "--url-field", "--source-field", "--drop-unknown",
                      "--fields", "--language", "--min-words", "--drop-filtered")  # fmt: skip
CLIENT_OPTIONS = ("--tls-ca", "--window")
RECORD_ERRORS = 3  # exit status: the output is complete, and some of its records are errors


def add_command(commands: Commands) -> None:
    batch = commands.add_parser("batch", help="clean a corpus: one output record per input record")
    batch.add_argument(
        "input",
        metavar="INPUT",
        help="JSONL (plain, .gz, .zst, .bz2, .xz: told by its bytes), Parquet, WARC or WET, or a directory or "
        "glob of .txt/.html/.htm pages (also .gz); - reads standard input",
    )
    batch.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUTPUT",
        help="JSONL output, compressed by its extension (.gz, .zst, .bz2, .xz), or .parquet; - writes standard output",
    )
    batch.add_argument("--workers", type=int, default=1, metavar="N", help="clean in N processes (default 1)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    batch.add_argument("--server", metavar="HOST:PORT", help="clean on a running cleaner serve instead")
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
    fields = batch.add_argument_group("record fields")
    fields.add_argument("--text-field", default="text", metavar="NAME", help="input field holding text (default text)")
    fields.add_argument("--html-field", default="html", metavar="NAME", help="input field holding HTML (default html)")
    fields.add_argument(
        "--id-field",
        default="id",
        metavar="NAME",
        help="input field holding the id (default id; a record without one gets its position)",
    )
    fields.add_argument("--url-field", default="url", metavar="NAME", help="input field holding the URL (default url)")
    fields.add_argument(
        "--source-field", default="source", metavar="NAME", help="input field holding a publisher hint (default source)"
    )
    fields.add_argument(
        "--drop-unknown",
        action="store_true",
        help="leave out the input fields the cleaner does not read (default: passed through)",
    )
    fields.add_argument(
        "--fields",
        type=_output_fields,
        default=OUTPUT_FIELDS,
        metavar="LIST",
        help=f"output fields besides the id, comma-separated (default {','.join(OUTPUT_FIELDS)})",
    )
    filters = batch.add_argument_group("filters (a filtered record is written as its id and a 'filtered' reason)")
    filters.add_argument(
        "--language",
        type=_languages,
        default=frozenset(),
        metavar="CODES",
        help="keep only these languages of the body (ISO 639-1, comma-separated, e.g. en,de)",
    )
    filters.add_argument("--min-words", type=int, default=0, metavar="N", help="keep only bodies of N words or more")
    filters.add_argument(
        "--drop-filtered",
        action="store_true",
        help="write nothing for a filtered record (the output then has fewer lines than the input)",
    )
    _add_syndication_options(batch)
    add_rule_options(batch)
    batch.set_defaults(command=run)


def _add_syndication_options(batch: argparse.ArgumentParser) -> None:
    group = batch.add_argument_group("syndication (copies of the same text, rewrites of the same story)")
    group.add_argument(
        "--syndication",
        action="store_true",
        help="add to each result record its copy and story clusters (needs body among --fields)",
    )
    group.add_argument(
        "--copy-threshold",
        type=_share,
        default=COPY_THRESHOLD,
        metavar="J",
        help=f"estimated Jaccard of word 3-shingles for a copy (default {COPY_THRESHOLD})",
    )
    group.add_argument(
        "--story-threshold",
        type=_share,
        default=STORY_THRESHOLD,
        metavar="J",
        help=f"estimated Jaccard for the same story (default {STORY_THRESHOLD})",
    )
    group.add_argument(
        "--syndication-max-records",
        type=int,
        default=MAX_RECORDS,
        metavar="N",
        help=f"records the index keeps; an older record is forgotten (default {MAX_RECORDS:,})",
    )


def _share(value: str) -> float:
    share = float(value)
    if not 0 < share <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not in (0, 1]")
    return share


def _output_fields(value: str) -> tuple[str, ...]:
    try:
        return parse_fields(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _languages(value: str) -> frozenset[str]:
    return frozenset(code.strip().lower() for code in value.split(",") if code.strip())


def record_spec(args: argparse.Namespace) -> RecordSpec:
    """How the options say each record is read and written."""
    names = FieldMap(args.id_field, args.text_field, args.html_field, args.url_field, args.source_field)
    return RecordSpec(names, args.fields, not args.drop_unknown, Filters(args.language, args.min_words))


def run(args: argparse.Namespace) -> int:
    spec = record_spec(args)
    misplaced = _misplaced_options(args)
    if misplaced:
        print(f"cleaner batch: {misplaced}", file=sys.stderr)
        return 2
    options = cleaner_options(args)
    try:
        target = None if args.output == "-" else output_target(args.output)
    except OutputError as error:
        print(f"cleaner batch: {error}", file=sys.stderr)
        return 2
    form = OutputFormat() if target is None else output_format(args.output)
    refusal = _resume_refusal(args, target, form) or _syndication_refusal(args)
    if refusal:
        print(f"cleaner batch: {refusal}", file=sys.stderr)
        return 2
    if args.learn_sites and args.server:
        print("cleaner batch: --learn-sites cleans in-process (a server has its own rules)", file=sys.stderr)
        return 2
    if args.server is None:
        options.build()  # fail fast on a bad rule pack, before any output exists
    try:
        source = open_source(args.input)
    except InputError as error:  # binary data, a text that is not JSONL, ...: one line, before any output
        print(f"cleaner batch: {error}", file=sys.stderr)
        return 2
    if args.server and not source.line_based:
        print(f"cleaner batch: --server reads JSONL; {args.input} is {source.description}", file=sys.stderr)
        return 2
    if args.resume and Path(args.output).exists() and not partial_path(args.output).exists():
        done = _Tally(0, error_counts(args.output))
        done.records = count_lines(args.output) or 0
        print(f"cleaner batch: nothing to resume, {args.output} is complete: {done.summary()}", file=sys.stderr)
        return _exit_status(args, done)
    resumed = Resumed() if target is None or target.in_place else _start_point(args)
    tally = _Tally(resumed.lines, resumed.errors)
    show = not args.no_progress and sys.stderr.isatty()
    with ExitStack() as stack:
        if args.learn_sites:
            source, options = _learn_sites(stack, source, options, spec)
        if args.server is None:
            from ..batch.run import clean_lines  # the worker pool (pebble): imported by this command only

            items = stack.enter_context(source.open(options.settings))
            lines = clean_lines(skip_done(items, resumed, spec), options, workers=args.workers, spec=spec)
        else:  # lines are read with the server's limits, so a line too long there is an error record here
            remote = stack.enter_context(plugins.remote(args.server, tls_ca=args.tls_ca, window=args.window))
            items = stack.enter_context(source.open(remote.settings))
            lines = remote.clean_lines(skip_done(items, resumed))
        if args.syndication:
            lines = _with_syndication(lines, args, resumed)
        total = source.total() if show else None
        counted = tally.count(lines, drop_filtered=args.drop_filtered)
        from tqdm import tqdm

        progress = tqdm(counted, total=total, initial=resumed.lines, unit="rec", disable=not show)
        if target is None:
            _write(progress, sys.stdout)
        elif target.in_place:  # a device, FIFO or open descriptor: no partial file, no rename
            with open(target.name, "ab") as sink:
                form.write(progress, sink, spec.output)
        elif form.resumable:
            _write_resumable(progress, args.output, resumed)
        else:
            _write_whole(progress, args.output, form, spec)
    print(f"cleaner batch: {tally.summary()}", file=sys.stderr)
    return _exit_status(args, tally)


def _resume_refusal(args: argparse.Namespace, target: OutputTarget | None, form: OutputFormat) -> str:
    """Why ``--resume`` cannot work for this output, or ""."""
    if not args.resume:
        return ""
    if target is None or target.in_place:
        what = "standard output is" if target is None else f"{args.output} is {target.kind},"
        return f"--resume needs a regular output file; {what} written in place"
    if not form.resumable:
        return (
            f"--resume needs a plain JSONL output; {args.output} is {form.describe()}, which cannot be continued "
            "where it was cut off (run again without --resume, or write .jsonl)"
        )
    if args.drop_filtered:
        return "--resume needs one output line per input record; --drop-filtered leaves some out"
    return ""


def _syndication_refusal(args: argparse.Namespace) -> str:
    """Why the syndication options cannot work as given, or ""."""
    defaults = (COPY_THRESHOLD, STORY_THRESHOLD, MAX_RECORDS)
    given = (args.copy_threshold, args.story_threshold, args.syndication_max_records)
    if not args.syndication:
        return (
            ""
            if given == defaults
            else "--copy-threshold, --story-threshold, --syndication-max-records: only with --syndication"
        )
    if "body" not in args.fields:
        return "--syndication hashes the cleaned body; keep body among --fields"
    if args.syndication_max_records < 1:
        return "--syndication-max-records must be at least 1"
    return ""


def _with_syndication(lines: Iterable[str], args: argparse.Namespace, resumed: Resumed) -> Iterator[str]:
    """The lines with their clusters; a resumed run first indexes the lines already written."""
    options = SyndicationOptions(args.copy_threshold, args.story_threshold, args.syndication_max_records)
    index = SyndicationIndex(options)
    if resumed.lines:
        reindex(partial_path(args.output), index, resumed.lines)
    return annotate(lines, index, resumed.lines + 1)


class _Tally:
    """Records written, and error records by status code (counting those of an earlier run resumed)."""

    def __init__(self, done: int = 0, errors: Counter[str] | None = None) -> None:
        self.earlier = done
        self.records = done
        self.errors: Counter[str] = Counter(errors or {})
        self.filtered = 0

    def count(self, lines: Iterable[str], drop_filtered: bool = False) -> Iterator[str]:
        """The lines, counted; filtered records left out with ``drop_filtered``."""
        for line in lines:
            self.records += 1
            status = line_status(line)
            if status is not None and status[0] == "error":
                self.errors[status[1]] += 1
            elif status is not None:
                self.filtered += 1
                if drop_filtered:
                    continue
            yield line

    def summary(self) -> str:
        failed = sum(self.errors.values())
        earlier = f" ({self.earlier:,} written before this run)" if self.earlier else ""
        cleaned = self.records - failed - self.filtered
        filtered = f"{self.filtered:,} filtered, " if self.filtered else ""
        text = f"{_count(self.records, 'record')}{earlier}: {cleaned:,} cleaned, {filtered}{_count(failed, 'error')}"
        if failed:
            text += " (" + ", ".join(f"{code} {count:,}" for code, count in sorted(self.errors.items())) + ")"
        return text


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _exit_status(args: argparse.Namespace, tally: _Tally) -> int:
    return RECORD_ERRORS if tally.errors and not args.allow_errors else 0


def _learn_sites(
    stack: ExitStack, source: Source, options: CleanerOptions, spec: RecordSpec
) -> tuple[Source, CleanerOptions]:
    """The first of two passes: learn each site's repeated blocks; the input to read again, and the options with them.

    Input that can be read only once (standard input, a pipe or FIFO) is spooled to a temporary file.
    """
    source, spooled = stack.enter_context(readable_twice(source))
    packs = learn_from(source, options.settings, spec)
    note = " (the input, read once, was spooled to a temporary file)" if spooled else ""
    print(f"cleaner batch: learned repeated blocks of {len(packs)} sites{note}", file=sys.stderr)
    options = replace(options, packs=tuple(packs))
    options.build()  # learned packs are valid by construction; a clash with a user's pack name shows here
    return source, options


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
        if local:
            return f"{', '.join(local)}: the server's own settings apply; give them to `cleaner serve`"
        return _in_process_only(flags)
    remote = [flag for flag in flags if flag in CLIENT_OPTIONS]
    return f"{', '.join(remote)}: only with --server" if remote else ""


def _in_process_only(flags: list[str]) -> str:
    local = [flag for flag in flags if flag in IN_PROCESS_OPTIONS]
    return f"{', '.join(local)}: only in-process, not with --server" if local else ""


def _defaults() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers())
    return parser.parse_args(["batch", "-", "-o", "-"])


def _write(lines: Iterable[str], sink: IO[str]) -> None:
    for line in lines:
        sink.write(line + "\n")


def _write_whole(lines: Iterable[str], output: str, form: OutputFormat, spec: RecordSpec) -> None:
    try:
        replace_through_partial(output, lambda stream: form.write(lines, stream, spec.output))
    except BaseException:
        print(f"cleaner batch: stopped; {output} is not written ({form.describe()} cannot be resumed)", file=sys.stderr)
        raise


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
