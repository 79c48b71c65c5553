"""Compiled prefilter databases kept on disk between processes, best effort.

The folder is ``$CLEANER_CACHE_DIR`` if set (``off`` or empty: no cache),
else ``$XDG_CACHE_HOME/boilerplate-cleaner`` (``~/.cache`` when unset). A
file is named by its key and starts with the SHA-256 of the rest, so a torn
or altered file is recompiled, never loaded. A folder that cannot be read or
written only means compiling again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

ENVIRONMENT = "CLEANER_CACHE_DIR"
DISABLED = ("", "off")
_DIGEST = hashlib.sha256().digest_size


def cache_dir() -> Path | None:
    """Where compiled databases are kept, or None when caching is off."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen is not None:
        return None if chosen.strip().lower() in DISABLED else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "boilerplate-cleaner"


def read(key: str) -> bytes | None:
    """The bytes stored under ``key``, if a whole copy is there."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        content = (folder / key).read_bytes()
    except OSError:
        return None
    digest, data = content[:_DIGEST], content[_DIGEST:]
    return data if hashlib.sha256(data).digest() == digest else None


def write(key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` (atomically: a reader sees the old file or the new one); errors are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    temporary: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key}.")
        with os.fdopen(handle, "wb") as out:
            out.write(hashlib.sha256(data).digest() + data)
        os.replace(temporary, folder / key)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
