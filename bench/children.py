"""Run a command in a new process and account for it: wall time, CPU time, peak memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Runs the cleaner CLI, then prints (as JSON on its last line) its own CPU time and peak RSS
# and those of its worker processes. VmHWM belongs to the new process image; ru_maxrss of
# RUSAGE_CHILDREN is the largest worker's peak (pebble joins its workers before exit).
CLI_WRAPPER = (
    "import json, resource, sys\n"
    "from cleaner.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]\n"
    "print(json.dumps({'cpu': me.ru_utime + me.ru_stime, 'workers_cpu': kids.ru_utime + kids.ru_stime,\n"
    "                  'peak_kb': int(hwm), 'worker_peak_kb': kids.ru_maxrss}))\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Spent:
    wall: float
    cpu: float  # the process and every process it waited for
    stdout: str


@dataclass(frozen=True)
class CliRun:
    """A ``cleaner`` command run through ``CLI_WRAPPER``."""

    wall: float
    cpu: float  # the cleaner process itself
    workers_cpu: float
    peak_mb: float
    worker_peak_mb: float


def run(command: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 3600) -> Spent:
    """Run ``command`` to its end; its wall time and the CPU time of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        list(command), capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed ({done.returncode}): {done.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Spent(wall, cpu, done.stdout)


def run_cli(arguments: Sequence[str], env: Mapping[str, str] | None = None) -> CliRun:
    """``cleaner ARGUMENTS`` in a new process, with its own and its workers' CPU time and peak RSS."""
    spent = run([sys.executable, "-c", CLI_WRAPPER, *arguments], env)
    found = json.loads(spent.stdout.strip().splitlines()[-1])
    return CliRun(
        spent.wall, found["cpu"], found["workers_cpu"], found["peak_kb"] / 1024, found["worker_peak_kb"] / 1024
    )
