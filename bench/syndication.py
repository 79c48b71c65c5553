"""Syndication, measured: precision and recall of both levels, MinHash libraries, batch throughput and memory.

    python -m bench.syndication            # labelled set, libraries, batch of 5k, syndication stage on 100k
    python -m bench.syndication --quick    # batch of 2k, stage on 20k
    python -m bench.syndication --smoke    # seconds: checks that every section runs

The batch is timed end to end with and without ``--syndication``; the syndication
stage alone (what ``--syndication`` adds to each result line: JSON, signature,
index) on many more records, with the default index bound and with all kept, shows
how its cost and memory grow with the corpus.

Needs ../shared/eval/dev.jsonl (the labelled set is built from it at run time).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cleaner import Cleaner
from cleaner.syndication import SyndicationOptions, syndicate
from cleaner.syndication.options import MAX_RECORDS
from cleaner.syndication.signature import NUM_PERM, SEED, shingles

from .labelled import SEEDS, SHARED_DEV, Labelled, edited, labelled_set
from .run import PEAK_RSS_WRAPPER, bench_parser

COPY_SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
STORY_SWEEP = (0.01, 0.015, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15)
RESPELLED = 0.7  # share of a base text's word types respelled in each generated record
PARAGRAPHS = 6  # paragraphs of a base text in each generated record
COPIES = 0.1  # share of generated records that are edited copies of an earlier one
_WORD = re.compile(r"[A-Za-z]{3,}")


def scores(records: Sequence[Labelled], clusters: Sequence[int], label: str) -> tuple[float, float]:
    """Pairwise precision and recall: pairs in one predicted cluster against pairs with one ``label``."""
    found = truth = both = 0
    for (a, ca), (b, cb) in itertools.combinations(zip(records, clusters, strict=True), 2):
        same, predicted = getattr(a, label) == getattr(b, label), ca == cb
        found, truth, both = found + predicted, truth + same, both + (same and predicted)
    return (both / found if found else 1.0), (both / truth if truth else 1.0)


def sweep(records: Sequence[Labelled], results: Sequence[object]) -> dict[str, list[dict[str, float]]]:
    """Precision and recall of each level at each threshold of its sweep."""
    table: dict[str, list[dict[str, float]]] = {"copy": [], "story": []}
    for level, thresholds in (("copy", COPY_SWEEP), ("story", STORY_SWEEP)):
        for threshold in thresholds:
            options = replace(SyndicationOptions(), **{f"{level}_threshold": threshold})
            clusters = [found[level].cluster for found in syndicate(results, options)]  # type: ignore[arg-type]
            precision, recall = scores(records, clusters, level)
            table[level].append({"threshold": threshold, "precision": precision, "recall": recall})
            print(f"{level:5} {threshold:5}: precision {precision:.3f} recall {recall:.3f}", flush=True)
    return table


def libraries(bodies: Sequence[str]) -> dict[str, float]:
    """Signatures per second of the same shingle sets: datasketch against rensa (the one used)."""
    from datasketch import MinHash
    from rensa import RMinHash

    sets = [list(shingles(body)) for body in bodies]
    started = time.perf_counter()
    for found in sets:
        ds = MinHash(num_perm=NUM_PERM, seed=SEED)
        ds.update_batch([item.encode("utf-8") for item in found])
    datasketch = len(sets) / (time.perf_counter() - started)
    started = time.perf_counter()
    for found in sets:
        rs = RMinHash(NUM_PERM, SEED)
        rs.update(found)
        rs.digest()
    rensa = len(sets) / (time.perf_counter() - started)
    print(f"signatures/s: datasketch {datasketch:,.0f}, rensa {rensa:,.0f} ({rensa / datasketch:.1f}x)", flush=True)
    return {"datasketch": datasketch, "rensa": rensa}


def generated(count: int, seed: int = 15) -> list[str]:
    """``count`` JSONL records: a few paragraphs of a seed or dev body, respelled per record; a tenth edited copies."""
    rng = random.Random(seed)
    bases = [path.read_text(encoding="utf-8") for path in SEEDS]
    bases += [json.loads(line)["gold_text"] for line in SHARED_DEV.read_text(encoding="utf-8").splitlines()]
    texts: list[str] = []
    for number in range(count):
        if texts and rng.random() < COPIES:
            texts.append(edited(rng.choice(texts[-50_000:]), rng))
        else:
            texts.append(_respelled(_excerpt(rng.choice(bases), rng), f"{number:x}", rng))
    return [json.dumps({"id": str(number), "text": text}) for number, text in enumerate(texts)]


def _excerpt(text: str, rng: random.Random) -> str:
    paragraphs = [paragraph for paragraph in text.split("\n") if paragraph.strip()]
    start = rng.randrange(max(len(paragraphs) - PARAGRAPHS, 0) + 1)
    return "\n\n".join(paragraphs[start : start + PARAGRAPHS])


def _respelled(text: str, tag: str, rng: random.Random) -> str:
    chosen: dict[str, str] = {}

    def spell(match: re.Match[str]) -> str:
        word = match[0]
        if word not in chosen:
            chosen[word] = f"{word}{tag}" if rng.random() < RESPELLED else word
        return chosen[word]

    return _WORD.sub(spell, text)


def batch(records: int) -> dict[str, float]:
    """docs/s and peak RSS of ``cleaner batch`` on ``records`` generated records, without and with --syndication."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        source.write_text("\n".join(generated(records)) + "\n", encoding="utf-8")
        for name, extra in (("plain", []), ("syndication", ["--syndication"])):
            command = [sys.executable, "-c", PEAK_RSS_WRAPPER, "batch", str(source), "-o", str(Path(folder) / "out.jsonl"),
                       "--no-progress", "--allow-errors", *extra]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"cleaner batch failed: {done.stderr[-500:]}")
            figures[f"{name} docs/s"] = records / elapsed
            figures[f"{name} peak MB"] = int(done.stdout.split()[-1]) / 1024
            print(
                f"batch {name}: {records / elapsed:,.0f} docs/s, {figures[f'{name} peak MB']:.0f} MB peak RSS",
                flush=True,
            )
    return figures


STAGE = """
import json, sys, time
from bench.syndication import generated
from cleaner.batch.syndication import annotate
from cleaner.syndication import SyndicationIndex, SyndicationOptions
count, kept = int(sys.argv[1]), int(sys.argv[2])
lines = [json.dumps({"id": str(n), "body": json.loads(line)["text"]}) for n, line in enumerate(generated(count))]
index = SyndicationIndex(SyndicationOptions(max_records=kept))
def rss(name):
    return int(next(l for l in open("/proc/self/status") if l.startswith(name)).split()[1]) / 1024
before = rss("VmRSS")
started = time.perf_counter()
rates = []
for n, _ in enumerate(annotate(lines, index), 1):
    if n % (count // 10) == 0:
        rates.append(round((count // 10) / (time.perf_counter() - started)))
        started = time.perf_counter()
print(json.dumps({"tenths docs/s": rates, "index MB": round(rss("VmHWM") - before), "kept": len(index)}))
"""


def stage(records: int, kept: int) -> dict[str, object]:
    """The syndication stage alone on ``records`` generated bodies, keeping ``kept``: docs/s per tenth, peak RSS."""
    command = [sys.executable, "-c", STAGE, str(records), str(kept)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"syndication stage failed: {done.stderr[-500:]}")
    figures: dict[str, object] = json.loads(done.stdout)
    print(f"stage, {records:,} bodies, {kept:,} kept: {figures}", flush=True)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("python -m bench.syndication", __doc__, "a 2k-record batch, a 20k-record stage",
                          "where to write the figures")  # fmt: skip
    args = parser.parse_args(argv)
    if not SHARED_DEV.exists():
        print(f"bench.syndication: needs {SHARED_DEV} (the shared dev pages)", file=sys.stderr)
        return 2
    cleaner = Cleaner()
    records = labelled_set(lambda text, record_id: cleaner.clean(text, id=record_id).body)
    if args.smoke:
        records = records[:60]
    results = [cleaner.clean(record.body, id=record.id) for record in records]
    print(f"labelled set: {len(records)} records", flush=True)
    figures = {
        "records": len(records),
        "sweep": sweep(records, results),
        "libraries": libraries([record.body for record in records]),
        "batch": batch(300 if args.smoke else 2_000 if args.quick else 5_000),
    }
    bodies = 1_000 if args.smoke else 20_000 if args.quick else 100_000
    figures["stage"] = {str(kept): stage(bodies, kept) for kept in sorted({min(MAX_RECORDS, bodies), bodies})}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
