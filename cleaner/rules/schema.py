"""The rule-pack file format, validated by pydantic.

A pack is a TOML file::

    [pack]
    name = "independent"            # prefix of every rule id: "independent.<id>"
    version = "1.0.0"
    publisher = "The Independent"   # optional: who the pack's signatures identify
    domains = ["independent.co.uk"] # optional: hosts of that publisher
    priority = 10                   # optional: packs of higher priority are tried first (default 0)

    [lists]                         # optional: named word lists, used as \\L<name>
    photo_credits = ["Getty Images", "EPA"]

    [[rule]]
    id = "notification-prompt"
    category = "notification"
    action = "drop"
    pattern = 'Stay up to date with notifications from .{2,60}'
    must_match = ["Stay up to date with notifications from The Independent"]
    must_not_match = ["Readers stay up to date with notifications from the app, she said."]
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..result import RULE_FIELDS
from .translate import Untranslatable, translate


class Category(StrEnum):
    ADVERT = "advert"
    BYLINE = "byline"
    CAPTION = "caption"
    COMMENTS = "comments"
    COOKIE = "cookie"
    COPYRIGHT = "copyright"
    DATE = "date"
    DATELINE = "dateline"
    DONATION = "donation"
    DUPLICATE = "duplicate"
    FOOTER = "footer"
    LEGAL = "legal"
    LOGIN = "login"
    NAVIGATION = "navigation"
    NEWSLETTER = "newsletter"
    NOTIFICATION = "notification"
    PROMO = "promo"
    RELATED = "related"
    REPEATED = "repeated"
    SHARE = "share"
    SUBSCRIPTION = "subscription"
    SUBTITLE = "subtitle"
    TAGS = "tags"
    TITLE = "title"
    OTHER = "other"


class Action(StrEnum):
    DROP = "drop"  # drop the matching block
    DROP_SPAN = "drop_span"  # drop from the matching block through the block matching `end`
    DROP_TAIL = "drop_tail"  # drop the matching block and everything after it
    STRIP = "strip"  # cut the matching fragment out of a block, keep the rest
    METADATA = "metadata"  # move the block (or its named groups) to metadata


class Scope(StrEnum):
    GLOBAL = "global"  # applies to every document
    SITE = "site"  # only to documents attributed to the pack: its domains, name or publisher, or a signature


class Position(StrEnum):
    ANY = "any"
    HEAD = "head"  # only before the first paragraph of prose
    BODY = "body"  # only after the first paragraph of prose
    TAIL = "tail"  # only after the last paragraph of prose


RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
DEFAULT_RULE_MAX_CHARS = 250  # boilerplate lines are short; a longer block is never matched by the rule
_NUMBERED_REFERENCE = regex.compile(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g<\d+>)")
LIST_REFERENCE = regex.compile(r"(?<!\\)((?:\\\\)*)\\L<([A-Za-z_]\w*)>")


def compile_check(pattern: str, lists: dict[str, list[str]]) -> None:
    """Raise ValueError when ``pattern`` cannot be used in a rule."""
    if _NUMBERED_REFERENCE.search(pattern):
        raise ValueError("numbered back-references break when rules are combined; use (?P<name>...) and (?P=name)")
    used = list_references(pattern)
    unknown = sorted(used - lists.keys())
    if unknown:
        raise ValueError(f"unknown named list {', '.join(unknown)}; declare it under [lists]")
    try:
        regex.compile(pattern, regex.IGNORECASE, **{name: lists[name] for name in used})
    except regex.error as error:
        raise ValueError(f"invalid regex: {error}") from None


def list_references(pattern: str) -> set[str]:
    """Names of the ``\\L<name>`` lists a pattern uses."""
    return {match[2] for match in LIST_REFERENCE.finditer(pattern)}


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId
    category: Category
    action: Action
    description: str = ""
    pattern: str | None = None
    prefilter: str | None = None
    """A pattern matching every line ``pattern`` matches, and maybe more: what Hyperscan scans for instead."""
    phrases: list[Annotated[str, Field(min_length=1)]] | None = None
    end: str | None = None
    max_blocks: Annotated[int, Field(ge=1)] | None = None
    position: Position = Position.ANY
    max_chars: Annotated[int, Field(ge=1)] = DEFAULT_RULE_MAX_CHARS
    case_sensitive: bool = False
    scope: Scope | None = None  # None: SITE in a publisher's pack (signatures excepted), else GLOBAL
    signature: bool = False
    fallback: bool = False  # tried after every other rule: a broad heuristic that must not take a named match
    field: str | None = None
    must_match: list[str] = Field(min_length=1)
    must_not_match: list[str] = Field(min_length=1)

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str | None) -> str | None:
        if value is not None and value not in RULE_FIELDS:
            raise ValueError(f"unknown metadata field {value!r} (choose from {', '.join(RULE_FIELDS)})")
        return value

    @field_validator("pattern", "end")
    @classmethod
    def _compiles(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            lists = (info.context or {}).get("lists", {})
            compile_check(value, lists)
        return value

    @field_validator("prefilter")
    @classmethod
    def _translates(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            lists = (info.context or {}).get("lists", {})
            compile_check(value, lists)
            try:
                translate(value, lists, case_sensitive=False)
            except Untranslatable as error:
                raise ValueError(f"cannot be used as a prefilter: {error}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if (self.pattern is None) == (self.phrases is None):
            raise ValueError("give exactly one of 'pattern' or 'phrases'")
        if self.action is Action.DROP_SPAN and self.end is None:
            raise ValueError("action 'drop_span' needs an 'end' pattern")
        if self.action is not Action.DROP_SPAN and self.end is not None:
            raise ValueError("'end' is only for action 'drop_span'")
        if self.max_blocks is not None and self.action not in (Action.DROP_SPAN, Action.DROP_TAIL):
            raise ValueError("'max_blocks' is only for actions 'drop_span' and 'drop_tail'")
        if self.action is Action.STRIP and self.pattern is None:
            raise ValueError("action 'strip' needs a 'pattern'")
        if self.prefilter is not None and (self.pattern is None or self.action is Action.STRIP):
            raise ValueError("'prefilter' is only for block rules with a 'pattern'")
        if self.phrases is not None and (longest := max(map(len, self.phrases))) > self.max_chars:
            raise ValueError(f"a phrase is {longest} characters long; raise 'max_chars'")
        if self.action is Action.METADATA and self.field is None and not self.field_groups:
            raise ValueError(
                f"action 'metadata' needs 'field' or a named group called after a field ({', '.join(RULE_FIELDS)})"
            )
        if self.field is not None and self.action is not Action.METADATA:
            raise ValueError("'field' is only for action 'metadata'")
        return self

    @property
    def field_groups(self) -> tuple[str, ...]:
        """Named groups of the pattern that capture a metadata field."""
        if self.pattern is None:
            return ()
        names = regex.findall(r"\(\?P?<([A-Za-z_]\w*)>", self.pattern)
        return tuple(name for name in dict.fromkeys(names) if name in RULE_FIELDS)


class PackInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
    version: Annotated[str, Field(min_length=1)]
    description: str = ""
    publisher: str = ""
    domains: list[str] = []
    priority: int = 0
    """Rules of packs with a higher priority are tried first; among equals, pack order (built-in packs first)."""


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    info: PackInfo = Field(alias="pack")
    lists: dict[Annotated[str, Field(pattern=r"^[A-Za-z_]\w*$")], list[str]] = {}
    rules: list[Rule] = Field(default=[], alias="rule")

    @model_validator(mode="before")
    @classmethod
    def _rules_unique(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rule"), list):
            seen: set[str] = set()
            for rule in data["rule"]:
                rule_id = rule.get("id") if isinstance(rule, dict) else None
                if rule_id in seen:
                    raise ValueError(f"rule id {rule_id!r} is used twice")
                if rule_id:
                    seen.add(rule_id)
        return data

    @model_validator(mode="after")
    def _scopes(self) -> RulePack:
        """A publisher's rules act only on its pages unless declared global; signatures attribute pages anywhere."""
        publisher = bool(self.info.publisher or self.info.domains)
        for index, rule in enumerate(self.rules):
            if rule.scope is None:
                scope = Scope.SITE if publisher and not rule.signature else Scope.GLOBAL
                self.rules[index] = rule.model_copy(update={"scope": scope})
        return self

    @model_validator(mode="after")
    def _attribution_is_possible(self) -> RulePack:
        if not self.info.publisher and any(rule.signature for rule in self.rules):
            raise ValueError("signature rules need [pack] publisher")
        if not (self.info.publisher or self.info.domains) and any(rule.scope is Scope.SITE for rule in self.rules):
            raise ValueError("rules with scope 'site' need [pack] publisher or domains")
        return self

    def qualified_id(self, rule: Rule) -> str:
        return f"{self.info.name}.{rule.id}"
