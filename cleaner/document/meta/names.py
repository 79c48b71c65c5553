"""Bylines and person names: byline labels in several languages, name shapes, names split out of a byline.

A byline label is a word or two before a name: "By", "Written by", "Posted by",
"Author:", and their counterparts in German, French, Spanish, Italian,
Portuguese, Dutch and the Scandinavian languages ("Von", "Par", "Por", "Di",
"Door", "Av", "Af", "Autor:"). Each label knows its languages, so a ranker can
tell a label in the page's own language (a byline wherever it is written) from a
word that only looks like one ("Di" in an English list of names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .datefinder import find_dates, may_hold_date

# kind → pattern: label words before a name (case-insensitive); the name itself is checked for shape.
LABELS: dict[str, str] = {
    "written": r"(?:written|words|story|text|article|posted|published|created|compiled|reported)\s+by",
    "reviewed": r"(?:(?:medically|clinically|expert|fact[- ]?)?\s*(?:reviewed|checked|edited|verified|approved|updated)"
    r"\s+by)",
    "forum": r"(?:thread\s+starter|started\s+by|original\s+poster|asked\s+by|submitted\s+by|from)",
    "author": r"(?:authors?|writer|byline|contributors?|columnist|reporter)\s*:",
    "foreign": r"(?:geschrieben\s+von|écrit\s+par|escrito\s+por|publicado\s+por|redactado\s+por|texto\s+de"
    r"|scritto\s+da|geschreven\s+door|skrevet\s+af|skrevet\s+av|von|par|por|di|door|van|av|af"
    r"|autor(?:in|a|es)?\s*:|auteure?\s*:|autore\s*:|författare\s*:)",
    "by": r"by",
}
# The languages of each foreign label, by its first word: "Von" is a byline on a German page only.
LABEL_LANGUAGES: dict[str, frozenset[str]] = {
    word: frozenset(languages.split())
    for word, languages in {
        "geschrieben": "de", "von": "de", "autorin": "de", "écrit": "fr", "par": "fr", "auteur": "fr nl",
        "auteure": "fr", "escrito": "es pt", "publicado": "es pt", "redactado": "es", "texto": "es pt",
        "por": "es pt", "autor": "de es pt pl cs sk ro hr sl", "autora": "es pt", "autores": "es pt",
        "scritto": "it", "di": "it", "autore": "it", "geschreven": "nl", "door": "nl", "van": "nl",
        "skrevet": "da no nb nn", "av": "sv no nb nn", "af": "da", "författare": "sv",
    }.items()
}  # fmt: skip
# The first word of every label, case-folded: a line holding none of them holds no label.
LABEL_WORDS = frozenset(
    """written words story text article posted published created compiled reported medically clinically expert
    fact reviewed checked edited verified approved updated thread started original asked submitted from authors
    author writer byline contributors contributor columnist reporter by""".split()
) | frozenset(LABEL_LANGUAGES)
_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s|•·,(\[–—-]))(?P<label>"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in LABELS.items())
    + r")(?:(?![^\W\d_])|(?=[A-Z]))\s*:?\s*",
    re.I,
)
_LABEL_ONLY = re.compile(r"^(?:" + "|".join(LABELS.values()) + r"|authors?|autor|auteur)\s*:?$", re.I)
MAX_LABEL_LINE = 250

# Function words that never stand inside a person's name (a closed list; the stop lists hold content words too).
FUNCTION_WORDS = frozenset(
    """a an and or but of to in into on onto for from with without about as at by is are was were be been
    this that these those it its our your my his her their we you they i me us how what why when where who
    which all any some more most not no yes do does did can will would should could has have had if then than
    so up out over under new here there now just also only very get got make see view read show click
    home menu search login sign share follow subscribe cart shop contact help privacy terms cookies
    der die das und oder ein eine le la les et ou un une el los las y o del des du""".split()
)
PARTICLES = frozenset("de da del della der den di du dos das van von la le al el bin ibn ter y e".split())
ROLE_WORDS = frozenset(
    """editor editors writer writers reporter reporters correspondent contributor contributors staff columnist
    author authors founder ceo cto cfo coo analyst senior chief head manager director professor lead president
    officer specialist expert team editorial desk marketing content strategist consultant engineer developer
    designer associate assistant intern fellow member members moderator admin administrator guest
    phd md mba dvm rn rd ms ma bsc msc dr""".split()
)
TRAILING_ROLES = ROLE_WORDS - {"team", "staff", "desk", "editorial", "editors", "members"}
TEAM_WORDS = frozenset({"team", "staff", "editors", "desk", "editorial"})
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\|)\s*", re.I)
_NAME_STOP = re.compile(
    r"\s*(?:[|•·;/()\[\]@]|\s[-–—]\s|\s(?:on|in|at|for|from|with|via|and the|updated|published|posted|last|am|le|el"
    r"|il|em|op)\s|\d)",
    re.I,
)
_USERNAME = re.compile(r"^[\w.\-]{2,32}$")
OPENERS = "([\"'“‘¿¡#$£€"
CLOSERS = ")]\"'”’?!%"


@dataclass(frozen=True, slots=True)
class Label:
    """A byline label in a line, with the names after it."""

    kind: str
    start: int
    native: bool
    """The label belongs to the page's language (English labels count on every page)."""
    names: tuple[str, ...]
    next_line: bool = False
    """The label ends its line: the names are those of the next line."""


def trim(text: str) -> str:
    """``text`` without the characters that are neither letters, digits, opening nor closing marks at its ends."""
    start, end = 0, len(text)
    while start < end and not (text[start].isalnum() or text[start] in OPENERS):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in CLOSERS):
        end -= 1
    return text[start:end]


def may_hold_label(tokens: list[str]) -> bool:
    return not LABEL_WORDS.isdisjoint(tokens)


def find_labels(line: str, next_line: str, language: str, stop: frozenset[str] | None) -> list[Label]:
    """Byline labels in ``line`` that a name follows (on the line, or alone on the next one when the label ends it)."""
    found = []
    for match in _LABEL.finditer(line):
        kind = next(kind for kind in LABELS if match.group(kind))
        rest = line[match.end() :]
        on_next = not rest.strip()
        names = split_names(cut_name(next_line if on_next else rest), stop)
        if names:
            native = kind != "foreign" or language in LABEL_LANGUAGES.get(_first_word(match.group()), ())
            found.append(Label(kind, match.start(), native, tuple(names), on_next))
    if not found and _LABEL_ONLY.match(line):
        names = split_names(cut_name(next_line), stop)
        if names:
            found.append(Label("author", 0, True, tuple(names), True))
    return found


def _first_word(label: str) -> str:
    return label.split(None, 1)[0].rstrip(":").casefold()


def is_byline(line: str, stop: frozenset[str] | None) -> bool:
    """A line that starts with a byline label and a name ("By Jane Doe", "Von Hans Müller", "Par X | 3 mars"):
    never a title."""
    match = _LABEL.match(line)
    if match is None:
        return False
    rest = line[match.end() :]
    return len(rest.split()) <= 10 and bool(split_names(cut_name(rest), stop))


def cut_name(rest: str) -> str:
    """The name at the start of ``rest`` (the text after a byline label): up to a separator, a date or a digit."""
    padded = " " + rest + " "
    match = _NAME_STOP.search(padded)
    head = (padded[: match.start()] if match else rest).strip()
    if may_hold_date(head):
        for date in find_dates(head):
            head = head[: date.start]
            break
    return trim(head.strip(" ,:;-–—|"))


def split_names(text: str, stop: frozenset[str] | None) -> list[str]:
    """Names in a byline fragment: 'A, B and C' → [A, B, C]; parts that are only role words are dropped."""
    names = []
    for part in _NAME_SPLIT.split(text):
        part = trim(part)
        if not part or all(word.casefold().strip(".,") in ROLE_WORDS for word in part.split()):
            continue
        if looks_like_name(part):
            names.append(part)
    return names


def looks_like_name(text: str) -> bool:
    """1-6 words, at most 60 characters, each capitalised (name particles aside) and none a function word;
    or a single user-name token."""
    words = text.split()
    if not 1 <= len(words) <= 6 or not 2 <= len(text) <= 60 or not any(c.isalpha() for c in text):
        return False
    if len(words) == 1:
        return _USERNAME.match(text) is not None or text[:1].isupper()
    if words[0].casefold() == "the":  # "The Upwork Team"
        words = words[1:]
    for word in words:
        folded = word.casefold()
        if folded in FUNCTION_WORDS or not (word[:1].isupper() or folded in PARTICLES):
            return False
    return True


NAME_SHAPE = [
    "n_words", "words_1", "words_2_3", "words_4p", "cap_share", "stop_share", "function_words", "team", "has_digit",
    "role_words", "all_caps", "initials", "chars", "lower_token", "username",
]  # fmt: skip


def name_shape(text: str, stop: frozenset[str] | None) -> tuple[float, ...]:
    """``NAME_SHAPE`` of a would-be person name."""
    words = text.split()
    n = len(words)
    folded = [word.casefold() for word in words]
    caps = sum(1 for word in words if word[:1].isupper())
    particles = sum(1 for word in folded if word in PARTICLES)
    stops = sum(1 for word in folded if stop and word in stop and word not in PARTICLES)
    function = any(word in FUNCTION_WORDS and not (k == 0 and word == "the") for k, word in enumerate(folded))
    digits = any(c.isdigit() for c in text)
    roles = any(word.strip(".,") in ROLE_WORDS for word in folded)
    letters = [word for word in words if any(c.isalpha() for c in word)]
    initials = any(len(word) == 2 and word[0].isupper() and word[1] == "." for word in words)
    per = 1.0 / n if n else 0.0
    return (
        float(n),
        float(n == 1),
        float(2 <= n <= 3),
        float(n >= 4),
        (caps + particles) * per,
        stops * per,
        float(function),
        float(n > 0 and folded[-1] in TEAM_WORDS),
        float(digits),
        float(roles),
        float(bool(letters) and all(word.isupper() for word in letters)),
        float(initials),
        min(len(text), 80) / 80.0,
        float(n == 1 and text.islower()),
        float(n == 1 and _USERNAME.match(text) is not None and (text.islower() or digits)),
    )
