"""Every ``cleaner serve`` option from an environment variable: ``--port`` from ``CLEANER_PORT``, and so on.

Precedence: a flag on the command line, then the variable, then the built-in
default. A variable becomes the option's default, so argparse converts and
checks it as it would the flag's value (only when ``serve`` runs); an invalid
value is refused naming the variable. Lists (``--rules``) are separated by
``os.pathsep``; switches (``--no-builtin-rules``) take 1/0, true/false, yes/no, on/off.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Collection, Mapping
from typing import Any

PREFIX = "CLEANER_"
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off", ""})


def variable(action: argparse.Action) -> str:
    return PREFIX + action.dest.upper()


def apply(parser: argparse.ArgumentParser, environ: Mapping[str, str] = os.environ) -> None:
    """Name each option's variable in its help, and take the option's default from it when it is set."""
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        name = variable(action)
        action.help = f"{action.help or ''} [env {name}]".strip()
        value = environ.get(name)
        if value is None:
            continue
        if isinstance(action, argparse._StoreTrueAction):
            action.type, action.default = _switch(name), value
        elif isinstance(action, argparse._AppendAction):
            action.default = [part for part in value.split(os.pathsep) if part]
        else:
            action.type = _checked(name, value, action.type, action.choices)  # type: ignore[arg-type]
            action.default = value


def _switch(name: str) -> Callable[[str], bool]:
    def convert(value: str) -> bool:
        if value.strip().lower() in TRUE | FALSE:
            return value.strip().lower() in TRUE
        raise argparse.ArgumentTypeError(f"{name}={value!r}: give 1 or 0 (true/false, yes/no, on/off)")

    return convert


def _checked(
    name: str, given: str, convert: Callable[[str], Any] | None, choices: Collection[Any] | None
) -> Callable[[str], Any]:
    """The option's conversion, also checking ``choices`` (argparse checks them only on the command line)."""

    def checked(value: str) -> Any:
        from_variable = value is given  # the very string taken from the environment, not the flag's
        try:
            result = convert(value) if convert is not None else value
        except (TypeError, ValueError, argparse.ArgumentTypeError):
            if from_variable:
                raise argparse.ArgumentTypeError(f"{name}={value!r} is not a valid value") from None
            raise
        if from_variable and choices is not None and result not in choices:
            raise argparse.ArgumentTypeError(f"{name}={value!r}: choose from {', '.join(map(str, choices))}")
        return result

    checked.__name__ = getattr(convert, "__name__", "value")
    return checked
