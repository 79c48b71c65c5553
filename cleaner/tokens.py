"""Words of a block, found once and shared by every stage that counts or compares them."""

from __future__ import annotations

import regex

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_CJK_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\W\p{Han}\p{Hiragana}\p{Katakana}]+")
_FIRST_CJK = "\u2e80"
_CLOSERS = "\"'”’)]"
_TYPOGRAPHY = "’‘“”–—…•\u00a0«»"
SENTENCE_END = ".!?…"

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
    return text.rstrip(_CLOSERS)[-1:] in tuple(SENTENCE_END)
