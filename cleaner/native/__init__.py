"""The compiled per-block work (``_native``, a C extension), when it was built and is switched on.

``pip install .`` builds the extension with the machine's C compiler; where there
is none, the install goes on without it and every stage runs its pure-Python path,
which gives the same output bit for bit. ``CLEANER_NATIVE=0`` in the environment
at import leaves the extension out; ``disabled()`` does the same for a while (tests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


def _load() -> ModuleType | None:
    if os.environ.get("CLEANER_NATIVE", "1").strip() == "0":
        return None
    try:
        from . import _native
    except ImportError:
        return None
    return _native


_BUILT = _load()
_active = _BUILT is not None


def extension() -> ModuleType | None:
    """The extension module where it is loaded and switched on, else None (the pure-Python path)."""
    return _BUILT if _active else None


def built() -> ModuleType | None:
    """The extension module where it was built and loaded, whatever ``disabled`` says now."""
    return _BUILT


@contextmanager
def disabled() -> Iterator[None]:
    """Run the pure-Python path inside the block (not thread-safe: meant for tests and benchmarks)."""
    global _active
    before, _active = _active, False
    try:
        yield
    finally:
        _active = before
