"""Hostile input, in the library, the batch and the server: cleaned or refused clearly, never a crash."""

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

from cleaner import Cleaner, CleanerOptions, InvalidInputError
from cleaner.cli import main
from cleaner.settings import Settings
from fuzz.targets import check

PROSE = "The council voted on Tuesday to approve the new budget for the coming year after a long debate."
SECRET = "SECRET-INPUT-MARKER"  # must never come back in an error message
EXCERPT_LIMIT = 200

HOSTILE_TEXT = {
    "control characters": f"{PROSE}\n\x01\x02\x07\x1b[31m red\x7f\x85\x9f {PROSE}",
    "NUL bytes": f"{PROSE}\x00\n\x00{PROSE}\x00",
    "bidi overrides": f"{PROSE}\n\u202egnirts desrever\u202c \u2066isolate\u2069 \u200f{PROSE}",
    "zero-width and BOM": f"\ufeff{PROSE}\u200b\u2060\n{PROSE}",
    "unicode line separators": f"{PROSE}\u2028{PROSE}\u2029{PROSE}\x0b\x0c{PROSE}",
    "a 100,000-character line": (PROSE + " ") * 1020,
    "a 100,000-character word": "x" * 100_000,
    "combining marks": PROSE + " e" + "\u0301" * 5000,
    "astral characters": PROSE + " " + "🙂" * 2000 + "\U0010ffff",
    "CRLF and CR line ends": f"{PROSE}\r\n{PROSE}\r{PROSE}",
    "entities that are not characters": f"{PROSE} &#0; &#xD800; &#x110000; &bogus; &amp;&lt;",
    "only markup noise": "<<<>>> &&& ;;; ::: •••",
}
HOSTILE_HTML = {
    "broken nesting": f"<html><body><p>{PROSE}<p><b><i>unclosed <a href='x'>link</b></i> <<<>>></p>",
    "NUL in markup": f"<html>\x00<body><p>{PROSE}\x00</p></body></html>",
    "a 1 MB attribute": f"<p title='{'a' * 1_000_000}'>{PROSE}</p>",
    "a fragment": f"<p>{PROSE}</p>",
    "plain text": PROSE,
    "CDATA and processing instructions": f"<![CDATA[{PROSE}]]><?xml version='1.0'?><p>{PROSE}</p>",
    "script only": "<html><script>" + "var a = 1;" * 10_000 + "</script></html>",
    "an unclosed comment": "<!--" * 10_000 + PROSE,
    "100,000 nested elements": "<div>" * 100_000 + PROSE + "</div>" * 100_000,
    "30,000 unclosed elements": "<html><body>" + "<div><p><span>" * 30_000 + PROSE,
    "XHTML declaring its encoding, no text": '<?xml version="1.0" encoding="utf-8"?><html><body></body></html>',
    "XHTML declaring another encoding": f'<?xml version="1.0" encoding="latin-1"?><html><p>{PROSE}</p></html>',
}
HOSTILE_URLS = ["http://[x", "http://[::1", "http://example.com:99999/a", "\x00://", "::::", " " * 5000]


@pytest.mark.parametrize("text", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_hostile_text_is_cleaned_or_refused(cleaner: Cleaner, text: str) -> None:
    try:
        result = cleaner.clean(text)
    except InvalidInputError as error:
        assert len(str(error)) < EXCERPT_LIMIT
        return
    check(result)
    assert not set(result.body) & set("\x00\x01\x1b\x7f\u202e\u2066\u200b\ufeff")


@pytest.mark.parametrize("html", HOSTILE_HTML.values(), ids=HOSTILE_HTML.keys())
def test_hostile_html_is_cleaned_or_refused(cleaner: Cleaner, html: str) -> None:
    try:
        result = cleaner.clean(html=html)
    except InvalidInputError as error:
        assert len(str(error)) < EXCERPT_LIMIT
        return
    check(result)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_urls_are_ignored_or_refused(cleaner: Cleaner, url: str) -> None:
    try:
        assert cleaner.clean(PROSE, url=url).body == PROSE
    except InvalidInputError as error:
        assert str(error).startswith("url is not a valid URL") and len(str(error)) < EXCERPT_LIMIT


def test_too_many_lines_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="text has 1,001 lines; the limit is 1,000"):
        Cleaner(max_lines=1000).clean("line\n" * 1000 + "one more")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-chars", "0"], "--max-chars: Input should be greater than or equal to 1"),
        (["--timeout", "-1"], "--timeout: Input should be greater than 0"),
    ],
)
def test_bad_limits_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    source = tmp_path / "a.txt"
    source.write_text(PROSE, encoding="utf-8")
    assert main(["clean", str(source), *argv]) == 2
    assert message in capsys.readouterr().err


def test_hostile_batch_lines_become_error_records(tmp_path: Path) -> None:
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"id": "bom", "text": PROSE}).encode(),  # a UTF-8 BOM opens the file
        b'{"id": "bad-utf8", "text": "\xff\xfe"}',
        json.dumps({"id": "nul", "text": "a\x00b " + PROSE}).encode(),
        b'{"id": "surrogate", "text": "\\ud800 ' + PROSE.encode() + b'"}',
        b"\x00\x00\x00",
        json.dumps({"id": "nested", "text": {"a": [1, 2]}}).encode(),
        json.dumps([SECRET * 1000]).encode(),
        b'{"id": "' + SECRET.encode() * 1000 + b'", "text": 5}',
        b"",
        b"{" * 100_000,
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--no-progress"]) == 3
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(lines)
    assert records[0]["id"] == "bom" and records[0]["body"] == PROSE
    assert records[1]["error"]["message"] == "line 2: not valid UTF-8 (byte 28)"
    assert records[2]["id"] == "nul" and "body" in records[2]
    assert records[3]["body"] == "\ufffd " + PROSE and records[3]["stats"]["surrogates_replaced"] == 1
    assert [("error" in record) for record in records[4:]] == [True] * 6
    for record in records[4:]:
        assert SECRET not in record["error"]["message"] and len(record["error"]["message"]) < EXCERPT_LIMIT


@pytest.fixture(scope="module")
def stub() -> Iterator[pb_grpc.BoilerplateCleanerStub]:
    running: RunningServer = start(
        ServerConfig(port=0, cleaner=CleanerOptions(settings=Settings(max_chars=2_000_000, max_lines=10_000)))
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            yield pb_grpc.BoilerplateCleanerStub(channel)
    finally:
        running.stop(0)


@pytest.mark.parametrize(
    "request_",
    [pb.CleanRequest(id=name, text=text) for name, text in HOSTILE_TEXT.items()]
    + [pb.CleanRequest(id=name, html=html) for name, html in HOSTILE_HTML.items()]
    + [pb.CleanRequest(id=f"url {url[:20]!r}", text=PROSE, url=url) for url in HOSTILE_URLS]
    + [pb.CleanRequest(id="too many lines", text="line\n" * 10_001), pb.CleanRequest(id="secret", text=" " + SECRET)],
    ids=lambda request: request.id,
)
def test_hostile_requests_get_a_result_or_invalid_argument(
    stub: pb_grpc.BoilerplateCleanerStub, request_: pb.CleanRequest
) -> None:
    try:
        response = stub.Clean(request_, timeout=30)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
        assert len(error.details() or "") < EXCERPT_LIMIT and SECRET not in (error.details() or "")
        return
    assert response.id == request_.id
    assert stub.Clean(pb.CleanRequest(id="after", text=PROSE), timeout=10).body == PROSE
