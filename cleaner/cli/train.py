"""``cleaner train GOLD.jsonl``: train the article model on gold pages and write its file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..evaluation.gold import read_gold
from .options import add_rule_options, cleaner_options
from .plugins import Commands

DEFAULT_OUT = "article_model.json"


def add_command(commands: Commands) -> None:
    train = commands.add_parser(
        "train",
        help="train the article model on gold pages (needs the train extra)",
        description="Train the article model on JSONL gold pages (id, url, domain, noisy_text, gold_text) and "
        "write the model file. The same data and options give the same bytes. To update the shipped model: "
        "cleaner train ../shared/train/wcxb-dev.jsonl --out cleaner/data/article_model.json, then review the diff.",
    )
    train.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="training pages")
    train.add_argument(
        "--out", default=DEFAULT_OUT, metavar="FILE", help=f"model file to write (default {DEFAULT_OUT})"
    )
    add_rule_options(train)
    train.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..training.fit import dump, fit
        from ..training.pages import prepare
    except ImportError as error:
        print(f"cleaner train: {error.name} is missing: pip install 'boilerplate-cleaner[train]'", file=sys.stderr)
        return 2
    cleaner = cleaner_options(args).build()
    pages = prepare(cleaner, [page for path in args.gold for page in read_gold(path)])
    model = fit(pages)
    text = dump(model)
    Path(args.out).write_text(text, encoding="utf-8")
    trees = len(model.stage2.trees)
    print(f"{args.out}: {len(text):,} bytes, {len(model.features)} features, {trees} trees, {len(pages)} pages")
    return 0
