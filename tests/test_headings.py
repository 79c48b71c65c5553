from __future__ import annotations

from cleaner.document.headings import find_headings, is_headline, is_standfirst

ARTICLE_START = 4


def test_headline_and_standfirst_shapes() -> None:
    assert is_headline("Oil prices fall as stockpiles grow")
    assert not is_headline("He said the deal was done.")
    assert not is_headline("Home")
    assert is_standfirst("Union says walkouts will go ahead after talks ended")
    assert not is_standfirst("Union says walkouts will go ahead after talks ended.")


def test_the_block_covering_the_url_slug_wins() -> None:
    texts = [
        "New SUVs and electric vehicles highlight L.A. Auto Show",
        "Karma Automotive design chief Andreas Thurner, left, speaks at the show.",
        "Back to Gallery",
        "1 / 23",
        "The article starts here and goes on.",
    ]
    url = "https://www.example.com/news/New-SUVs-and-electric-vehicles-highlight-L-A-14848164.php"
    assert find_headings(texts, ARTICLE_START, url) == (0, None)
    assert find_headings(texts, ARTICLE_START, None) == (2, None)


def test_a_headline_followed_by_a_standfirst() -> None:
    texts = ["Rail strike: Commuters face a week of disruption", "Union says walkouts will go ahead", "Body."]
    assert find_headings(texts, 2, None) == (0, 1)
    assert find_headings(texts, None, None) == (0, 1)
