"""HTML mode's DOM blocks, features and block model, on small made-up pages."""

from __future__ import annotations

import threading

import lxml.html

from cleaner import Cleaner
from cleaner.document.finder.trees import Ensemble, Tree
from cleaner.html.dom.alignment import align, shingles, tokens
from cleaner.html.dom.blocks import dom_page
from cleaner.html.dom.features import FEATURES, PageInput, page_features
from cleaner.html.dom.markup import page_markup
from cleaner.html.dom.model import BlockModel, HtmlModelFile
from cleaner.html.dom.reasons import category_of
from cleaner.html.dom.vocabulary import attribute_words
from cleaner.html.extract import Extraction, PageHints
from cleaner.html.mode import prepare

PROSE = [
    "The council voted on Tuesday to approve the new budget for the coming year after a long debate.",
    "Members said the plan was fair and balanced for every district in the region and its towns.",
    "The budget includes money for new bus routes, two libraries and repairs to the old bridge.",
    "Opponents said the tax rise would hurt families, but the vote passed by a wide margin tonight.",
]
MENU = "".join(f'<li><a href="/{word}">{word.title()}</a></li>' for word in ("home", "news", "sport", "weather"))
PAGE = (
    "<html><head><title>Council approves budget</title></head><body>"
    f'<nav class="main-menu"><ul>{MENU}</ul></nav>'
    "<article><h1>Council approves budget</h1>" + "".join(f"<p>{line}</p>" for line in PROSE) + "</article>"
    '<div class="share-bar"><a href="/share">Share on social media</a></div>'
    '<footer class="site-footer"><p>Terms of use</p><p>Privacy policy</p></footer></body></html>'
)


def test_blocks_follow_block_elements_and_know_their_offsets() -> None:
    page = dom_page("<html><body><div>One <b>two</b><p>Three</p>four<br>five</div>"
                    '<div style="display: none">hidden</div></body></html>')  # fmt: skip
    assert [block.text for block in page.blocks] == ["One two", "Three", "four", "five", "hidden"]
    assert all(page.text[b.start : b.start + b.chars] == b.text for b in page.blocks)
    assert page.blocks[2].br and "b" in page.blocks[0].inline_tags
    assert page.elements[page.blocks[-1].owner].hidden


def test_links_and_class_words_are_counted() -> None:
    page = dom_page(PAGE)
    menu = next(block for block in page.blocks if block.text == "Home")
    assert menu.link_chars == menu.chars
    nav = next(element for element in page.elements if element.tag == "nav")
    assert nav.words == {"main", "menu"}  # class="main-menu"
    assert attribute_words(lxml.html.fragment_fromstring('<div id="commentsList" class="share_bar">x</div>')) == {
        "comment", "share", "card"}  # fmt: skip
    assert page_markup(page.root).title == "Council approves budget"


def test_every_block_gets_one_row_of_every_feature() -> None:
    page = dom_page(PAGE)
    rows = page_features(PageInput(page, page_markup(page.root), {"default": "\n".join(PROSE)}, "https://a.example/x"))
    assert len(rows) == len(page.blocks) and {len(row) for row in rows} == {len(FEATURES)}
    held = FEATURES.index("tdefault_label")
    assert [row[held] for row in rows] == [float(block.text in PROSE) for block in page.blocks]


def test_a_block_only_in_trafilaturas_comments_is_in_default_but_not_in_main() -> None:
    comment = "Great article, I have been saying this about the council for years and nobody listens."
    page = PAGE.replace("</article>", f'</article><div class="comments"><p>{comment}</p></div>')
    article = "\n".join(PROSE)
    extraction = Extraction(article, PageHints(), {"default": f"{article}\n{comment}"})
    prepared = prepare(page, "https://news.example/budget", extraction)
    texts = [block.text for block in prepared.dom.blocks]
    main, default = FEATURES.index("tmain_label"), FEATURES.index("tdefault_label")
    assert [row[main] for row in prepared.rows] == [float(text in PROSE) for text in texts]
    assert prepared.rows[texts.index(comment)][default] == 1.0


def test_a_reference_holds_each_block_once() -> None:
    texts = ["Home", PROSE[0], "Share", PROSE[0]]
    words = [tokens(text) for text in texts]
    found = align(words, [shingles(w) for w in words], PROSE[0], [False] * 4)
    assert found.held == [0, 1, 0, 0]


def _stump(feature: str) -> BlockModel:
    """Keep a block unless ``feature`` exceeds 0.5."""
    tree = Tree(f=[FEATURES.index(feature), -1, -1], t=[0.5, 0, 0], l=[1, 0, 0], r=[2, 0, 0], v=[0, 2.0, -2.0],
                n=[0, 2.0, -2.0])  # fmt: skip
    spec = HtmlModelFile(name="test-model", version=1, features=FEATURES, trees=Ensemble(base=0.0, trees=[tree]),
                         threshold=0.5, training={})  # fmt: skip
    return BlockModel(spec)


def test_removals_name_the_model_and_its_reason_with_offsets_into_the_input_text() -> None:
    cleaner = Cleaner(html_model=_stump("link_share"))
    result = cleaner.clean(html=PAGE, url="https://news.example/budget")
    assert all(line in result.body for line in PROSE)
    assert "Home" not in result.body and "Share on social media" not in result.body
    by_model = [removal for removal in result.removed if removal.rule.startswith("test-model.")]
    assert {removal.rule for removal in by_model} == {"test-model.link-share"}
    assert {removal.category for removal in by_model} == {"navigation"}
    assert "News\nSport\nWeather" in [removal.text for removal in by_model]  # one removal per run of blocks
    assert ("generic.navigation", "Home") in [(removal.rule, removal.text) for removal in result.removed]  # rules win
    for removal in result.removed:
        assert removal.text == result.input_text[removal.start : removal.end]


def test_rules_and_dedupe_still_run_after_the_model() -> None:
    cleaner = Cleaner(html_model=_stump("link_share"))
    page = PAGE.replace("</article>", f"<p>{PROSE[0]}</p><p>Share this article</p></article>")
    result = cleaner.clean(html=page, url="https://news.example/budget")
    assert result.body.count(PROSE[0]) == 1 and "Share this article" not in result.body


def test_a_short_line_the_model_keeps_twice_stays_twice() -> None:
    step = "<p>Press Enter to save.</p>"  # a how-to's repeated step, under dedupe.JUDGED_MIN_WORDS
    page = PAGE.replace(f"<p>{PROSE[1]}</p>", f"{step}<p>{PROSE[1]}</p>{step}")
    result = Cleaner(html_model=_stump("link_share")).clean(html=page, url="https://news.example/budget")
    assert result.body.count("Press Enter to save.") == 2
    text = Cleaner(html_model=_stump("link_share")).clean(result.input_text)  # text mode drops the copy
    assert text.body.count("Press Enter to save.") == 1


def test_the_block_repeating_the_description_stays_in_the_body_as_the_subtitle() -> None:
    standfirst = "Spending on buses and libraries rises as the tax rate goes up"
    page = PAGE.replace("<head>", f'<head><meta name="description" content="{standfirst}.">').replace(
        "</h1>", f"</h1><p>{standfirst}</p>"
    )
    result = Cleaner(html_model=_stump("link_share")).clean(html=page, url="https://news.example/budget")
    assert result.body.startswith(standfirst)
    assert result.metadata.subtitle == standfirst and result.metadata.title == "Council approves budget"
    assert "heading.subtitle" not in {removal.rule for removal in result.removed}


def test_a_dom_block_is_never_split_as_glued_text() -> None:
    code = "const [count, setCount] = useState(0);"
    page = PAGE.replace(f"<p>{PROSE[1]}</p>", f"<p>{PROSE[1]}</p><pre><code>{code}</code></pre>")
    result = Cleaner(html_model=_stump("link_share")).clean(html=page, url="https://news.example/budget")
    assert code in result.body.splitlines()
    assert code not in Cleaner(html_model=_stump("link_share")).clean(result.input_text).body  # text mode splits it


def test_a_page_trafilatura_finds_nothing_in_is_cleaned_from_its_visible_text() -> None:
    page = "<html><body><footer>" + "".join(f"<p>{line}</p>" for line in PROSE) + "</footer></body></html>"
    result = Cleaner(html_model=_stump("link_share")).clean(html=page)  # the model is not asked
    assert all(line in result.body for line in PROSE)
    assert result.input_text == "\n".join(PROSE)


def test_a_model_keeping_nothing_falls_back_to_the_visible_text() -> None:
    result = Cleaner(html_model=_stump("log_tokens")).clean(html=PAGE)  # every block has log_tokens > 0.5
    assert all(line in result.body for line in PROSE)


def test_the_compiled_model_is_shared_by_threads() -> None:
    cleaner = Cleaner(html_model=_stump("link_share"))
    expected = cleaner.clean(html=PAGE).body
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(cleaner.clean(html=PAGE).body)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [expected] * 4


def test_reasons_map_to_categories() -> None:
    assert category_of("cls_comment") == "comments" and category_of("anc_footer") == "footer"
    assert category_of("log_tokens") == "other"


def test_the_shipped_model_keeps_the_article_and_drops_the_menu(cleaner: Cleaner) -> None:
    result = cleaner.clean(html=PAGE, url="https://news.example/budget")
    assert all(line in result.body for line in PROSE)
    assert "Weather" not in result.body and "Privacy policy" not in result.body


def test_a_caption_trafilatura_leaves_out_goes_to_the_captions() -> None:
    caption = "The old bridge over the river, seen from the north bank on Monday morning."
    page = PAGE.replace("</h1>", f'</h1><figure><img src="/a.jpg"><figcaption>{caption}</figcaption></figure>')
    result = Cleaner(html_model=_stump("link_share")).clean(html=page)
    assert caption not in result.body and result.metadata.captions == [caption]
    assert ("test-model.caption", "caption", caption) in [(r.rule, r.category, r.text) for r in result.removed]
