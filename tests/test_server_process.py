"""`cleaner serve` as a real subprocess with two workers on one port."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from cleaner_server.app import start
from cleaner_server.config import ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from servers import free_port, wait_serving

from cleaner import Cleaner
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT / "eval" / "dev.jsonl"


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


# A worker binds only when ready; a stopped worker is replaced; the port is this server's alone; SIGHUP drains


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["cleaner", "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def _stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM the group, wait, and return what the server printed."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    return process.stdout.read() if process.stdout else ""


def _workers(supervisor: int) -> list[int]:
    return sorted(int(pid) for pid in Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split())


def _fresh_calls(port: int, seconds: float) -> Counter[str]:
    """Clean calls, each on a new connection (so the kernel picks a worker each time), for ``seconds``."""
    outcomes: Counter[str] = Counter()
    text = SEEDS[0].read_text(encoding="utf-8")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
            try:
                pb_grpc.BoilerplateCleanerStub(channel).Clean(pb.CleanRequest(id="x", text=text), timeout=10)
                outcomes["OK"] += 1
            except grpc.RpcError as error:
                outcomes[error.code().name] += 1
    return outcomes


def test_a_replacement_worker_takes_no_connection_before_it_can_serve(make_pack: Callable[..., Path]) -> None:
    rules = "".join(
        f"[[rule]]\nid = 'r{n}'\ncategory = 'advert'\naction = 'drop'\n"
        f"pattern = '''(?:Sponsored|Promoted) offer {n} (?:today|now)[^\\n]{{0,40}}'''\n"
        f"must_match = ['Sponsored offer {n} today']\nmust_not_match = ['x']\n"
        for n in range(100)
    )  # enough rules that a worker takes seconds to compile them
    port = free_port()
    process = _serve("--port", str(port), "--workers", "2", "--rules", str(make_pack("many", rules)))
    try:
        wait_for_log(process, "serving on", count=2, seconds=180)
        victim = _workers(process.pid)[0]
        os.kill(victim, signal.SIGKILL)  # the supervisor starts another, which compiles for seconds
        wait_for_log(process, "starting another", count=1)  # (calls the victim had accepted die with it)
        outcomes = _fresh_calls(port, 3.0)
        assert set(outcomes) == {"OK"} and outcomes["OK"] > 5, outcomes
        wait_for_log(process, "serving on", count=1, seconds=180)  # the replacement, once ready
        assert victim not in _workers(process.pid) and len(_workers(process.pid)) == 2
    finally:
        _stop(process)


def test_a_worker_that_stops_answering_its_health_probe_is_replaced() -> None:
    port = free_port()
    process = _serve("--port", str(port), "--workers", "2", "--health-probe-timeout", "3")
    try:
        wait_for_log(process, "serving on", count=2)
        stopped = _workers(process.pid)[0]
        os.kill(stopped, signal.SIGSTOP)  # alive, holding its share of the port, answering nothing
        wait_for_log(process, f"worker {stopped} has not answered its health probe", count=1, seconds=30)
        wait_for_log(process, "serving on", count=1, seconds=120)
        assert stopped not in _workers(process.pid) and len(_workers(process.pid)) == 2
        outcomes = _fresh_calls(port, 2.0)
        assert set(outcomes) == {"OK"}, outcomes
    finally:
        _stop(process)


def test_a_worker_tells_its_supervisor_it_serves_before_it_logs_so(
    cleaner: Cleaner, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker stopped the moment it logs "serving on" has already started its supervisor's clock."""
    supervisor_end, worker_end = socket.socketpair()
    supervisor_end.setblocking(False)
    heard: list[bytes] = []

    class AtServingOn(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("serving on"):
                heard.append(supervisor_end.recv(16))  # unasked: nothing was sent to the worker

    handler = AtServingOn()
    logging.getLogger("cleaner.server").addHandler(handler)
    caplog.set_level(logging.INFO, logger="cleaner.server")
    try:
        running = start(ServerConfig(port=0), cleaner, probe=worker_end.fileno())
        running.stop(0)
    finally:
        logging.getLogger("cleaner.server").removeHandler(handler)
        supervisor_end.close()
        worker_end.close()
    assert heard == [b"S"]


def _refusal(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        code = process.wait(60)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise AssertionError("the second server started") from None
    return code, process.stdout.read() if process.stdout else ""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_second_server_on_the_same_port_is_refused(served: tuple[subprocess.Popen[str], int], workers: str) -> None:
    _, port = served
    code, output = _refusal(_serve("--port", str(port), "--workers", workers))
    assert code == 1 and "Traceback" not in output
    assert output.strip().splitlines() == [f"cleaner: another cleaner serve is already running on port {port}"]
    assert _fresh_calls(port, 0.5)["OK"] > 0  # the first one still serves


@pytest.mark.parametrize(
    ("family", "host", "reuse_port", "listen"),
    [
        (socket.AF_INET, "127.0.0.1", False, True),
        (socket.AF_INET, "127.0.0.1", True, True),  # the kernel would let the server share it
        (socket.AF_INET, "0.0.0.0", False, True),  # a wildcard holder covers 127.0.0.1
        (socket.AF_INET6, "::1", False, True),
        (socket.AF_INET6, "::1", True, True),
        (socket.AF_INET, "127.0.0.1", False, False),  # bound, not listening
    ],
    ids=["v4", "v4 reuseport", "v4 wildcard", "v6", "v6 reuseport", "v4 bound only"],
)
def test_a_port_held_by_another_socket_is_refused_in_one_line(
    family: socket.AddressFamily, host: str, reuse_port: bool, listen: bool
) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as holder:
        if reuse_port:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind((host, 0))
        port = holder.getsockname()[1]
        if listen:
            holder.listen()
        serve_host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
        code, output = _refusal(_serve("--host", serve_host, "--port", str(port)))
    assert code == 1 and "Traceback" not in output, output
    [line] = output.strip().splitlines()
    assert line.startswith("cleaner: ") and str(port) in line, line


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sighup_drains_like_sigterm(workers: str) -> None:
    port = free_port()
    process = _serve("--port", str(port), "--workers", workers)
    try:
        wait_for_log(process, "serving on", count=int(workers))
        text = SEEDS[1].read_text(encoding="utf-8")

        def requests() -> Iterator[pb.CleanRequest]:
            for n in range(8):
                yield pb.CleanRequest(id=str(n), text=text)
                time.sleep(0.1)

        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stream = pb_grpc.BoilerplateCleanerStub(channel).CleanStream(requests(), timeout=30)
            first = next(stream)
            os.killpg(process.pid, signal.SIGHUP)  # the terminal went away: every process gets it
            rest = list(stream)
        assert [r.id for r in [first, *rest]] == [str(n) for n in range(8)]
        assert process.wait(30) == 0
    finally:
        output = _stop(process)
    assert output.count("received SIGHUP: draining") == int(workers), output


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("problem", ["missing TLS key", "invalid rule pack"])
def test_a_server_that_cannot_start_says_why_once(tmp_path: Path, workers: str, problem: str) -> None:
    if problem == "missing TLS key":
        args, expected = (
            ["--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(tmp_path / "none.pem")],
            "No such file",
        )
    else:
        (tmp_path / "bad.toml").write_text(
            '[pack]\nname = "bad"\nversion = "1"\n[[rule]]\nid = "x"\n', encoding="utf-8"
        )
        args, expected = ["--rules", str(tmp_path / "bad.toml")], "invalid rule pack"
    code, output = _refusal(_serve("--port", str(free_port()), "--workers", workers, *args))
    assert code == 1 and "Traceback" not in output and output.count(expected) == 1, output


def test_serves_on_the_ipv6_loopback() -> None:
    port = free_port()
    process = _serve("--host", "::1", "--port", str(port))
    try:
        wait_for_log(process, "serving on", count=1)
        with grpc.insecure_channel(f"[::1]:{port}") as channel:
            response = pb_grpc.BoilerplateCleanerStub(channel).Clean(
                pb.CleanRequest(id="v6", text="Over IPv6."), timeout=10
            )
        assert response.body == "Over IPv6."
    finally:
        output = _stop(process)
    assert "Traceback" not in output and process.returncode == 0, output
