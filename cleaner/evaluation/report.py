"""The tables ``cleaner eval`` prints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .metadata import MetadataSummary
from .scoring import Summary


def score_table(summaries: Iterable[Summary], first: str = "mode") -> str:
    header = f"{first:<22} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'page F1':>8} {'F1>0.9':>7}"
    rows = [header, "-" * len(header)]
    for s in summaries:
        rows.append(
            f"{s.name:<22} {len(s.pages):>5} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} "
            f"{s.mean_page_f1:>8.3f} {s.good_share:>7.1%}"
        )
    return "\n".join(rows)


def type_table(columns: Mapping[str, Mapping[str, Summary]]) -> str:
    """F1 per page type (rows) and column (modes, or held-out / train folds)."""
    types = list(dict.fromkeys(group for column in columns.values() for group in column))
    header = f"{'page type':<14} {'pages':>5} " + " ".join(f"{name:>18}" for name in columns)
    rows = [header, "-" * len(header)]
    for group in types:
        sizes = [len(column[group].pages) for column in columns.values() if group in column]
        cells = [f"{column[group].f1:>18.3f}" if group in column else f"{'':>18}" for column in columns.values()]
        rows.append(f"{group:<14} {max(sizes):>5} " + " ".join(cells))
    return "\n".join(rows)


def metadata_table(summaries: Sequence[tuple[str, MetadataSummary]]) -> str:
    header = (
        f"{'mode':<22} {'titles':>6} {'exact':>6} {'loose':>6} {'authors':>7} {'overlap':>7} {'prec.':>6} "
        f"{'dates':>6} {'right':>6} {'wrong':>6}"
    )
    rows = [header, "-" * len(header)]
    for name, m in summaries:
        rows.append(
            f"{name:<22} {m.title_pages:>6} {m.title_exact:>6.1%} {m.title_loose:>6.1%} {m.author_pages:>7} "
            f"{m.author_overlap:>7.1%} {m.author_precision:>6.1%} {m.date_pages:>6} {m.date_right:>6.1%} "
            f"{m.date_wrong:>6.1%}"
        )
    return "\n".join(rows)
