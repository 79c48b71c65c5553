"""Find, read and validate rule packs."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RulePackError
from .schema import PackInfo, Rule, RulePack

PACK_SUFFIX = ".toml"


@dataclass(frozen=True, slots=True)
class LoadedPack:
    """A validated pack, the file it came from and the SHA-256 of that file."""

    path: str
    pack: RulePack
    sha256: str = ""

    @property
    def info(self) -> PackInfo:
        return self.pack.info

    @property
    def rules(self) -> list[Rule]:
        return self.pack.rules


def builtin_pack_paths() -> list[Path]:
    """The packs shipped with the library, generic first."""
    folder = resources.files("cleaner.rules") / "packs"
    paths = sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(PACK_SUFFIX))
    return sorted(paths, key=lambda path: path.stem != "generic")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories replaced by their ``*.toml`` files, sorted."""
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            found.extend(sorted(entry.glob(f"*{PACK_SUFFIX}")))
        elif entry.is_file():
            found.append(entry)
        else:
            raise RulePackError(str(entry), [(None, None, "no such file or directory")])
    return found


def load_pack(path: str | Path) -> LoadedPack:
    """Read and validate one pack; errors name the file, the rule id and the field."""
    name = str(path)
    try:
        content = Path(path).read_bytes()
        data = tomllib.loads(content.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise RulePackError(name, [(None, None, f"cannot read: {error}")]) from None
    except tomllib.TOMLDecodeError as error:
        raise RulePackError(name, [(None, None, f"invalid TOML: {error}")]) from None
    return LoadedPack(name, parse_pack(data, name), hashlib.sha256(content).hexdigest())


def parse_pack(data: dict[str, Any], name: str) -> RulePack:
    lists = data.get("lists") if isinstance(data.get("lists"), dict) else {}
    try:
        return RulePack.model_validate(data, context={"lists": lists})
    except ValidationError as error:
        raise RulePackError(name, [_describe(item, data) for item in error.errors()]) from None


def load_packs(paths: Sequence[str | Path], *, builtin: bool = True) -> list[LoadedPack]:
    """Built-in packs (unless ``builtin`` is false), then the user's, in order."""
    files = (builtin_pack_paths() if builtin else []) + expand_paths(paths)
    return [load_pack(path) for path in files]


def check_unique_names(packs: Sequence[LoadedPack]) -> None:
    """Refuse two packs of one name: within a pack the schema keeps rule ids unique, so ids stay unique."""
    seen: dict[str, str] = {}
    for loaded in packs:
        name = loaded.info.name
        if name in seen:
            raise RulePackError(
                loaded.path, [(None, "pack.name", f"pack name {name!r} is already used by {seen[name]}")]
            )
        seen[name] = loaded.path


def _describe(item: Any, data: dict[str, Any]) -> tuple[str | None, str | None, str]:
    """(rule id, field, message) for one pydantic error."""
    loc = tuple(item.get("loc", ()))
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
        rules = data.get("rule") or []
        raw = rules[loc[1]] if loc[1] < len(rules) else {}
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        label = str(rule_id) if rule_id else f"#{loc[1] + 1}"
        field = ".".join(str(part) for part in loc[2:]) or None
        return label, field, message
    return None, ".".join(str(part) for part in loc) or None, message
