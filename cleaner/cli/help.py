"""How every ``cleaner`` parser formats its help: plain text, with each option's default shown."""

from __future__ import annotations

import argparse
from typing import Any


class HelpFormatter(argparse.HelpFormatter):
    """Appends ``(default X)`` to an option's help unless it says its default itself or has none worth showing."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if not action.option_strings or "default" in text or default in (None, False, argparse.SUPPRESS):
            return text
        if isinstance(default, list | tuple | set | frozenset):
            if not default:
                return text
            return f"{text} (default {','.join(map(str, default))})"
        return f"{text} (default %(default)s)"


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Sub-commands whose own help page opens with the one-line help they are listed with."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if "help" in kwargs:
            kwargs.setdefault("description", kwargs["help"][:1].upper() + kwargs["help"][1:] + ".")
        return super().add_parser(name, **kwargs)  # type: ignore[no-any-return]


class Parser(argparse.ArgumentParser):
    """An argument parser with ``HelpFormatter``; its sub-command parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Commands)
