"""``cleaner clean FILE...``: print the cleaned body, or the full record, or write one file per input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..batch.formats.pages import page_files
from ..batch.output import output_folder_problem, output_target, replace_file
from ..batch.records import dump
from ..errors import CleanerError
from ..result import CleanResult
from .files import Failure, Job, add_input_options, clean_jobs, make_jobs
from .options import add_rule_options, cleaner_options
from .plugins import Commands


def add_command(commands: Commands) -> None:
    clean = commands.add_parser("clean", help="clean text or HTML files and print or write the bodies")
    clean.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="files (.txt, .html, .htm, also .gz) or directories of them to clean; - reads standard input",
    )
    clean.add_argument("--out", metavar="DIR", help="write each result to DIR instead of printing it")
    clean.add_argument(
        "--json", action="store_true", help="the full JSON record instead of the body: one line per file (JSONL)"
    )
    add_input_options(clean)
    clean.add_argument("--workers", type=int, default=1, metavar="N", help="clean the files in N processes")
    add_rule_options(clean)
    clean.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    names = expanded(args.files)
    if names.count("-") > 1:
        print("cleaner clean: - is given twice; standard input can be read only once", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out:
        clash = _same_output_name(names)
        if clash:
            print(f"cleaner clean: {clash[0]} and {clash[1]} would write the same file in {out}", file=sys.stderr)
            return 2
        problem = output_folder_problem(out)
        if problem:
            print(f"cleaner clean: --out {problem}", file=sys.stderr)
            return 2
    options = cleaner_options(args)
    jobs = make_jobs(names, html=args.html, url=args.url, source=args.source)
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for job, outcome in zip(jobs, clean_jobs(jobs, options, args.workers), strict=True):
        if isinstance(outcome, Failure):
            print(f"cleaner: {job.name}: {outcome.message}", file=sys.stderr)
            if args.json and not out:  # one line per file, as batch writes a record that failed
                print(dump({"id": job.label, "error": {"code": outcome.code, "message": outcome.message}}))
            failures += 1
        elif out:
            failures += not _write(out, job, outcome, args.json)
        elif args.json:
            print(dump(outcome.to_dict()))
        else:
            if len(jobs) > 1:
                print(f"==> {job.label} <==")
            print(outcome.body)
    return 1 if failures else 0


def _write(out: Path, job: Job, result: CleanResult, as_json: bool) -> bool:
    """Write one result file into ``out``; whether it was written."""
    rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else result.body
    path = out / f"{_output_stem(job.name)}{'.json' if as_json else '.txt'}"
    try:  # a regular file is replaced whole, a symlink followed, a device or FIFO written in place
        replace_file(output_target(str(path)), rendered + "\n")
    except (OSError, CleanerError) as error:
        print(f"cleaner: {path}: {error}", file=sys.stderr)
        return False
    return True


def _output_stem(name: str) -> str:
    return "stdin" if name == "-" else Path(name.removesuffix(".gz").removesuffix(".GZ")).stem


def expanded(names: Sequence[str]) -> list[str]:
    """The names, each directory replaced by the page files in it (sorted, recursively)."""
    found: list[str] = []
    for name in names:
        if name != "-" and os.path.isdir(name):
            found.extend(str(path) for _, path in page_files(name))
        else:
            found.append(name)
    return found


def _same_output_name(names: Sequence[str]) -> tuple[str, str] | None:
    """Two inputs whose results would overwrite each other in the --out folder."""
    first_by_stem: dict[str, str] = {}
    for name in names:
        earlier = first_by_stem.setdefault(_output_stem(name), name)
        if earlier != name:
            return earlier, name
    return None
