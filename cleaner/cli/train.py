"""``cleaner train GOLD.jsonl``: train the article model (or, with ``--metadata``, the metadata rankers; with
``--html``, HTML mode's block model) on gold pages and write its file."""

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
DEFAULT_HTML_OUT = "html_model.json"


def add_command(commands: Commands) -> None:
    train = commands.add_parser(
        "train",
        help="train the article model on gold pages (needs the train extra)",
        description="Train the article model on JSONL gold pages (id, url, domain, noisy_text, gold_text) and "
        "write the model file. The same data and options give the same bytes. To update the shipped model: "
        "cleaner train ../shared/train/wcxb-dev.jsonl --out cleaner/data/article_model.json, then review the diff. "
        "With --metadata: the title, authors and date rankers of plain text instead (pages need gold_meta), on top "
        "of the shipped article model: cleaner train --metadata ../shared/train/wcxb-dev.jsonl "
        "--out cleaner/data/metadata_model.json. "
        "With --html, train HTML mode's DOM block model on the pages' HTML (html/<id>.html.gz beside GOLD): "
        "cleaner train --html ../shared/train/wcxb-dev.jsonl --out cleaner/data/html_model.json.",
    )
    train.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="training pages")
    defaults = f"default {DEFAULT_OUT}, {DEFAULT_METADATA_OUT} with --metadata, {DEFAULT_HTML_OUT} with --html"
    train.add_argument("--out", metavar="FILE", help=f"model file to write ({defaults})")
    kind = train.add_mutually_exclusive_group()
    kind.add_argument(
        "--metadata", action="store_true", help="train the metadata rankers (title, authors, date) instead"
    )
    kind.add_argument("--html", action="store_true", help="train HTML mode's block model instead")
    train.add_argument("--cache", metavar="DIR", help="with --html: keep trafilatura's extractions in DIR")
    add_rule_options(train)
    train.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    if args.metadata:
        return _run_metadata(args)
    try:
        if args.html:
            return _train_html(args)
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


def _train_html(args: argparse.Namespace) -> int:
    from ..training.html_fit import dump_html, fit_html
    from ..training.html_pages import prepare_html

    out = args.out or DEFAULT_HTML_OUT
    gold = [page for path in args.gold for page in read_gold(path)]
    pages = prepare_html(gold, args.cache, progress=lambda line: print(f"  {line}", file=sys.stderr))
    model = fit_html(pages)
    text = dump_html(model)
    Path(out).write_text(text, encoding="utf-8")
    trees = len(model.trees.trees)
    print(f"{out}: {len(text):,} bytes, {len(model.features)} features, {trees} trees, {model.training['pages']} pages")
    return 0
