"""What an output path names is respected: devices, FIFOs and open descriptors are written in place,
symlinks are followed (the link stays), a directory is refused before any work; for `batch -o`,
`clean --out`, `rules suggest --out` and `eval --json`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.batch.resume import partial_path
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def records(count: int) -> str:
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    return "".join(json.dumps({"id": f"r{n}", "text": texts[n % len(texts)]}) + "\n" for n in range(count))


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(records(3), encoding="utf-8")
    return path


@pytest.fixture
def expected(source: Path, tmp_path: Path) -> bytes:
    assert main(["batch", "--no-progress", str(source), "-o", str(tmp_path / "expected.jsonl")]) == 0
    return (tmp_path / "expected.jsonl").read_bytes()


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A character device to write to: a null device made here (as root), else /dev/null itself."""
    if os.geteuid() != 0:
        return Path("/dev/null")  # the old code failed here too (it cannot write /dev/.null.partial)
    path = tmp_path / "dev" / "null"
    path.parent.mkdir()
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


class FifoReader:
    """Reads everything written to a FIFO, in a thread."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.data = b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as stream:
            self.data = stream.read()

    def result(self) -> bytes:
        self._thread.join(30)
        assert not self._thread.is_alive()
        return self.data


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[FifoReader]:
    reader = FifoReader(tmp_path / "fifo")
    yield reader
    if reader._thread.is_alive():  # unblock a reader nobody wrote to
        with open(reader.path, "wb"):
            pass


def batch(*argv: str) -> int:
    return main(["batch", "--no-progress", *argv])


def test_batch_writes_a_character_device_in_place(source: Path, device: Path) -> None:
    assert batch(str(source), "-o", str(device)) == 0
    assert stat.S_ISCHR(os.stat(device).st_mode), "the device was replaced by a file"
    assert not partial_path(str(device)).exists()


def test_batch_writes_a_fifo_in_place(source: Path, fifo: FifoReader, expected: bytes) -> None:
    assert batch(str(source), "-o", str(fifo.path)) == 0
    assert fifo.result() == expected
    assert stat.S_ISFIFO(os.stat(fifo.path).st_mode)


def test_batch_writes_an_open_descriptor_in_place_appending(source: Path, tmp_path: Path, expected: bytes) -> None:
    """What /dev/stdout is: a symlink to /proc/self/fd/1. One made here, so that code which renames over
    its output (the old code did) replaces this link, never the system's /dev/stdout."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    command = [sys.executable, "-m", "cleaner", "batch", "--no-progress", str(source), "-o", str(stdout)]
    piped = subprocess.run(command, capture_output=True, check=True)
    assert piped.stdout == expected
    appended = tmp_path / "log.jsonl"
    appended.write_bytes(b"earlier line\n")
    with appended.open("ab") as out:  # a shell's >> into a regular file: what was there stays
        subprocess.run(command, stdout=out, check=True)
    assert appended.read_bytes() == b"earlier line\n" + expected
    assert stdout.is_symlink() and os.readlink(stdout) == "/proc/self/fd/1"


def test_batch_follows_a_symlink_and_keeps_it(source: Path, tmp_path: Path, expected: bytes) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert partial_path(str(link)) == elsewhere / ".real.jsonl.partial"  # beside the target, not the link
    assert batch(str(source), "-o", str(link)) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == expected
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in elsewhere.iterdir()) == ["real.jsonl"]


def test_batch_resumes_through_a_symlink(source: Path, tmp_path: Path, expected: bytes) -> None:
    real = tmp_path / "sub" / "real.jsonl"
    real.parent.mkdir()
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)  # dangling until the run finishes
    first_two = b"".join(expected.splitlines(keepends=True)[:2])
    (real.parent / ".real.jsonl.partial").write_bytes(first_two + b'{"id": "r2", "bo')
    assert batch(str(source), "-o", str(link), "--resume") == 0
    assert link.is_symlink() and real.read_bytes() == expected


def test_batch_to_a_directory_fails_before_any_work(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert batch(str(source), "-o", str(folder), "--learn-sites") == 2
    err = capsys.readouterr().err
    assert f"{folder} is a directory" in err and "learned" not in err
    assert list(tmp_path.glob(".*partial")) == [] and list(folder.iterdir()) == []
    assert batch(str(source), "-o", str(tmp_path / "missing" / "out.jsonl")) == 2
    assert "no such directory" in capsys.readouterr().err


def test_resume_is_refused_where_output_is_written_in_place(
    source: Path, device: Path, fifo: FifoReader, capsys: pytest.CaptureFixture[str]
) -> None:
    assert batch(str(source), "-o", str(device), "--resume") == 2
    assert "--resume needs a regular output file" in capsys.readouterr().err
    assert batch(str(source), "-o", str(fifo.path), "--resume") == 2
    assert "is a FIFO, written in place" in capsys.readouterr().err
    assert batch(str(source), "-o", "-", "--resume") == 2


def test_clean_out_follows_symlinks_and_writes_fifos_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first, second = SEEDS[0], SEEDS[1]
    real = tmp_path / "kept.txt"
    (out / f"{first.stem}.txt").symlink_to(real)
    reader = FifoReader(out / f"{second.stem}.txt")
    assert main(["clean", "--out", str(out), str(first), str(second)]) == 0
    assert (out / f"{first.stem}.txt").is_symlink() and real.read_text(encoding="utf-8").strip()
    assert reader.result().decode("utf-8").strip()
    assert stat.S_ISFIFO(os.stat(reader.path).st_mode)
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{first.stem}.txt", f"{second.stem}.txt"])


@pytest.mark.parametrize("command", ["clean", "suggest", "eval"])
def test_an_output_that_is_the_wrong_kind_fails_before_any_work(
    command: str, source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    argv = {
        "clean": ["clean", "--out", str(a_file), str(SEEDS[0])],
        "suggest": ["rules", "suggest", str(source), "--out", str(a_file / "sub")],
        "eval": ["eval", str(ROOT / "eval" / "dev.jsonl"), "--json", str(tmp_path)],
    }[command]
    started = time.monotonic()
    assert main(argv) == 2
    assert time.monotonic() - started < 5, "refused only after the work"
    expected = f"{tmp_path} is a directory" if command == "eval" else f"{a_file} is not a directory"
    assert expected in capsys.readouterr().err
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"
