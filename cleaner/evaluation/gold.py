"""Gold pages: JSONL records with the page's noisy text, its gold body and the page HTML beside them."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class GoldPage:
    """A page with its naive full-page text, its gold body and, where the data set has them, more labels."""

    id: str
    url: str
    noisy_text: str
    gold_text: str
    html_path: Path | None
    domain: str = ""
    page_type: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    """Gold metadata where the data set gives it: ``title``, ``authors`` (a list), ``date``."""


def read_gold(path: str | Path, html_dir: str | Path | None = None) -> Iterator[GoldPage]:
    """Pages of a gold JSONL file; HTML is looked up as ``<html_dir>/<id>.html.gz``."""
    folder = Path(html_dir) if html_dir else Path(path).parent / "html"
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                data = json.loads(line)
                html = folder / f"{data['id']}.html.gz"
                html_path = html if html.exists() else None
                yield GoldPage(
                    data["id"],
                    data.get("url", ""),
                    data["noisy_text"],
                    data["gold_text"],
                    html_path,
                    domain=data.get("domain") or _host(data.get("url", "")),
                    page_type=data.get("page_type", ""),
                    meta=data.get("gold_meta") or {},
                )


def read_html(page: GoldPage) -> str:
    if page.html_path is None:
        raise FileNotFoundError(f"no HTML for page {page.id}")
    return gzip.decompress(page.html_path.read_bytes()).decode("utf-8", errors="replace")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
