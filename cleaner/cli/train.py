"""``cleaner train GOLD.jsonl``: train the article model (or, with ``--metadata``, the metadata rankers) on gold
pages and write its file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..document.meta.extract import finder_names
from ..evaluation.gold import read_gold
from .options import add_rule_options, cleaner_options
from .plugins import Commands

DEFAULT_OUT = "article_model.json"
DEFAULT_METADATA_OUT = "metadata_model.json"


def add_command(commands: Commands) -> None:
    train = commands.add_parser(
        "train",
        help="train the article model on gold pages (needs the train extra)",
        description="Train the article model on JSONL gold pages (id, url, domain, noisy_text, gold_text) and "
        "write the model file. The same data and options give the same bytes. To update the shipped model: "
        "cleaner train ../shared/train/wcxb-dev.jsonl --out cleaner/data/article_model.json, then review the diff. "
        "With --metadata: the title, authors and date rankers of plain text instead (pages need gold_meta), on top "
        "of the shipped article model: cleaner train --metadata ../shared/train/wcxb-dev.jsonl "
        "--out cleaner/data/metadata_model.json.",
    )
    train.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="training pages")
    defaults = f"default {DEFAULT_OUT}, {DEFAULT_METADATA_OUT} with --metadata"
    train.add_argument("--out", metavar="FILE", help=f"model file to write ({defaults})")
    train.add_argument(
        "--metadata", action="store_true", help="train the metadata rankers (title, authors, date) instead"
    )
    add_rule_options(train)
    train.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    if args.metadata:
        return _run_metadata(args)
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
    out = args.out or DEFAULT_OUT
    Path(out).write_text(text, encoding="utf-8")
    trees = len(model.stage2.trees)
    print(f"{out}: {len(text):,} bytes, {len(model.features)} features, {trees} trees, {len(pages)} pages")
    return 0


def _run_metadata(args: argparse.Namespace) -> int:
    try:
        from ..training import metadata
    except ImportError as error:
        print(f"cleaner train: {error.name} is missing: pip install 'boilerplate-cleaner[train]'", file=sys.stderr)
        return 2
    cleaner = cleaner_options(args).build()
    samples = metadata.prepare(cleaner, [page for path in args.gold for page in read_gold(path) if page.meta])
    model = metadata.fit(samples, finder_names(cleaner.article_model))
    text = metadata.dump(model)
    out = args.out or DEFAULT_METADATA_OUT
    Path(out).write_text(text, encoding="utf-8")
    print(f"{out}: {len(text):,} bytes, {len(model.title.features)} title features, {len(samples)} pages")
    return 0
