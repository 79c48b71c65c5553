"""The ``cleaner`` command: clean files, run JSONL batches, list and check rule packs."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import IO

from pydantic import ValidationError
from tqdm import tqdm

from . import evaluation
from .batch import (
    CleanerOptions,
    clean_lines,
    count_lines,
    learn_sites,
    numbered_lines,
    site_learner,
)
from .core import Cleaner
from .errors import CleanerError, RulePackError
from .output import Resumed, ResumeError, check_same_input, partial_path, resumable_output, resume_point
from .records import Numbered, RecordError, TooLong, dump, parse_line
from .rules.examples import example_failures
from .rules.lint import pack_warnings
from .rules.loading import expand_paths, load_pack, load_packs
from .settings import Settings
from .sites import MIN_PAGES, MIN_SHARE

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SERVER_SIDE_OPTIONS = ("--rules", "--no-builtin-rules", "--timeout", "--max-chars", "--max-lines", "--workers")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.command(args))
    except RulePackError as error:
        print(f"cleaner: invalid rule pack:\n{error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        problem = error.errors()[0]
        option = f"--{str(problem['loc'][-1]).replace('_', '-')}: " if problem["loc"] else ""
        print(f"cleaner: {option}{str(problem['msg']).removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OSError, CleanerError) as error:
        print(f"cleaner: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cleaner", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    clean = commands.add_parser("clean", help="clean text or HTML files and print or write the bodies")
    clean.add_argument("files", nargs="+", metavar="FILE", help="files to clean; - reads standard input")
    clean.add_argument("--out", metavar="DIR", help="write each result to DIR instead of printing it")
    clean.add_argument("--json", action="store_true", help="the full JSON record instead of the body")
    clean.add_argument("--html", action="store_true", help="treat input as HTML (default: by file suffix)")
    clean.add_argument("--url", help="the page URL (helps name the publisher)")
    clean.add_argument("--source", help="a publisher hint, e.g. 'The Independent'")
    _rule_options(clean)
    clean.set_defaults(command=_clean)

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
        help="read INPUT twice: first learn each site's repeated blocks, then clean with them",
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run that wrote OUTPUT's partial file, after its last complete line",
    )
    _rule_options(batch)
    batch.set_defaults(command=_batch)

    serve = commands.add_parser("serve", help="run the gRPC service")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=50051, help="port (default 50051; 0 picks one, one worker only)")
    serve.add_argument("--workers", type=int, default=1, metavar="N", help="processes on the port; 0 = one per core")
    serve.add_argument("--threads", type=int, default=8, metavar="N", help="threads per process (default 8)")
    serve.add_argument("--max-concurrent-rpcs", type=int, default=64, metavar="N", help="per process (default 64)")
    serve.add_argument("--grace", type=float, default=10.0, metavar="SECONDS", help="drain time on SIGTERM")
    serve.add_argument("--tls-cert", metavar="FILE", help="PEM certificate chain (enables TLS)")
    serve.add_argument("--tls-key", metavar="FILE", help="PEM private key")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    _rule_options(serve)
    serve.set_defaults(command=_serve)

    evaluate = commands.add_parser("eval", help="score bodies against a gold JSONL file (shingle F1)")
    evaluate.add_argument("gold", metavar="GOLD.jsonl", help="records with id, url, noisy_text, gold_text")
    evaluate.add_argument("--html-dir", metavar="DIR", help="where <id>.html.gz live (default: html/ beside GOLD)")
    evaluate.add_argument(
        "--modes", default="raw,text,html,trafilatura", help="comma-separated: raw, text, html, trafilatura"
    )
    evaluate.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    evaluate.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst pages of each mode")
    _rule_options(evaluate)
    evaluate.set_defaults(command=_evaluate)

    rules = commands.add_parser("rules", help="list or check rule packs")
    rule_commands = rules.add_subparsers(required=True, metavar="ACTION")
    listing = rule_commands.add_parser("list", help="list the rules in use")
    listing.add_argument("--json", action="store_true", help="one JSON object per rule")
    _rule_options(listing)
    listing.set_defaults(command=_rules_list)
    suggest = rule_commands.add_parser("suggest", help="write the blocks repeated across each site's pages as packs")
    suggest.add_argument("input", metavar="INPUT.jsonl", help="JSONL records with text and url (or source)")
    suggest.add_argument("--out", required=True, metavar="DIR", help="folder for one pack file per site")
    suggest.add_argument("--min-pages", type=int, default=MIN_PAGES, metavar="N", help="pages a block must be on")
    suggest.add_argument(
        "--min-share", type=float, default=MIN_SHARE, metavar="F", help="share of a site's pages (default 0.5)"
    )
    suggest.set_defaults(command=_rules_suggest)
    check = rule_commands.add_parser("check", help="validate packs and run every rule's examples")
    check.add_argument("paths", nargs="+", metavar="PATH", help="pack files or directories of packs")
    check.set_defaults(command=_rules_check)
    return parser


def _rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", action="append", default=[], metavar="PATH", help="extra rule pack or directory (repeatable)"
    )
    parser.add_argument("--no-builtin-rules", action="store_true", help="use only the packs given with --rules")
    defaults = Settings()
    limits = parser.add_argument_group("limits")
    limits.add_argument("--timeout", type=float, default=defaults.timeout, metavar="SECONDS",
                        help=f"CPU seconds of rule matching per document (default {defaults.timeout:g})")  # fmt: skip
    limits.add_argument("--max-chars", type=int, default=defaults.max_chars, metavar="N",
                        help=f"longest document accepted (default {defaults.max_chars:,})")  # fmt: skip
    limits.add_argument("--max-lines", type=int, default=defaults.max_lines, metavar="N",
                        help=f"most lines accepted in a document (default {defaults.max_lines:,})")  # fmt: skip


def _options(args: argparse.Namespace) -> CleanerOptions:
    settings = Settings(timeout=args.timeout, max_chars=args.max_chars, max_lines=args.max_lines)
    return CleanerOptions(tuple(args.rules), builtin_rules=not args.no_builtin_rules, settings=settings)


def _clean(args: argparse.Namespace) -> int:
    cleaner = _options(args).build()
    out = Path(args.out) if args.out else None
    if out:
        clash = _same_output_name(args.files)
        if clash:
            print(f"cleaner clean: {clash[0]} and {clash[1]} would write the same file in {out}", file=sys.stderr)
            return 2
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in args.files:
        try:
            content = _read(name)
            html = args.html or Path(name).suffix.lower() in HTML_SUFFIXES
            result = cleaner.clean(
                None if html else content, html=content if html else None, url=args.url, source=args.source, id=name
            )
        except (OSError, UnicodeDecodeError, CleanerError) as error:
            print(f"cleaner: {name}: {error}", file=sys.stderr)
            failures += 1
            continue
        rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.body
        if out:
            (out / f"{_output_stem(name)}{'.json' if args.json else '.txt'}").write_text(
                rendered + "\n", encoding="utf-8"
            )
        else:
            if len(args.files) > 1:
                print(f"==> {name} <==")
            print(rendered)
    return 1 if failures else 0


def _output_stem(name: str) -> str:
    return "stdin" if name == "-" else Path(name).stem


def _same_output_name(names: Sequence[str]) -> tuple[str, str] | None:
    """Two inputs whose results would overwrite each other in the --out folder."""
    first_by_stem: dict[str, str] = {}
    for name in names:
        earlier = first_by_stem.setdefault(_output_stem(name), name)
        if earlier != name:
            return earlier, name
    return None


def _read(name: str) -> str:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    return data.decode("utf-8")


def _batch(args: argparse.Namespace) -> int:
    options = _options(args)
    if args.resume and args.output == "-":
        print("cleaner batch: --resume needs an output file", file=sys.stderr)
        return 2
    misplaced = _misplaced_options(args)
    if misplaced:
        print(f"cleaner batch: {misplaced}", file=sys.stderr)
        return 2
    if args.learn_sites:
        if args.input == "-" or args.server:
            print("cleaner batch: --learn-sites needs an input file and in-process cleaning", file=sys.stderr)
            return 2
        learned = learn_sites(args.input)
        print(f"cleaner batch: learned repeated blocks of {len(learned)} sites", file=sys.stderr)
        options = replace(options, learned_packs=tuple(learned))
    if args.server is None:
        options.build()  # fail fast on a bad rule pack, before any output exists
    if args.resume and Path(args.output).exists() and not partial_path(args.output).exists():
        print(f"cleaner batch: nothing to resume, {args.output} is complete", file=sys.stderr)
        return 0
    resumed = _resume_point(args)
    source = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")
    show = not args.no_progress and sys.stderr.isatty()
    with source, ExitStack() as stack:
        numbered = _skip_done(numbered_lines(source, options.max_line_bytes), resumed)
        if args.server is None:
            lines = clean_lines(numbered, options, workers=args.workers)
        else:
            from server.client import StreamClient  # gRPC only when asked for

            client = stack.enter_context(StreamClient(args.server, tls_ca=args.tls_ca, window=args.window))
            lines = client.clean_lines(numbered)
        total = count_lines(args.input) if show else None
        progress = tqdm(lines, total=total, initial=resumed.lines, unit="rec", disable=not show)
        if args.output == "-":
            _write(progress, sys.stdout)
        else:
            _write_resumable(progress, args.output, resumed)
    return 0


def _resume_point(args: argparse.Namespace) -> Resumed:
    """Where this run starts: after the partial output's complete lines with --resume, else at the top."""
    if args.output == "-":
        return Resumed()
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
    defaults = _parser().parse_args(["batch", "-", "-o", "-"])
    given = [name for name in vars(args) if getattr(args, name) != getattr(defaults, name)]
    flags = [f"--{name.replace('_', '-')}" for name in given]
    if args.server is not None:
        local = [flag for flag in flags if flag in SERVER_SIDE_OPTIONS]
        return f"{', '.join(local)}: the server's own settings apply; give them to `cleaner serve`" if local else ""
    remote = [flag for flag in flags if flag in ("--tls-ca", "--window")]
    return f"{', '.join(remote)}: only with --server" if remote else ""


def _skip_done(lines: Iterator[Numbered], resumed: Resumed) -> Iterator[Numbered]:
    """The input lines after those the partial output holds, once it is shown to belong to this input."""
    read = 0
    for read, line in lines:
        if read == resumed.lines:
            check_same_input(resumed, _line_id(line), read)
        if read > resumed.lines:
            yield read, line
    if read < resumed.lines:
        raise ResumeError(f"the partial output has {resumed.lines:,} lines, this input only {read:,}")


def _line_id(line: bytes | TooLong) -> str | None:
    try:
        return parse_line(line).id
    except RecordError as error:
        return error.record_id


def _write_resumable(lines: Iterable[str], output: str, resumed: Resumed) -> None:
    with resumable_output(output, resumed) as sink:
        try:
            _write(lines, sink)
        except BaseException:
            print(
                f"cleaner batch: interrupted; {partial_path(output)} keeps the lines written so far "
                "(run again with --resume to continue)",
                file=sys.stderr,
            )
            raise


def _serve(args: argparse.Namespace) -> int:
    from server import workers
    from server.config import ServerConfig

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    config = ServerConfig(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        max_concurrent_rpcs=args.max_concurrent_rpcs,
        grace=args.grace,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        rule_paths=tuple(args.rules),
        builtin_rules=not args.no_builtin_rules,
        settings=_options(args).settings,
    )
    return workers.run(config)


def _write(lines: Iterable[str], sink: IO[str]) -> None:
    for line in lines:
        sink.write(line + "\n")


def _evaluate(args: argparse.Namespace) -> int:
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    available = evaluation.extractors(_options(args).build())
    unknown = [mode for mode in modes if mode not in available]
    if unknown:
        print(f"cleaner eval: unknown mode {', '.join(unknown)} (choose from {', '.join(available)})", file=sys.stderr)
        return 2
    pages = list(evaluation.read_gold(args.gold, args.html_dir))
    summaries = [evaluation.evaluate(available[mode][0], pages, available[mode][1]) for mode in modes]
    print(evaluation.format_table(summaries))
    for summary in summaries if args.worst else []:
        print(f"\nworst pages, {summary.name}:")
        urls = {page.id: page.url for page in pages}
        for page in sorted(summary.pages, key=lambda page: page.f1)[: args.worst]:
            print(f"  F1 {page.f1:.3f}  P {page.precision or 0:.3f}  R {page.recall or 0:.3f}  {urls[page.id]}")
    if args.json:
        Path(args.json).write_text(json.dumps([s.as_dict() for s in summaries], indent=2) + "\n", encoding="utf-8")
    return 0


def _rules_list(args: argparse.Namespace) -> int:
    packs = load_packs(args.rules, builtin=not args.no_builtin_rules)
    for loaded in packs:
        for rule in loaded.pack.rules:
            row = {
                "id": loaded.pack.qualified_id(rule),
                "category": rule.category.value,
                "action": rule.action.value,
                "position": rule.position.value,
                "pack": loaded.pack.pack.name,
                "version": loaded.pack.pack.version,
                "description": rule.description,
            }
            if args.json:
                print(dump(row))
            else:
                print(f"{row['id']:<40} {row['category']:<13} {row['action']:<10} {rule.description}")
    return 0


def _rules_suggest(args: argparse.Namespace) -> int:
    learner = site_learner(args.input)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    origin = Path(args.input).name
    found = learner.boilerplate(args.min_pages, args.min_share)
    for site in found:
        path = out / f"{site.pack_name}.toml"
        path.write_text(site.toml(origin), encoding="utf-8")
        print(f"{path}: {len(site.blocks)} blocks repeated on {site.needed}+ of {site.pages} pages of {site.site}")
    if not found:
        print(f"no site in {origin} has blocks repeated on enough of its pages")
    return 0


def _rules_check(args: argparse.Namespace) -> int:
    problems: list[str] = []
    checked = 0
    for path in expand_paths(args.paths):
        try:
            loaded = load_pack(path)
        except RulePackError as error:
            problems.append(str(error))
            continue
        try:
            Cleaner.from_packs([loaded])
        except RulePackError as error:
            problems.append(str(error))
            continue
        for warning in pack_warnings(loaded):
            print(f"WARN {warning}", file=sys.stderr)
        failures = example_failures(loaded)
        problems.extend(failures)
        checked += 1
        if not failures:
            print(f"ok   {path}: {len(loaded.pack.rules)} rules, every example passes")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if not checked and not problems:
        print(f"FAIL no rule pack (*.toml) in {', '.join(args.paths)}", file=sys.stderr)
        return 1
    return 1 if problems else 0
