"""What users of command-line tools expect: --version, plain help with defaults, JSONL, workers, pack checks."""

from __future__ import annotations

import argparse
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleaner import __version__
from cleaner.cli import main
from cleaner.cli.parser import build_parser

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
NEWSLETTER_LINE = "Sign up to our free Morning Headlines newsletter"
PROSE = "The council voted on Tuesday to approve the new budget for the coming year after a long debate."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def parsers(parser: argparse.ArgumentParser, name: str = "cleaner") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                yield from parsers(sub, f"{name} {command}")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0 and capsys.readouterr().out.strip() == f"cleaner {__version__}"


def test_help_is_plain_text_and_shows_every_default() -> None:
    for name, parser in parsers(build_parser()):
        page = parser.format_help()
        assert "`" not in page and "::" not in page, name
        for action in parser._actions:
            default = action.default
            if not action.option_strings or default in (None, False, argparse.SUPPRESS) or default in ([], ()):
                continue
            if isinstance(default, frozenset) and not default:
                continue
            helped = " ".join(parser._get_formatter()._expand_help(action).split())
            assert "default" in helped, f"{name} {action.option_strings[0]}: {helped}"


def test_subcommand_help_opens_with_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    assert "Clean text or HTML files and print or write the bodies." in capsys.readouterr().out


def test_rules_list_offers_no_limits(capsys: pytest.CaptureFixture[str]) -> None:
    commands = dict(parsers(build_parser()))
    options = {option for action in commands["cleaner rules list"]._actions for option in action.option_strings}
    assert {"--rules", "--no-builtin-rules", "--json"} <= options
    assert not options & {"--timeout", "--max-chars", "--max-lines"}
    with pytest.raises(SystemExit) as stopped:
        main(["rules", "list", "--timeout", "3"])
    assert stopped.value.code == 2


def test_clean_json_writes_one_record_per_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    code, out, err = run(capsys, "clean", "--json", str(SEEDS[0]), str(SEEDS[1]), str(missing))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3 and "==>" not in out and str(missing) in err
    records = [json.loads(line) for line in lines]
    assert [record["id"] for record in records] == [str(SEEDS[0]), str(SEEDS[1]), str(missing)]
    assert records[1]["metadata"]["authors"] == ["Hayden Smith"]
    assert records[2]["error"]["code"] == "INVALID_ARGUMENT"


def test_clean_workers_give_the_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(seed) for seed in SEEDS]
    one = run(capsys, "clean", "--json", *files)
    two = run(capsys, "clean", "--json", "--workers", "2", *files)
    assert one == two and one[0] == 0 and len(one[1].splitlines()) == len(SEEDS)


def newsletter_pack(make_pack: Callable[..., Path], header: str = "", must_match: str = NEWSLETTER_LINE) -> Path:
    body = (
        "[[rule]]\nid = 'signup-box'\ncategory = 'newsletter'\naction = 'drop'\n"
        "description = 'Our own newsletter box'\npattern = 'Sign up to our free .{1,40} newsletter'\n"
        f"must_match = ['{must_match}']\nmust_not_match = ['{PROSE}']\n"
    )
    return make_pack("mine", body, header)


def test_pack_with_failing_examples_is_refused_at_load(
    capsys: pytest.CaptureFixture[str], make_pack: Callable[..., Path], tmp_path: Path
) -> None:
    pack = newsletter_pack(make_pack, must_match="Join our club")
    text = tmp_path / "a.txt"
    text.write_text(f"{PROSE}\n\n{NEWSLETTER_LINE}\n", encoding="utf-8")
    for command in (["clean", str(text)], ["rules", "list"]):
        code, out, err = run(capsys, *command, "--rules", str(pack))
        assert code == 1 and out == "", command
        assert "1 failing example(s)" in err and "rule 'signup-box': does not match 'Join our club'" in err
        assert "--no-example-check" in err
    code, out, _ = run(capsys, "clean", str(text), "--rules", str(pack), "--no-example-check")
    assert code == 0 and PROSE in out


def rule_of_newsletter_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, pack: Path) -> str:
    text = tmp_path / "article.txt"
    text.write_text(f"{PROSE}\n\n{NEWSLETTER_LINE}\n\n{PROSE.replace('Tuesday', 'Monday')}\n", encoding="utf-8")
    code, out, _ = run(capsys, "clean", "--json", str(text), "--rules", str(pack))
    assert code == 0
    removals = [removal for removal in json.loads(out)["removed"] if removal["text"] == NEWSLETTER_LINE]
    assert len(removals) == 1
    return str(removals[0]["rule"])


def test_a_users_newsletter_rule_wins_with_a_higher_priority(
    capsys: pytest.CaptureFixture[str], make_pack: Callable[..., Path], tmp_path: Path
) -> None:
    assert rule_of_newsletter_line(capsys, tmp_path, newsletter_pack(make_pack)) == "generic.newsletter"
    preferred = newsletter_pack(make_pack, header="priority = 10")
    assert rule_of_newsletter_line(capsys, tmp_path, preferred) == "mine.signup-box"
    code, out, _ = run(capsys, "rules", "list", "--json", "--rules", str(preferred))
    rows = [json.loads(line) for line in out.splitlines()]
    assert {row["priority"] for row in rows if row["pack"] == "mine"} == {10}
    assert {row["priority"] for row in rows if row["pack"] == "generic"} == {0}


def test_readme_pack_template_has_every_field_rules_list_shows(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Rule packs") :]
    template = tomllib.loads(re.search(r"```toml\n(.*?)```", section, re.S)[1])
    code, out, _ = run(capsys, "rules", "list", "--json")
    shown = set(json.loads(out.splitlines()[0]))
    in_template = {f"pack.{key}" for key in template["pack"]} | set(template["rule"][0])
    aliases = {"pack": "pack.name", "version": "pack.version", "priority": "pack.priority"}
    assert code == 0 and {aliases.get(field, field) for field in shown} <= in_template
