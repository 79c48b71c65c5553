"""A labelled syndication set, built at run time from the dev pages' cleaned bodies (never stored in the repo).

Each page's body comes with edited copies (trimmed, re-paragraphed, a dateline
before it, a sentence dropped: one to three of these); the pages are distinct
from one another, except for the same-story groups named below (judged by eye
from their URLs and text). The seeds join as one story, with 002 and 003 one copy.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV_STORIES = (
    ("doobie-brothers-reunite", "doobie-brothers-michael-mcdonald"),
    ("nasas-commercial-moon-shot", "nasa-adds-five-companies", "nasa-picks-spacex-blue-origin"),
    ("michael-webb-fort-worth", "We-Got-Her-Video"),
    ("hunter-diagnosed-bubonic-plague", "three-cases-plague-diagnosed"),
    ("south-dakota-governor-doubles-down", "meth-were-it-south-dakota"),
)
"""Dev pages that tell the same story (URL fragments); every other pair of dev pages is distinct."""
DATELINES = ("LONDON (AFP) - ", "WASHINGTON, Nov 19 (Reuters) - ", "New Delhi: ", "PARIS — ")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One record of the set: its id, body, copy group and story group."""

    id: str
    body: str
    copy: str
    story: str


def trimmed(body: str, rng: random.Random) -> str:
    """The first or last paragraph dropped, or the last tenth of the words cut off."""
    paragraphs = body.split("\n\n")
    if len(paragraphs) > 3 and rng.random() < 0.5:
        return "\n\n".join(paragraphs[1:] if rng.random() < 0.5 else paragraphs[:-1])
    words = body.split(" ")
    return " ".join(words[: len(words) * 9 // 10])


def reparagraphed(body: str, rng: random.Random) -> str:
    """Paragraphs merged in pairs, or one sentence a paragraph."""
    paragraphs = body.split("\n\n")
    if rng.random() < 0.5:
        return "\n\n".join(" ".join(paragraphs[n : n + 2]) for n in range(0, len(paragraphs), 2))
    return "\n\n".join(sentence for paragraph in paragraphs for sentence in _SENTENCE_END.split(paragraph))


def datelined(body: str, rng: random.Random) -> str:
    return rng.choice(DATELINES) + body


def sentence_dropped(body: str, rng: random.Random) -> str:
    sentences = _SENTENCE_END.split(body)
    if len(sentences) > 2:
        del sentences[rng.randrange(len(sentences))]
    return " ".join(sentences)


EDITS: tuple[Callable[[str, random.Random], str], ...] = (trimmed, reparagraphed, datelined, sentence_dropped)


def edited(body: str, rng: random.Random) -> str:
    """The body with one to three of the edits, in random order."""
    for edit in rng.sample(EDITS, rng.randint(1, 3)):
        body = edit(body, rng)
    return body


def labelled_set(clean: Callable[[str, str], str], copies: int = 2, seed: int = 15) -> list[Labelled]:
    """Dev pages and seeds, cleaned by ``clean(text, id)``, each with ``copies`` edited copies, shuffled."""
    rng = random.Random(seed)
    originals = [_seed(path, clean) for path in SEEDS] + [_dev(line, clean) for line in _dev_lines()]
    records = []
    for original in originals:
        records.append(original)
        for number in range(copies):
            records.append(
                Labelled(f"{original.id}~{number}", edited(original.body, rng), original.copy, original.story)
            )
    rng.shuffle(records)
    return records


def _dev_lines() -> list[str]:
    return SHARED_DEV.read_text(encoding="utf-8").splitlines()


def _seed(path: Path, clean: Callable[[str, str], str]) -> Labelled:
    copy = "seed-002" if path.name.startswith(("002", "003")) else path.stem
    return Labelled(path.stem, clean(path.read_text(encoding="utf-8"), path.stem), copy, "seeds")


def _dev(line: str, clean: Callable[[str, str], str]) -> Labelled:
    page = json.loads(line)
    story = next(
        (str(n) for n, group in enumerate(DEV_STORIES) if any(part in page["url"] for part in group)), page["id"]
    )
    return Labelled(page["id"], clean(page["noisy_text"], page["id"]), page["id"], f"story-{story}")
