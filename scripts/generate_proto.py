"""Regenerate server/generated/ from proto/: the only way that code is made.

    python scripts/generate_proto.py

Needs grpcio-tools (``pip install ".[dev]"``). The generated modules import each
other as ``server.generated.boilerplate.v1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
OUTPUT = ROOT / "server" / "generated"
VIRTUAL_ROOT = "server/generated"


def protoc_arguments(*outputs: str) -> list[str]:
    """protoc arguments mapping proto/ onto the package path of the generated code."""
    sources = sorted(str(path.relative_to(ROOT)) for path in PROTO_ROOT.rglob("*.proto"))
    return ["protoc", f"-I{VIRTUAL_ROOT}={PROTO_ROOT.relative_to(ROOT)}", *outputs, *sources]


def main() -> int:
    for stale in OUTPUT.rglob("*_pb2*.py*"):
        stale.unlink()
    code = protoc.main(protoc_arguments("--python_out=.", "--pyi_out=.", "--grpc_python_out=."))
    if code != 0:
        return int(code)
    for folder in [OUTPUT, *(path for path in OUTPUT.rglob("*") if path.is_dir())]:
        (folder / "__init__.py").touch()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
