"""Generic words in an element's class, id, role and similar attributes (never a site's own names)."""

from __future__ import annotations

from functools import lru_cache

import regex
from lxml.html import HtmlElement

ATTRIBUTES = ("class", "id", "role", "itemprop", "itemtype", "aria-label", "data-component", "data-testid")
VOCAB = {
    "nav": r"nav", "menu": r"menu", "footer": r"foot", "header": r"head(?!line)",
    "comment": r"comment|disqus|reply|respond", "share": r"share|sharing",
    "social": r"social|twitter|facebook|linkedin|whatsapp|pinterest",
    "related": r"related|recommend|more|also|next|prev",
    "sidebar": r"sidebar|side|rail", "aside": r"aside", "widget": r"widget", "breadcrumb": r"breadcrumb|crumb",
    "ad": r"^(ad|ads|adv|advert\w*|advertisement|sponsor\w*|dfp|gpt|banner)$", "promo": r"promo|teaser|cta",
    "newsletter": r"newsletter|signup|sign|subscri", "cookie": r"cookie|consent|gdpr|privacy",
    "byline": r"byline|dateline", "author": r"author|writer|contributor", "date": r"date|time|publish",
    "article": r"article", "content": r"content", "post": r"^post|post$|posts", "entry": r"entry", "main": r"main",
    "body": r"body", "text": r"text|copy|prose", "story": r"story", "title": r"title|headline|heading",
    "caption": r"caption|credit", "tag": r"^tags?$|keyword|topic|category",
    "hidden": r"hidden|hide|invisible|sr-only|screen-?reader|visually", "modal": r"modal|popup|overlay|dialog|drawer",
    "search": r"search", "login": r"login|account|user|profile", "card": r"card|tile|item|list", "link": r"link",
    "button": r"btn|button", "meta": r"meta|info", "intro": r"intro|lead|summary|dek|standfirst|excerpt|description",
    "review": r"review|rating", "price": r"price|cart|buy|shop|product", "skip": r"skip", "toc": r"toc|contents",
    "copyright": r"copyright|legal|disclaimer", "gallery": r"gallery|slide|carousel|media|image|photo|video",
}  # fmt: skip
WORDS = sorted(VOCAB)
_PATTERNS = {word: regex.compile(pattern) for word, pattern in VOCAB.items()}
_SPLIT = regex.compile(r"[^a-z0-9]+")
_CAMEL = regex.compile(r"(?<=[a-z])(?=[A-Z])")
NONE: frozenset[str] = frozenset()


def attribute_words(element: HtmlElement) -> frozenset[str]:
    """The vocabulary words the element's naming attributes contain."""
    parts = [_CAMEL.sub(" ", value) for name in ATTRIBUTES if (value := element.get(name))]
    if not parts:
        return NONE
    tokens = [token for token in _SPLIT.split(" ".join(parts).lower()) if token]
    return NONE.union(*(_token_words(token) for token in tokens)) if tokens else NONE


@lru_cache(maxsize=65536)
def _token_words(token: str) -> frozenset[str]:
    return frozenset(word for word, pattern in _PATTERNS.items() if pattern.search(token))
