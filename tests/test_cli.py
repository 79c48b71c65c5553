"""The command line: clean, batch, rules list and rules check."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_console_script_cleans_a_seed() -> None:
    done = subprocess.run(["cleaner", "clean", str(SEEDS[1])], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("British police will be deployed to Calais")
    assert "Your support" not in done.stdout


def test_clean_json_and_out_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "clean", "--json", str(SEEDS[1]))
    assert code == 0 and json.loads(out)["metadata"]["authors"] == ["Hayden Smith"]
    code, _, _ = run(capsys, "clean", "--out", str(tmp_path), *map(str, SEEDS))
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{p.stem}.txt" for p in SEEDS)


def test_clean_reports_unreadable_files_and_goes_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    code, out, err = run(capsys, "clean", str(bad), str(SEEDS[0]))
    assert code == 1 and "bad.txt" in err and "==> " in out


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def batch_input(tmp_path: Path) -> tuple[Path, int]:
    lines = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) for p in SEEDS]
    lines[2:2] = ["{not json", json.dumps({"id": 7, "text": "x"}), json.dumps({"id": "empty", "text": ""})]
    lines.append(json.dumps({"text": "no id"}))
    return write_jsonl(tmp_path / "in.jsonl", lines * 5), len(lines) * 5


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_keeps_every_record_in_order(capsys: pytest.CaptureFixture[str], tmp_path: Path, workers: str) -> None:
    source, count = batch_input(tmp_path)
    output = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "batch", str(source), "-o", str(output), "--workers", workers, "--allow-errors")
    assert code == 0
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(records) == count
    assert records[0]["id"] == SEEDS[0].stem and "body" in records[0]
    assert records[2]["error"] == {"code": "INVALID_ARGUMENT", "message": records[2]["error"]["message"]}
    assert records[2]["error"]["message"].startswith("line 3: invalid JSON")
    assert records[3]["error"]["message"] == "line 4: field 'id': Input should be a valid string"
    assert records[4] == {"id": "empty", "error": {"code": "INVALID_ARGUMENT", "message": "line 5: text is empty"}}
    assert records[-1]["id"] == str(count) and "body" in records[-1]  # no id: its line number is its id
    assert [r.get("id") for r in records[:8]] == [r.get("id") for r in records[9:17]]
    assert list(tmp_path.glob(".out.jsonl.*")) == []  # no temporary file left behind


def test_batch_output_is_the_same_with_workers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source, _ = batch_input(tmp_path)
    run(capsys, "batch", str(source), "-o", str(tmp_path / "one.jsonl"))
    run(capsys, "batch", str(source), "-o", str(tmp_path / "two.jsonl"), "--workers", "2")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_batch_records_match_the_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from cleaner import clean

    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "s", "text": SEEDS[3].read_text(encoding="utf-8")})])
    code, out, _ = run(capsys, "batch", str(source), "-o", "-")
    assert code == 0
    assert json.loads(out) == clean(SEEDS[3].read_text(encoding="utf-8"), id="s").to_dict()


def test_rules_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {"independent", "ndtv", "afp", "sky", "generic"} <= {row["pack"] for row in rows}
    assert "independent.support-appeal" in {row["id"] for row in rows}


def test_rules_check_accepts_builtin_packs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "check", str(ROOT / "cleaner" / "rules" / "packs"))
    assert code == 0 and err == "" and out.count("ok ") == 5


def test_rules_check_rejects_a_broken_pack(capsys: pytest.CaptureFixture[str], make_pack: Callable[..., Path]) -> None:
    path = make_pack(
        "broken",
        '[[rule]]\nid = "bad-regex"\ncategory = "advert"\naction = "drop"\npattern = "Advert (here"\n'
        'must_match = ["Advert here"]\nmust_not_match = ["x"]\n',
    )
    code, _, err = run(capsys, "rules", "check", str(path))
    assert code == 1
    assert f"{path}: rule 'bad-regex': field 'pattern': invalid regex" in err


def test_clean_out_refuses_two_inputs_with_one_output_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text("Some text of a story.", encoding="utf-8")
    first, second = str(tmp_path / "a" / "story.txt"), str(tmp_path / "b" / "story.txt")
    code, _, err = run(capsys, "clean", "--out", str(tmp_path / "out"), first, second)
    assert code == 2 and f"{first} and {second} would write the same file" in err
    assert not (tmp_path / "out").exists()


def test_clean_refuses_standard_input_twice(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "clean", "-", str(SEEDS[0]), "-")
    assert code == 2 and "standard input can be read only once" in err


def test_rules_check_fails_on_a_folder_without_packs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "rules", "check", str(tmp_path))
    assert code == 1 and f"FAIL no rule pack (*.toml) in {tmp_path}" in err


def test_a_broken_user_pack_stops_a_batch_before_it_writes(
    capsys: pytest.CaptureFixture[str], make_pack: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_pack("broken", '[[rule]]\nid = "x"\n')
    source, _ = batch_input(tmp_path)
    code, _, err = run(capsys, "batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--rules", str(path))
    assert code == 1 and "invalid rule pack" in err and not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--server", "127.0.0.1:1", "--rules", "x", "--timeout", "3"],
            "--rules, --timeout: the server's own settings",
        ),
        (["--server", "127.0.0.1:1", "--workers", "2"], "--workers: the server's own settings apply"),
        (["--window", "8"], "--window: only with --server"),
    ],
)
def test_batch_refuses_options_it_would_ignore(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str], message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Some text."}\n', encoding="utf-8")
    assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), *options]) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "out.jsonl").exists()


def test_module_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "cleaner", "rules", "list"], capture_output=True, text=True)
    assert done.returncode == 0 and "generic.byline" in done.stdout


def test_version_names_the_installed_distribution() -> None:
    from importlib.metadata import version

    import cleaner

    done = subprocess.run(["cleaner", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"cleaner {version('boilerplate-cleaner')}" == f"cleaner {cleaner.__version__}"


def test_installed_packages_are_the_projects_own_and_typed() -> None:
    from importlib.metadata import packages_distributions
    from importlib.resources import files

    ours = sorted(name for name, dists in packages_distributions().items() if "boilerplate-cleaner" in dists)
    assert ours == ["cleaner", "cleaner_server"]
    assert (files("cleaner") / "py.typed").is_file() and (files("cleaner_server") / "py.typed").is_file()
