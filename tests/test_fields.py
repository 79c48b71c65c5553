"""Field mapping, pass-through, the fields written, and filters (``cleaner batch`` options)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, records: list[dict[str, object]], *options: str
) -> list[dict[str, object]]:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(output), "--no-progress", "--allow-errors", *options]) == 0
    capsys.readouterr()
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def seed(n: int = 0) -> str:
    return SEEDS[n].read_text(encoding="utf-8")


def test_c4_style_records_map_their_fields_and_keep_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = [
        {"content": seed(0), "link": "https://www.independent.co.uk/news/a.html", "timestamp": "2019-04-25T12:00:00Z"},
        {"content": seed(1), "meta": {"lang": "en", "n": 3}, "metadata": "theirs", "stats": [1]},
    ]
    out = run(capsys, tmp_path, records, "--text-field", "content", "--url-field", "link")
    assert [record["id"] for record in out] == ["1", "2"]  # no id: the line number
    assert list(out[0]) == ["id", "body", "metadata", "removed", "stats", "timestamp"]
    assert out[0]["timestamp"] == "2019-04-25T12:00:00Z"
    assert out[1]["meta"] == {"lang": "en", "n": 3}
    assert out[1]["input_metadata"] == "theirs" and out[1]["input_stats"] == [1]  # never over the cleaner's own
    assert out[0]["metadata"]["publisher"] == "The Independent"  # the mapped url was read
    dropped = run(capsys, tmp_path, records, "--text-field", "content", "--url-field", "link", "--drop-unknown")
    assert list(dropped[1]) == ["id", "body", "metadata", "removed", "stats"]


def test_mapped_field_errors_name_the_input_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run(capsys, tmp_path, [{"doc_id": "a", "content": 5}], "--text-field", "content", "--id-field", "doc_id")
    assert out == [
        {
            "id": "a",
            "error": {"code": "INVALID_ARGUMENT", "message": "line 1: field 'content': Input should be a valid string"},
        }
    ]


def test_fields_chooses_what_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = [{"id": path.stem, "text": path.read_text(encoding="utf-8")} for path in SEEDS]
    full = run(capsys, tmp_path, records)
    slim = run(capsys, tmp_path, records, "--fields", "body,metadata")
    assert [list(record) for record in slim] == [["id", "body", "metadata"]] * len(records)
    assert [(r["body"], r["metadata"]) for r in slim] == [(r["body"], r["metadata"]) for r in full]
    assert len(json.dumps(slim)) < len(json.dumps(full)) / 1.3
    with pytest.raises(SystemExit, match="2"):
        main(["batch", "-", "-o", "-", "--fields", "body,words"])
    assert "--fields takes some of body, metadata, removed, stats" in capsys.readouterr().err


def test_filters_keep_one_line_per_record_unless_told_to_drop(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    german = "Die Regierung hat am Montag neue Regeln für den Verkehr in der Stadt beschlossen, sagte der Sprecher."
    records = [
        {"id": "en", "text": seed(0)},
        {"id": "de", "text": f"{german}\n{german} Das ist wichtig."},
        {
            "id": "short",
            "text": "The council said on Monday that the new rules for traffic in the city centre would come into force next year, after a long consultation with residents.",
        },
    ]
    out = run(capsys, tmp_path, records, "--language", "en", "--min-words", "50")
    assert [record["id"] for record in out] == ["en", "de", "short"]
    assert "body" in out[0]
    assert out[1] == {"id": "de", "filtered": {"filter": "language", "message": "language 'de' is not one of en"}}
    assert out[2]["filtered"]["filter"] == "min_words"
    source = tmp_path / "in.jsonl"
    assert (
        main(
            [
                "batch",
                str(source),
                "-o",
                str(tmp_path / "kept.jsonl"),
                "--language",
                "en",
                "--min-words",
                "50",
                "--drop-filtered",
            ]
        )
        == 0
    )
    assert "3 records: 1 cleaned, 2 filtered, 0 errors" in capsys.readouterr().err
    assert [json.loads(line)["id"] for line in (tmp_path / "kept.jsonl").read_text(encoding="utf-8").splitlines()] == [
        "en"
    ]
