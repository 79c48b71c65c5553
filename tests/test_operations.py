"""Operations: settings from the environment, JSON logs, compression, connection age, proto options, timeouts.

Real servers on loopback; a small TCP relay in front of one counts the bytes and connections that cross it.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from cleaner_server import exporter, logs, metrics
from cleaner_server.app import RunningServer, start
from cleaner_server.config import ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from servers import SLOW, SLOW_PREFILTER

from cleaner import Cleaner, CleanerOptions
from cleaner.cli.parser import build_parser
from cleaner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
IDENTITY_ONLY = ("grpc.compression_enabled_algorithms_bitset", 1)  # a client that accepts no compression


class Relay:
    """Forwards loopback connections to ``port``, counting connections and the bytes sent back to clients."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.returned = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                if counted:
                    with self._lock:
                        self.returned += len(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def serving(cleaner: Cleaner) -> Iterator[Callable[..., RunningServer]]:
    started: list[RunningServer] = []

    def serve(**settings: object) -> RunningServer:
        started.append(start(ServerConfig(port=0, **settings), cleaner))  # type: ignore[arg-type]
        return started[-1]

    yield serve
    for running in started:
        running.stop(0)


def _returned_bytes(port: int, request: pb.CleanRequest, *options: tuple[str, int]) -> tuple[int, pb.CleanResponse]:
    relay = Relay(port)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{relay.port}", options=list(options)) as channel:
            response = pb_grpc.BoilerplateCleanerStub(channel).Clean(request, timeout=30)
        time.sleep(0.2)
        return relay.returned, response
    finally:
        relay.close()


def test_responses_are_compressed_only_for_clients_that_accept_it(serving: Callable[..., RunningServer]) -> None:
    request = pb.CleanRequest(id="all", text="\n\n".join(seed.read_text(encoding="utf-8") for seed in SEEDS))
    gzip_server = serving()
    compressed, response = _returned_bytes(gzip_server.port, request)
    plain, same = _returned_bytes(gzip_server.port, request, IDENTITY_ONLY)
    assert response == same and len(response.body) > 10_000
    assert compressed < 0.6 * plain and plain > response.ByteSize()
    uncompressing = serving(compression="none")
    assert _returned_bytes(uncompressing.port, request)[0] > 0.9 * plain


def test_max_connection_age_makes_clients_reconnect(serving: Callable[..., RunningServer]) -> None:
    def connections(port: int) -> int:
        relay = Relay(port)
        with grpc.insecure_channel(f"127.0.0.1:{relay.port}") as channel:
            stub = pb_grpc.BoilerplateCleanerStub(channel)
            for n in range(12):
                assert stub.Clean(pb.CleanRequest(id=str(n), text="A short text."), timeout=10).id == str(n)
                time.sleep(0.25)
        relay.close()
        return relay.connections

    assert connections(serving(max_connection_age=0.5, max_connection_age_grace=1).port) >= 3
    assert connections(serving().port) == 1


def test_every_serve_option_has_a_variable_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANER_PORT", "6000")
    monkeypatch.setenv("CLEANER_THREADS", "3")
    monkeypatch.setenv("CLEANER_LOG_FORMAT", "json")
    monkeypatch.setenv("CLEANER_NO_BUILTIN_RULES", "yes")
    monkeypatch.setenv("CLEANER_RULES", "a.toml:b")
    monkeypatch.setenv("CLEANER_MAX_CONNECTION_AGE", "600")
    args = build_parser().parse_args(["serve", "--threads", "2"])
    assert (args.port, args.threads, args.log_format, args.no_builtin_rules) == (6000, 2, "json", True)
    assert args.rules == ["a.toml", "b"] and args.max_connection_age == 600.0 and args.host == "127.0.0.1"
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for action in commands.choices["serve"]._actions:
        if action.option_strings and action.dest != "help":
            assert f"CLEANER_{action.dest.upper()}" in action.help, action.dest


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CLEANER_PORT", "many", "CLEANER_PORT='many' is not a valid value"),
        ("CLEANER_LOG_LEVEL", "LOUD", "CLEANER_LOG_LEVEL='LOUD': choose from DEBUG, INFO, WARNING, ERROR"),
        ("CLEANER_NO_BUILTIN_RULES", "maybe", "CLEANER_NO_BUILTIN_RULES='maybe': give 1 or 0"),
    ],
)
def test_an_invalid_variable_is_refused_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    build_parser().parse_args(["clean", "x.txt"])  # other commands do not read the serve variables
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["serve"])
    assert stopped.value.code == 2 and message in capsys.readouterr().err


@pytest.fixture
def json_logs() -> Iterator[Callable[[], list[dict[str, object]]]]:
    """The service's JSON logging, written to a buffer; the test's logging is restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("INFO", "json")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)

    def lines() -> list[dict[str, object]]:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name in logs.HTML_LIBRARIES:
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.captureWarnings(False)


def test_json_logs_carry_access_fields_and_trafilatura_warnings(
    json_logs: Callable[[], list[dict[str, object]]], serving: Callable[..., RunningServer]
) -> None:
    running = serving()
    json_logs()
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        with pytest.raises(grpc.RpcError) as refused:  # trafilatura says "discarding data"; the call fails
            pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="e", html="<html></html>"), timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    entries = json_logs()
    for _ in range(50):  # the access line is written as the call ends on the server, just after the client saw it
        if any(entry["logger"] == "cleaner.access" for entry in entries):
            break
        time.sleep(0.05)
        entries += json_logs()
    access = [entry for entry in entries if entry["logger"] == "cleaner.access"]
    assert len(access) == 1 and access[0]["method"] == "/boilerplate.v1.BoilerplateCleaner/Clean"
    assert access[0]["status"] == "INVALID_ARGUMENT"
    assert {"latency_ms", "request_id", "time", "level", "process"} <= access[0].keys()
    library = [entry for entry in entries if str(entry["logger"]).startswith("cleaner.html.")]
    assert library and all(entry["level"] == "WARNING" for entry in library)
    assert all(str(entry["source_logger"]).split(".")[0] in logs.HTML_LIBRARIES for entry in library)


def test_rule_timeouts_are_counted_by_rule(
    serving: Callable[..., RunningServer], make_pack: Callable[..., Path]
) -> None:
    body = f"[[rule]]\nid = 'slow'\ncategory = 'advert'\naction = 'drop'\npattern = '''{SLOW}'''\nprefilter = '''{SLOW_PREFILTER}'''\n"
    body += "must_match = ['abc']\nmust_not_match = ['x']\n"
    options = CleanerOptions((str(make_pack("slowpack", body)),), builtin_rules=False, settings=Settings(timeout=0.05))
    running = start(ServerConfig(port=0, cleaner=options))
    before = metrics.RULE_TIMEOUTS.labels("slowpack.slow")._value.get()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            response = pb_grpc.BoilerplateCleanerStub(channel).CleanStream(
                iter([pb.CleanRequest(id="slow", text="a" * 26 + "b" * 26 + "d")]), timeout=30
            )
            assert next(response).error.code == "DEADLINE_EXCEEDED"
    finally:
        running.stop(0)
    assert metrics.RULE_TIMEOUTS.labels("slowpack.slow")._value.get() == before + 1


def test_proto_names_packages_for_go_and_java() -> None:
    options = pb.DESCRIPTOR.GetOptions()
    assert options.go_package.endswith("/boilerplate/v1;boilerplatev1")
    assert options.java_package == "io.boilerplatecleaner.v1" and options.java_multiple_files


def test_one_process_serves_its_own_metrics(serving: Callable[..., RunningServer]) -> None:
    running = serving()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        metrics_port = probe.getsockname()[1]
    endpoint = exporter.serve("127.0.0.1", metrics_port)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="m", text="A short text."), timeout=10)
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as response:
            text = response.read().decode("utf-8")
        assert (
            'cleaner_grpc_requests_total{code="OK",method="Clean",service="boilerplate.v1.BoilerplateCleaner"}' in text
        )
        assert "cleaner_documents_cleaned_total" in text and 'cleaner_removals_total{category="advert"}' in text
        with pytest.raises(OSError, match=f"cannot serve metrics on 127.0.0.1:{metrics_port}"):
            exporter.serve("127.0.0.1", metrics_port)
    finally:
        endpoint.shutdown()
        endpoint.server_close()
