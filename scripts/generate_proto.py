"""Regenerate server/generated/ from proto/: the only way that code is made.

    python scripts/generate_proto.py

Needs grpcio-tools (``pip install ".[dev]"``). The folder server/ is installed
as the package ``cleaner_server``, so the generated modules import each other
as ``cleaner_server.generated.boilerplate.v1``: protoc writes them under that
path in a scratch folder, and they are moved into server/generated/.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
OUTPUT = ROOT / "server" / "generated"
VIRTUAL_ROOT = "cleaner_server/generated"


def protoc_arguments(*outputs: str) -> list[str]:
    """protoc arguments mapping proto/ onto the package path of the generated code."""
    sources = sorted(str(path.relative_to(ROOT)) for path in PROTO_ROOT.rglob("*.proto"))
    return ["protoc", f"-I{VIRTUAL_ROOT}={PROTO_ROOT.relative_to(ROOT)}", *outputs, *sources]


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        outputs = (f"--{kind}_out={scratch}" for kind in ("python", "pyi", "grpc_python"))
        code = protoc.main(protoc_arguments(*outputs))
        if code != 0:
            return int(code)
        for stale in OUTPUT.rglob("*_pb2*.py*"):
            stale.unlink()
        made = Path(scratch) / VIRTUAL_ROOT
        for path in made.rglob("*_pb2*.py*"):
            target = OUTPUT / path.relative_to(made)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    for folder in [OUTPUT, *(path for path in OUTPUT.rglob("*") if path.is_dir())]:
        (folder / "__init__.py").touch()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
