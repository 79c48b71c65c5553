"""The texts the benchmark runs on, built from the project's own data."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT / "eval" / "dev.jsonl"
WCXB = ROOT.parent / "shared" / "train" / "wcxb-dev.jsonl"  # not in the repository (see its README)
BRANDS = ["Northern Star", "Daily Ledger", "Metro Wire", "Coast Herald", "Valley Times", "City Courier",
          "Evening Post", "Morning Bulletin", "Harbour Gazette", "Capital Record"]  # fmt: skip
NETWORKS = ["Facebook", "Instagram", "X", "YouTube", "TikTok", "LinkedIn", "Threads", "WhatsApp"]
TOPICS = ["politics", "sport", "business", "travel", "food", "weather", "science", "culture"]


@dataclass(frozen=True, slots=True)
class Doc:
    text: str
    url: str | None = None

    @property
    def megabytes(self) -> float:
        return len(self.text.encode("utf-8")) / 1e6


def seed_corpus(copies: int) -> list[Doc]:
    """The five seeds, each ``copies`` times."""
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    return [Doc(text) for _ in range(copies) for text in texts]


def dev_pages() -> list[tuple[Doc, str]]:
    """The dev set's noisy texts (with URLs) and the path of each page's HTML."""
    pages = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pages.append((Doc(record["noisy_text"], record["url"]), str(DEV.parent / "html" / f"{record['id']}.html.gz")))
    return pages


def wcxb_pages(count: int) -> list[tuple[Doc, str]] | None:
    """``count`` WCXB dev pages (every n-th, so every page type is in), as ``dev_pages``; None where absent."""
    if not WCXB.exists():
        return None
    lines = [line for line in WCXB.read_text(encoding="utf-8").split("\n") if line]  # JSON may hold U+2028
    step = max(1, len(lines) // max(1, count))
    pages = []
    for line in lines[::step][:count]:
        record = json.loads(line)
        html = WCXB.parent / "html" / f"{record['id']}.html.gz"
        pages.append((Doc(record["noisy_text"], record["url"] or None), str(html)))
    return pages


def read_html(path: str) -> str:
    """A page's HTML from its gzipped file."""
    return gzip.decompress(Path(path).read_bytes()).decode("utf-8", "replace")


def generated_pack(count: int, seed: int = 7) -> str:
    """A TOML pack of ``count`` realistic rules: half literal phrases, half regexes."""
    rng = random.Random(seed)
    rules = []
    for n in range(count):
        brand, network, topic = rng.choice(BRANDS), rng.choice(NETWORKS), rng.choice(TOPICS)
        if n % 2 == 0:
            phrase = rng.choice(
                [f"Follow {brand} on {network}", f"Get the {brand} {topic} newsletter",
                 f"More {topic} from {brand}", f"{brand} {topic} podcast: listen now", f"Download the {brand} app"]
            )  # fmt: skip
            body = f"phrases = [{json.dumps(f'{phrase} {n}')}]"
            example = f"{phrase} {n}"
        else:
            body = (
                f"pattern = '''{brand} (?:daily|weekly) {topic} (?:digest|briefing) \\\\#{n}(?: - [^\\n]{{2,40}})?'''"
            )
            example = f"{brand} daily {topic} digest #{n}"
        rules.append(
            f'[[rule]]\nid = "generated-{n}"\ncategory = "promo"\naction = "drop"\n{body}\n'
            f"must_match = [{json.dumps(example)}]\n"
            f'must_not_match = ["{brand} said on Monday that its {topic} coverage would grow."]\n'
        )
    return '[pack]\nname = "generated"\nversion = "1"\n\n' + "\n".join(rules)


def sized_documents(target_bytes: int, count: int) -> list[Doc]:
    """``count`` documents of about ``target_bytes`` each, with the same mix at every size.

    Lines are drawn at random (fixed seed) from one pool: the seed articles'
    lines and the dev pages' noisy lines, so a 1 KB and a 2 MB document hold
    the same proportion of paragraphs, menu items and footers.
    """
    pool = [line for path in SEEDS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool += [line for doc, _ in dev_pages() for line in doc.text.splitlines() if line.strip()]
    rng = random.Random(target_bytes)
    documents = []
    for _ in range(count):
        lines: list[str] = []
        size = 0
        while size < target_bytes:
            line = rng.choice(pool)
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
        documents.append(Doc("\n".join(lines)))
    return documents


def write_jsonl(path: Path, target_bytes: int) -> int:
    """A JSONL batch of about ``target_bytes`` of real pages' noisy texts (dev, then WCXB where present),
    repeated in turn; returns the record count."""
    pages = dev_pages() + (wcxb_pages(2_000) or [])
    records = [json.dumps({"text": doc.text, "url": doc.url}) for doc, _ in pages]
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target_bytes:
            record = records[count % len(records)]
            line = f'{{"id": "r{count}", ' + record[1:] + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            count += 1
    return count
