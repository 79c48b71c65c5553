"""The gRPC service on a real loopback server (in-process, port 0)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from cleaner_server.app import RunningServer, listen, start
from cleaner_server.config import SERVICE_NAME, ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from cleaner_server.mapping import record_from_response
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from servers import SLOW, SLOW_PREFILTER

from cleaner import Cleaner, CleanerOptions
from cleaner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
MAX_CHARS = 50_000


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start(
        ServerConfig(port=0, cleaner=CleanerOptions(settings=Settings(max_chars=MAX_CHARS)), max_concurrent_rpcs=8)
    )
    yield running
    running.stop(0)


@pytest.fixture(scope="module")
def channel(server: RunningServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield channel


@pytest.fixture(scope="module")
def stub(channel: grpc.Channel) -> pb_grpc.BoilerplateCleanerStub:
    return pb_grpc.BoilerplateCleanerStub(channel)


def test_health_is_serving(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", SERVICE_NAME):
        status = health.Check(health_pb2.HealthCheckRequest(service=service)).status
        assert status == health_pb2.HealthCheckResponse.SERVING


def test_not_serving_until_ready_and_while_draining(cleaner: Cleaner) -> None:
    running = listen(ServerConfig(port=0))
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING
        with pytest.raises(grpc.RpcError) as raised:
            stub.Clean(pb.CleanRequest(id="x", text="Text."), timeout=5)
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        running.ready(cleaner)
        status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.SERVING
        running.not_serving()
        status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING
    running.stop(0)


def test_reflection_lists_the_service(channel: grpc.Channel) -> None:
    services = ProtoReflectionDescriptorDatabase(channel).get_services()
    assert SERVICE_NAME in services and "grpc.health.v1.Health" in services


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_clean_equals_the_library(stub: pb_grpc.BoilerplateCleanerStub, cleaner: Cleaner, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    response = stub.Clean(pb.CleanRequest(id=path.stem, text=text), timeout=10)
    assert record_from_response(response) == cleaner.clean(text, id=path.stem).to_dict()


def test_clean_stream_answers_every_request_in_order(stub: pb_grpc.BoilerplateCleanerStub) -> None:
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    requests = [pb.CleanRequest(id=f"doc-{n}", text=text) for n, text in enumerate(texts)]
    requests.insert(2, pb.CleanRequest(id="bad", text=""))
    responses = list(stub.CleanStream(iter(requests), timeout=20))
    assert [r.id for r in responses] == [r.id for r in requests]
    assert responses[2].error == pb.Error(code="INVALID_ARGUMENT", message="text is empty")
    assert all(not r.HasField("error") and r.body for i, r in enumerate(responses) if i != 2)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (pb.CleanRequest(id="a", text=""), "text is empty"),
        (pb.CleanRequest(id="b"), "no text and no html given"),
        (pb.CleanRequest(id="c", text="x" * (MAX_CHARS + 1)), f"the limit is {MAX_CHARS:,}"),
        (pb.CleanRequest(id="d", html="<html><body></body></html>"), "html holds no text"),
    ],
)
def test_bad_input_is_invalid_argument(
    stub: pb_grpc.BoilerplateCleanerStub, request_: pb.CleanRequest, message: str
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub.Clean(request_, timeout=5)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert message in raised.value.details()


def test_invalid_utf8_is_invalid_argument_naming_the_field(channel: grpc.Channel) -> None:
    raw = b"\x0a\x02ok\x12\x04ab\xff\xfe"  # id "ok", text with invalid UTF-8
    call = channel.unary_unary(f"/{SERVICE_NAME}/Clean", request_serializer=None, response_deserializer=None)
    with pytest.raises(grpc.RpcError) as raised:
        call(raw, timeout=5)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == "text is not valid UTF-8 (byte 2)"


def test_invalid_utf8_in_a_stream_is_one_error_item(channel: grpc.Channel) -> None:
    good = pb.CleanRequest(id="good", text=SEEDS[0].read_text(encoding="utf-8")).SerializeToString()
    call = channel.stream_stream(f"/{SERVICE_NAME}/CleanStream", request_serializer=None, response_deserializer=None)
    responses = [
        pb.CleanResponse.FromString(r) for r in call(iter([good, b"\x0a\x03bad\x12\x01\xff", good]), timeout=10)
    ]
    assert [r.id for r in responses] == ["good", "bad", "good"]
    assert responses[1].error.code == "INVALID_ARGUMENT"


def test_unexpected_errors_are_internal_without_a_traceback(
    server: RunningServer, stub: pb_grpc.BoilerplateCleanerStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise KeyError("secret internals")

    monkeypatch.setattr(Cleaner, "clean_values", explode)
    with pytest.raises(grpc.RpcError) as raised:
        stub.Clean(pb.CleanRequest(id="x", text="Some text"), timeout=5)
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    assert raised.value.details() == "internal error (KeyError)"
    assert "secret" not in raised.value.details() and "Traceback" not in raised.value.details()


def test_expired_deadline(stub: pb_grpc.BoilerplateCleanerStub) -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SEEDS) * 3  # some 45,000 characters
    assert len(text) < MAX_CHARS
    with pytest.raises(grpc.RpcError) as raised:
        stub.Clean(pb.CleanRequest(id="x", text=text), timeout=0.002)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_access_log_names_an_expired_stream_deadline(
    stub: pb_grpc.BoilerplateCleanerStub, caplog: pytest.LogCaptureFixture
) -> None:
    def slow_requests() -> Iterator[pb.CleanRequest]:
        yield pb.CleanRequest(id="a", text="Some text here.")
        time.sleep(1.0)

    caplog.set_level(logging.INFO, logger="cleaner.access")
    with pytest.raises(grpc.RpcError) as raised:
        list(stub.CleanStream(slow_requests(), timeout=0.3))
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    for _ in range(200):  # the server logs the call once its handler has returned
        lines = [record.getMessage() for record in caplog.records if "CleanStream" in record.getMessage()]
        if lines:
            break
        time.sleep(0.05)
    assert len(lines) == 1 and "status=DEADLINE_EXCEEDED" in lines[0]


def test_list_rules(stub: pb_grpc.BoilerplateCleanerStub, cleaner: Cleaner) -> None:
    response = stub.ListRules(pb.ListRulesRequest(), timeout=5)
    packs = {pack.name: pack for pack in response.packs}
    assert {"generic", "independent", "ndtv", "afp", "sky"} <= set(packs)
    assert packs["independent"].publisher == "The Independent" and len(packs["independent"].sha256) == 64
    assert "ndtv.live-news-footer" in {rule.id for rule in response.rules}
    assert len(response.rules) == sum(pack.rule_count for pack in response.packs)
    assert len(response.rules_hash) == 64


def test_request_id_is_echoed(stub: pb_grpc.BoilerplateCleanerStub) -> None:
    _, call = stub.Clean.with_call(
        pb.CleanRequest(id="x", text="Some text here."), metadata=(("x-request-id", "abc123"),), timeout=5
    )
    assert ("x-request-id", "abc123") in call.initial_metadata()


def test_rule_timeout_is_deadline_exceeded(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(
        "slow",
        f"[[rule]]\nid = 'slow'\ncategory = 'advert'\naction = 'drop'\npattern = '''{SLOW}'''\n"
        f"prefilter = '''{SLOW_PREFILTER}'''\nmust_match = ['abc']\nmust_not_match = ['x']\n",
    )
    running = start(
        ServerConfig(port=0, cleaner=CleanerOptions((str(pack),), builtin_rules=False, settings=Settings(timeout=0.2)))
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = pb_grpc.BoilerplateCleanerStub(channel)
            with pytest.raises(grpc.RpcError) as raised:
                stub.Clean(pb.CleanRequest(id="x", text="a" * 30 + "b" * 30 + "d"), timeout=10)
            assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert "rule 'slow.slow'" in (raised.value.details() or "")
            assert stub.Clean(pb.CleanRequest(id="y", text="abc\nAnd the story."), timeout=5).body == "And the story."
    finally:
        running.stop(0)


def test_concurrent_calls_past_the_bound_are_resource_exhausted() -> None:
    running = start(ServerConfig(port=0, max_concurrent_rpcs=1))
    release = threading.Event()

    def slow_requests() -> Iterator[pb.CleanRequest]:
        yield pb.CleanRequest(id="1", text="First document text.")
        release.wait(10)

    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = pb_grpc.BoilerplateCleanerStub(channel)
            held = stub.CleanStream(slow_requests(), timeout=20)
            assert next(held).id == "1"  # the first call is now in flight
            with pytest.raises(grpc.RpcError) as raised:
                stub.Clean(pb.CleanRequest(id="2", text="Second."), timeout=5)
            assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            release.set()
            assert list(held) == []
    finally:
        release.set()
        running.stop(0)


def test_tls(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    running = start(ServerConfig(port=0, tls_cert=str(cert), tls_key=str(key)))
    try:
        credentials = grpc.ssl_channel_credentials(cert.read_bytes())
        with grpc.secure_channel(f"localhost:{running.port}", credentials) as channel:
            response = pb_grpc.BoilerplateCleanerStub(channel).Clean(
                pb.CleanRequest(id="t", text="Over TLS."), timeout=5
            )
        assert response.body == "Over TLS."
    finally:
        running.stop(0)


def test_generated_code_is_not_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    spec = importlib.util.spec_from_file_location("generate_proto", ROOT / "scripts" / "generate_proto.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "descriptors.pb"
    assert protoc.main(script.protoc_arguments(f"--descriptor_set_out={out}")) == 0
    generated = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file[0]
    for message in generated.message_type:  # protoc adds json_name; generated code leaves it out
        for field in message.field:
            field.ClearField("json_name")
    shipped = descriptor_pb2.FileDescriptorProto.FromString(pb.DESCRIPTOR.serialized_pb)
    assert generated == shipped, "proto/ changed: run python scripts/generate_proto.py"


def test_library_imports_no_grpc() -> None:
    import subprocess
    import sys

    code = "import sys, cleaner, cleaner.cli, cleaner.batch; print(sorted(m for m in sys.modules if 'grpc' in m))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


ENGINE_PATHS = """
import sys
import cleaner.batch.formats.source, cleaner.batch.formats.writer, cleaner.engines.spark, cleaner.engines.ray, cleaner.spark
from cleaner import CleanerOptions
from cleaner.batch.spec import RecordSpec
from cleaner.engines.ray import RayCleaner
from cleaner.engines.worker import jsonl_lines, result_values

line = b'{"id": "a", "text": "A sentence of the article, long enough to count as prose here."}'
RayCleaner()({"line": [line], "number": [1]})
list(jsonl_lines([(line, 0)], CleanerOptions(), RecordSpec()))
result_values(CleanerOptions(), "a", None, b"<p>A page.</p>", None, None)
print(sorted(m for m in sys.modules if "grpc" in m))
"""


def test_the_engines_code_paths_import_no_grpc() -> None:
    """What a Spark or Ray worker runs of ours (not Spark or Ray themselves: Ray's core uses gRPC)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", ENGINE_PATHS], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_batch_over_the_server_is_byte_identical(server: RunningServer, tmp_path: Path) -> None:
    from cleaner.cli import main

    lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) for p in SEEDS]
    lines[1:1] = [
        "{broken",
        json.dumps({"id": "empty", "text": ""}),
        json.dumps({"id": 3}),
        json.dumps({"id": "both", "text": "Some text.", "html": "<p>Some text.</p>"}),
        json.dumps({"id": "bad url", "text": "Some text.", "url": "http://[x"}),
        json.dumps({"id": "html", "html": "<html><body><p>Some text of a page.</p></body></html>"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    assert main(["batch", str(source), "-o", str(tmp_path / "local.jsonl")]) == 3  # error records in both
    assert (
        main(
            [
                "batch",
                str(source),
                "-o",
                str(tmp_path / "remote.jsonl"),
                "--server",
                f"127.0.0.1:{server.port}",
                "--window",
                "4",
            ]
        )
        == 3
    )
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "remote.jsonl").read_bytes()


def test_batch_against_no_server_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from cleaner_server import client

    from cleaner.cli import main

    monkeypatch.setattr(client, "RETRIES", 2)
    monkeypatch.setattr(client, "FIRST_BACKOFF_SECONDS", 0.01)
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Some text."}) + "\n", encoding="utf-8")
    assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--server", f"127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert f"cleaner: server 127.0.0.1:{port} answered UNAVAILABLE after 2 retries: " in err
    assert "Traceback" not in err and not (tmp_path / "out.jsonl").exists()
