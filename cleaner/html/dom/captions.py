"""Captions: blocks inside a ``<figure>``, a ``<figcaption>`` or a caption-named element that trafilatura left out.

They leave the body for the page's captions even where the model keeps them:
the product's captions are metadata (measured: +0.004 F1 on the dev news pages,
-0.001 on WCXB held out, whose gold bodies sometimes hold them).
"""

from __future__ import annotations

from collections.abc import Sequence

from .features import FEATURES
from .structure import MAX_DISTANCE

_INSIDE = [FEATURES.index(name) for name in ("anc_figure", "anc_figcaption", "cls_caption")]
_OWNER = FEATURES.index("owner_figcaption")
_HELD = FEATURES.index("tdefault_label")


def is_caption(row: Sequence[float]) -> bool:
    """Whether a block (its ``FEATURES`` row) is a caption trafilatura's default extraction does not hold."""
    inside = row[_OWNER] > 0 or any(row[j] < MAX_DISTANCE for j in _INSIDE)
    return inside and not row[_HELD]
