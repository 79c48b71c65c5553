"""`cleaner batch --server` against a real loopback server with its own limits: a record the server
could not receive becomes the error record it is in-process, the batch goes on, and --resume too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from cleaner_server.app import RunningServer, start
from cleaner_server.config import ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc

from cleaner import CleanerOptions
from cleaner.batch.resume import partial_path
from cleaner.cli import main
from cleaner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
MAX_CHARS = 100_000


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start(ServerConfig(port=0, cleaner=CleanerOptions(settings=Settings(max_chars=MAX_CHARS))))
    yield running
    running.stop(0)


def oversized_records() -> list[str]:
    return [
        json.dumps({"id": "first", "text": SEED}),
        json.dumps({"id": "1.5 MB", "text": "word " * 300_000}),  # over the server's 1.4 MB message limit
        json.dumps({"id": "long url", "text": SEED, "url": "https://example.com/" + "a" * 200_000}),
        json.dumps({"id": "long source", "text": SEED, "source": "s" * 70_000}),
        json.dumps({"id": "x" * 70_000, "text": SEED}),
        json.dumps({"id": "astral", "text": "\U0001f600" * (MAX_CHARS + 1)}),
        json.dumps({"id": "html", "html": "<p>" + "word " * 300_000 + "</p>"}),
        json.dumps({"id": "2.4 MB line", "text": "\U0001f600" * 200_000}),  # too long a line for 100,000 chars
        json.dumps({"id": "last", "text": SEED}),
    ]


def batch(*argv: str) -> int:
    return main(["batch", "--no-progress", *argv])


def test_records_the_server_cannot_receive_become_their_in_process_error_records(
    server: RunningServer, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(oversized_records()) + "\n", encoding="utf-8")
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert batch(str(source), "-o", str(local), "--max-chars", str(MAX_CHARS)) == 3
    assert batch(str(source), "-o", str(remote), "--server", f"127.0.0.1:{server.port}") == 3
    assert remote.read_bytes() == local.read_bytes()
    records = [json.loads(line) for line in remote.read_text(encoding="utf-8").splitlines()]
    assert "body" in records[0] and "body" in records[-1]
    messages = [record["error"]["message"] for record in records[1:-1]]
    assert messages == [
        "line 2: text is 1,500,000 characters; the limit is 100,000",
        "line 3: url is 200,020 characters; the limit is 65,536",
        "line 4: source is 70,000 characters; the limit is 65,536",
        "line 5: id is 70,000 characters; the limit is 65,536",
        "line 6: text is 100,001 characters; the limit is 100,000",
        "line 7: html is 1,500,007 characters; the limit is 100,000",
        f"line 8: line is {len(oversized_records()[7]):,} bytes long, more than any acceptable record",
    ]


def test_resume_goes_past_an_oversized_record(server: RunningServer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(oversized_records()) + "\n", encoding="utf-8")
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    assert batch(str(source), "-o", str(whole), "--max-chars", str(MAX_CHARS), "--allow-errors") == 0
    partial_path(str(resumed)).write_bytes(whole.read_bytes().splitlines(keepends=True)[0])
    assert batch(str(source), "-o", str(resumed), "--resume", "--server", f"127.0.0.1:{server.port}") == 3
    assert resumed.read_bytes() == whole.read_bytes()


def test_the_server_reports_its_limits(server: RunningServer) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        limits = pb_grpc.BoilerplateCleanerStub(channel).ListRules(pb.ListRulesRequest(), timeout=10).limits
    config = ServerConfig(port=0, cleaner=CleanerOptions(settings=Settings(max_chars=MAX_CHARS)))
    assert (limits.max_chars, limits.max_lines, limits.timeout) == (MAX_CHARS, Settings().max_lines, 2.0)
    assert limits.max_request_bytes == config.max_message_bytes == MAX_CHARS * 4 + (1 << 20)


def test_a_response_larger_than_its_request_reaches_the_client(tmp_path: Path) -> None:
    """Captions are both removed and kept as metadata: the answer is about twice the document."""
    settings = Settings(max_chars=600_000, timeout=60)
    lines = [f"Police guard Calais {n} " + "\U0001f600" * 200 + " (Getty Images)" for n in range(2_300)]
    text = "\n".join(lines) + "\nThe council voted on Tuesday to approve the new budget for the coming year."
    assert len(text) <= settings.max_chars
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "captions", "text": text}, ensure_ascii=False) + "\n" + json.dumps({"id": "b", "text": SEED}),
        encoding="utf-8",
    )
    running = start(ServerConfig(port=0, cleaner=CleanerOptions(settings=settings)))
    try:
        remote = tmp_path / "remote.jsonl"
        assert batch(str(source), "-o", str(remote), "--server", f"127.0.0.1:{running.port}") == 0
    finally:
        running.stop(0)
    local = tmp_path / "local.jsonl"
    assert batch(str(source), "-o", str(local), "--max-chars", "600000", "--timeout", "60") == 0
    assert remote.read_bytes() == local.read_bytes()
    first = remote.read_bytes().splitlines()[0]
    assert len(first) > ServerConfig(cleaner=CleanerOptions(settings=settings)).max_message_bytes


def test_syndication_with_a_server_is_what_it_is_in_process(server: RunningServer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    source.write_text("".join(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) + "\n" for p in seeds))
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert batch(str(source), "-o", str(local), "--syndication") == 0
    assert batch(str(source), "-o", str(remote), "--syndication", "--server", f"127.0.0.1:{server.port}") == 0
    assert remote.read_bytes() == local.read_bytes()
    assert b'"syndication"' in remote.read_bytes()
