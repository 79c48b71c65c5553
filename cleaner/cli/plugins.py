"""Commands and batch back-ends that other installed packages add (entry point group ``boilerplate_cleaner.cli``).

The library knows nothing of gRPC: the service package registers ``serve``
and the ``batch --server`` client here, so the dependency runs one way.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from functools import cache
from importlib.metadata import entry_points
from typing import Protocol, TypeAlias, cast

from ..batch.records import Numbered
from ..settings import Settings

GROUP = "boilerplate_cleaner.cli"

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class RemoteCleaner(Protocol):
    """A connection that cleans a batch's lines elsewhere, giving the same output lines."""

    @property
    def settings(self) -> Settings:
        """The limits that apply there (lines are read with them, as in-process with one's own)."""
        ...

    def clean_lines(self, lines: Iterable[Numbered]) -> Iterator[str]: ...


class Plugin(Protocol):
    def add_commands(self, commands: Commands) -> None: ...

    def connect(self, target: str, *, tls_ca: str | None, window: int) -> AbstractContextManager[RemoteCleaner]: ...


@cache
def installed() -> tuple[Plugin, ...]:
    """Every plugin module registered in the entry point group, by name."""
    found = sorted(entry_points(group=GROUP), key=lambda point: point.name)
    return tuple(cast(Plugin, point.load()) for point in found)


def remote(target: str, *, tls_ca: str | None, window: int) -> AbstractContextManager[RemoteCleaner]:
    """A connection to a cleaning service, from the plugin that offers one."""
    for plugin in installed():
        return plugin.connect(target, tls_ca=tls_ca, window=window)
    raise OSError("--server needs the service package (cleaner_server), which is not installed")
