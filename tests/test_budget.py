"""The time budget: one meaning (the rule stage's CPU time on the cleaning thread), bounded in total.

- it starts once the document is prepared (normalised, segmented, tokenised);
- every document inside the default size limits finishes inside the default budget;
- naming the slow rule after a timeout takes a bounded share more, whatever the number of rules;
- other busy threads (whose CPU the ``regex`` module's own clock counts) do not make a document time out;
- a caller's ``stop`` ends a document between stages and during matching;
- the line limit holds for the lines normalisation makes, not only for ``\\n``.
"""

from __future__ import annotations

import random
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import regex
from servers import SLOW, SLOW_PREFILTER, slow_block

from cleaner import Cleaner, CleaningStopped, InvalidInputError, RuleTimeoutError
from cleaner.rules.deadline import SEARCH_SHARE
from cleaner.settings import Settings
from cleaner.text.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "cleaner" / "rules" / "packs"


# A slow rule is slow only on lines its prefilter lets through: this one lets every run of a to d through.


def rule_pack(make_pack: Callable[..., Path], name: str, patterns: list[str], max_chars: int = 500) -> Path:
    body = "".join(
        f"[[rule]]\nid = 'r{n}'\ncategory = 'advert'\naction = 'drop'\nmax_chars = {max_chars}\n"
        f"pattern = '''{pattern}'''\nmust_match = ['abc']\nmust_not_match = ['x']\n"
        + (f"prefilter = '''{SLOW_PREFILTER}'''\n" if pattern == SLOW else "")
        for n, pattern in enumerate(patterns)
    )
    return make_pack(name, body)


def test_the_budget_starts_once_the_document_is_prepared(make_pack: Callable[..., Path]) -> None:
    pack = rule_pack(make_pack, "tiny", ["Advert here"])
    cleaner = Cleaner(pack, builtin_rules=False, timeout=0.05, find_article=False)
    # Normalising this (NFC, entities, spaces) takes far longer than the budget; matching its 3 blocks does not.
    text = "Advert here\nThe story.\n" + "cafe\u0301 &amp; the\u00a0 word  " * 20_000
    started = time.thread_time()
    result = cleaner.clean(text)
    assert time.thread_time() - started > 0.1  # the preparation alone spent twice the budget
    assert [removal.text for removal in result.removed] == ["Advert here"]


def _examples() -> list[str]:
    """Every built-in rule's examples, one line each: the blocks the rules work hardest on."""
    lines = []
    for path in sorted(PACKS.glob("*.toml")):
        for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("rule", []):
            lines += [example.replace("\n", " ") for example in rule.get("must_match", [])]
    return lines


def _title_case(count: int, width: int) -> list[str]:
    words = (ROOT / "seeds").glob("*.txt")
    vocabulary = " ".join(path.read_text(encoding="utf-8") for path in sorted(words)).split()
    chooser = random.Random(7)
    return [" ".join(chooser.choice(vocabulary).capitalize() for _ in range(width // 6))[:width] for _ in range(count)]


LIMITS = Settings()


def _fill(lines: Iterator[str]) -> str:
    """As many of ``lines`` as the limits allow, counting lines as normalisation makes them."""
    taken: list[str] = []
    count = chars = 0
    for line in lines:
        count += normalise(line).text.count("\n") + 1
        chars += len(line) + 1
        if count > LIMITS.max_lines or chars > LIMITS.max_chars + 1:
            break
        taken.append(line)
    return "\n".join(taken)


def _cycle(lines: list[str]) -> Iterator[str]:
    while True:
        yield from lines


WORST_SHAPES: dict[str, Callable[[], str]] = {
    # The costliest shapes measured (rule examples repeated to the line limit, distinct or identical; title-case
    # lines, which every headline-like rule examines; a caption on every line; one huge line).
    "every rule example, numbered": lambda: _fill(f"{line} {n}" for n, line in enumerate(_cycle(_examples()))),
    "every rule example, repeated": lambda: _fill(_cycle(_examples())),
    "title-case lines": lambda: _fill(iter(_title_case(LIMITS.max_lines, 40))),
    "a caption on every line": lambda: _fill(
        f"{line} (Photo: Getty Images)" for line in _title_case(LIMITS.max_lines, 150)
    ),
    "one line of the size limit": lambda: ("The story goes on and on. " * (LIMITS.max_chars // 26))[: LIMITS.max_chars],
}


@pytest.mark.parametrize("shape", WORST_SHAPES)
def test_documents_at_the_size_limits_finish_inside_the_default_budget(cleaner: Cleaner, shape: str) -> None:
    text = WORST_SHAPES[shape]()
    assert len(text) <= LIMITS.max_chars
    result = cleaner.clean(text)  # the default budget: a RuleTimeoutError fails the test
    assert result.stats.blocks_in > 0


def test_naming_the_slow_rule_is_bounded_whatever_the_number_of_rules(make_pack: Callable[..., Path]) -> None:
    # 300 rules that each take some milliseconds on this block: together they overrun the budget, alone none
    # would overrun a fixed per-rule probe. The search for the one to blame gets a bounded share on top.
    block = slow_block(0.005)  # 300 rules x 5 ms or more: over three budgets' worth
    cleaner = Cleaner(rule_pack(make_pack, "slow", [SLOW] * 300), builtin_rules=False, timeout=0.4)
    started = time.thread_time()
    with pytest.raises(RuleTimeoutError) as raised:
        cleaner.clean(block)
    spent = time.thread_time() - started
    assert raised.value.rule == "slow.r0", raised.value
    assert spent < 0.4 * (1 + SEARCH_SHARE) + 0.3, f"{spent:.2f} s of CPU for a 0.4 s budget"


@pytest.fixture
def busy_regex_threads() -> Iterator[int]:
    """Four threads matching a slow pattern without the interpreter lock, so the process clock runs ~5x ours."""
    stop = threading.Event()
    pattern, text = regex.compile(SLOW), "a" * 24 + "b" * 24 + "d"

    def spin() -> None:
        while not stop.is_set():
            try:
                pattern.match(text, timeout=0.05)
            except TimeoutError:
                pass

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    yield len(threads)
    stop.set()
    for thread in threads:
        thread.join()


def test_busy_threads_do_not_make_a_document_time_out_early(
    make_pack: Callable[..., Path], busy_regex_threads: int
) -> None:
    # One match that needs a third of the budget of this thread's CPU. regex's own timeout counts the whole
    # process's CPU, which the busy threads run about five times faster than this thread's.
    block = slow_block(0.15)
    started = time.thread_time()
    regex.compile(SLOW).match(block)
    need = time.thread_time() - started
    cleaner = Cleaner(rule_pack(make_pack, "slow", [SLOW]), builtin_rules=False, timeout=3 * need)
    started = time.thread_time()
    result = cleaner.clean(block + "\nThe story itself.")
    spent = time.thread_time() - started
    assert result.body == "The story itself."
    assert spent < 3 * need * (1 + SEARCH_SHARE) + 0.2


def test_a_stop_request_ends_a_document_between_stages_and_during_matching(make_pack: Callable[..., Path]) -> None:
    # The second rule is tried on every line (its prefilter, without the lookbehind, reports each), never matching.
    patterns = ["Advert here", r"Line number \d+ of a long document\.(?<=story\.)"]
    cleaner = Cleaner(rule_pack(make_pack, "plain", patterns), builtin_rules=False, timeout=30)
    with pytest.raises(CleaningStopped):
        cleaner.clean("Advert here\nThe story.", stop=lambda: True)
    # During matching: asked every few milliseconds, so a long rule stage stops soon after it says so.
    text = "\n".join(f"Line number {n} of a long document." for n in range(15_000))
    asked: list[float] = []

    def stop() -> bool:
        asked.append(time.thread_time())
        return len(asked) >= 6  # the first few calls come between stages, the rest while matching

    with pytest.raises(CleaningStopped) as raised:
        cleaner.clean(text, stop=stop)
    stopped = time.thread_time()
    assert len(asked) == 6 and stopped - asked[-1] < 0.05
    assert 0.004 <= asked[-1] - asked[-2] <= 0.05  # while matching: every 5 ms of CPU
    assert raised.value.code == "CANCELLED"
    assert cleaner.clean("Advert here\nThe story.", stop=lambda: False).body == "The story."


def test_a_deadline_stops_a_document_even_inside_one_long_match(make_pack: Callable[..., Path]) -> None:
    cleaner = Cleaner(rule_pack(make_pack, "slow", [SLOW]), builtin_rules=False, timeout=60)
    block = slow_block(1.0)  # one match of a second or more
    started = time.monotonic()
    with pytest.raises(CleaningStopped) as raised:
        cleaner.clean(block, deadline=started + 0.2)
    assert time.monotonic() - started < 0.8
    assert raised.value.code == "DEADLINE_EXCEEDED"
    assert cleaner.clean("abc\nThe story.", deadline=time.monotonic() + 30).body == "The story."


@pytest.mark.parametrize(
    "text",
    [
        "\r".join(["one line of it", "Another line"] * 600),
        "\u2028".join(["one line of it", "Another line"] * 600),
        "\x0b".join(["one line of it", "Another line"] * 600),
        "\x85".join(["one line of it", "Another line"] * 600),
        ".".join(["it ends here", "Then another one"] * 1200),  # each glued "here.Then" goes onto two lines
    ],
    ids=["CR", "U+2028", "VT", "NEL", "glued sentences"],
)
def test_the_line_limit_counts_the_lines_normalisation_makes(text: str) -> None:
    cleaner = Cleaner(max_lines=1000)  # each text has one line by its "\n"s, 1,200 once normalised
    assert text.count("\n") == 0
    with pytest.raises(InvalidInputError, match="lines once its line breaks are normalised; the limit is 1,000"):
        cleaner.clean(text)
