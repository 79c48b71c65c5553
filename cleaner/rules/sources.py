"""A rule's regex source made safe to combine with others: private names, known lists."""

from __future__ import annotations

import regex

from .groups import field_group, list_name
from .schema import LIST_REFERENCE, Rule, RulePack, list_references

_GROUP_NAME = regex.compile(r"(?<!\\)((?:\\\\)*)\(\?P?<([A-Za-z_]\w*)>")
_GROUP_REFERENCE = regex.compile(r"(?<!\\)((?:\\\\)*)(\(\?P=|\(\?&|\(\?P>|\\g<)([A-Za-z_]\w*)")
_TRAILING_PUNCTUATION = ".!:;…"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

Lists = dict[str, list[str]]


def alternative(pack: RulePack, rule: Rule, group: str, pack_index: int) -> tuple[str, Lists]:
    """``(?P<group>(?i:...))`` for the rule's pattern, with its groups and its pack's lists renamed private."""
    assert rule.pattern is not None
    source = _GROUP_NAME.sub(lambda m: f"{m[1]}(?P<{field_group(group, m[2])}>", rule.pattern)
    source = _GROUP_REFERENCE.sub(lambda m: f"{m[1]}{m[2]}{field_group(group, m[3])}", source)
    used = list_references(source)
    source = LIST_REFERENCE.sub(lambda m: f"{m[1]}\\L<{list_name(pack_index, m[2])}>", source)
    flags = "-i" if rule.case_sensitive else "i"
    return f"(?P<{group}>(?{flags}:{source}))", {list_name(pack_index, name): pack.lists[name] for name in used}


def phrase_key(text: str) -> str:
    """How a phrase and a block are compared: case, quote style and trailing punctuation do not count."""
    return text.casefold().translate(_QUOTES).rstrip(_TRAILING_PUNCTUATION).strip()


def compile_alternatives(alternatives: list[tuple[str, Lists]], *, anchored: bool) -> regex.Pattern[str]:
    lists: Lists = {}
    for _, used in alternatives:
        lists.update(used)
    joined = "|".join(source for source, _ in alternatives)
    return regex.compile(f"^(?:{joined})$" if anchored else joined, regex.MULTILINE, **lists)
