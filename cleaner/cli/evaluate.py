"""``cleaner eval GOLD.jsonl``: score each mode's bodies against gold bodies."""

from __future__ import annotations

import argparse
import json
import sys

from ..batch.output import OutputError, output_target, replace_file
from ..evaluation.gold import read_gold
from ..evaluation.modes import extractors
from ..evaluation.scoring import evaluate, format_table
from .options import add_rule_options, cleaner_options
from .plugins import Commands


def add_command(commands: Commands) -> None:
    evaluation = commands.add_parser("eval", help="score bodies against a gold JSONL file (shingle F1)")
    evaluation.add_argument("gold", metavar="GOLD.jsonl", help="records with id, url, noisy_text, gold_text")
    evaluation.add_argument("--html-dir", metavar="DIR", help="where <id>.html.gz live (default: html/ beside GOLD)")
    evaluation.add_argument(
        "--modes", default="raw,text,html,trafilatura", help="comma-separated: raw, text, html, trafilatura"
    )
    evaluation.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    evaluation.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst pages of each mode")
    add_rule_options(evaluation)
    evaluation.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    try:  # before the minutes of scoring: a directory or a missing folder is refused now
        scores = output_target(args.json) if args.json else None
    except OutputError as error:
        print(f"cleaner eval: --json: {error}", file=sys.stderr)
        return 2
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    available = extractors(cleaner_options(args).build())
    unknown = [mode for mode in modes if mode not in available]
    if unknown:
        print(f"cleaner eval: unknown mode {', '.join(unknown)} (choose from {', '.join(available)})", file=sys.stderr)
        return 2
    pages = list(read_gold(args.gold, args.html_dir))
    summaries = [evaluate(available[mode][0], pages, available[mode][1]) for mode in modes]
    print(format_table(summaries))
    for summary in summaries if args.worst else []:
        print(f"\nworst pages, {summary.name}:")
        urls = {page.id: page.url for page in pages}
        for page in sorted(summary.pages, key=lambda page: page.f1)[: args.worst]:
            print(f"  F1 {page.f1:.3f}  P {page.precision or 0:.3f}  R {page.recall or 0:.3f}  {urls[page.id]}")
    if scores is not None:
        replace_file(scores, json.dumps([s.as_dict() for s in summaries], indent=2) + "\n")
    return 0
