from collections.abc import Callable, Sequence
from typing import final

Arrays = tuple[Sequence[int], Sequence[float], Sequence[int], Sequence[int], Sequence[float], Sequence[float]]

@final
class Forest:
    def __init__(
        self,
        base: float,
        trees: Sequence[Arrays],
    ) -> None: ...
    def scores(self, rows: Sequence[Sequence[float]], contexts: Sequence[Sequence[float]]) -> list[float]: ...
    def contributions(self, row: Sequence[float]) -> list[float]: ...
    def lowest(self, row: Sequence[float]) -> int: ...

def block_features(
    texts: list[str],
    tokens: list[list[str]],
    rule: list[str],
    classes: list[str],
    in_run: list[bool],
    candidates: list[int],
    stop: frozenset[str] | set[str],
    slug: frozenset[str] | set[str],
    english: bool,
    groups: dict[str, str],
) -> list[tuple[float, ...]]: ...
def context_features(q: Sequence[float], words: Sequence[int]) -> list[tuple[float, ...]]: ...
def linear(rows: Sequence[Sequence[float]], weights: Sequence[float], bias: float) -> list[float]: ...
def title_blocks(
    searched: list[int],
    count: int,
    start: int,
    run_start: int,
    first_prose: int,
    first_long: int,
    anchors: tuple[int, ...],
    top: int,
    headline_rank: dict[int, int],
    rules: list[str],
    classes: list[str],
    texts: list[str],
    tokens: list[list[str]],
    keep: list[bool],
    rows: dict[int, tuple[tuple[float, ...], tuple[float, ...]]],
    dated: list[int],
    bylined: list[int],
    prose: list[int],
    short: list[int],
    low: int,
) -> list[list[float]]: ...
def title_text(
    text: str,
    words: list[str],
    segment: int,
    segments: int,
    stop: frozenset[str],
    slug: frozenset[str],
    lede: set[str],
    body: set[str],
    label_words: frozenset[str],
    looks_like_name: Callable[[str], bool],
    breadcrumb: Callable[[str], list[str]],
) -> list[float]: ...
def viterbi(
    probabilities: Sequence[float],
    t00: float,
    t01: float,
    t10: float,
    t11: float,
    start0: float,
    start1: float,
    prior0: float,
    prior1: float,
    epsilon: float,
) -> list[int]: ...
