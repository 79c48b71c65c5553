"""``cleaner clean FILE...``: print the cleaned body, or the full record, or write one file per input."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..batch.formats.pages import HTML_SUFFIXES, page_files
from ..batch.output import output_folder_problem, output_target, replace_file
from ..errors import CleanerError
from .options import add_rule_options, cleaner_options
from .plugins import Commands

GZIP_MAGIC = b"\x1f\x8b"


def add_command(commands: Commands) -> None:
    clean = commands.add_parser("clean", help="clean text or HTML files and print or write the bodies")
    clean.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="files (.txt, .html, .htm, also .gz) or directories of them to clean; - reads standard input",
    )
    clean.add_argument("--out", metavar="DIR", help="write each result to DIR instead of printing it")
    clean.add_argument("--json", action="store_true", help="the full JSON record instead of the body")
    clean.add_argument("--html", action="store_true", help="treat input as HTML (default: by file suffix)")
    clean.add_argument("--url", help="the page URL (helps name the publisher)")
    clean.add_argument("--source", help="a publisher hint, e.g. 'The Independent'")
    add_rule_options(clean)
    clean.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    args.files = _expanded(args.files)
    if args.files.count("-") > 1:
        print("cleaner clean: - is given twice; standard input can be read only once", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out:
        clash = _same_output_name(args.files)
        if clash:
            print(f"cleaner clean: {clash[0]} and {clash[1]} would write the same file in {out}", file=sys.stderr)
            return 2
        problem = output_folder_problem(out)
        if problem:
            print(f"cleaner clean: --out {problem}", file=sys.stderr)
            return 2
    cleaner = cleaner_options(args).build()
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in args.files:
        try:
            content = _read(name)
            html = args.html or Path(name.lower().removesuffix(".gz")).suffix in HTML_SUFFIXES
            result = cleaner.clean(
                None if html else content.decode("utf-8"),
                html=content if html else None,  # bytes: decoded by the page's declared or detected charset
                url=args.url,
                source=args.source,
                id=_label(name),
            )
        except (OSError, EOFError, UnicodeDecodeError, CleanerError) as error:
            print(f"cleaner: {name}: {error}", file=sys.stderr)
            failures += 1
            continue
        rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.body
        if out:
            path = out / f"{_output_stem(name)}{'.json' if args.json else '.txt'}"
            try:  # a regular file is replaced whole, a symlink followed, a device or FIFO written in place
                replace_file(output_target(str(path)), rendered + "\n")
            except (OSError, CleanerError) as error:
                print(f"cleaner: {path}: {error}", file=sys.stderr)
                failures += 1
        else:
            if len(args.files) > 1:
                print(f"==> {_label(name)} <==")
            print(rendered)
    return 1 if failures else 0


def _label(name: str) -> str:
    """The file name as text: a name that is not UTF-8 (decoded with surrogate escapes) shows U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _output_stem(name: str) -> str:
    return "stdin" if name == "-" else Path(name.removesuffix(".gz").removesuffix(".GZ")).stem


def _expanded(names: Sequence[str]) -> list[str]:
    """The names, each directory replaced by the page files in it (sorted, recursively)."""
    found: list[str] = []
    for name in names:
        if name != "-" and os.path.isdir(name):
            found.extend(str(path) for _, path in page_files(name))
        else:
            found.append(name)
    return found


def _same_output_name(names: Sequence[str]) -> tuple[str, str] | None:
    """Two inputs whose results would overwrite each other in the --out folder."""
    first_by_stem: dict[str, str] = {}
    for name in names:
        earlier = first_by_stem.setdefault(_output_stem(name), name)
        if earlier != name:
            return earlier, name
    return None


def _read(name: str) -> bytes:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    return gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data
