"""Words of a block and how a block ends: the one definition of tokens, prose and sentence end.

``tokenize`` gives the tokens every stage counts and compares (the benchmark's
``\\w+`` runs, case-folded); ``word_count`` counts words as a reader does
("don't" is one), for the few thresholds stated in reader's words.
"""

from __future__ import annotations

import regex

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_CJK_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\W\p{Han}\p{Hiragana}\p{Katakana}]+")
_FIRST_CJK = "\u2e80"
CLOSERS = "\"'”’)]"
_TYPOGRAPHY = "’‘“”–—…•\u00a0«»"
SENTENCE_END = ".!?…"
CLAUSE_END = SENTENCE_END + ":;"
PROSE_MIN_WORDS = 8

_WORD = regex.compile(r"\w+(?:['’.-]\w+)*")

# Every character that cannot be part of a word becomes a space; then split.
_ASCII_WORDS = bytes(c if chr(c).isalnum() or c == ord("_") else ord(" ") for c in range(128)) + b" " * 128
_WORDS = str.maketrans({cp: " " for cp in range(ord(_FIRST_CJK)) if not (chr(cp).isalnum() or cp == ord("_"))})


def tokenize(text: str) -> list[str]:
    """Case-folded words (the benchmark's ``\\w+`` runs); in Chinese or Japanese each character is one."""
    if not text.isascii():
        for mark in _TYPOGRAPHY:  # English text is often ASCII but for its quotes and dashes
            if mark in text:
                text = text.replace(mark, " ")
    if text.isascii():
        return text.lower().encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    folded = text.casefold()
    if max(folded) >= _FIRST_CJK and _CJK.search(folded):
        words: list[str] = _CJK_WORD.findall(folded)
        return words
    return folded.translate(_WORDS).split()


def ends_sentence(text: str) -> bool:
    """Whether the text ends like a sentence, closing quotes and brackets aside."""
    return text.rstrip(CLOSERS)[-1:] in tuple(SENTENCE_END)


def ends_clause(text: str) -> bool:
    """Whether the text ends like a sentence or a clause (``:`` ``;``), closing quotes and brackets aside."""
    return text.rstrip(CLOSERS)[-1:] in tuple(CLAUSE_END)


def is_prose(text: str, tokens: list[str]) -> bool:
    """A full sentence of article text: enough words, sentence-final punctuation."""
    return len(tokens) >= PROSE_MIN_WORDS and ends_sentence(text)


def word_count(text: str) -> int:
    """Words as a reader counts them ("don't" is one), for the few blocks that need it."""
    return len(_WORD.findall(text))
