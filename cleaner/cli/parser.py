"""The argument parser: one sub-command per module, plus the commands plugins add."""

from __future__ import annotations

import argparse
from typing import cast

from .. import __version__
from . import batch, clean, evaluate, explain, plugins, rules, train
from .help import Parser

DESCRIPTION = "Strip publisher boilerplate from scraped news articles, with an account of every removal."


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cleaner", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = cast(plugins.Commands, parser.add_subparsers(required=True, metavar="COMMAND"))
    for module in (clean, explain, batch):
        module.add_command(commands)
    for plugin in plugins.installed():
        plugin.add_commands(commands)
    for module in (evaluate, train, rules):
        module.add_command(commands)
    return parser
