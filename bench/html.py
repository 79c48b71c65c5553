"""CPU time per page of HTML mode, with the block model and as it was before, on the dev pages' real HTML.

    python -m bench.html [GOLD.jsonl] [--pages N]

Both modes clean the same pages in turn, in one process (CPU time of this
process, so the machine's other load counts little); medians and means in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from cleaner import Cleaner
from cleaner.evaluation.gold import read_gold, read_html
from cleaner.html.extract import MARKUP_DATES, extract

DEV = Path(__file__).resolve().parent.parent / "eval" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", default=str(DEV))
    parser.add_argument("--pages", type=int, default=78)
    args = parser.parse_args()
    cleaner = Cleaner()
    pages = [(read_html(page), page.url or None) for page in list(read_gold(args.gold))[: args.pages]]

    def old(html: str, url: str | None) -> None:
        text, hints, extracted = extract(html, url, date_search=MARKUP_DATES)
        cleaner.document_run(text, hints, url=url, find_article=not extracted).result(None)

    def new(html: str, url: str | None) -> None:
        cleaner.clean(html=html, url=url)

    new(*pages[0])  # loads the model and trafilatura
    times: dict[str, list[float]] = {"html mode, before the block model": [], "html mode": []}
    runs: list[Callable[[str, str | None], None]] = [old, new]
    for html, url in pages:
        for name, run in zip(times, runs, strict=True):
            start = time.process_time()
            run(html, url)
            times[name].append((time.process_time() - start) * 1000)
    for name, found in times.items():
        print(f"{name:<36} median {statistics.median(found):6.1f} ms   mean {statistics.mean(found):6.1f} ms CPU/page")


if __name__ == "__main__":
    main()
