"""Security defaults: loopback unless told otherwise, rule files are data only."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from cleaner_server.app import start
from cleaner_server.config import ServerConfig

import cleaner.rules
from cleaner.cli.parser import build_parser
from cleaner.errors import RulePackError
from cleaner.rules.loading import load_pack

LISTEN = "0A"
# 127.0.0.1, ::ffff:127.0.0.1 and ::1 as /proc/net/tcp and tcp6 write them
LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel writes them) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == LISTEN and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_server_listens_on_loopback_only_by_default() -> None:
    assert ServerConfig().host == "127.0.0.1"
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    running = start(ServerConfig(port=0))
    try:
        addresses = listening_addresses(running.port)
    finally:
        running.stop(0)
    assert addresses and addresses <= LOOPBACK


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[rule]]\nid = "x"\ncategory = "advert"\naction = "drop"\npattern = "x"\nexec = "import os"\n'
         'must_match = ["x"]\nmust_not_match = ["y"]\n', "rule 'x': field 'exec': Extra inputs are not permitted"),
        ('[[rule]]\nid = "x"\ncategory = "advert"\naction = "python"\npattern = "x"\n'
         'must_match = ["x"]\nmust_not_match = ["y"]\n', "rule 'x': field 'action': Input should be"),
        ('[plugin]\nmodule = "os"\n', "field 'plugin': Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_a_rule_file_cannot_ask_for_code(make_pack: Callable[..., Path], body: str, message: str) -> None:
    with pytest.raises(RulePackError, match=message):
        load_pack(make_pack("sneaky", body))


def test_rule_loading_never_evaluates_or_unpickles() -> None:
    calls = {"eval", "exec", "compile", "__import__", "breakpoint", "import_module"}
    modules = {"pickle", "marshal", "shelve", "yaml", "runpy"}
    for path in Path(cleaner.rules.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        imported = {
            alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not called & calls and not imported & modules, (
            f"{path.name}: {sorted((called & calls) | (imported & modules))}"
        )
