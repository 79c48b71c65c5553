"""Boosted trees from the model file: evaluated as compiled expressions, explained by path contributions.

A tree is parallel arrays: ``f`` the feature of each node (-1 at a leaf), ``t``
its threshold (a row goes left when ``x[f] <= t``), ``l``/``r`` the children,
``v`` the leaf values, ``n`` every node's (rounded) value for explanations. The
ensemble's raw score is ``base`` plus the leaf each tree reaches. Each tree is
compiled once into one nested conditional expression that evaluates only the
path taken; the source is made of the file's numbers only (each converted by
``float``/``int``), never of its text. Where the C extension is built
(``cleaner.native``), ``Trees`` hands the arrays to it once and it computes both,
bit for bit the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, model_validator

from ... import native

Score = Callable[[Sequence[float]], float]
Row = tuple[float, ...]


class Tree(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    f: list[int]
    t: list[float]
    l: list[int]  # noqa: E741 - the arrays' names in the model file
    r: list[int]
    v: list[float]
    n: list[float]

    @model_validator(mode="after")
    def _well_formed(self) -> Tree:
        size = len(self.f)
        if not size or any(len(array) != size for array in (self.t, self.l, self.r, self.v, self.n)):
            raise ValueError("a tree's arrays must all have one entry per node")
        for node, feature in enumerate(self.f):
            if feature >= 0 and not (node < self.l[node] < size and node < self.r[node] < size):
                raise ValueError(f"node {node} has a child out of order")
        return self


class Ensemble(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base: float
    trees: list[Tree]

    def compile(self) -> Score:
        """A function of a feature row giving the raw score."""
        terms = "".join(f" + {_expression(tree, 0)}" for tree in self.trees)
        namespace: dict[str, Score] = {}
        exec(f"def score(x):\n    return {float(self.base)!r}{terms}\n", namespace)  # noqa: S102 - numbers only
        return namespace["score"]

    def contributions(self, row: Sequence[float]) -> list[float]:
        """Each feature's share of the raw score for ``row``: along each path, child value minus node value."""
        found = [0.0] * len(row)
        for tree in self.trees:
            node = 0
            while tree.f[node] >= 0:
                child = tree.l[node] if row[tree.f[node]] <= tree.t[node] else tree.r[node]
                found[tree.f[node]] += tree.n[child] - tree.n[node]
                node = child
        return found


class Trees:
    """A loaded ensemble: scores and contributions by the C extension where it is on, else in Python."""

    def __init__(self, ensemble: Ensemble) -> None:
        self.ensemble = ensemble
        self._score = ensemble.compile()
        built = native.built()
        arrays = [(tree.f, tree.t, tree.l, tree.r, tree.v, tree.n) for tree in ensemble.trees]
        self._forest = built.Forest(ensemble.base, arrays) if built is not None else None

    def scores(self, rows: Sequence[Row], contexts: Sequence[Row]) -> list[float]:
        """The raw score of each row followed by its context row."""
        if self._forest is not None and native.extension() is not None:
            found: list[float] = self._forest.scores(rows, contexts)
            return found
        score = self._score
        return [score(row + extra) for row, extra in zip(rows, contexts, strict=True)]

    def contributions(self, row: Sequence[float]) -> list[float]:
        """``Ensemble.contributions``."""
        if self._forest is not None and native.extension() is not None:
            shares: list[float] = self._forest.contributions(row)
            return shares
        return self.ensemble.contributions(row)

    def lowest(self, row: Sequence[float]) -> int:
        """The first feature with the most negative contribution to the score of ``row``."""
        if self._forest is not None and native.extension() is not None:
            found: int = self._forest.lowest(row)
            return found
        contributions = self.ensemble.contributions(row)
        return min(range(len(contributions)), key=contributions.__getitem__)


def _expression(tree: Tree, node: int) -> str:
    feature = tree.f[node]
    if feature < 0:
        return repr(float(tree.v[node]))
    left, right = _expression(tree, tree.l[node]), _expression(tree, tree.r[node])
    return f"({left} if x[{int(feature)}] <= {float(tree.t[node])!r} else {right})"
