"""HTML input goes through trafilatura, then through the same rules."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, InvalidInputError

PAGE = """<!doctype html>
<html lang="en"><head>
<title>Calais migrant crisis: British police to be deployed | The Independent</title>
<meta property="og:title" content="Calais migrant crisis: British police to be deployed">
<meta name="author" content="Hayden Smith">
<meta property="article:published_time" content="2015-08-19T19:08:00-04:00">
<meta property="og:site_name" content="The Independent">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Calais migrant crisis: British police to be deployed</h1>
<p>British police will be deployed to Calais to target trafficking gangs as part of a fresh drive to tackle the migrant crisis.</p>
<p>Your support helps us to tell the story</p>
<p>Officers from the UK will be based in a new command and control centre alongside their French counterparts.</p>
<p>Share this article</p>
<p>The plans are part of a new deal between France and Britain which will be signed in Calais by the Home Secretary.</p>
<p>Up to 5,000 migrants are estimated to be in Calais. A number have died attempting to cross to Britain.</p>
</article>
<footer><p>© 2015 The Independent</p><a href="/privacy">Privacy Policy</a></footer>
</body></html>"""


def test_html_is_extracted_then_cleaned(cleaner: Cleaner) -> None:
    result = cleaner.clean(html=PAGE, url="https://www.independent.co.uk/news/calais.html")
    paragraphs = result.body.split("\n\n")
    assert paragraphs[0].startswith("British police will be deployed")
    assert paragraphs[-1].startswith("Up to 5,000 migrants")
    assert "Your support helps us" not in result.body
    assert "Share this article" not in result.body
    meta = result.metadata
    assert meta.title == "Calais migrant crisis: British police to be deployed"
    assert meta.authors == ["Hayden Smith"]
    assert meta.published.startswith("2015-08-19")
    assert meta.publisher == "The Independent"
    for removal in result.removed:
        assert removal.text == result.input_text[removal.start : removal.end]


def test_page_without_article_falls_back_to_its_text(cleaner: Cleaner) -> None:
    result = cleaner.clean(html="<html><body><div>Just one line of text on the page here.</div></body></html>")
    assert result.body == "Just one line of text on the page here."


PARAGRAPH = "The council voted on Tuesday to approve the new budget for the coming year after a long debate."


def test_a_fragment_is_cleaned_like_a_page(cleaner: Cleaner) -> None:
    assert cleaner.clean(html=f"<p>{PARAGRAPH}</p>").body == PARAGRAPH
    assert cleaner.clean(html=PARAGRAPH).body == PARAGRAPH


def test_markup_too_deep_to_parse_is_refused_clearly(cleaner: Cleaner) -> None:
    deep = "<html><body>" + "<div>" * 5000 + PARAGRAPH + "</div>" * 5000 + "</body></html>"
    with pytest.raises(InvalidInputError, match="nested more than 256 elements deep"):
        cleaner.clean(html=deep)
    shallow = "<html><body>" + "<div>" * 200 + PARAGRAPH + "</div>" * 200 + "</body></html>"
    assert cleaner.clean(html=shallow).body == PARAGRAPH


def test_page_metadata_is_not_guessed(cleaner: Cleaner) -> None:
    page = (
        "<html><head><title>A page</title></head><body><article><h1>Council approves budget</h1>"
        "<p>The council voted on Tuesday to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan was fair and balanced for every district in the region.</p>"
        "</article><footer>© 2020 Example</footer></body></html>"
    )
    meta = cleaner.clean(html=page, url="https://www.example.com/news/budget").metadata
    assert meta.published == "" and meta.publisher == ""  # not 2020-01-01 from the footer, not the host
    named = page.replace("<head>", '<head><meta property="og:site_name" content="Example News">')
    meta = cleaner.clean(html=named, url="https://www.example.com/2019/05/14/budget").metadata
    assert meta.published == "2019-05-14" and meta.publisher == "Example News"


def test_a_date_printed_in_the_page_is_found_but_not_a_copyright_year(cleaner: Cleaner) -> None:
    page = (
        "<html><head><title>A page</title></head><body><article><h1>Council approves budget</h1>"
        '<p class="date">Posted on March 3, 2019</p>'
        "<p>The council voted on Tuesday to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan was fair and balanced for every district in the region.</p>"
        "</article><footer>© 2020 Example</footer></body></html>"
    )
    assert cleaner.clean(html=page, url="https://www.example.com/news/budget").metadata.published == "2019-03-03"
