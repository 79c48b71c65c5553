"""HTML training pages: each gold page's DOM blocks, feature rows and labels (which blocks the gold body holds).

trafilatura's extractions are the slow part (three per page); with a cache
folder they are kept in ``extractions.jsonl`` there, keyed by page id and the
HTML's SHA-256 and trafilatura's version, so a second run reads them back.
Pages are sorted by id, so the same data gives the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..evaluation.gold import GoldPage, read_html
from ..html.dom.alignment import align, shingles, tokens
from ..html.dom.features import FEATURES
from ..html.dom.structure import hidden_blocks
from ..html.extract import Extraction, PageHints, trafilatura_extraction
from ..html.mode import PreparedPage, prepare

CACHE_FILE = "extractions.jsonl"
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class HtmlTrainingPage:
    """A gold page as HTML mode reads it; its feature rows kept as a float32 matrix (lists would not fit memory)."""

    gold: GoldPage
    page: PreparedPage
    matrix: NDArray[np.float32]
    labels: list[int]

    def prepared(self) -> PreparedPage:
        """The page with its feature rows, as HTML mode decides it."""
        return replace(self.page, rows=self.matrix.tolist())


class ExtractionCache:
    """trafilatura's extractions by page, in a JSONL file (or nowhere without a folder)."""

    def __init__(self, folder: str | Path | None) -> None:
        import trafilatura

        self.version = trafilatura.__version__
        self.path = Path(folder) / CACHE_FILE if folder else None
        self.found: dict[str, dict[str, Any]] = {}
        if self.path is not None and self.path.exists():
            with open(self.path, encoding="utf-8") as stream:
                for line in stream:
                    record = json.loads(line)
                    self.found[record["key"]] = record

    def extraction(self, page_id: str, html: str, url: str | None) -> Extraction:
        digest = hashlib.sha256(html.encode("utf-8", "replace")).hexdigest()
        key = f"{page_id}:{digest}:{self.version}"
        record = self.found.get(key)
        if record is not None:
            return Extraction(record["text"], PageHints(**record["hints"]), record["variants"])
        extraction = trafilatura_extraction(html, url)
        if self.path is not None:
            record = {"key": key, "text": extraction.text, "hints": asdict(extraction.hints)}
            record["variants"] = extraction.variants
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        return extraction


def prepare_html(
    pages: Iterable[GoldPage], cache: str | Path | None = None, progress: Progress = lambda _: None
) -> list[HtmlTrainingPage]:
    """The gold pages with HTML, read as HTML mode reads them and labelled from their gold bodies."""
    extractions = ExtractionCache(cache)
    prepared = []
    for number, gold in enumerate(sorted((page for page in pages if page.html_path), key=lambda page: page.id)):
        html = read_html(gold)
        url = gold.url or None
        page = prepare(html, url, extractions.extraction(gold.id, html, url))
        matrix = np.asarray(page.rows, dtype=np.float32).reshape(-1, len(FEATURES))
        prepared.append(HtmlTrainingPage(gold, replace(page, rows=[]), matrix, _labels(page, gold.gold_text)))
        if number % 200 == 199:
            progress(f"{number + 1} pages read")
    return prepared


def _labels(page: PreparedPage, gold: str) -> list[int]:
    words = [tokens(block.text) for block in page.dom.blocks]
    return align(words, [shingles(block) for block in words], gold, hidden_blocks(page.dom)).held
