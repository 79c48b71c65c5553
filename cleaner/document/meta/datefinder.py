"""Dates as printed in a line of text, read to year, month and day without guessing.

Every date form holds a four-digit year, so the finder looks for years first (a
cheap scan) and reads the rest around each one: before it a month name and a
day in either order (``March 3, 2024``, ``3 March 2024``, ``3. März 2024``,
``3 de marzo de 2024``; month names in seven languages), a numeric D.M.Y or
M/D/Y date, or a month alone (``March 2024``); after it the month and day of an
ISO or Y/M/D date, or CJK ``2024年3月3日``; then an optional time. A numeric date
whose day and month could swap (``03/04/2024``) gives both readings, marked
``ambiguous``: which one the page means is for the ranker to weigh, from the
page's other numeric dates. Time and zone are read by ``dates.parse_published``,
for the chosen date only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MONTHS: dict[str, int] = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "okt": 10, "dez": 12, "mär": 3,
    # French
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "janv": 1, "févr": 2, "juil": 7,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "ene": 1, "abr": 4,
    "ago": 8, "dic": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10,
    "dezembro": 12, "fev": 2,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}  # fmt: skip

LOOK_BEHIND = 28  # characters before a year that can hold its month and day
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = r"[^\W\d_]{3,10}"
_DAY = r"[0-3]?\d(?:st|nd|rd|th|er|º|\.)?"
# What may stand before a year, up to it (each alternative ends where the year starts).
_BEFORE = re.compile(
    rf"(?:(?P<m1>{_WORD})\.?\s*(?P<d1>{_DAY})(?:,|\s)\s*(?:de\s+)?"  # March 3, 2024
    rf"|(?<!\d)(?P<d2>{_DAY})\s*(?:of\s+|de\s+|-)?(?P<m2>{_WORD})\.?(?:,|\s|-)\s*(?:de\s+)?"  # 3 March 2024
    r"|(?<![\d.])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)"  # 03/04/2024
    rf"|(?P<m3>{_WORD})\.?\s*,?\s*)\Z"  # March 2024
)
_AFTER = re.compile(
    r"(?:[-/.](?P<mm>[01]?\d)[-/.](?P<dd>[0-3]?\d)(?!\d)"  # 2024-03-12
    r"|\s*年\s*(?P<cm>[01]?\d)\s*月\s*(?P<cd>[0-3]?\d)\s*日)"  # 2024年3月12日
)
_TIME = re.compile(
    r",?\s*(?:at|um|à|a las|alle|@|-|–|\||T)?\s*\d{1,2}[:.h]\d{2}(?::\d{2})?"
    r"(?:\s*[aApP]\.?\s?[mM]\.?)?(?:\s*(?:[A-Z]{2,5}\b|[+-]\d{2}:?\d{2}|Z))?",
)
# A year may be glued to a counter that follows it ("January 14, 202620 Mins Read").
_GLUED_COUNTER = re.compile(
    r"\d{1,3}\s*(?:min|mins|minutes?|hrs?|hours?|comments?|views?|shares?|reads?|likes?)\b", re.I
)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([/_-]?)([01]\d)\2([0-3]\d)(?!\d)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/([01]\d)/")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One reading of the date string ``line[start:end]`` (``day`` 0: only month and year)."""

    start: int
    end: int
    year: int
    month: int
    day: int
    kind: str
    """``mdy``, ``dmy``, ``num``, ``iso``, ``cjk`` or ``my``."""
    has_time: bool = False
    ambiguous: bool = False
    """A numeric date whose day and month could swap; both readings are listed."""
    swapped: bool = False
    """The second reading of an ambiguous date."""
    first: int = 0
    """The first number of a numeric date: which of day and month the page prints first."""

    @property
    def iso(self) -> str:
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def may_hold_date(line: str) -> bool:
    """A cheap test that every line with a date passes."""
    return "19" in line or "20" in line


def find_dates(line: str) -> list[DateMatch]:
    """The dates in one line, left to right (an ambiguous one twice, its first reading first)."""
    found: list[DateMatch] = []
    taken = 0
    for year_match in _YEAR.finditer(line):
        start, end = year_match.span()
        if start < taken or (start and line[start - 1].isdigit()):
            continue
        if end < len(line) and line[end].isdigit() and not _GLUED_COUNTER.match(line, end):
            continue
        year = int(year_match.group())
        dates = _read(line, year, start, end, taken)
        if dates:
            found.extend(dates)
            taken = dates[0].end
    return found


def _read(line: str, year: int, start: int, end: int, taken: int) -> list[DateMatch]:
    before = _BEFORE.search(line, max(taken, start - LOOK_BEHIND), start)
    if before is not None:
        groups = before.groupdict()
        if groups["a"] is not None:
            a, b = int(groups["a"]), int(groups["b"])
            day, month = (a, b) if groups["sep"] == "." or a > 12 else (b, a)
            if not _valid(year, month, day):
                return []
            stop = _time_end(line, end)
            timed = stop > end
            if not (a <= 12 and b <= 12 and a != b):
                return [DateMatch(before.start(), stop, year, month, day, "num", timed, first=a)]
            return [
                DateMatch(before.start(), stop, year, month, day, "num", timed, True, False, a),
                DateMatch(before.start(), stop, year, day, month, "num", timed, True, True, a),
            ]
        name = "m1" if groups["m1"] else "m2" if groups["m2"] else "m3"
        month, offset = _month(line, before.start(name), groups[name])
        if month:
            day_text = groups["d1"] or groups["d2"] or ""
            day = int(day_text[:2]) if day_text[:2].isdigit() else int(day_text[:1] or 0)
            if _valid(year, month, day):
                kind = "mdy" if groups["m1"] else "dmy" if groups["m2"] else "my"
                begin = before.start() + offset if kind != "dmy" else before.start()
                stop = _time_end(line, end) if day else end
                return [DateMatch(begin, stop, year, month, day, kind, stop > end)]
    after = _AFTER.match(line, end)
    if after is not None:
        month = int(after.group("mm") or after.group("cm"))
        day = int(after.group("dd") or after.group("cd"))
        if _valid(year, month, day):
            kind = "iso" if after.group("mm") else "cjk"
            stop = _time_end(line, after.end())
            return [DateMatch(start, stop, year, month, day, kind, stop > after.end())]
    return []


def _month(line: str, at: int, word: str | None) -> tuple[int, int]:
    """The month a word names and where in the word it starts: the whole word at a word start, or the tail
    of a glued word from a capital letter ("KristenMarch")."""
    if not word:
        return 0, 0
    month = MONTHS.get(word.casefold(), 0)
    if month and (at == 0 or not line[at - 1].isalpha()):
        return month, 0
    for k in range(1, len(word) - 2):
        if word[k].isupper() and word[k - 1].islower():
            month = MONTHS.get(word[k:].casefold(), 0)
            if month:
                return month, k
    return 0, 0


def _time_end(line: str, end: int) -> int:
    match = _TIME.match(line, end)
    return match.end() if match else end


def url_date(url: str | None) -> tuple[int, int, int] | None:
    """The date in a URL's path (``/2025/09/04/``, ``2025-09-04``; day 0 for ``/2025/09/``), or None."""
    if not url:
        return None
    path = urlsplit(url).path
    match = _URL_DATE.search(path)
    if match and _valid(int(match.group(1)), int(match.group(3)), int(match.group(4))):
        return int(match.group(1)), int(match.group(3)), int(match.group(4))
    match = _URL_MONTH.search(path)
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2)), 0
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True
