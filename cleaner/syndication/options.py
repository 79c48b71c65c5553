"""The two levels of syndication and their thresholds; the defaults are measured by ``bench/syndication.py``."""

from __future__ import annotations

from dataclasses import dataclass

NUM_PERM = 128
SHINGLE_WORDS = 3
COPY_THRESHOLD = 0.5
STORY_THRESHOLD = 0.03
MAX_RECORDS = 20_000
BUCKET_SIZE = 32
"""Records one band key holds: the first that many (a key shared by more is a common shingle, no evidence)."""


@dataclass(frozen=True, slots=True)
class Level:
    """One level: its name, the estimated Jaccard a match needs, and its LSH banding (bands × rows ≤ permutations).

    A candidate must share ``votes`` band keys: two where a band is one row, so that
    one common shingle hashed low is not enough.
    """

    name: str
    threshold: float
    bands: int
    rows: int

    @property
    def votes(self) -> int:
        return 2 if self.rows == 1 else 1


def banding(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) whose S-curve midpoint ``(1/bands) ** (1/rows)`` is nearest to ``threshold``."""
    choices = [(num_perm // rows, rows) for rows in range(1, num_perm + 1)]
    return min(choices, key=lambda choice: abs((1 / choice[0]) ** (1 / choice[1]) - threshold))


@dataclass(frozen=True, slots=True)
class SyndicationOptions:
    """Thresholds of the two levels (estimated Jaccard of word 3-shingles) and how many records the index keeps."""

    copy_threshold: float = COPY_THRESHOLD
    story_threshold: float = STORY_THRESHOLD
    max_records: int = MAX_RECORDS

    def __post_init__(self) -> None:
        for name in ("copy_threshold", "story_threshold"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1]")
        if self.max_records < 1:
            raise ValueError("max_records must be at least 1")

    def levels(self) -> tuple[Level, Level]:
        """The copy level, then the story level."""
        return (
            Level("copy", self.copy_threshold, *banding(self.copy_threshold)),
            Level("story", self.story_threshold, *banding(self.story_threshold)),
        )
