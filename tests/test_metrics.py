"""The Prometheus endpoint, scraped during a real load run (bench.load's clients) on ``cleaner serve --workers 2``.

The server is configured by environment variables only (CLEANER_PORT, CLEANER_WORKERS, CLEANER_METRICS_PORT,
CLEANER_LOG_FORMAT), so this also runs the variables and the JSON log in a real process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.load import SCALES, Corpus, LoadResult, _channel, _stub, _wait_for_log, run_load
from bench.run import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVICE = "boilerplate.v1.BoilerplateCleaner"
CONNECTIONS = 16
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode("utf-8")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(value for (sample, have), value in samples.items() if sample == name and wanted <= have)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int, Path]]:
    port, metrics_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    environment = {**os.environ, "CLEANER_PORT": str(port), "CLEANER_WORKERS": "2",
                   "CLEANER_METRICS_PORT": str(metrics_port), "CLEANER_LOG_FORMAT": "json"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "serve"], cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for_log(log, "serving on", 2, 120)
        yield port, metrics_port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(30) == 0


def test_metrics_follow_a_load_run_across_both_workers(server: tuple[int, int, Path]) -> None:
    port, metrics_port, log = server
    corpus = Corpus.load()
    for n in range(CONNECTIONS):  # a connection each: SO_REUSEPORT spreads connections, so both workers get some
        with _channel(port) as channel:
            _stub(channel).Clean(corpus.request(n), timeout=30)
    before = scrape(metrics_port)
    scale = SCALES["smoke"]
    outcome: list[LoadResult] = []
    load = threading.Thread(target=lambda: outcome.append(run_load(port, corpus, scale, 400, 30)))
    load.start()
    in_flight, scrapes = [], 0
    while load.is_alive():
        during = scrape(metrics_port)
        scrapes += 1
        in_flight.append(total(during, "cleaner_grpc_in_flight_requests", service=SERVICE))
        time.sleep(0.1)
    load.join()
    result = outcome[0]
    assert result.errors == {} and result.unary_calls > 0 and result.streams > 0
    after = scrape(metrics_port)

    def grew(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert scrapes >= 3 and max(in_flight) >= 1
    assert total(after, "cleaner_grpc_in_flight_requests", service=SERVICE) == 0
    assert grew("cleaner_grpc_requests_total", method="Clean", code="OK") == result.unary_calls
    assert grew("cleaner_grpc_requests_total", method="CleanStream", code="OK") == result.streams
    assert grew("cleaner_grpc_request_duration_seconds_count", method="Clean") == result.unary_calls
    assert grew("cleaner_grpc_request_duration_seconds_bucket", method="Clean", le="+Inf") == result.unary_calls
    assert grew("cleaner_documents_cleaned_total") == result.requests
    assert grew("cleaner_characters_cleaned_total") >= 100 * result.requests
    assert 0 < grew("cleaner_body_characters_total") < grew("cleaner_characters_cleaned_total")
    removals = {
        dict(labels)["category"]: value - before.get((name, labels), 0)
        for (name, labels), value in after.items()
        if name == "cleaner_removals_total"
    }
    assert sum(removals.values()) > result.requests and len([c for c, n in removals.items() if n > 0]) >= 5
    assert grew("cleaner_documents_failed_total") == 0 and grew("cleaner_rule_timeouts_total") == 0

    access = Counter()
    for line in log.read_text().splitlines():
        entry = json.loads(line)  # every line of the log is one JSON object
        if entry["logger"] == "cleaner.access" and entry["method"].startswith(f"/{SERVICE}/"):
            access[entry["process"]] += 1
    assert len(access) == 2, "both workers served calls"  # so the endpoint summed two processes
