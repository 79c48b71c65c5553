"""Shared fixtures and the ``--update-golden`` option."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner import Cleaner


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
