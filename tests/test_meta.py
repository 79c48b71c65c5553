"""Metadata from plain text: candidates, date and byline reading, the rankers, on small made-up pages."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner.document.meta.datefinder import find_dates, url_date
from cleaner.document.meta.names import find_labels, is_byline, split_names
from cleaner.document.meta.ranker import MetadataModelFile, Ranker, builtin_metadata_model
from cleaner.document.meta.title import breadcrumb

MENU = "Startseite\nPolitik\nWirtschaft\nSport"
HEADLINE = "Neue Regeln für den Verkehr in der Stadt"
PROSE = (
    "Die Stadtverwaltung hat am Montag neue Regeln für den Verkehr in der Innenstadt vorgestellt, wie ein Sprecher "
    "in einer Mitteilung sagte. Die Regeln sollen ab dem kommenden Monat gelten und betreffen vor allem Lieferwagen "
    "und Busse in den engen Straßen der Altstadt.\n"
    "Kritiker bemängeln, dass die Anwohner nicht gefragt worden seien, und kündigten Widerstand gegen die Pläne der "
    "Verwaltung an, die sie für übereilt halten."
)
URL = "https://example.de/politik/neue-regeln-verkehr-stadt"
BYLINES = ["Von Hans Müller", "Par Jean Dupont", "Por María García", "Di Marco Rossi", "By Jane Doe"]


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("byline", BYLINES)
@pytest.mark.parametrize("layout", ["headline-byline", "byline-headline", "byline-only"])
def test_a_byline_in_any_language_is_never_the_title(cleaner: Cleaner, byline: str, layout: str) -> None:
    lines = {
        "headline-byline": [HEADLINE, byline, "12. März 2024"],
        "byline-headline": [byline, HEADLINE],
        "byline-only": [byline, "12. März 2024"],
    }[layout]
    metadata = cleaner.clean("\n".join([MENU, *lines, PROSE]), url=URL).metadata
    name = byline.split(" ", 1)[1]
    assert name not in metadata.title and byline.split()[0] not in metadata.title.split()
    assert metadata.authors == [name]
    if layout != "byline-only":
        assert metadata.title == HEADLINE


def test_a_german_page_gets_its_headline_author_and_date(cleaner: Cleaner) -> None:
    text = "\n".join([MENU, HEADLINE, "Von Hans Müller", "Veröffentlicht am 12. März 2024, 14:30 Uhr", PROSE])
    result = cleaner.clean(text, url=URL)
    assert (result.metadata.title, result.metadata.authors) == (HEADLINE, ["Hans Müller"])
    assert result.metadata.published.startswith("2024-03-12")
    assert "Hans Müller" not in result.body and "12. März" not in result.body


def test_an_english_article_gets_title_author_and_date(cleaner: Cleaner) -> None:
    prose = (
        "The city council approved a new plan for traffic in the old town on Monday, a spokesman said in a "
        "statement. The rules take effect next month and mostly concern delivery vans and buses in narrow streets.\n"
        "Critics said residents had not been consulted and promised to fight the plans, which they called rushed."
    )
    text = "\n".join(["Home", "News", "Sport", "Council approves new traffic rules for the old town",
                      "By Jane Doe", "March 3, 2025", prose])  # fmt: skip
    metadata = cleaner.clean(text, url="https://example.com/news/council-approves-traffic-rules").metadata
    assert metadata.title == "Council approves new traffic rules for the old town"
    assert metadata.authors == ["Jane Doe"]
    assert metadata.published == "2025-03-03"


def test_the_same_text_gives_the_same_metadata(cleaner: Cleaner) -> None:
    text = "\n".join([MENU, HEADLINE, "Von Hans Müller", PROSE])
    assert cleaner.clean(text, url=URL).metadata == cleaner.clean(text, url=URL).metadata


def test_dates_are_read_in_several_languages_and_forms() -> None:
    def days(line: str) -> list[str]:
        return [match.iso for match in find_dates(line)]

    assert days("Veröffentlicht am 12. März 2024") == ["2024-03-12"]
    assert days("Publié le 3 mars 2024 à 10h15") == ["2024-03-03"]
    assert days("12 de marzo de 2024") == ["2024-03-12"]
    assert days("Posted March 3rd, 2025 at 9:15 am") == ["2025-03-03"]
    assert days("2024-03-12T10:00:00Z") == ["2024-03-12"]
    assert days("2024年3月12日") == ["2024-03-12"]
    assert days("03/04/2024") == ["2024-03-04", "2024-04-03"]  # ambiguous: both readings
    assert days("12.03.2024") == ["2024-03-12", "2024-12-03"]  # dotted: day first, then the other reading
    assert days("Posted in 2024 by the team") == []
    assert find_dates("March 2024")[0].day == 0
    assert url_date("https://example.com/2025/09/04/story") == (2025, 9, 4)
    assert url_date("https://example.com/story-2025-09-04") == (2025, 9, 4)


def test_byline_labels_know_their_languages() -> None:
    (label,) = find_labels("Von Hans Müller", "", "de", None)
    assert (label.kind, label.native, label.names) == ("foreign", True, ("Hans Müller",))
    (label,) = find_labels("Di Marco Rossi", "", "en", None)
    assert not label.native
    (label,) = find_labels("Written by", "Jane Doe", "en", None)
    assert label.next_line and label.names == ("Jane Doe",)
    assert is_byline("Par Jean Dupont | 3 mars 2024", None)
    assert not is_byline("Von der Leyen said on Monday that the talks would continue.", None)
    assert split_names("Jane Doe, John Roe and Senior Editor", None) == ["Jane Doe", "John Roe"]


def test_breadcrumbs_split_into_parts() -> None:
    assert breadcrumb("Home / Blog / How to grow tomatoes") == ["Home", "Blog", "How to grow tomatoes"]
    assert breadcrumb("Home » Recipes") == ["Home", "Recipes"]
    assert breadcrumb("A / B") == []


def test_the_shipped_model_reads_and_a_wrong_one_is_refused() -> None:
    spec = builtin_metadata_model().spec
    assert spec.title.features[-len(spec.finder_features) :] == spec.finder_features
    with pytest.raises(ValueError, match="one weight per feature"):
        Ranker(features=["a", "b"], weights=[1.0], bias=0.0)
    data = spec.model_dump()
    data["date"]["features"] = data["date"]["features"][::-1]
    with pytest.raises(ValueError, match="date ranker's features"):
        MetadataModelFile.model_validate(data)
