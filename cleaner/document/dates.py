"""Turn a date as printed on a page into ISO 8601 (python-dateutil does the parsing).

A component the text does not give is never filled in: no time gives a bare
date, no day gives ``YYYY-MM``; a zone abbreviation gives the offset. Each
distinct string is parsed once (a bounded cache): a site prints the same few
date lines on every page, and the rankers and rule captures ask for the same one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

if TYPE_CHECKING:
    from functools import _CacheInfo

# Two defaults that differ in every component: a component that differs
# between the two parses was not in the text. Only a component equal to the
# first default can be missing, so most dates need one parse.
_DEFAULTS = (datetime(1904, 1, 1, 0, 0), datetime(1908, 2, 2, 1, 1))
_PARTS = ("year", "month", "day", "hour")
CACHED_DATES = 4096
CACHED_LENGTH = 256
"""At most ``CACHED_DATES`` strings of at most ``CACHED_LENGTH`` characters are remembered (a date line is short)."""


class OncePerString:
    """A function of a string computed once per distinct short string (bounded memory); a long one each time."""

    def __init__(self, function: Callable[[str], str]) -> None:
        self._function = function
        self._cached = lru_cache(maxsize=CACHED_DATES)(function)
        self.__doc__ = function.__doc__

    def __call__(self, text: str) -> str:
        return self._cached(text) if len(text) <= CACHED_LENGTH else self._function(text)

    def cache_info(self) -> _CacheInfo:
        return self._cached.cache_info()


@cache
def _zones() -> dict[str, tzinfo]:
    text = (resources.files("cleaner") / "data" / "timezones.toml").read_text(encoding="utf-8")
    zones: dict[str, tzinfo] = {}
    for name, value in tomllib.loads(text)["zones"].items():
        zones[name] = _fixed_offset(value) if value[:1] in "+-" else ZoneInfo(value)
    return zones


def _zone(name: str, offset: int | None) -> tzinfo | None:
    """dateutil's zone lookup: known abbreviations, else a printed offset, else none."""
    if name and name.upper() in _zones():
        return _zones()[name.upper()]
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    return None


@OncePerString
def parse_published(text: str) -> str:
    """ISO 8601 for a printed date, or ``""`` when it holds no usable date."""
    try:
        first = _parse(text, _DEFAULTS[0])
        suspect = [part for part in _PARTS if getattr(first, part) == getattr(_DEFAULTS[0], part)]
        second = _parse(text, _DEFAULTS[1]) if suspect else first
    except (ValueError, OverflowError):
        return ""
    missing = {part for part in suspect if getattr(first, part) != getattr(second, part)}
    if "year" in missing:
        return ""
    if "month" in missing:
        return f"{first.year:04d}"
    if "day" in missing:
        return f"{first.year:04d}-{first.month:02d}"
    if "hour" in missing:
        return first.date().isoformat()
    return first.isoformat(timespec="seconds")


def _parse(text: str, default: datetime) -> datetime:
    return date_parser.parse(text, default=default, tzinfos=_zone, fuzzy=True)


def _fixed_offset(value: str) -> timezone:
    sign = -1 if value.startswith("-") else 1
    hours, minutes = value.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
