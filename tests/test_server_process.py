"""`cleaner serve` as a real subprocess with two workers on one port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from cleaner_server.app import start
from cleaner_server.config import ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT / "eval" / "dev.jsonl"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_serving(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if (
                    health.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
    raise TimeoutError(f"server on port {port} never became SERVING")


def wait_for_log(process: subprocess.Popen[str], text: str, count: int, seconds: float = 60) -> None:
    """Read the server's output until ``text`` has appeared on ``count`` lines."""
    seen: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        while len(seen) < count and (line := process.stdout.readline()):
            if text in line:
                seen.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    if len(seen) < count:
        raise TimeoutError(f"{text!r} appeared {len(seen)} of {count} times in {seconds:g} s")


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = subprocess.Popen(
        ["cleaner", "serve", "--port", str(port), "--workers", "2", "--grace", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_log(process, "serving on", count=2)  # both workers: health answers from whichever one it reaches
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def test_two_workers_serve_and_drain_on_sigterm(served: tuple[subprocess.Popen[str], int]) -> None:
    process, port = served
    text = SEEDS[1].read_text(encoding="utf-8")
    sent_three = threading.Event()

    def requests() -> Iterator[pb.CleanRequest]:
        for n in range(12):
            if n == 3:
                sent_three.set()
            yield pb.CleanRequest(id=str(n), text=text)
            time.sleep(0.1)

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = pb_grpc.BoilerplateCleanerStub(channel)
        stream = stub.CleanStream(requests(), timeout=30)
        first = next(stream)
        sent_three.wait(5)
        process.send_signal(signal.SIGTERM)  # mid-stream
        rest = list(stream)
    assert [r.id for r in [first, *rest]] == [str(n) for n in range(12)]
    assert all(r.body.startswith("British police") for r in [first, *rest])
    assert process.wait(20) == 0
    log = process.stdout.read() if process.stdout else ""
    assert log.count("received SIGTERM: draining") == 2 and "CleanStream status=OK" in log


def test_a_burst_of_signals_to_every_process_still_drains(served: tuple[subprocess.Popen[str], int]) -> None:
    process, _ = served
    for n in range(40):  # Ctrl-C in a terminal reaches the whole group, and the supervisor forwards it too
        os.killpg(process.pid, signal.SIGINT if n % 2 else signal.SIGTERM)
    assert process.wait(20) == 0
    log = process.stdout.read() if process.stdout else ""
    assert log.count("draining") == 2 and log.count("stopped") == 2


def test_batch_over_two_workers_equals_in_process(served: tuple[subprocess.Popen[str], int], tmp_path: Path) -> None:
    _, port = served
    source = tmp_path / "dev_text.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for line in DEV.read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            out.write(json.dumps({"id": page["id"], "text": page["noisy_text"], "url": page["url"]}) + "\n")
        for seed in SEEDS:
            out.write(json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8")}) + "\n")
    assert main(["batch", str(source), "-o", str(tmp_path / "local.jsonl")]) == 0
    assert main(["batch", str(source), "-o", str(tmp_path / "remote.jsonl"), "--server", f"127.0.0.1:{port}"]) == 0
    local = (tmp_path / "local.jsonl").read_bytes()
    assert local == (tmp_path / "remote.jsonl").read_bytes()
    assert local.count(b"\n") == 78 + len(SEEDS)


def test_client_retries_until_the_server_is_up(tmp_path: Path) -> None:
    port = free_port()
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "s", "text": SEEDS[0].read_text(encoding="utf-8")}) + "\n", encoding="utf-8")
    later: list[object] = []
    timer = threading.Timer(0.5, lambda: later.append(start(ServerConfig(port=port))))
    timer.start()
    try:
        assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--server", f"127.0.0.1:{port}"]) == 0
        assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["id"] == "s"
    finally:
        timer.join()
        for running in later:
            running.stop(0)  # type: ignore[attr-defined]


def test_workers_exit_when_their_supervisor_is_killed() -> None:
    port = free_port()
    process = subprocess.Popen(
        ["cleaner", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_serving(port)
        process.kill()  # SIGKILL: the supervisor cannot forward anything
        process.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _group_alive(process.pid):
            time.sleep(0.2)
        assert not _group_alive(process.pid), "workers outlived their supervisor"
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_several_workers_need_a_port() -> None:
    done = subprocess.run(
        ["cleaner", "serve", "--port", "0", "--workers", "2"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "give --port" in done.stderr
