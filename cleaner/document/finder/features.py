"""Block features for the article finder: one row of numbers per candidate block (no site strings).

Where the C extension is on (``cleaner.native``), it computes every row; the
functions here are the reference it matches bit for bit.

Groups, in ``FEATURES`` order:

- own: length, sentence end, stop-word share, capitals, digits, punctuation,
  separators, sentences, word length, URL-slug cover, repeats on the page, the
  prose-run heuristic's class and run;
- position: where the block lies among the candidates, the words before and
  after it, its distance to the longest block and to the heuristic's run, the
  run of short lines it belongs to;
- page: size, prose share, short-line share, share of blocks the rules dropped;
- neighbours and windows: lengths and stop-word shares around the block;
- rules: which kinds of rule dropped blocks next to it or before it on the page
  (a comments heading, a footer, a byline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ... import native
from ..headings import slug_words
from ..language import stopwords
from .page import PageBlocks

SHORT_WORDS = 4
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
MAX_SEPARATORS = 10
LONG_WORD = 6

OWN = [
    "log_words", "log_chars", "ends_sentence", "stop_share", "cap_share", "upper_share", "digit_share",
    "punct_density", "separators", "sentences", "mean_word_len", "long_word_share", "slug_cover",
    "log_repeats", "first_copy", "is_duplicate", "cls_prose", "cls_headline", "in_run",
]  # fmt: skip
POSITION = [
    "rel_pos", "rel_block", "words_before", "words_after", "dist_longest", "abs_dist_longest",
    "run_dist_start", "run_dist_end", "inside_run_rel", "short_run",
]  # fmt: skip
PAGE = [
    "page_log_cands", "page_log_words", "page_prose_share", "page_short_share", "page_rule_share",
    "page_longest_share", "page_run_share", "page_english",
]  # fmt: skip
NEIGHBOURS = [f"nb_log_words_{offset:+d}" for offset in NEIGHBOUR_OFFSETS] + ["nb_stop_-1", "nb_stop_+1"]
WINDOWS = ["win5_prose", "win15_prose", "win5_log_words", "win5_short", "win5_stop", "win15_ends"]
RULES = [
    "gap_prev_meta", "gap_prev_comments", "gap_next_meta", "after_comments", "after_footer",
    "after_related", "before_meta", "after_cta", "log_gap_prev", "log_gap_next",
]  # fmt: skip
FEATURES = OWN + POSITION + PAGE + NEIGHBOURS + WINDOWS + RULES

# Rule categories by the kind of page furniture they mark, for the rule-context features.
RULE_GROUPS = {
    "comments": "comments",
    "related": "related",
    **dict.fromkeys(
        ("newsletter", "subscription", "donation", "promo", "login", "notification", "cookie", "advert"), "cta"
    ),
    "share": "share",
    **dict.fromkeys(("footer", "legal", "copyright"), "footer"),
    **dict.fromkeys(("navigation", "tags"), "nav"),
    **dict.fromkeys(("byline", "date", "dateline", "title", "subtitle"), "meta"),
    "caption": "caption",
    "duplicate": "duplicate",
}

_SENTENCE_END = frozenset(".!?…")
_CLOSERS = "\"'”’)]"
_SEPARATORS = frozenset("|»›>·/•–—<«‹")
_PUNCTUATION = frozenset(".,;:!?()[]{}\"'“”‘’-–—/|»›<>·…&%#@*+=")
# Each character becomes its kind, so one translate and a few counts describe a block.
_KINDS = {ord(c): "0" for c in "0123456789"}
_KINDS.update({ord(c): "." for c in _PUNCTUATION - _SEPARATORS})
_KINDS.update({ord(c): "|" for c in _PUNCTUATION & _SEPARATORS})
_KINDS.update({ord(c): "¦" for c in _SEPARATORS - _PUNCTUATION})
_KINDS[ord("¦")] = " "
_LOG1P = [math.log1p(k) for k in range(4096)]

Row = tuple[float, ...]


def block_features(page: PageBlocks) -> tuple[list[int], list[Row]]:
    """The indexes of the candidate blocks and one row of ``FEATURES`` per candidate."""
    candidates = [index for index, candidate in enumerate(page.candidate) if candidate]
    if not candidates:
        return candidates, []
    built = native.extension()
    if built is not None:
        stop, slug, english = _stop(page), slug_words(page.url), page.language == "en"
        rows: list[Row] = built.block_features(
            page.texts, page.tokens, page.rule, page.classes, page.in_run, candidates, stop, slug, english, RULE_GROUPS
        )
        return candidates, rows
    words = [len(page.tokens[i]) for i in candidates]
    columns = _own(page, candidates, words)
    prose = [1.0 if page.classes[i] in ("prose", "sentence") else 0.0 for i in candidates]
    columns += _position(page, candidates, words, prose)
    columns += _page(page, candidates, words, prose)
    columns += _neighbours(columns[0], columns[3], columns[2], prose, words)
    columns += _rule_context(page, candidates)
    return candidates, list(zip(*columns, strict=True))


def _own(page: PageBlocks, candidates: Sequence[int], words: Sequence[int]) -> list[list[float]]:
    stop, slug = _stop(page), slug_words(page.url)
    rows = [_text_features(page.texts[i], page.tokens[i], stop, slug) for i in candidates]
    columns = [list(column) for column in zip(*rows, strict=True)]
    keys = [" ".join(page.tokens[i]) for i in candidates]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    seen: set[str] = set()
    first_copy = []
    for key in keys:
        first_copy.append(0.0 if key in seen else 1.0)
        seen.add(key)
    columns.append([math.log(counts[key]) for key in keys])
    columns.append(first_copy)
    columns.append([1.0 if page.rule[i] == "duplicate" else 0.0 for i in candidates])
    columns.append([1.0 if page.classes[i] == "prose" else 0.0 for i in candidates])
    columns.append([1.0 if page.classes[i] == "headline" else 0.0 for i in candidates])
    columns.append([1.0 if page.in_run[i] else 0.0 for i in candidates])
    return columns


def _stop(page: PageBlocks) -> frozenset[str]:
    return page.stopwords or stopwords("en") or frozenset()


def _text_features(text: str, words: list[str], stop: frozenset[str], slug: set[str]) -> Row:
    """What one block's own text says: the first 13 of ``OWN``."""
    count = len(words)
    per_word = 1.0 / count if count else 0.0
    chars = len(text) or 1
    last = text.rstrip(_CLOSERS)[-1:]
    parts = text.split()
    per_part = 1.0 / (len(parts) or 1)
    kinds = text.translate(_KINDS)
    both = kinds.count("|")
    separators = both + kinds.count("¦")
    lengths = [len(word) for word in words]
    ends = last in _SENTENCE_END
    sentences = text.count(". ") + text.count("? ") + text.count("! ") + ends
    return (
        _log1p(count),
        _log1p(len(text)),
        1.0 if ends else 0.0,
        sum(map(stop.__contains__, words)) * per_word,
        sum(part[0].isupper() for part in parts) * per_part,
        sum(part.isupper() for part in parts) * per_part,
        kinds.count("0") / chars,
        (kinds.count(".") + both) / chars,
        min(separators, MAX_SEPARATORS) / MAX_SEPARATORS,
        _log1p(sentences),
        sum(lengths) * per_word,
        sum(length > LONG_WORD for length in lengths) * per_word,
        sum(map(slug.__contains__, set(words))) / len(slug) if slug else 0.0,
    )


def _position(
    page: PageBlocks, candidates: Sequence[int], words: Sequence[int], prose: Sequence[float]
) -> list[list[float]]:
    count, total = len(candidates), sum(words) or 1
    longest = max(range(count), key=lambda k: (words[k] * (1 + prose[k]), -k))
    run = [k for k, i in enumerate(candidates) if page.in_run[i]]
    run_start, run_end = (run[0], run[-1]) if run else (0, count - 1)
    run_length = run_end - run_start + 1
    before = _running_sums(words)
    span = range(count)
    return [
        [k / count for k in span],
        [i / len(page) for i in candidates],
        [before[k] / total for k in span],
        [(total - before[k] - words[k]) / total for k in span],
        [(k - longest) / count for k in span],
        [_log1p(abs(k - longest)) for k in span],
        [(k - run_start) / count for k in span],
        [(k - run_end) / count for k in span],
        [(k - run_start) / run_length for k in span] if run else [0.0] * count,
        _short_runs(words),
    ]


def _page(
    page: PageBlocks, candidates: Sequence[int], words: Sequence[int], prose: Sequence[float]
) -> list[list[float]]:
    count, total = len(candidates), sum(words) or 1
    in_run = sum(w for w, i in zip(words, candidates, strict=True) if page.in_run[i])
    values = (
        _log1p(count),
        _log1p(total),
        sum(w for w, p in zip(words, prose, strict=True) if p) / total,
        sum(w < SHORT_WORDS for w in words) / count,
        (len(page) - count) / len(page),
        max(words) / total,
        in_run / total,
        1.0 if page.language == "en" else 0.0,
    )
    return [[value] * count for value in values]


def _neighbours(
    log_words: list[float], stop: list[float], ends: list[float], prose: list[float], words: Sequence[int]
) -> list[list[float]]:
    short = [1.0 if w < SHORT_WORDS else 0.0 for w in words]
    return [
        *(_shifted(log_words, offset) for offset in NEIGHBOUR_OFFSETS),
        _shifted(stop, -1),
        _shifted(stop, 1),
        _window_means(prose, 5),
        _window_means(prose, 15),
        _window_means(log_words, 5),
        _window_means(short, 5),
        _window_means(stop, 5),
        _window_means(ends, 15),
    ]


def _rule_context(page: PageBlocks, candidates: Sequence[int]) -> list[list[float]]:
    """What the rules dropped between each candidate and the next, and anywhere before it."""
    count = len(candidates)
    gaps: list[set[str]] = []
    sizes: list[int] = []
    previous = -1
    for index in [*candidates, len(page)]:
        gaps.append({RULE_GROUPS.get(page.rule[j], "other") for j in range(previous + 1, index)})
        sizes.append(index - previous - 1)
        previous = index
    before = gaps[:count]
    after = gaps[1:]

    def since_first(group: str) -> list[float]:
        first = next((k for k in range(count) if group in before[k]), count)
        return [0.0] * first + [1.0] * (count - first)

    last_meta = next((k for k in range(count - 1, 0, -1) if "meta" in before[k]), 0)
    logs = [_log1p(size) for size in sizes]
    return [
        [1.0 if "meta" in gap else 0.0 for gap in before],
        [1.0 if "comments" in gap else 0.0 for gap in before],
        [1.0 if "meta" in gap else 0.0 for gap in after],
        since_first("comments"),
        since_first("footer"),
        since_first("related"),
        [1.0] * last_meta + [0.0] * (count - last_meta),
        since_first("cta"),
        logs[:count],
        logs[1:],
    ]


def _log1p(value: int) -> float:
    return _LOG1P[value] if value < len(_LOG1P) else math.log1p(value)


def _running_sums(values: Sequence[int]) -> list[int]:
    """The sum of the values before each position."""
    sums, total = [], 0
    for value in values:
        sums.append(total)
        total += value
    return sums


def _short_runs(words: Sequence[int]) -> list[float]:
    """For each block, log(1 + length) of the run of consecutive short blocks it belongs to (0 if not short)."""
    runs = [0.0] * len(words)
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and words[end] < SHORT_WORDS:
            end += 1
        if end > start:
            runs[start:end] = [_log1p(end - start)] * (end - start)
            start = end
        else:
            start += 1
    return runs


def _shifted(values: list[float], offset: int, fill: float = -1.0) -> list[float]:
    """``values[k + offset]`` for every k, ``fill`` outside the page."""
    count = len(values)
    if offset > 0:
        return values[offset:] + [fill] * min(offset, count)
    return [fill] * min(-offset, count) + values[: max(0, count + offset)]


def _window_means(values: Sequence[float], radius: int) -> list[float]:
    """The mean of ``values`` over each position's window of ``radius`` either side."""
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    count = len(values)
    means = []
    for k in range(count):
        low, high = max(0, k - radius), min(count, k + radius + 1)
        means.append((sums[high] - sums[low]) / (high - low))
    return means
