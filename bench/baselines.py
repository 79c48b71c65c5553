"""The cleaner side by side with trafilatura, Resiliparse and a bare scan of its own rules, on the same pages.

Real pages (the dev set, WCXB): the cleaner cleans each page's noisy text (text
mode), trafilatura and Resiliparse's main-content extraction read the same
page's HTML. Seeds: the cleaner cleans the seed text, trafilatura reads it
rendered into a news-page template of real size (``pages.render``), and the
bare scan is one pass of all block rules combined into one pattern over the
normalised text. Every comparison is CPU time in interleaved rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex
import trafilatura

from cleaner import Cleaner
from cleaner.rules.engine import RuleSet
from cleaner.rules.sources import compile_alternatives
from cleaner.text.normalise import normalise

from .corpus import Doc, read_html
from .measure import Report, side_by_side
from .pages import render

TRAFILATURA_TIMES = {"real": 10.0, "seeds": 20.0}  # the targets: the cleaner's rate over trafilatura's
BARE_SCAN_SHARE = 0.5  # seeds: at least half the rate of the bare scan


def resiliparse_extract() -> Callable[[str], str] | None:
    """Resiliparse's main-content extraction, or None where the ``bench`` extra is not installed."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        return None

    def extract(html: str) -> str:
        return str(extract_plain_text(html, main_content=True))

    return extract


def single_pattern(rules: RuleSet) -> regex.Pattern[str]:
    """Every block rule in one alternation anchored to lines (phrases as named lists).

    Not how the cleaner matches: it is the bare single-pass scan measured as the
    floor no rule engine can beat.
    """
    alternatives = list(rules.regex_sources.values())
    for index, keys in rules.phrase_keys.items():
        name = f"floor{index}_phrases"
        alternatives.append((f"(?P<r{index}>(?i:\\L<{name}>))", {name: sorted(keys)}))
    return compile_alternatives(alternatives, anchored=True)


def bare_scan(cleaner: Cleaner) -> Callable[[Sequence[str]], None]:
    """One pass of a single compiled pattern made of every block rule, over each text."""
    pattern = single_pattern(cleaner.rules)

    def scan(texts: Sequence[str]) -> None:
        for text in texts:
            for _ in pattern.finditer(text):
                pass

    return scan


def real_pages(report: Report, corpus: str, pages: Sequence[tuple[Doc, str]], cleaner: Cleaner, rounds: int) -> None:
    """Text mode on the noisy texts against trafilatura and Resiliparse on the same pages' HTML."""
    docs = [doc for doc, _ in pages]
    htmls = [read_html(path) for _, path in pages]
    works: dict[str, Callable[[], object]] = {
        "cleaner, text mode (noisy text)": lambda: [cleaner.clean(d.text, url=d.url) for d in docs],
        "trafilatura.extract (HTML)": lambda: [trafilatura.extract(h) for h in htmls],
    }
    resiliparse = resiliparse_extract()
    if resiliparse is None:
        report.skip(f"{corpus}: Resiliparse (pip install '.[bench]')")
    else:
        works["Resiliparse main content (HTML)"] = lambda: [resiliparse(h) for h in htmls]
    seconds = side_by_side(works, rounds)
    text_mb = sum(doc.megabytes for doc in docs)
    html_mb = sum(len(h.encode()) for h in htmls) / 1e6
    for name, spent in seconds.items():
        mb = text_mb if name.startswith("cleaner") else html_mb
        report.add("compare", f"{corpus}: {name}", len(docs) / spent, "docs/s", f"{mb / spent:.2f} MB/s CPU")
    clean_s = seconds["cleaner, text mode (noisy text)"]
    over_traf = seconds["trafilatura.extract (HTML)"] / clean_s
    report.add("compare", f"{corpus}: ratio cleaner / trafilatura", over_traf, "x")
    goal = TRAFILATURA_TIMES["real"]
    report.target(f"{corpus}: text mode >= {goal:.0f}x trafilatura", over_traf, f">= {goal:.0f}", over_traf >= goal)
    if "Resiliparse main content (HTML)" in seconds:
        over_res = seconds["Resiliparse main content (HTML)"] / clean_s
        report.add("compare", f"{corpus}: ratio cleaner / Resiliparse", over_res, "x")
        report.target(f"{corpus}: text mode >= Resiliparse", over_res, ">= 1", over_res >= 1)


def seeds(report: Report, texts: Sequence[str], cleaner: Cleaner, rounds: int) -> float:
    """The seeds: cleaning, trafilatura on the templated pages, the bare scan; returns the cleaner's docs/s."""
    pages = [render(text, n) for n, text in enumerate(texts)]
    normalised = [normalise(text).text for text in texts]
    scan = bare_scan(cleaner)
    seconds = side_by_side(
        {
            "cleaner (seed text)": lambda: [cleaner.clean(t) for t in texts],
            "trafilatura.extract (seeds as HTML pages)": lambda: [trafilatura.extract(p) for p in pages],
            "bare scan of one combined rule regex": lambda: scan(normalised),
        },
        rounds,
    )
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    for name, spent in seconds.items():
        report.add("compare", f"seeds: {name}", len(texts) / spent, "docs/s", f"{megabytes / spent:.2f} MB/s CPU")
    clean_s = seconds["cleaner (seed text)"]
    over_traf = seconds["trafilatura.extract (seeds as HTML pages)"] / clean_s
    share = seconds["bare scan of one combined rule regex"] / clean_s
    report.add("compare", "seeds: ratio cleaner / trafilatura", over_traf, "x")
    report.add("compare", "seeds: ratio cleaner / bare scan", share, "x")
    goal = TRAFILATURA_TIMES["seeds"]
    report.target(f"seeds: cleaner >= {goal:.0f}x trafilatura", over_traf, f">= {goal:.0f}", over_traf >= goal)
    report.target("seeds: cleaner >= 1/2 of the bare scan", share, f">= {BARE_SCAN_SHARE}", share >= BARE_SCAN_SHARE)
    return len(texts) / clean_s
