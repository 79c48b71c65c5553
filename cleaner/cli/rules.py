"""``cleaner rules list|suggest|check``: the rules in use, packs learned from a crawl, and pack checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..api import Cleaner
from ..batch.formats.source import InputError
from ..batch.output import output_folder_problem, output_target, replace_file
from ..batch.records import dump
from ..batch.sites import MIN_PAGES, MIN_SHARE, site_learner
from ..packcheck import check_pack
from ..rules.loading import expand_paths
from .options import add_rule_options, check_examples
from .plugins import Commands


def add_command(commands: Commands) -> None:
    rules = commands.add_parser("rules", help="list or check rule packs")
    actions = rules.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list the rules in use")
    listing.add_argument("--json", action="store_true", help="one JSON object per rule")
    add_rule_options(listing, limits=False)
    listing.set_defaults(command=list_rules)
    suggest = actions.add_parser("suggest", help="write the blocks repeated across each site's pages as packs")
    suggest.add_argument(
        "input",
        metavar="INPUT",
        help="records with text and url (or source), in any format batch reads; - reads standard input",
    )
    suggest.add_argument("--out", required=True, metavar="DIR", help="folder for one pack file per site")
    suggest.add_argument("--min-pages", type=int, default=MIN_PAGES, metavar="N", help="pages a block must be on")
    suggest.add_argument(
        "--min-share", type=float, default=MIN_SHARE, metavar="F", help="share of a site's pages (default 0.5)"
    )
    suggest.set_defaults(command=suggest_packs)
    check = actions.add_parser("check", help="validate packs and run every rule's examples")
    check.add_argument("paths", nargs="+", metavar="PATH", help="pack files or directories of packs")
    check.set_defaults(command=check_packs)


def list_rules(args: argparse.Namespace) -> int:
    if not args.no_example_check:
        check_examples(args.rules)
    rules = Cleaner(args.rules, builtin_rules=not args.no_builtin_rules).rules
    for loaded in rules.packs:
        for rule in loaded.rules:
            row = {
                "id": loaded.pack.qualified_id(rule),
                "category": rule.category.value,
                "action": rule.action.value,
                "position": rule.position.value,
                "pack": loaded.info.name,
                "version": loaded.info.version,
                "priority": loaded.info.priority,
                "description": rule.description,
            }
            if args.json:
                print(dump(row))
            else:
                print(f"{row['id']:<40} {row['category']:<13} {row['action']:<10} {rule.description}")
    return 0


def suggest_packs(args: argparse.Namespace) -> int:
    out = Path(args.out)
    problem = output_folder_problem(out)
    if problem:
        print(f"cleaner rules suggest: --out {problem}", file=sys.stderr)
        return 2
    try:
        learner = site_learner(args.input)
    except InputError as error:
        print(f"cleaner rules suggest: {error}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    origin = "standard input" if args.input == "-" else Path(args.input).name
    found = learner.boilerplate(args.min_pages, args.min_share)
    for site in found:
        path = out / f"{site.pack_name}.toml"
        replace_file(output_target(str(path)), site.toml(origin))
        print(f"{path}: {len(site.blocks)} blocks repeated on {site.needed}+ of {site.pages} pages of {site.site}")
    if not found:
        print(f"no site in {origin} has blocks repeated on enough of its pages")
    return 0


def check_packs(args: argparse.Namespace) -> int:
    problems: list[str] = []
    checked = 0
    for path in expand_paths(args.paths):
        report = check_pack(path)
        for warning in report.warnings:
            print(f"WARN {warning}", file=sys.stderr)
        problems.extend(report.problems)
        checked += report.loaded
        if report.loaded and not report.problems:
            print(f"ok   {path}: {report.rules} rules, every example passes")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if not checked and not problems:
        print(f"FAIL no rule pack (*.toml) in {', '.join(args.paths)}", file=sys.stderr)
        return 1
    return 1 if problems else 0
