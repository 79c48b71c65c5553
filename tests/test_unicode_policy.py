"""One policy for lone surrogates, on every path: replaced by U+FFFD (and counted) in text, html, url and
source; an id holding one is refused. The library, `cleaner batch` (one or two workers) and
`cleaner batch --server` give the same bytes, and nothing crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cleaner_server.app import RunningServer, start
from cleaner_server.config import ServerConfig

from cleaner import Cleaner, InvalidInputError
from cleaner.cli import main

PROSE = "The council voted on Tuesday to approve the new budget for the coming year after a long debate."
ESCAPED = "\\ud800"  # the six characters of a JSON escape for a lone surrogate

LINES = [
    '{"id": "' + ESCAPED + '", "text": "' + PROSE + '"}',
    '{"id": "x' + "\\udfff" + 'y", "text": "' + PROSE + '"}',
    '{"id": "text", "text": "' + ESCAPED + " " + PROSE + '"}',
    '{"id": "html", "html": "<html><body><p>' + PROSE + " " + ESCAPED + '</p></body></html>"}',
    '{"id": "url", "text": "' + PROSE + '", "url": "https://example.com/' + ESCAPED + '"}',
    '{"id": "source", "text": "' + PROSE + '", "source": "The ' + ESCAPED + ' Times"}',
    '{"id": "all", "text": "' + ESCAPED + PROSE + "\\udc80" + '", "url": "https://a.com/' + ESCAPED + '",'
    ' "source": "' + ESCAPED + '"}',
    '{"id": "pair \\ud83d\\ude00", "text": "' + PROSE + ' \\ud83d\\ude00"}',  # a valid pair is one character
    '{"id": "empty after all", "text": "' + ESCAPED + '"}',
]


def test_the_library_replaces_lone_surrogates_and_counts_them(cleaner: Cleaner) -> None:
    text = f"Headline\ud800\n\n{PROSE}\udc80"
    result = cleaner.clean(text, url="https://example.com/\ud800", source="The \udfff Times")
    assert result.stats.surrogates_replaced == 4
    assert result.body.endswith(f"{PROSE}\ufffd")
    assert result.input_text == text.replace("\ud800", "\ufffd").replace("\udc80", "\ufffd")
    for removal in result.removed:  # offsets still point into the input: one code point for one
        assert result.input_text[removal.start : removal.end] == removal.text
    html = cleaner.clean(html=f"<html><body><p>{PROSE}\ud800</p></body></html>")
    assert html.stats.surrogates_replaced == 1 and "\ufffd" in html.input_text
    assert cleaner.clean(PROSE).stats.surrogates_replaced == 0
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")  # representable


def test_the_library_refuses_an_id_with_a_lone_surrogate(cleaner: Cleaner) -> None:
    with pytest.raises(InvalidInputError, match="^id is not valid Unicode: lone surrogate at offset 2$"):
        cleaner.clean(PROSE, id="ab\ud800")


def expected_records() -> list[dict[str, object]]:
    return [json.loads(line) for line in LINES]


def check_records(output: bytes) -> None:
    records = [json.loads(line) for line in output.decode("utf-8").splitlines()]
    assert len(records) == len(LINES)
    assert records[0] == {
        "id": None,
        "error": {"code": "INVALID_ARGUMENT", "message": "line 1: id is not valid Unicode: lone surrogate at offset 0"},
    }
    assert records[1]["error"]["message"] == "line 2: id is not valid Unicode: lone surrogate at offset 1"
    replaced = {record["id"]: record["stats"]["surrogates_replaced"] for record in records[2:]}
    assert replaced == {
        "text": 1,
        "html": 1,
        "url": 1,
        "source": 1,
        "all": 4,
        "pair \U0001f600": 0,
        "empty after all": 1,
    }
    assert records[2]["body"] == f"\ufffd {PROSE}"
    assert "\U0001f600" in json.dumps(records[-2], ensure_ascii=False)  # the pair, joined: one character


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_replaces_or_refuses_without_a_crash(source: Path, tmp_path: Path, workers: str) -> None:
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "cleaner", "batch", "--no-progress", "--allow-errors", "--workers", workers]
    done = subprocess.run([*command, str(source), "-o", str(output)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    check_records(output.read_bytes())


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start(ServerConfig(port=0))
    yield running
    running.stop(0)


def test_batch_over_the_server_gives_the_same_bytes(source: Path, tmp_path: Path, server: RunningServer) -> None:
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert main(["batch", "--no-progress", "--allow-errors", str(source), "-o", str(local)]) == 0
    argv = ["batch", "--no-progress", str(source), "-o", str(remote)]
    assert main([*argv, "--server", f"127.0.0.1:{server.port}"]) == 3
    check_records(remote.read_bytes())
    assert remote.read_bytes() == local.read_bytes()


def test_clean_names_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "w", encoding="utf-8") as stream:
        stream.write(PROSE)
    other = tmp_path / "other.txt"
    other.write_text(PROSE, encoding="utf-8")
    command = [sys.executable, "-m", "cleaner", "clean", "--json", "--source", os.fsdecode(b"The \xff Times")]
    done = subprocess.run([*command, os.fsdecode(name), str(other)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]  # JSONL: a record per file
    assert [record["id"] for record in records] == [f"{tmp_path}/caf\ufffd.txt", str(other)]
    assert "Traceback" not in done.stderr.decode()


def test_site_learning_learns_blocks_as_cleaning_sees_them(tmp_path: Path) -> None:
    """A repeated block holding a lone surrogate is learned with U+FFFD, as cleaning replaces it."""
    story = "Story {n}: the council voted on a new budget for the town on day {n}, officials said."
    lines = [
        '{"id": "p' + str(n) + '", "url": "https://news.example/' + str(n) + '", "text": "Sign up ' + ESCAPED
        + ' for the Daily Brief\\n' + story.format(n=n) + '"}'
        for n in range(4)
    ]  # fmt: skip
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["rules", "suggest", str(source), "--out", str(tmp_path / "packs")]) == 0
    [pack] = (tmp_path / "packs").glob("*.toml")
    assert "Sign up \ufffd for the Daily Brief" in pack.read_text(encoding="utf-8")
    assert main(["rules", "check", str(pack)]) == 0
    output = tmp_path / "out.jsonl"
    assert main(["batch", "--no-progress", str(source), "-o", str(output), "--learn-sites"]) == 0
    for line in output.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert "Daily Brief" not in record["body"] and record["stats"]["surrogates_replaced"] == 1
