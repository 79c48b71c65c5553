"""Shared fixtures, the ``--update-golden`` option and the hypothesis profiles (HYPOTHESIS_PROFILE=ci|long)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cleaner import Cleaner

# The fuzz targets live beside the package, not in it: appended, so the installed ``cleaner`` still wins.
sys.path.append(str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # the tests' helper modules (servers, engine_inputs)

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff by eye before committing)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write a pack file (a [pack] header for ``name`` plus ``body``) into a temporary folder."""

    def write(name: str, body: str, header: str = "") -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(f'[pack]\nname = "{name}"\nversion = "1"\n{header}\n{body}', encoding="utf-8")
        return path

    return write
