"""``cleaner eval GOLD.jsonl...``: score each mode's bodies (and metadata) against gold pages.

For each data set: the modes' scores, F1 per page type where the pages have
types, title/author/date accuracy where they have gold metadata, with
``--cv K`` the article model's grouped cross-validation (held-out F1 against
its training folds' F1, per page type); with ``--metadata-cv K``, the metadata
rankers' (held-out title, author and date accuracy against the training folds'),
and with ``--html-cv K`` the same as ``--cv`` for HTML mode's block model.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from statistics import mean
from typing import TYPE_CHECKING, Any

from ..api import Cleaner
from ..batch.output import OutputError, output_target, replace_file
from ..document.meta.extract import finder_names
from ..evaluation.gold import GoldPage, read_gold
from ..evaluation.metadata import MetadataSummary
from ..evaluation.report import metadata_table, score_table, type_table
from ..evaluation.scoring import PageScore, Summary
from .options import add_rule_options, cleaner_options
from .plugins import Commands

if TYPE_CHECKING:
    from ..evaluation.run import ModeResult
    from ..training.crossval import CrossValidation

DEFAULT_MODES = "raw,text,html,html-old,trafilatura"


def add_command(commands: Commands) -> None:
    evaluation = commands.add_parser("eval", help="score bodies and metadata against gold JSONL files (shingle F1)")
    evaluation.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="records with id, url, noisy_text, gold_text")
    evaluation.add_argument("--html-dir", metavar="DIR", help="where <id>.html.gz live (default: html/ beside GOLD)")
    evaluation.add_argument("--modes", default=DEFAULT_MODES, help=f"comma-separated (default {DEFAULT_MODES})")
    evaluation.add_argument("--cv", type=int, default=0, metavar="K", help="also K-fold cross-validate the article "
                            "model, folds grouped by domain (needs the train extra)")  # fmt: skip
    evaluation.add_argument("--metadata-cv", type=int, default=0, metavar="K", help="also K-fold cross-validate "
                            "the metadata rankers, folds grouped by domain (needs the train extra)")  # fmt: skip
    evaluation.add_argument("--html-cv", type=int, default=0, metavar="K", help="also K-fold cross-validate "
                            "HTML mode's block model, folds grouped by domain (needs the train extra)")  # fmt: skip
    evaluation.add_argument("--cache", metavar="DIR", help="with --html-cv: keep trafilatura's extractions in DIR")
    evaluation.add_argument("--limit", type=int, default=0, metavar="N", help="only the first N pages of each file")
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
    from ..evaluation.modes import modes  # trafilatura: imported by this command only, not by every CLI start
    from ..evaluation.run import evaluate

    cleaner = cleaner_options(args).build()
    available = modes(cleaner)
    chosen = [name.strip() for name in args.modes.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"cleaner eval: unknown mode {', '.join(unknown)} (choose from {', '.join(available)})", file=sys.stderr)
        return 2
    report = []
    for path in args.gold:
        pages = list(read_gold(path, args.html_dir))
        if args.limit:
            pages = pages[: args.limit]
        with_metadata = any(page.meta for page in pages)
        results = {name: evaluate(available[name], pages, with_metadata=with_metadata) for name in chosen}
        print(f"\n{path} ({len(pages)} pages)\n")
        entry = _print_dataset(results, pages, args.worst)
        if args.cv:
            entry["cv"] = _cross_validation(cleaner, pages, args.cv)
        if args.metadata_cv:
            entry["metadata_cv"] = _metadata_cross_validation(cleaner, pages, args.metadata_cv)
        if args.html_cv:
            entry["html_cv"] = _html_cross_validation(cleaner, pages, args.html_cv, args.cache)
        report.append({"data": str(path), **entry})
    if scores is not None:
        replace_file(scores, json.dumps(report, indent=2) + "\n")
    return 0


def _print_dataset(results: dict[str, ModeResult], pages: list[GoldPage], worst: int) -> dict[str, Any]:
    from ..evaluation.run import by_type

    print(score_table(result.summary for result in results.values()))
    entry: dict[str, Any] = {"modes": []}
    types = {name: by_type(_scores(result.summary), pages) for name, result in results.items()}
    if any(types.values()):
        print("\nF1 by page type\n")
        print(type_table({results[name].summary.name: found for name, found in types.items()}))
    metadata = [(result.summary.name, summary) for result in results.values() if (summary := result.metadata_summary())]
    if metadata:
        print("\nmetadata (shares of the pages whose gold has the field)\n")
        print(metadata_table(metadata))
    for name, result in results.items():
        summary = result.metadata_summary()
        entry["modes"].append(
            {
                **result.summary.as_dict(),
                "by_type": {group: found.as_dict() for group, found in types[name].items()},
                "metadata": None if summary is None else asdict(summary),
            }
        )
        if worst:
            _print_worst(result.summary, pages, worst)
    return entry


def _cross_validation(cleaner: Cleaner, pages: list[GoldPage], folds: int) -> dict[str, Any]:
    try:
        from ..training.crossval import cross_validate
        from ..training.pages import prepare
    except ImportError as error:
        raise OSError(f"--cv needs {error.name}: pip install 'boilerplate-cleaner[train]'") from None
    print(f"\narticle model, {folds}-fold cross-validation grouped by domain (text mode)\n")
    found = cross_validate(cleaner, prepare(cleaner, pages), folds, progress=lambda line: print(f"  {line}"))
    return _print_cv(found, pages)


def _html_cross_validation(cleaner: Cleaner, pages: list[GoldPage], folds: int, cache: str | None) -> dict[str, Any]:
    try:
        from ..training.html_crossval import cross_validate_html
        from ..training.html_pages import prepare_html
    except ImportError as error:
        raise OSError(f"--html-cv needs {error.name}: pip install 'boilerplate-cleaner[train]'") from None
    print(f"\nHTML block model, {folds}-fold cross-validation grouped by domain (HTML mode)\n")
    prepared = prepare_html(pages, cache, progress=lambda line: print(f"  {line}"))
    found = cross_validate_html(cleaner, prepared, folds, progress=lambda line: print(f"  {line}"))
    return _print_cv(found, [page.gold for page in prepared])


def _print_cv(found: CrossValidation, pages: list[GoldPage]) -> dict[str, Any]:
    """Held-out F1 against the training folds' F1, per page type and over all pages."""
    held = _groups(found.held_out, pages)
    folds_f1 = [{group: summary.f1 for group, summary in _groups(fold, pages).items()} for fold in found.train_folds]
    train = {group: mean(fold[group] for fold in folds_f1 if group in fold) for group in held if folds_f1}
    print()
    header = f"{'page type':<14} {'pages':>5} {'held-out F1':>12} {'train folds':>12} {'gap':>7}"
    print(header + "\n" + "-" * len(header))
    for group, summary in held.items():
        seen = train.get(group, float("nan"))
        print(f"{group:<14} {len(summary.pages):>5} {summary.f1:>12.3f} {seen:>12.3f} {seen - summary.f1:>7.3f}")
    return {
        group: {"held_out": summary.as_dict(), "train_folds_f1": train.get(group)} for group, summary in held.items()
    }


def _metadata_cross_validation(cleaner: Cleaner, pages: list[GoldPage], folds: int) -> dict[str, Any]:
    try:
        from ..training import metadata
    except ImportError as error:
        raise OSError(f"--metadata-cv needs {error.name}: pip install 'boilerplate-cleaner[train]'") from None
    print(f"\nmetadata rankers, {folds}-fold cross-validation grouped by domain (text mode)\n")
    samples = metadata.prepare(cleaner, [page for page in pages if page.meta])
    names = finder_names(cleaner.article_model)
    found = metadata.cross_validate(samples, names, folds, lambda line: print(f"  {line}"))
    types = {page.id: page.page_type for page in pages}
    rows = [("held-out, all", MetadataSummary.of(found.held_out.values()))]
    rows += [(f"train fold {k}", MetadataSummary.of(fold.values())) for k, fold in enumerate(found.train_folds, 1)]
    for group in sorted({types[name] for name in found.held_out} - {""}):
        outcomes = [outcome for name, outcome in found.held_out.items() if types[name] == group]
        rows.append((f"held-out, {group}", MetadataSummary.of(outcomes)))
    print()
    print(metadata_table(rows))
    return {name: asdict(summary) for name, summary in rows}


def _groups(scores: dict[str, PageScore], pages: list[GoldPage]) -> dict[str, Summary]:
    """Summaries per page type and over all the scored pages."""
    from ..evaluation.run import by_type

    groups = by_type(scores, pages)
    groups["all"] = Summary("all", list(scores.values()))
    return groups


def _print_worst(summary: Summary, pages: list[GoldPage], count: int) -> None:
    print(f"\nworst pages, {summary.name}:")
    urls = {page.id: page.url for page in pages}
    for page in sorted(summary.pages, key=lambda page: page.f1)[:count]:
        print(f"  F1 {page.f1:.3f}  P {page.precision or 0:.3f}  R {page.recall or 0:.3f}  {urls[page.id]}")


def _scores(summary: Summary) -> dict[str, PageScore]:
    return {page.id: page for page in summary.pages}
