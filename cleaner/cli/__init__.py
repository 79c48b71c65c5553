"""The ``cleaner`` command: clean files, run JSONL batches, evaluate, list and check rule packs.

One module per command; commands from other installed packages (the gRPC
service's ``serve``) come in through ``plugins``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from ..errors import CleanerError, RulePackError
from .parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.command(args))
    except RulePackError as error:
        print(f"cleaner: invalid rule pack:\n{error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        problem = error.errors()[0]
        option = f"--{str(problem['loc'][-1]).replace('_', '-')}: " if problem["loc"] else ""
        print(f"cleaner: {option}{str(problem['msg']).removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OSError, CleanerError) as error:
        print(f"cleaner: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
