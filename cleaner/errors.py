"""Errors the library raises, each with the status code a client should see."""

from __future__ import annotations

from collections.abc import Sequence

# Status codes, by their gRPC names: what an error record and the server's status say.
INTERNAL = "INTERNAL"
INVALID_ARGUMENT = "INVALID_ARGUMENT"
DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
FAILED_PRECONDITION = "FAILED_PRECONDITION"
CANCELLED = "CANCELLED"


class CleanerError(Exception):
    """Base class; ``code`` is a gRPC-style status name."""

    code = INTERNAL


class InvalidInputError(CleanerError, ValueError):
    """The input cannot be cleaned: missing, empty, too large or malformed."""

    code = INVALID_ARGUMENT


class RuleTimeoutError(CleanerError, TimeoutError):
    """Matching took longer than the configured time budget."""

    code = DEADLINE_EXCEEDED

    def __init__(self, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule


class CleaningStopped(CleanerError):
    """The caller stopped the document: ``stop`` said so (CANCELLED), or ``deadline`` passed (DEADLINE_EXCEEDED)."""

    code = CANCELLED

    def __init__(self, message: str, code: str = CANCELLED) -> None:
        super().__init__(message)
        self.code = code


Problem = tuple[str | None, str | None, str]


class RulePackError(CleanerError, ValueError):
    """A rule pack is invalid; lists every problem with file, rule id and field."""

    code = FAILED_PRECONDITION

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self._format(problem) for problem in self.problems))

    def _format(self, problem: Problem) -> str:
        rule_id, field, message = problem
        parts = [self.path]
        if rule_id:
            parts.append(f"rule {rule_id!r}")
        if field:
            parts.append(f"field {field!r}")
        return ": ".join(parts + [message])


def describe_failure(error: Exception) -> tuple[str, str]:
    """(status code, message) for a document that failed; the same in-process and over gRPC.

    Unexpected errors say only their type: no internals reach a client.
    """
    if isinstance(error, CleanerError):
        return error.code, str(error)
    return INTERNAL, f"internal error ({type(error).__name__})"
