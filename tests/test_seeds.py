"""What the golden files must show for the seeds, stated independently of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, CleanResult

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def clean_seed(cleaner: Cleaner, number: str) -> tuple[str, CleanResult]:
    path = next(SEEDS.glob(f"{number}_*.txt"))
    text = path.read_text(encoding="utf-8")
    return text, cleaner.clean(text)


def test_independent_seed(cleaner: Cleaner) -> None:
    text, result = clean_seed(cleaner, "001")
    meta = result.metadata
    assert meta.title == "Calais migrant crisis: British police to be deployed to Calais to target trafficking gangs"
    assert meta.subtitle.startswith("UK Officers will be based in a new")
    assert meta.authors == ["Hayden Smith"]
    assert meta.published == "2015-08-19T19:08:00-04:00"
    assert meta.publisher == "The Independent"
    assert meta.captions == [
        "Migrants crossing a bridge over the railway tracks of the Eurotunnel terminal in Calais (Getty Images)",
        "French Interior Minister Bernard Cazeneuve (EPA)",
    ]
    for boilerplate in ("notifications", "Your support", "registering", "logged in", "(Getty Images)", "Hayden Smith"):
        assert boilerplate not in result.body
    assert result.body.startswith("British police will be deployed to Calais")
    assert result.body.endswith("mainly from North Africa and the Middle East.")
    categories = {removal.category for removal in result.removed}
    assert {"notification", "donation", "login", "byline", "date", "caption"} <= categories


def test_syndicated_afp_seed(cleaner: Cleaner) -> None:
    _, result = clean_seed(cleaner, "002")
    assert result.metadata.title == "UK police head to France to counter migrant traffickers"
    assert result.metadata.published == "2015-08-19"
    assert result.metadata.agency == "AFP"
    assert result.metadata.subtitle == ""
    for boilerplate in ("Comments", "© 2015 AFP"):
        assert boilerplate not in result.body


def test_ndtv_seed_keeps_each_paragraph_once(cleaner: Cleaner) -> None:
    text, result = clean_seed(cleaner, "003")
    meta = result.metadata
    assert (meta.title, meta.dateline, meta.publisher) == ("", "London", "NDTV")
    assert meta.captions == ["File photo of UK police."]
    lines = [line for line in text.splitlines() if line.strip()]
    article = lines[2:14]  # the twelve paragraphs before the pasted copy
    assert result.body.split("\n\n") == article
    assert "NDTV.com" not in result.body
    assert sum(removal.category == "duplicate" for removal in result.removed) == 11


def test_sky_seed(cleaner: Cleaner) -> None:
    _, result = clean_seed(cleaner, "000")
    assert result.metadata.title.startswith("Migrant crisis: Trafficking gangs targeted")
    assert result.metadata.subtitle == "New deal between France and Britain to be signed by Theresa May"
    assert "• The deployment of extra French policing units" in result.body
    assert "::" not in result.body
    assert "New agreement" in result.body and "Concerns raised" in result.body
    assert not result.body.rstrip().endswith("in France")
    assert result.body.endswith("surpassing 100,000 in July.")


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_removed_text_is_the_input_at_its_offsets(cleaner: Cleaner, number: str) -> None:
    text, result = clean_seed(cleaner, number)
    assert result.removed
    for removal in result.removed:
        assert removal.text == text[removal.start : removal.end]
    assert result.metadata.language == "en"
