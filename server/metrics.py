"""The service's Prometheus metrics, updated by the interceptor (calls) and the servicer (documents).

Imported only by serving processes: with ``--workers N`` prometheus_client must
find its multiprocess folder in the environment when it is first imported
(``exporter``).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from functools import cache
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from cleaner import ResultValues, RuleTimeoutError
from cleaner.rules.schema import Category

from .config import SERVICE_NAME

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "cleaner_grpc_requests", "gRPC calls that ended, by method and status code", ["service", "method", "code"]
)
LATENCY = Histogram(
    "cleaner_grpc_request_duration_seconds",
    "Time from a call's start to its end (a stream: its whole life)",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)
IN_FLIGHT = Gauge(
    "cleaner_grpc_in_flight_requests", "gRPC calls in progress", ["service", "method"], multiprocess_mode="livesum"
)
DOCUMENTS = Counter("cleaner_documents_cleaned", "Documents cleaned (unary calls and stream items)")
CHARACTERS = Counter("cleaner_characters_cleaned", "Characters of the documents cleaned (their input text)")
BODY_CHARACTERS = Counter("cleaner_body_characters", "Characters of the bodies returned")
REMOVALS = Counter("cleaner_removals", "Pieces of input removed, by category", ["category"])
FAILURES = Counter("cleaner_documents_failed", "Documents that could not be cleaned, by status code", ["code"])
RULE_TIMEOUTS = Counter("cleaner_rule_timeouts", "Documents whose rule stage ran out of its time budget", ["rule"])


CLEANER_METHODS = ("Clean", "CleanStream", "ListRules")


@dataclass(frozen=True, slots=True)
class CallSeries:
    """One method's series, looked up once (``labels`` takes a lock and builds a key on every call)."""

    service: str
    method: str
    in_flight: Any
    latency: Any

    def ended(self, code: str, seconds: float) -> None:
        _requests(self.service, self.method, code).inc()
        self.latency.observe(seconds)


@cache
def call_series(path: str) -> CallSeries:
    """The series of a gRPC method path such as ``/boilerplate.v1.BoilerplateCleaner/Clean`` (only served
    methods reach the interceptor, so there are few)."""
    service, _, method = path.lstrip("/").rpartition("/")
    return CallSeries(service, method, IN_FLIGHT.labels(service, method), LATENCY.labels(service, method))


@cache
def _requests(service: str, method: str, code: str) -> Any:
    return REQUESTS.labels(service, method, code)


@cache
def _removals(category: str) -> Any:
    return REMOVALS.labels(category)


def document_cleaned(result: ResultValues) -> None:
    DOCUMENTS.inc()
    CHARACTERS.inc(result.stats["chars_in"])
    BODY_CHARACTERS.inc(result.stats["chars_out"])
    for category, count in collections.Counter(category for _, category, _, _ in result.removed).items():
        _removals(category).inc(count)


def document_failed(code: str, error: Exception) -> None:
    FAILURES.labels(code).inc()
    if isinstance(error, RuleTimeoutError):
        RULE_TIMEOUTS.labels(error.rule or "").inc()


def _initialise() -> None:
    """Every series a dashboard expects, at 0 from the start; and in multiprocess mode, this process's files
    made before any scrape can meet one half written."""
    for method in CLEANER_METHODS:
        call_series(f"/{SERVICE_NAME}/{method}")
        _requests(SERVICE_NAME, method, "OK")
    for category in Category:
        _removals(category.value)


_initialise()
