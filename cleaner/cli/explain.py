"""``cleaner explain FILE``: an HTML page showing what was removed from one file, and why."""

from __future__ import annotations

import argparse
import sys

from ..batch.output import output_target, replace_file
from ..report import explain_page, rule_reasons
from .files import Failure, add_input_options, clean_job, make_jobs
from .options import add_rule_options, cleaner_options
from .plugins import Commands


def add_command(commands: Commands) -> None:
    explain = commands.add_parser("explain", help="write an HTML page highlighting every removal from one file")
    explain.add_argument("file", metavar="FILE", help="a .txt, .html or .htm file (also .gz); - reads standard input")
    explain.add_argument("-o", "--output", default="-", metavar="PAGE", help="where to write the page; - is stdout")
    add_input_options(explain)
    add_rule_options(explain)
    explain.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    target = None if args.output == "-" else output_target(args.output)
    cleaner = cleaner_options(args).build()
    job = make_jobs([args.file], html=args.html, url=args.url, source=args.source)[0]
    result = clean_job(cleaner, job)
    if isinstance(result, Failure):
        print(f"cleaner: {job.name}: {result.message}", file=sys.stderr)
        return 1
    page = explain_page(result, rule_reasons(cleaner), job.label)
    if target is None:
        print(page)
    else:
        replace_file(target, page + "\n")
        print(f"{args.output}: {len(result.removed)} removals highlighted", file=sys.stderr)
    return 0
