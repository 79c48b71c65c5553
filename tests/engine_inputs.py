"""The JSONL input the engine tests clean: seeds, dev pages and every kind of bad line."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT / "eval" / "dev.jsonl"


def awkward_input(path: Path) -> Path:
    """Seeds, dev pages and every kind of bad line, split over several partitions."""
    lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}).encode() for p in SEEDS]
    for line in DEV.read_text(encoding="utf-8").splitlines()[:30]:
        page = json.loads(line)
        lines.append(json.dumps({"id": page["id"], "text": page["noisy_text"], "url": page["url"]}).encode())
    lines[3:3] = [
        b"{not json",
        b"\xff\xfe not UTF-8",
        b"",
        json.dumps({"id": 7, "text": "x"}).encode(),
        json.dumps({"text": "no id, so the line number is its id: " + "words " * 20}).encode(),
        json.dumps({"id": "empty", "text": ""}).encode(),
        json.dumps({"id": "both", "text": "a", "html": "<p>a</p>"}).encode(),
        json.dumps({"id": "crlf", "text": "Line ending CRLF.", "extra": [1, 2]}).encode() + b"\r",
    ]
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    return path
