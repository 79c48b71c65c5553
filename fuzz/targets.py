"""Fuzz targets for the text and HTML entry points, and the invariants every result keeps.

    pip install ".[fuzz]"
    python -m fuzz text -atheris_runs=200000 [CORPUS_DIR ...]
    python -m fuzz html -max_total_time=600 [CORPUS_DIR ...]

A target refuses nothing silently: an input is either cleaned into a result
that keeps every invariant, or refused with ``InvalidInputError``. Any other
exception, or a broken invariant (``InvariantError``), is a finding. The test
suite drives the same targets with hypothesis on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import regex

from cleaner import Cleaner, CleanResult, InvalidInputError
from cleaner.text.normalise import normalise

_WORD = regex.compile(r"\w+")


class InvariantError(AssertionError):
    """A result that breaks one of the cleaner's promises."""


def check(result: CleanResult) -> None:
    """Raise ``InvariantError`` unless removals point at their text and the body invents nothing."""
    source = result.input_text
    for removal in result.removed:
        if not 0 <= removal.start < removal.end <= len(source) or source[removal.start : removal.end] != removal.text:
            raise InvariantError(f"removal {removal.rule} at {removal.start}:{removal.end} does not point at its text")
    found = {glued: set(_WORD.findall(normalise(source, split_glued=glued).text)) for glued in (True, False)}
    invented = set(_WORD.findall(result.body)) - found[True] - found[False]  # HTML mode splits no glued block
    if invented:
        raise InvariantError(f"body words not in the input: {sorted(invented)[:5]}")


@cache
def _cleaner() -> Cleaner:
    return Cleaner()


def clean_text(text: str) -> CleanResult | None:
    """Clean ``text``, check the result and that a second run gives the same; None when refused."""
    return _checked(lambda: _cleaner().clean(text))


def clean_html(html: str) -> CleanResult | None:
    """Clean ``html``, check the result and that a second run gives the same; None when refused."""
    return _checked(lambda: _cleaner().clean(html=html))


def _checked(run: Callable[[], CleanResult]) -> CleanResult | None:
    try:
        result = run()
    except InvalidInputError:
        return None
    check(result)
    if run().to_dict() != result.to_dict():
        raise InvariantError("cleaning the same input twice gave different results")
    return result


TARGETS = {"text": clean_text, "html": clean_html}
WARM_UP = "<p>The council voted on Tuesday to approve the new budget for the coming year.</p>"


def main(argv: list[str]) -> None:
    """Run one target under atheris (libFuzzer options and corpus directories follow its name)."""
    import atheris  # an optional tool, not a dependency

    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: python -m fuzz {{{'|'.join(TARGETS)}}} [libFuzzer options] [CORPUS_DIR ...]")
    target = TARGETS[argv[1]]
    target(WARM_UP)  # compile the rules and load what loads lazily (trafilatura, language ids) ...
    atheris.instrument_all()  # ... so coverage comes back from every module, the cleaner's included

    def one_input(data: bytes) -> None:
        target(atheris.FuzzedDataProvider(data).ConsumeUnicode(len(data)))

    atheris.Setup([argv[0], *argv[2:]], one_input)
    atheris.Fuzz()
