"""A cleaned body's MinHash signature over its word 3-shingles (rensa), and its LSH band keys."""

from __future__ import annotations

import hashlib
import re
from array import array
from typing import TypeAlias

from rensa import RMinHash

from .options import NUM_PERM, SHINGLE_WORDS

SEED = 15
_WORD = re.compile(r"\w+")
Signature: TypeAlias = "array[int]"  # unsigned 32-bit minimum hash values, NUM_PERM of them


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
    return array("I", minhash.digest())


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minimum agrees."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def band_keys(values: Signature, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band (its index and values hashed), equal for equal bands in any process."""
    keys = []
    for band in range(bands):
        chunk = values[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, salt=band.to_bytes(8, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys
