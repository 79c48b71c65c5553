"""Page-level features (the same for every block of a page) and the block's relation to the page's title and images."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from urllib.parse import urlsplit

import regex

from .alignment import tokens
from .blocks import DomPage
from .markup import Markup
from .stacking import FAR
from .text import CREDIT

OG_TYPES = ("article", "product", "website")
LD_GROUPS = {
    "article": {"Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle", "AnalysisNewsArticle",
                "OpinionNewsArticle", "ScholarlyArticle", "LiveBlogPosting", "SocialMediaPosting"},
    "tech": {"TechArticle", "APIReference", "HowTo", "FAQPage", "SoftwareApplication", "SoftwareSourceCode"},
    "product": {"Product", "Offer", "AggregateOffer", "ProductGroup", "AggregateRating"},
    "forum": {"DiscussionForumPosting", "QAPage", "Question", "Answer", "Comment"},
    "collection": {"CollectionPage", "ItemList", "SearchResultsPage", "ListItem"},
    "webpage": {"WebPage", "AboutPage", "ContactPage", "ProfilePage", "MedicalWebPage"},
    "service": {"Service", "LocalBusiness", "Organization", "ProfessionalService", "Corporation"},
    "event": {"Event", "Recipe", "Course", "JobPosting", "Movie", "Book"},
}  # fmt: skip
URL_GROUPS = {
    "article": regex.compile(r"article|news|story|stories|blog|post|opinion"),
    "product": regex.compile(r"product|item|shop|store|buy|/p/|/dp/"),
    "forum": regex.compile(r"forum|thread|topic|/t/|question|community|discuss"),
    "docs": regex.compile(r"doc|wiki|guide|reference|api|manual|learn|tutorial|help|support"),
    "listing": regex.compile(r"categor|/tag|/tags/|search|list|collection|archive|index|/page/"),
}
LONG_BLOCK_TOKENS = 30
_YEAR = regex.compile(r"/(19|20)\d\d/")
_NUMBER = regex.compile(r"\d{5,}")
_TITLE_PARTS = regex.compile(r"\n| [|–—-] ")

PAGE_NAMES = [
    *(f"og_{value}" for value in OG_TYPES), "og_none", "og_other",
    *(f"ld_{group}" for group in LD_GROUPS), "ld_none", "page_articles",
    "url_depth", "url_year", "url_slug_len", "url_slug_hyphens", "url_query", "url_numeric",
    *(f"url_{group}" for group in URL_GROUPS),
    "page_link_density", "page_long_paras", "page_max_container_share",
]  # fmt: skip
RELATION_NAMES = [
    "title_share", "title_equal", "desc_share", "desc_equal", "credit_like", "c0_media", "c1_media", "c2_media",
    "since_media", "until_media",
]  # fmt: skip


def page_row(page: DomPage, words: Sequence[Sequence[str]], markup: Markup, url: str) -> list[float]:
    og = markup.og_type
    row = [float(og == value) for value in OG_TYPES] + [float(not og), float(bool(og) and og not in OG_TYPES)]
    row += [float(bool(markup.ld_types & types)) for types in LD_GROUPS.values()]
    row += [float(not markup.ld_types), float(min(markup.articles, 50))]
    row += _url_row(url)
    page_chars = sum(block.chars for block in page.blocks) or 1
    link = sum(block.link_chars for block in page.blocks)
    long_blocks = sum(1 for block_words in words if len(block_words) >= LONG_BLOCK_TOKENS)
    top = max((e.text_chars for e in page.elements if e.parent >= 0 and e.text_chars < page_chars), default=0)
    return row + [link / page_chars, math.log1p(long_blocks), top / page_chars]


def _url_row(url: str) -> list[float]:
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    path = parts.path.lower()
    segments = [segment for segment in path.split("/") if segment]
    slug = segments[-1] if segments else ""
    row = [float(len(segments)), float(bool(_YEAR.search(path))), float(len(slug)), float(slug.count("-"))]
    row += [float(bool(parts.query)), float(bool(_NUMBER.search(path)))]
    return row + [float(bool(pattern.search(path))) for pattern in URL_GROUPS.values()]


def relation_rows(page: DomPage, words: Sequence[Sequence[str]], markup: Markup) -> list[list[float]]:
    """Each block against the page's title and description, caption-like words, and the images near it."""
    title_words = {word.casefold() for word in tokens(markup.title)}
    title_keys = {_key(part) for part in _TITLE_PARTS.split(markup.title) if part.strip()}
    description_words = {word.casefold() for word in tokens(markup.description)}
    description_keys = {_key(part) for part in markup.description.split("\n") if part.strip()}
    media = sorted(page.media_at)
    rows = []
    for i, block in enumerate(page.blocks):
        folded = [word.casefold() for word in words[i]]
        per_word = 1 / max(1, len(folded))
        key = " ".join(words[i]).casefold()
        long_enough = len(folded) >= 3
        row = [sum(w in title_words for w in folded) * per_word, float(key in title_keys and long_enough),
               sum(w in description_words for w in folded) * per_word, float(key in description_keys and long_enough),
               float(CREDIT.search(block.text) is not None)]  # fmt: skip
        index = block.owner
        for _ in range(3):
            row.append(float(page.elements[index].media > 0) if index >= 0 else 0.0)
            index = page.elements[index].parent if index >= 0 else -1
        before = bisect_right(media, i) - 1
        after = bisect_right(media, i)
        row.append(float(min(i - media[before], FAR)) if before >= 0 else float(FAR))
        row.append(float(min(media[after] - i, FAR)) if after < len(media) else float(FAR))
        rows.append(row)
    return rows


def _key(text: str) -> str:
    return " ".join(tokens(text)).casefold()
