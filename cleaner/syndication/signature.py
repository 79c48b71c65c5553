"""A cleaned body's MinHash signature over its word 3-shingles (rensa), and its LSH band keys."""

from __future__ import annotations

import re
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from rensa import RMinHash

from .options import NUM_PERM, SHINGLE_WORDS

SEED = 15
_WORD = re.compile(r"\w+")
Signature: TypeAlias = npt.NDArray[np.uint32]  # NUM_PERM minimum hash values
_MIX = np.random.default_rng(SEED).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
"""Odd 64-bit multipliers that fold a band's values into one key (a bucket address; equal bands, equal keys)."""


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The body's runs of ``size`` words, lower-cased (a shorter body: its words as one shingle; none: empty)."""
    words = _WORD.findall(body.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[start : start + size]) for start in range(len(words) - size + 1)}


def signature(body: str) -> Signature | None:
    """The MinHash signature of the body's shingles; None for a body without words."""
    found = shingles(body)
    if not found:
        return None
    minhash = RMinHash(NUM_PERM, SEED)
    minhash.update(list(found))
    return np.array(minhash.digest(), dtype=np.uint32)


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minimum agrees."""
    return int(np.count_nonzero(first == second)) / len(first)


def band_keys(values: Signature, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band, the same in any process: a one-row band is its index and value as they are."""
    matrix = values[: bands * rows].astype(np.uint64).reshape(bands, rows)
    index = np.arange(bands, dtype=np.uint64)
    if rows == 1:
        keys = (index << np.uint64(32)) | matrix[:, 0]
    else:
        keys = (matrix * _MIX[: bands * rows].reshape(bands, rows)).sum(axis=1, dtype=np.uint64) ^ index
    return keys.view(np.int64).tolist()  # type: ignore[no-any-return]
