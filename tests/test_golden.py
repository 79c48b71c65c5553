"""Golden files: the expected body and record of every seed and test article.

Regenerate with ``pytest tests/test_golden.py --update-golden`` and review the
diff by eye: the golden files are the specification.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
INPUTS = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "articles").glob("*.txt"))


@pytest.mark.parametrize("path", INPUTS, ids=[path.stem for path in INPUTS])
def test_matches_golden(path: Path, cleaner: Cleaner, update_golden: bool) -> None:
    record = cleaner.clean(path.read_text(encoding="utf-8"), id=path.stem).to_dict()
    body = record.pop("body") + "\n"
    rest = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    body_file, record_file = GOLDEN / f"{path.stem}.body.txt", GOLDEN / f"{path.stem}.json"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        body_file.write_text(body, encoding="utf-8")
        record_file.write_text(rest, encoding="utf-8")
    assert body == body_file.read_text(encoding="utf-8")
    assert rest == record_file.read_text(encoding="utf-8")


def test_every_input_has_golden_files() -> None:
    expected = {f"{path.stem}{suffix}" for path in INPUTS for suffix in (".body.txt", ".json")}
    present = {path.name for path in GOLDEN.iterdir() if path.suffix in (".txt", ".json")}
    assert expected == present
