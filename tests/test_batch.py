"""Batch runs lose nothing: oversized lines, interrupted runs (--resume) and dying workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cleaner import CleanerOptions
from cleaner.batch.pool import ChunkRunner, in_order
from cleaner.batch.reading import numbered_lines
from cleaner.batch.records import TooLong, worker_died_line
from cleaner.batch.resume import partial_path, resume_point
from cleaner.batch.run import clean_lines, start_worker
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

FAULTY_TASKS = """
import os
import time

from cleaner.batch.run import clean_chunk


def crash_on_marker(chunk):
    if any(b"KILL-THE-WORKER" in line for _, line in chunk):
        os._exit(9)
    return clean_chunk(chunk)


def hang_on_marker(chunk):
    if any(b"HANG-THE-WORKER" in line for _, line in chunk):
        time.sleep(3600)
    return clean_chunk(chunk)


def announce_and_hang(chunk):
    open(f"{os.getpid()}.hanging", "w").close()  # in the current folder
    time.sleep(3600)
"""


@pytest.fixture
def faulty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Chunk tasks that kill or hang their worker on a marked record (importable in spawned workers)."""
    (tmp_path / "faulty.py").write_text(FAULTY_TASKS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # worker processes start with this path too
    import faulty  # type: ignore[import-not-found]

    return faulty


def seed_records(count: int) -> list[str]:
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    return [json.dumps({"id": f"r{n}", "text": texts[n % len(texts)]}) for n in range(count)]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def run(*argv: str) -> int:
    return main(["batch", "--no-progress", *argv])


def test_oversized_records_become_error_records_and_the_batch_goes_on(tmp_path: Path) -> None:
    big = json.dumps({"id": "big", "text": "word " * 30_000})
    huge = json.dumps({"id": "huge", "text": "word " * 300_000})  # longer than any line that can hold 20,000 chars
    source = write_lines(tmp_path / "in.jsonl", [*seed_records(2), big, huge, *seed_records(1)])
    assert run(str(source), "-o", str(tmp_path / "out.jsonl"), "--max-chars", "20000") == 3  # some records failed
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in records] == ["r0", "r1", "big", None, "r0"]
    assert records[2]["error"] == {
        "code": "INVALID_ARGUMENT",
        "message": "line 3: text is 150,000 characters; the limit is 20,000",
    }
    assert records[3]["error"] == {
        "code": "INVALID_ARGUMENT",
        "message": f"line 4: line is {len(huge):,} bytes long, more than any acceptable record",
    }


def test_numbered_lines_never_holds_an_oversized_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"short\n" + b"x" * 5000 + b"\nlast")
    with path.open("rb") as stream:
        lines = list(numbered_lines(stream, max_bytes=100))
    assert [number for number, _ in lines] == [1, 2, 3]
    assert lines[0][1] == b"short" and lines[2][1] == b"last"
    assert lines[1][1] == TooLong(5000)


def test_an_interrupted_run_leaves_only_a_partial_file(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", seed_records(3))
    output = tmp_path / "out.jsonl"

    def interrupted() -> object:
        yield from clean_lines(numbered_lines(source.open("rb")), CleanerOptions())
        raise KeyboardInterrupt

    from cleaner.batch.resume import Resumed, write_resumable

    with pytest.raises(KeyboardInterrupt):
        write_resumable(interrupted(), str(output), Resumed())  # type: ignore[arg-type]
    assert not output.exists()
    assert len(partial_path(str(output)).read_text(encoding="utf-8").splitlines()) == 3


def test_resume_after_a_kill_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", seed_records(400))
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    assert run(str(source), "-o", str(whole)) == 0
    process = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", str(source), "-o", str(resumed)])
    partial = partial_path(str(resumed))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not partial.exists() or partial.stat().st_size < 50_000):
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert not resumed.exists() and partial.exists()
    done = resume_point(str(resumed)).lines
    assert 0 < done < 400
    assert run(str(source), "-o", str(resumed), "--resume") == 0
    assert resumed.read_bytes() == whole.read_bytes()
    assert not partial.exists()


def test_resume_cuts_a_torn_last_line(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", seed_records(4))
    whole, output = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    assert run(str(source), "-o", str(whole)) == 0
    lines = whole.read_bytes().splitlines(keepends=True)
    partial_path(str(output)).write_bytes(b"".join(lines[:2]) + lines[2][:40])
    assert run(str(source), "-o", str(output), "--resume") == 0
    assert output.read_bytes() == whole.read_bytes()


def test_resume_refuses_a_partial_file_of_another_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out.jsonl"
    partial_path(str(output)).write_text(json.dumps({"id": "elsewhere", "body": "x"}) + "\n", encoding="utf-8")
    source = write_lines(tmp_path / "in.jsonl", seed_records(3))
    assert run(str(source), "-o", str(output), "--resume") == 1
    assert "does not belong to this input" in capsys.readouterr().err
    assert partial_path(str(output)).exists() and not output.exists()


def test_resume_of_a_finished_run_does_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_lines(tmp_path / "in.jsonl", seed_records(2))
    output = tmp_path / "out.jsonl"
    assert run(str(source), "-o", str(output)) == 0
    before = output.stat().st_mtime_ns
    assert run(str(source), "-o", str(output), "--resume") == 0
    assert "nothing to resume" in capsys.readouterr().err and output.stat().st_mtime_ns == before


def test_resume_needs_an_output_file(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", seed_records(1))
    assert run(str(source), "-o", "-", "--resume") == 2


def test_a_dead_worker_is_replaced_and_its_record_reported(tmp_path: Path, faulty: Any) -> None:
    lines = seed_records(70)
    killers = {33: "killer", 61: "killer-2"}
    for n, record_id in killers.items():
        lines[n] = json.dumps({"id": record_id, "text": "KILL-THE-WORKER"})
    source = write_lines(tmp_path / "in.jsonl", lines)
    with source.open("rb") as stream:
        output = list(clean_lines(numbered_lines(stream), CleanerOptions(), workers=2, task=faulty.crash_on_marker))
    with source.open("rb") as stream:
        expected = list(clean_lines(numbered_lines(stream), CleanerOptions()))
    assert len(output) == 70
    for n, record_id in killers.items():
        assert json.loads(output[n]) == {
            "id": record_id,
            "error": {
                "code": "INTERNAL",
                "message": f"line {n + 1}: the worker process died (exit code 9) while cleaning this record",
            },
        }
    assert [line for n, line in enumerate(output) if n not in killers] == [
        line for n, line in enumerate(expected) if n not in killers
    ]


def test_a_stuck_worker_is_stopped_and_its_record_reported(tmp_path: Path, faulty: Any) -> None:
    lines = seed_records(6)
    lines[4] = json.dumps({"id": "stuck", "text": "HANG-THE-WORKER"})
    numbered = [(n, line.encode()) for n, line in enumerate(lines, start=1)]
    chunks = [numbered[:3], numbered[3:]]
    with ChunkRunner(2, faulty.hang_on_marker, start_worker, (CleanerOptions(),), seconds_per_record=1.0) as runner:
        output = list(in_order(runner, chunks, window=4, on_death=worker_died_line))
    assert [json.loads(line)["id"] for line in output] == ["r0", "r1", "r2", "r3", "stuck", "r5"]
    assert json.loads(output[4])["error"]["message"] == (
        "line 5: the worker process was stopped: cleaning this record took longer than its time limit"
    )


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cleaner", "batch", "--no-progress", *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_batch_with_failed_records_says_so_and_exits_3(tmp_path: Path) -> None:
    bad = [json.dumps({"id": "empty", "text": ""}), "{broken", json.dumps({"id": "none"})]
    source = write_lines(tmp_path / "in.jsonl", bad)
    output = tmp_path / "out.jsonl"
    done = cli(str(source), "-o", str(output))
    assert done.returncode == 3
    assert done.stderr.splitlines()[-1] == "cleaner batch: 3 records: 0 cleaned, 3 errors (INVALID_ARGUMENT 3)"
    assert len(output.read_text(encoding="utf-8").splitlines()) == 3  # the output is complete all the same
    allowed = cli(str(source), "-o", str(output), "--allow-errors")
    assert allowed.returncode == 0 and allowed.stderr.splitlines()[-1] == done.stderr.splitlines()[-1]
    good = cli(str(write_lines(tmp_path / "good.jsonl", seed_records(2))), "-o", "-")
    assert good.returncode == 0 and good.stderr.splitlines()[-1] == "cleaner batch: 2 records: 2 cleaned, 0 errors"


def test_a_resumed_batch_counts_the_errors_written_before(tmp_path: Path) -> None:
    lines = seed_records(3)
    lines[0] = json.dumps({"id": "r0", "text": ""})
    source = write_lines(tmp_path / "in.jsonl", lines)
    whole, output = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    assert cli(str(source), "-o", str(whole)).returncode == 3
    partial_path(str(output)).write_bytes(whole.read_bytes().splitlines(keepends=True)[0])
    resumed = cli(str(source), "-o", str(output), "--resume")
    assert resumed.returncode == 3 and output.read_bytes() == whole.read_bytes()
    assert resumed.stderr.splitlines()[-1] == (
        "cleaner batch: 3 records (1 written before this run): 2 cleaned, 1 error (INVALID_ARGUMENT 1)"
    )
    again = cli(str(source), "-o", str(output), "--resume")  # nothing to resume: the verdict stays
    assert again.returncode == 3 and "nothing to resume" in again.stderr and "1 error" in again.stderr


ORPHAN_SCRIPT = """
from cleaner import CleanerOptions
from cleaner.batch.pool import ChunkRunner, in_order
from cleaner.batch.records import worker_died_line
from cleaner.batch.run import start_worker

import faulty

if __name__ == "__main__":  # spawned workers import this module too
    chunks = [[(n, b'{"id": "h", "text": "ANNOUNCE-AND-HANG"}')] for n in range(1, 3)]
    with ChunkRunner(2, faulty.announce_and_hang, start_worker, (CleanerOptions(),), seconds_per_record=600) as runner:
        list(in_order(runner, chunks, window=4, on_death=worker_died_line))
"""


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_pool_workers_exit_at_once_when_their_parent_is_killed(tmp_path: Path, faulty: Any) -> None:
    """Both workers are mid-chunk (a record that takes minutes) when the batch process gets SIGKILL."""
    script = tmp_path / "orphans.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=environment)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(tmp_path.glob("*.hanging"))) < 2 and process.poll() is None:
        time.sleep(0.02)
    workers = [int(path.stem) for path in tmp_path.glob("*.hanging")]
    assert len(workers) == 2, "the workers did not start their chunks"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    killed = time.monotonic()
    while any(_running(pid) for pid in workers) and time.monotonic() - killed < 10:
        time.sleep(0.02)
    lived = time.monotonic() - killed
    leftover = [pid for pid in workers if _running(pid)]
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    assert not leftover and lived < 1.5, f"workers lived on {lived:.1f} s after their parent was killed"


def test_the_parent_watch_thread_ends_a_worker_without_prctl(tmp_path: Path) -> None:
    """Where the kernel cannot be asked (not Linux), a thread sees the parent pid change and exits."""
    ready = tmp_path / "child.pid"
    child = (
        "import os, sys, threading, time\n"
        "from cleaner.batch.pool import _watch_parent\n"
        "threading.Thread(target=_watch_parent, args=(int(sys.argv[1]),), daemon=True).start()\n"
        f"open({str(ready)!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(60)\n"
    )
    parent = f"import os, subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())])\ntime.sleep(60)\n"
    process = subprocess.Popen([sys.executable, "-c", parent])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (ready.exists() and ready.read_text()):
        time.sleep(0.02)
    child_pid = int(ready.read_text())
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    killed = time.monotonic()
    while _running(child_pid) and time.monotonic() - killed < 10:
        time.sleep(0.02)
    lived = time.monotonic() - killed
    if _running(child_pid):
        os.kill(child_pid, signal.SIGKILL)
    assert lived < 1.5, f"the child lived on {lived:.1f} s"
