"""Where output goes: what an output path names, decided before any work.

A regular file (or a path where none exists yet) is replaced whole: written
beside it first and renamed over it, so a file by that name is always
complete. A symlink is followed: the file it points to is replaced, the link
stays. Anything else (a character device such as ``/dev/null``, a FIFO, a
socket, ``/dev/stdout`` or ``/proc/self/fd/N``, which name an open descriptor) is
written in place: it cannot be renamed over, and a rename would swap the device
or pipe for a plain file. A directory is refused.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import FAILED_PRECONDITION, CleanerError

_MAX_LINKS = 40  # as the kernel's limit on symlinks followed in one lookup


class OutputError(CleanerError):
    """An output path that cannot be written as asked."""

    code = FAILED_PRECONDITION


@dataclass(frozen=True, slots=True)
class OutputTarget:
    """What an output path names.

    ``path`` is the file to write: the path itself, or the file its symlinks
    lead to. ``in_place`` is true for a file that is written where it is (not a
    regular file); ``kind`` says what it is ("a character device", ...).
    """

    name: str
    path: str
    in_place: bool
    kind: str = "a regular file"


def output_target(name: str) -> OutputTarget:
    """What writing to ``name`` means; ``OutputError`` for a directory or a missing folder."""
    try:
        status = os.stat(name)  # follows symlinks, including /proc's links to open descriptors
    except FileNotFoundError:
        status = None
    except OSError as error:  # a symlink loop, a permission problem: say so before any work
        raise OutputError(f"cannot write {name}: {error.strerror}") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{name} is a directory; give a file name")
    if status is not None and not stat.S_ISREG(status.st_mode):
        return OutputTarget(name, name, True, _kind(status.st_mode))
    if _names_a_descriptor(name):
        return OutputTarget(name, name, True, "an open file descriptor")
    path = os.path.realpath(name)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {name}: no such directory {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):  # the partial file is made there, then renamed
        raise OutputError(f"cannot write {name}: no permission to create files in {folder}")
    return OutputTarget(name, path, False)


def output_folder_problem(folder: Path) -> str:
    """Why ``folder`` cannot be (made and) written into, or "" when it can."""
    existing = folder
    while not os.path.exists(existing) and existing != existing.parent:
        existing = existing.parent
    if not os.path.isdir(existing):
        what = f"{folder} is not a directory" if existing == folder else f"{existing} is not a directory"
        return what + "; give a folder for the output files"
    return ""


def replace_file(target: OutputTarget, text: str) -> None:
    """Write ``text`` to the target: in place, or beside it and renamed over it (keeping its permissions)."""
    if target.in_place:
        with open(target.name, "a", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        return
    path = Path(target.path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        keep_permissions(temporary, target.path)
        os.replace(temporary, target.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def keep_permissions(new: str | Path, old: str | Path) -> None:
    """Give ``new`` the permission bits of ``old`` (if it exists), which a rename over it would drop."""
    try:
        mode = stat.S_IMODE(os.stat(old).st_mode)
    except FileNotFoundError:
        return
    os.chmod(new, mode)


def _names_a_descriptor(name: str) -> bool:
    """Whether ``name`` leads, through symlinks, to /dev/fd/N or /proc/PID/fd/N (as /dev/stdout does).

    Such a path is an already-open file (a shell's ``>`` or ``>>``): it is written
    where it is, appending, never renamed over.
    """
    path = os.path.abspath(name)
    for _ in range(_MAX_LINKS):
        parts = Path(path).parts
        if len(parts) >= 4 and parts[-2] == "fd" and parts[-1].isdigit() and parts[1] in ("dev", "proc"):
            return True
        if not os.path.islink(path):
            return False
        path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
    return False


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
