"""Cross-validation of HTML mode's block model, grouped by domain.

For each fold a model is trained on the other folds' pages; the fold's pages are
then cleaned exactly as HTML mode cleans them (the model's exclusions, the rules,
duplicates, headings), from the pages already read. Each fold's model also
cleans its own training pages, for the gap between seen and unseen sites.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..api import Cleaner
from ..errors import CleanerError
from ..evaluation.scoring import PageScore, score_page
from ..html.dom.model import BlockModel
from ..html.mode import HtmlText, decide
from .crossval import CrossValidation, grouped_splits
from .html_fit import DEFAULT_HTML_CONFIG, HtmlConfig, fit_html
from .html_pages import HtmlTrainingPage

Progress = Callable[[str], None]


def cross_validate_html(
    cleaner: Cleaner,
    pages: Sequence[HtmlTrainingPage],
    folds: int = 5,
    config: HtmlConfig = DEFAULT_HTML_CONFIG,
    *,
    score_training: bool = True,
    progress: Progress = lambda _: None,
) -> CrossValidation:
    """Grouped K-fold cross-validation of the block model over ``pages``."""
    found = CrossValidation()
    for number, (train, test) in enumerate(grouped_splits([page.gold.domain for page in pages], folds), 1):
        seen = [pages[i] for i in train]
        model = BlockModel(fit_html(seen, config))
        found.held_out.update(html_scores(cleaner, model, [pages[i] for i in test]))
        if score_training:
            found.train_folds.append(html_scores(cleaner, model, seen))
        progress(f"fold {number}/{folds}: trained on {len(train)} pages, scored {len(test)}")
    return found


def html_scores(cleaner: Cleaner, model: BlockModel, pages: Sequence[HtmlTrainingPage]) -> dict[str, PageScore]:
    """Each page cleaned in HTML mode with ``model``, scored against its gold body."""
    scores = {}
    for page in pages:
        gold = page.gold
        body = _body(cleaner, decide(page.prepared(), model), gold.url or None)
        scores[gold.id] = score_page(gold.id, gold.gold_text, body)
    return scores


def _body(cleaner: Cleaner, text: HtmlText, url: str | None) -> str:
    """The body HTML mode gives; empty where cleaning fails (past the rule stage's time budget, say), as
    ``cleaner eval`` scores a failed page."""
    if not text.text.strip():
        return ""
    try:
        run = cleaner.document_run(text.text, text.hints, url=url, find_article=text.find_article,
                                   exclusions=text.exclusions, judged=text.judged,
                                   split_glued=not text.dom_lines)  # fmt: skip
        return run.result(None).body
    except CleanerError:
        return ""
