"""``cleaner explain``'s page: the input with every removal highlighted, the body and metadata beside it.

One self-contained HTML file (inline CSS, no script, no external resource): each
removal is a ``<mark class="removal">`` carrying its rule, category and reason
(the rule's description) in ``data-*`` attributes and in its hover title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape

from .api import Cleaner
from .document.dedupe import CONTAINED_RULE, EXACT_RULE, NEAR_RULE
from .result import CleanResult, Removal
from .rules.schema import Category

# One background per category; categories of one kind share a hue family.
COLOURS: dict[str, str] = {
    Category.ADVERT: "#ffb3b3",
    Category.PROMO: "#ffc2d6",
    Category.SUBSCRIPTION: "#f5b0e6",
    Category.DONATION: "#e2b6ff",
    Category.NEWSLETTER: "#c9b8ff",
    Category.NOTIFICATION: "#b8c6ff",
    Category.LOGIN: "#a8d8ff",
    Category.COOKIE: "#a3ecec",
    Category.LEGAL: "#b3f0d1",
    Category.COPYRIGHT: "#c8f0a8",
    Category.FOOTER: "#e4f29a",
    Category.NAVIGATION: "#fff09a",
    Category.SHARE: "#ffd899",
    Category.COMMENTS: "#ffc8a3",
    Category.RELATED: "#f0d2b4",
    Category.TAGS: "#d9cbb0",
    Category.BYLINE: "#9fe3b0",
    Category.DATE: "#9fd6e3",
    Category.DATELINE: "#b0c4de",
    Category.CAPTION: "#d0d0f0",
    Category.TITLE: "#e0e0a0",
    Category.SUBTITLE: "#e8d0a0",
    Category.REPEATED: "#d8d8d8",
    Category.DUPLICATE: "#c0c0c0",
    Category.OTHER: "#e6e6e6",
}
STAGE_REASONS = {
    EXACT_RULE: "repeats an earlier block",
    NEAR_RULE: "mostly repeats text that occurred before",
    CONTAINED_RULE: "repeats part of an earlier block",
}
CLASSIFIER_PREFIX = "classifier."
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #222; background: #fff; }
header { padding: 12px 20px; background: #283046; color: #fff; }
header h1 { font-size: 18px; margin: 0 0 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; padding: 10px 20px; border-bottom: 1px solid #ddd; }
.legend span { padding: 1px 8px; border-radius: 3px; font-size: 13px; }
main { display: grid; grid-template-columns: 3fr 2fr; gap: 20px; padding: 16px 20px; }
h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .05em; color: #555; }
pre.input { white-space: pre-wrap; word-wrap: break-word; font: 13px/1.55 ui-monospace, monospace; margin: 0; }
mark.removal { color: inherit; border-radius: 2px; cursor: help; }
mark.removal:hover { outline: 2px solid #283046; }
.body p { margin: 0 0 .8em; }
table.metadata { border-collapse: collapse; width: 100%; font-size: 14px; }
table.metadata th { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; color: #555; white-space: nowrap; }
table.metadata td { padding: 2px 0; }
"""


def rule_reasons(cleaner: Cleaner) -> dict[str, str]:
    """Each rule's id and the description its pack gives it."""
    return {loaded.pack.qualified_id(rule): rule.description for loaded in cleaner.rules.packs for rule in loaded.rules}


def reason(removal: Removal, reasons: Mapping[str, str]) -> str:
    """Why ``removal`` was made, in words: the rule's description, or what the stage that made it does."""
    if removal.rule in STAGE_REASONS:
        return STAGE_REASONS[removal.rule]
    if removal.rule.startswith(CLASSIFIER_PREFIX):
        kind = removal.rule.removeprefix(CLASSIFIER_PREFIX).removesuffix("-outside-article").replace("-", " ")
        return f"a {kind} outside the article the classifier found"
    return reasons.get(removal.rule) or f"matched rule {removal.rule}"


def explain_page(result: CleanResult, reasons: Mapping[str, str], name: str) -> str:
    """The whole page for one cleaned document called ``name``."""
    counts = Counter(removal.category for removal in result.removed)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>cleaner explain: {escape(name)}</title><style>{STYLE}{_category_styles()}</style></head>",
            "<body><header>",
            f"<h1>{escape(name)}</h1>",
            f'<div class="summary">{len(result.removed)} removals; {result.stats.chars_in:,} characters in, '
            f"{result.stats.chars_out:,} in the body</div></header>",
            '<div class="legend">' + "".join(_legend(category, n) for category, n in sorted(counts.items())) + "</div>",
            "<main><section><h2>Input</h2>",
            f'<pre class="input">{_highlighted(result, reasons)}</pre></section>',
            "<section><h2>Metadata</h2>" + _metadata(result),
            '<h2>Body</h2><div class="body">' + _body(result.body) + "</div></section></main></body></html>",
        ]
    )


def _category_styles() -> str:
    return "".join(f"\n.cat-{category} {{ background: {colour}; }}" for category, colour in COLOURS.items())


def _legend(category: str, count: int) -> str:
    return f'<span class="cat-{escape(category)}" data-category="{escape(category)}">{escape(category)} {count}</span>'


def _highlighted(result: CleanResult, reasons: Mapping[str, str]) -> str:
    """The input text, each removal wrapped in its mark (removals never overlap: strips cut kept blocks)."""
    text, parts, at = result.input_text, [], 0
    for removal in sorted(result.removed, key=lambda removal: removal.start):
        start = max(removal.start, at)
        parts.append(escape(text[at:start]))
        why = reason(removal, reasons)
        attributes = (
            f'class="removal cat-{escape(removal.category)}" data-rule="{escape(removal.rule)}" '
            f'data-category="{escape(removal.category)}" data-reason="{escape(why)}" '
            f'title="{escape(removal.rule)} ({escape(removal.category)}): {escape(why)}"'
        )
        parts.append(f"<mark {attributes}>{escape(text[start : removal.end])}</mark>")
        at = max(at, removal.end)
    parts.append(escape(text[at:]))
    return "".join(parts)


def _body(body: str) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in body.split("\n\n") if paragraph)


def _metadata(result: CleanResult) -> str:
    rows = []
    for field, value in result.metadata.model_dump().items():
        shown = "; ".join(value) if isinstance(value, list) else str(value)
        rows.append(f'<tr data-field="{field}"><th>{field}</th><td>{escape(shown)}</td></tr>')
    return '<table class="metadata">' + "".join(rows) + "</table>"
