"""Site-level learning in batch mode and `cleaner rules suggest`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cleaner.batch.sites import SiteLearner, learn_sites, site_of
from cleaner.cli import main
from cleaner.packcheck import example_failures
from cleaner.rules.loading import load_pack

NAV = ["Home", "World", "Sign up for the Daily Brief", "Our newsroom brings you the stories that matter to the town."]
FOOT = ["Terms | Privacy | Careers"]


def page(number: int, site: str = "example-news.com") -> dict[str, str]:
    story = [
        f"Headline of story {number} about the budget vote",
        f"Story {number}: the council voted on a new budget for the town on day {number}, officials said.",
        f"Residents of ward {number} said they had not been asked about the plan before the vote.",
    ]
    return {"id": f"{site}-{number}", "text": "\n".join(NAV + story + FOOT), "url": f"https://www.{site}/s/{number}"}


def write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_site_of() -> None:
    assert site_of("https://www.example.com/a", None) == "example.com"
    assert site_of(None, " The Paper ") == "The Paper"
    assert site_of(None, None) is None


def test_blocks_on_enough_pages_of_a_site_are_its_boilerplate() -> None:
    learner = SiteLearner()
    for number in range(6):
        record = page(number)
        learner.observe(record["text"], record["url"])
    learner.observe(page(0, "other.org")["text"], page(0, "other.org")["url"])
    [site] = learner.boilerplate()
    assert site.site == "example-news.com" and site.pages == 6
    assert {text for text, _ in site.blocks} == set(NAV + FOOT)


def test_memory_is_bounded() -> None:
    learner = SiteLearner(max_sites=2, max_blocks=10)
    for number in range(30):
        learner.observe("\n".join(f"unique line {number}-{n}" for n in range(8)), f"https://site{number % 3}.com/")
    assert len(learner._sites) == 2
    assert all(len(counts.blocks) <= 10 for counts in learner._sites.values())


def test_suggested_packs_pass_rules_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "in.jsonl", [page(n) for n in range(5)])
    assert main(["rules", "suggest", str(source), "--out", str(tmp_path / "packs")]) == 0
    [path] = sorted((tmp_path / "packs").glob("*.toml"))
    assert "# on 5 of 5 pages" in path.read_text(encoding="utf-8")
    assert example_failures(load_pack(path)) == []
    assert main(["rules", "check", str(path)]) == 0


def test_batch_learns_sites_and_drops_their_repeated_blocks(tmp_path: Path) -> None:
    records = [page(n) for n in range(5)] + [page(n, "other.org") for n in range(2)]
    source = write(tmp_path / "in.jsonl", records)
    assert [pack.info.domains for pack in learn_sites(str(source))] == [["example-news.com"]]
    assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--learn-sites"]) == 0
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    first = results[0]
    assert "Sign up for the Daily Brief" not in first["body"] and "Terms" not in first["body"]
    assert first["body"].startswith("Story 0: the council voted")
    assert any(r["rule"] == "site-example-news-com.repeated-blocks" for r in first["removed"])
    other = results[-1]
    assert all(not r["rule"].startswith("site-") for r in other["removed"])


def test_learning_is_in_process_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "-", "-o", "-", "--learn-sites", "--server", "localhost:1"]) == 2
    assert "--learn-sites cleans in-process" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["stdin", "/dev/stdin", "fifo"])
def test_learning_reads_input_that_can_be_read_only_once(tmp_path: Path, how: str) -> None:
    records = [page(n) for n in range(5)] + [page(n, "other.org") for n in range(2)]
    source = write(tmp_path / "in.jsonl", records)
    assert main(["batch", str(source), "-o", str(tmp_path / "expected.jsonl"), "--learn-sites", "--no-progress"]) == 0
    expected = (tmp_path / "expected.jsonl").read_bytes()
    command = [sys.executable, "-m", "cleaner", "batch", "--no-progress", "--learn-sites", "-o", "-"]
    data = source.read_bytes()
    if how == "fifo":
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        writer = threading.Thread(target=fifo.write_bytes, args=(data,), daemon=True)
        writer.start()
        done = subprocess.run([*command, str(fifo)], capture_output=True, timeout=60)
        writer.join(5)
    else:
        done = subprocess.run([*command, "-" if how == "stdin" else how], input=data, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert b"spooled to a temporary file" in done.stderr


def test_rules_suggest_reads_standard_input(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", [page(n) for n in range(5)])
    command = [sys.executable, "-m", "cleaner", "rules", "suggest", "-", "--out", str(tmp_path / "packs")]
    subprocess.run(command, input=source.read_bytes(), capture_output=True, check=True, timeout=60)
    [path] = sorted((tmp_path / "packs").glob("*.toml"))
    assert "in standard input" in path.read_text(encoding="utf-8")


def pages_with(block: str, site: str, count: int = 5) -> list[dict[str, str]]:
    return [{**page(n, site), "text": page(n, site)["text"].replace("Home", block)} for n in range(count)]


@pytest.mark.parametrize("length", [250, 251, 270, 300])
def test_a_repeated_block_of_any_length_gives_a_valid_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], length: int
) -> None:
    long_block = ("Our newsroom brings you the stories that matter " * 10)[: length - 1].rstrip() + "x"
    assert len(long_block) == length
    source = write(tmp_path / "in.jsonl", pages_with(long_block, "example-news.com"))
    assert main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--learn-sites", "--no-progress"]) == 0
    first = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "Sign up for the Daily Brief" not in first["body"]  # the other repeated blocks are still learned
    assert main(["rules", "suggest", str(source), "--out", str(tmp_path / "packs")]) == 0
    [path] = sorted((tmp_path / "packs").glob("*.toml"))
    assert main(["rules", "check", str(path)]) == 0
    phrases = load_pack(path).rules[0].phrases or []
    assert (long_block in phrases) == (length <= 250)  # as long as a rule phrase may be, and no longer


def test_learned_pack_names_are_valid_and_unique(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_host = "news." + "very-long-subdomain-name." * 4 + "example.com"
    records = []
    for site in ["a-b.com", "a.b.com", long_host]:
        records += [page(n, site) for n in range(3)]
    for source in ["日本経済新聞", "Ελληνικά Νέα"]:  # source hints with no letter a pack name may hold
        records += [{**page(n), "url": "", "source": source, "id": f"{source}-{n}"} for n in range(3)]
        records[-3:] = [{k: v for k, v in r.items() if k != "url"} for r in records[-3:]]
    source_file = write(tmp_path / "in.jsonl", records)
    packs = learn_sites(str(source_file))
    names = [pack.info.name for pack in packs]
    assert len(packs) == 5 and len(set(names)) == 5 and all(len(name) <= 60 for name in names)
    assert main(["batch", str(source_file), "-o", str(tmp_path / "out.jsonl"), "--learn-sites", "--no-progress"]) == 0
    assert main(["rules", "suggest", str(source_file), "--out", str(tmp_path / "packs")]) == 0
    assert len(list((tmp_path / "packs").glob("*.toml"))) == 5
    assert main(["rules", "check", str(tmp_path / "packs")]) == 0
