"""The service under faults, on real loopback servers: idle and stuck streams, busy threads, malformed bytes,
refused calls, expired deadlines; and a real ``cleaner serve`` process that must stop work nobody waits for."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from cleaner_server.app import RunningServer, start
from cleaner_server.config import SERVICE_NAME, ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2 as rpb
from servers import SLOW, SLOW_PREFILTER, free_port, slow_block, wait_serving

from cleaner import Cleaner, CleanerOptions
from cleaner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")


def slow_pack(make_pack: Callable[..., Path], rules: int = 1) -> Path:
    body = "".join(
        f"[[rule]]\nid = 'r{n}'\ncategory = 'advert'\naction = 'drop'\npattern = '''{SLOW}'''\nprefilter = '''{SLOW_PREFILTER}'''\n"
        "must_match = ['abc']\nmust_not_match = ['x']\n"
        for n in range(rules)
    )
    return make_pack("slow", body)


@pytest.fixture
def serving() -> Iterator[Callable[..., RunningServer]]:
    started: list[RunningServer] = []

    def make(config: ServerConfig, cleaner: Cleaner | None = None) -> RunningServer:
        started.append(start(config, cleaner))
        return started[-1]

    yield make
    for running in started:
        running.stop(0)


def _channel(port: int) -> grpc.Channel:
    """A channel with a connection of its own."""
    return grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])


def _held_streams(port: int, count: int, release: threading.Event, first: pb.CleanRequest | None = None) -> list[Any]:
    """``count`` streams on their own connections that send ``first`` (or nothing) and then wait for ``release``."""
    calls = []
    for _ in range(count):

        def requests() -> Iterator[pb.CleanRequest]:
            if first is not None:
                yield first
            release.wait(30)

        channel = _channel(port)
        calls.append((channel, pb_grpc.BoilerplateCleanerStub(channel).CleanStream(requests(), timeout=60)))
    return calls


def _close(calls: list[Any]) -> None:
    for channel, call in calls:
        call.cancel()
        channel.close()


# Item 5: idle streams must not hold threads; health answers while cleaning threads are busy


def test_idle_streams_hold_no_thread(serving: Callable[..., RunningServer], cleaner: Cleaner) -> None:
    running = serving(ServerConfig(port=0, threads=2), cleaner)
    release = threading.Event()
    idle = _held_streams(running.port, 8, release)  # four times --threads, none sending
    try:
        time.sleep(0.5)  # every stream is open on the server
        with _channel(running.port) as channel:
            started = time.perf_counter()
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
            response = pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="c", text=SEED), timeout=5)
            elapsed = time.perf_counter() - started
        assert health.status == health_pb2.HealthCheckResponse.SERVING and response.body
        assert elapsed < 5
    finally:
        release.set()
        _close(idle)


def test_health_answers_while_every_cleaning_thread_is_busy(
    serving: Callable[..., RunningServer], make_pack: Callable[..., Path]
) -> None:
    options = CleanerOptions((str(slow_pack(make_pack)),), builtin_rules=False, settings=Settings(timeout=20))
    running = serving(ServerConfig(port=0, threads=2, cleaner=options))
    block = slow_block(1.0)
    release = threading.Event()
    busy = _held_streams(running.port, 2, release, pb.CleanRequest(id="slow", text=block))
    try:
        time.sleep(0.3)  # both cleaning threads are on a slow document
        with _channel(running.port) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for _ in range(5):
                started = time.perf_counter()
                status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=1).status
                assert status == health_pb2.HealthCheckResponse.SERVING
                assert time.perf_counter() - started < 1
                rules = pb_grpc.BoilerplateCleanerStub(channel).ListRules(pb.ListRulesRequest(), timeout=1)
                assert len(rules.rules) == 1
    finally:
        release.set()
        _close(busy)


def test_an_idle_stream_is_closed_and_a_busy_one_is_not(
    serving: Callable[..., RunningServer], cleaner: Cleaner
) -> None:
    running = serving(ServerConfig(port=0, stream_idle_timeout=0.6), cleaner)

    def paced(gap: float, count: int) -> Iterator[pb.CleanRequest]:
        for n in range(count):
            yield pb.CleanRequest(id=str(n), text="Some text of a story.")
            time.sleep(gap)

    with _channel(running.port) as channel:
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        assert [r.id for r in stub.CleanStream(paced(0.2, 6), timeout=10)] == [str(n) for n in range(6)]
        started = time.perf_counter()
        with pytest.raises(grpc.RpcError) as raised:
            list(stub.CleanStream(paced(3.0, 2), timeout=10))
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "no request for 0.6 s" in (raised.value.details() or "")
        assert time.perf_counter() - started < 2.5


def test_an_idle_stream_gives_up_its_slot_to_a_new_call(
    serving: Callable[..., RunningServer], cleaner: Cleaner
) -> None:
    running = serving(ServerConfig(port=0, max_concurrent_rpcs=2), cleaner)
    release = threading.Event()
    idle = _held_streams(running.port, 2, release, pb.CleanRequest(id="1", text="First document text."))
    try:
        for _, call in idle:
            assert next(call).id == "1"
        time.sleep(1.5)  # both idle for longer than a busy client pauses between requests
        with _channel(running.port) as channel:
            response = pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="2", text=SEED), timeout=5)
        assert response.body
        outcomes = []
        for _, call in idle:
            try:
                outcomes.append(("OK", len(list(call))))
            except grpc.RpcError as error:
                outcomes.append((error.code().name, error.details()))
            release.set()
        evicted = [outcome for outcome in outcomes if outcome[0] == "UNAVAILABLE"]
        assert len(evicted) == 1 and "closed to make room for another call" in evicted[0][1], outcomes
    finally:
        release.set()
        _close(idle)


CLIENT = """
import sys, time, grpc
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb, cleaner_pb2_grpc as pb_grpc
def requests():
    yield pb.CleanRequest(id="frozen", text="Some text of a story.")
    time.sleep(600)
channel = grpc.insecure_channel(sys.argv[1])
stream = pb_grpc.BoilerplateCleanerStub(channel).CleanStream(requests(), timeout=600)
next(stream)
print("answered", flush=True)
time.sleep(600)
"""


def test_keepalive_drops_a_client_that_stopped_answering(
    serving: Callable[..., RunningServer], cleaner: Cleaner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cleaner.access")
    running = serving(ServerConfig(port=0, keepalive_time=0.5, keepalive_timeout=1.0, stream_idle_timeout=600), cleaner)
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, f"127.0.0.1:{running.port}"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert client.stdout is not None and client.stdout.readline().strip() == "answered"
        os.kill(client.pid, signal.SIGSTOP)  # frozen: its kernel keeps the connection, nothing answers pings
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _access_lines(caplog, "CleanStream"):
            time.sleep(0.1)
        lines = _access_lines(caplog, "CleanStream")
        assert len(lines) == 1 and "status=CANCELLED" in lines[0], lines
    finally:
        os.kill(client.pid, signal.SIGKILL)
        client.wait(10)


def _access_lines(caplog: pytest.LogCaptureFixture, method: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cleaner.access" and f"/{method} " in r.getMessage()]


# Malformed bytes, refused calls, the access log


@pytest.mark.parametrize(
    "method",
    [
        f"/{SERVICE_NAME}/ListRules",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ],
)
def test_malformed_bytes_are_invalid_argument_for_every_method(
    serving: Callable[..., RunningServer], cleaner: Cleaner, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    running = serving(ServerConfig(port=0), cleaner)
    with _channel(running.port) as channel:
        with pytest.raises(grpc.RpcError) as raised:
            if method.endswith("Info"):
                list(channel.stream_stream(method)(iter([b"\xff\xff\xff"]), timeout=5))
            elif method.endswith("Watch"):
                list(channel.unary_stream(method)(b"\xff\xff\xff", timeout=5))
            else:
                channel.unary_unary(method)(b"\xff\xff\xff", timeout=5)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "not a valid protobuf message" in (raised.value.details() or "")
    time.sleep(0.1)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert any(f"method={method} status=INVALID_ARGUMENT" in r.getMessage() for r in caplog.records)


def test_calls_refused_by_the_limit_are_logged_and_health_is_not_limited(
    serving: Callable[..., RunningServer], make_pack: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cleaner.access")
    options = CleanerOptions((str(slow_pack(make_pack)),), builtin_rules=False, settings=Settings(timeout=20))
    running = serving(ServerConfig(port=0, threads=2, max_concurrent_rpcs=2, cleaner=options))
    release = threading.Event()
    busy = _held_streams(running.port, 2, release, pb.CleanRequest(id="slow", text=slow_block(1.0)))  # not idle
    try:
        time.sleep(0.3)
        with _channel(running.port) as channel:
            with pytest.raises(grpc.RpcError) as raised:
                pb_grpc.BoilerplateCleanerStub(channel).Clean(
                    pb.CleanRequest(id="2", text="Second."), metadata=(("x-request-id", "refused-1"),), timeout=5
                )
            assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert health.status == health_pb2.HealthCheckResponse.SERVING
        [line] = [r.getMessage() for r in caplog.records if "request_id=refused-1" in r.getMessage()]
        assert f"method=/{SERVICE_NAME}/Clean status=RESOURCE_EXHAUSTED" in line
    finally:
        release.set()
        _close(busy)


def test_reflection_serves_v1_and_v1alpha(serving: Callable[..., RunningServer], cleaner: Cleaner) -> None:
    running = serving(ServerConfig(port=0), cleaner)
    with _channel(running.port) as channel:
        for version in ("v1", "v1alpha"):
            info = channel.stream_stream(
                f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
                request_serializer=rpb.ServerReflectionRequest.SerializeToString,
                response_deserializer=rpb.ServerReflectionResponse.FromString,
            )
            listed, described = list(
                info(
                    iter(
                        [
                            rpb.ServerReflectionRequest(list_services=""),
                            rpb.ServerReflectionRequest(
                                file_containing_symbol=f"grpc.reflection.{version}.ServerReflection"
                            ),
                            rpb.ServerReflectionRequest(file_containing_symbol=SERVICE_NAME),
                        ]
                    ),
                    timeout=5,
                )
            )[:2]
            names = {service.name for service in listed.list_services_response.service}
            assert {SERVICE_NAME, "grpc.health.v1.Health", f"grpc.reflection.{version}.ServerReflection"} <= names
            assert described.HasField("file_descriptor_response")


def test_a_stream_whose_client_half_closes_is_logged_ok_and_one_cut_by_its_deadline_is_not(
    serving: Callable[..., RunningServer], cleaner: Cleaner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cleaner.access")
    running = serving(ServerConfig(port=0), cleaner)

    def slow_requests() -> Iterator[pb.CleanRequest]:
        yield pb.CleanRequest(id="a", text="Some text here.")
        time.sleep(1.0)

    with _channel(running.port) as channel:
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        for n in range(20):  # the race between the client's RST_STREAM and the server's own deadline, many times
            with pytest.raises(grpc.RpcError) as raised:
                list(stub.CleanStream(slow_requests(), timeout=0.2, metadata=(("x-request-id", f"late-{n}"),)))
            assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            ok = list(
                stub.CleanStream(
                    iter([pb.CleanRequest(id="b", text="Text.")]), timeout=5, metadata=(("x-request-id", f"ok-{n}"),)
                )
            )
            assert len(ok) == 1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_access_lines(caplog, "CleanStream")) < 40:
        time.sleep(0.05)
    lines = _access_lines(caplog, "CleanStream")
    assert len(lines) == 40
    assert all("status=DEADLINE_EXCEEDED" in line for line in lines if "request_id=late-" in line), lines
    assert all("status=OK" in line for line in lines if "request_id=ok-" in line), lines


def test_a_cancellation_that_races_the_deadline_is_logged_as_the_deadline(
    serving: Callable[..., RunningServer], cleaner: Cleaner, caplog: pytest.LogCaptureFixture
) -> None:
    # When a client's deadline expires it sends RST_STREAM, which looks like a cancellation; its clock started
    # before the server's, so the RST can arrive while the server still has a few milliseconds left. A client that
    # cancels just before its deadline is that race made certain; one that cancels early is a cancellation.
    caplog.set_level(logging.INFO, logger="cleaner.access")
    running = serving(ServerConfig(port=0), cleaner)
    with _channel(running.port) as channel:
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        for name, timeout, cancel_after in (("racing", 1.0, 0.95), ("early", 30.0, 0.3)):
            release = threading.Event()

            def requests(release: threading.Event = release) -> Iterator[pb.CleanRequest]:
                yield pb.CleanRequest(id="a", text="Some text here.")
                release.wait(30)

            call = stub.CleanStream(requests(), timeout=timeout, metadata=(("x-request-id", name),))
            started = time.monotonic()
            next(call)
            time.sleep(max(0.0, cancel_after - (time.monotonic() - started)))
            call.cancel()
            release.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_access_lines(caplog, "CleanStream")) < 2:
        time.sleep(0.05)
    statuses = {
        line.split("request_id=")[1].split()[0]: line.split("status=")[1].split()[0]
        for line in _access_lines(caplog, "CleanStream")
    }
    assert statuses == {"racing": "DEADLINE_EXCEEDED", "early": "CANCELLED"}


# Item 4 (the server's part): work nobody waits for stops


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def slow_server(
    make_pack: Callable[..., Path], request: pytest.FixtureRequest
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    pack = slow_pack(make_pack, rules=request.param)
    process = subprocess.Popen(
        ["cleaner", "serve", "--port", str(port), "--rules", str(pack), "--no-builtin-rules", "--timeout", "60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        wait_serving(port, 120)
        yield process, port
    finally:
        process.terminate()
        process.wait(30)


@pytest.mark.parametrize("slow_server", [300], indirect=True)
def test_the_server_stops_a_document_when_its_call_deadline_passes(
    slow_server: tuple[subprocess.Popen[str], int],
) -> None:
    # 300 slow rules, each some milliseconds on this block: one match of the combined pattern takes seconds, and
    # naming the slow rule afterwards (the old search) as long again; the 60 s budget would allow all of it.
    process, port = slow_server
    with _channel(port) as channel:
        with pytest.raises(grpc.RpcError) as raised:
            pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="x", text=slow_block(0.01)), timeout=1.0)
        assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        _assert_idle(process)


@pytest.mark.parametrize("slow_server", [5], indirect=True)
def test_the_server_stops_a_document_when_its_call_is_cancelled(slow_server: tuple[subprocess.Popen[str], int]) -> None:
    # 400 blocks of 5 slow rules: a few milliseconds a block, a long document in all.
    process, port = slow_server
    text = "\n".join([slow_block(0.005)] * 400)
    with _channel(port) as channel:
        future = pb_grpc.BoilerplateCleanerStub(channel).Clean.future(pb.CleanRequest(id="x", text=text), timeout=120)
        time.sleep(1.0)
        future.cancel()
        _assert_idle(process)


def _assert_idle(process: subprocess.Popen[str]) -> None:
    """The server process uses (almost) no CPU from a second after the call ended, for two seconds."""
    time.sleep(1.0)
    before = _cpu_seconds(process.pid)
    time.sleep(2.0)
    spent = _cpu_seconds(process.pid) - before
    assert spent < 0.3, f"the server spent {spent:.2f} s of CPU on a call that was over"


# Warm-up: no first call pays for lazy loading


def test_first_calls_after_serving_are_not_slow(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        ["cleaner", "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_serving(port, 120)
        german = "Die Stadtverwaltung hat am Dienstag den neuen Haushalt nach einer langen Debatte genehmigt. " * 3
        page = (
            "<html><body><article><p>"
            + "The council approved the budget after a long debate. " * 5
            + "</p></article></body></html>"
        )
        with _channel(port) as channel:
            stub = pb_grpc.BoilerplateCleanerStub(channel)
            timings = {}
            for name, request in (
                ("text", pb.CleanRequest(id="t", text=german)),
                ("html", pb.CleanRequest(id="h", html=page)),
            ):
                started = time.perf_counter()
                response = stub.Clean(request, timeout=30)
                timings[name] = time.perf_counter() - started
                assert response.body
        assert max(timings.values()) < 1.0, timings
    finally:
        process.terminate()
        process.wait(30)
