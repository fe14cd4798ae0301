"""Letter rules: Persian script to a plain Latin spelling, and the consonant skeletons behind `phonetic_key`.

Persian leaves short vowels unwritten, so the rule transliteration of an unknown name is only a readable guess
(حسنی -> "hsni"); known names are looked up in the name-variant data first (see names.py). The skeletons drop
vowels on both sides, which is what makes them comparable across scripts.
"""

from __future__ import annotations

import re

_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z",
    "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "gh",
    "ف": "f", "ق": "gh", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
}  # fmt: skip
# Skeleton classes: one symbol per sound group (x = kh, q = gh/q, S = sh, C = ch, j = j/zh).
_SKELETON = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "ژ": "j", "چ": "C",
    "ح": "h", "ه": "h", "خ": "x", "د": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ر": "r", "ش": "S",
    "غ": "q", "ق": "q", "ف": "f", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
}  # fmt: skip
_VOWEL_LETTERS = "اآو‌ی"
_LATIN_DIGRAPHS = [
    ("tch", "C"), ("dj", "j"), ("kh", "x"), ("gh", "q"), ("sh", "S"), ("ch", "C"), ("zh", "j"), ("ph", "f"),
    ("ck", "k"), ("c", "k"), ("w", "v"),
]  # fmt: skip
_REPEATS = re.compile(r"(.)\1+")
_NON_LETTERS = re.compile(r"[^a-z]")
_LATIN_VOWELS = re.compile(r"[aeiouy]")
_FINAL_OW = re.compile(r"ow$")
_FINAL_EH = re.compile(r"eh$")


def _waw(word: str, i: int) -> str:
    """و is a consonant at the start, after alef, or before a vowel letter (پرویز, نوید); otherwise a vowel."""
    prev = word[i - 1] if i else ""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if i == 0 or prev in "اآ" or nxt in "اآی":
        return "v"
    return "o" if not nxt else "ou"


def _yeh(word: str, i: int) -> str:
    """ی is y at the start or after a vowel letter, otherwise the vowel i."""
    prev = word[i - 1] if i else ""
    return "y" if i == 0 or prev in "اآو" else "i"


def _heh(word: str, i: int) -> str:
    """Word-final ه after a consonant is the silent -eh (فاطمه -> fatemeh); otherwise h."""
    final = i == len(word) - 1
    return "eh" if final and i and word[i - 1] not in "اآ" and not word.endswith("لله") else "h"


def _letter(word: str, i: int) -> str:
    ch = word[i]
    if ch in _CONSONANTS:
        return _CONSONANTS[ch]
    if ch in "اآ":
        return "a"
    if ch == "ع":
        return "a" if i == 0 else ""
    rules = {"و": _waw, "ی": _yeh, "ه": _heh}
    if ch in rules:
        return rules[ch](word, i)
    return ch if ch.isascii() and ch.isalpha() else ""  # ZWNJ, digits, punctuation: dropped


def rule_transliterate(word: str) -> str:
    """Letter-by-letter Latin spelling of one normalised Persian word (no short vowels can be recovered)."""
    return "".join(_letter(word, i) for i in range(len(word)))


def persian_skeleton(word: str) -> str:
    """Consonant skeleton of a Persian word: an initial vowel becomes 'a', و counts only where it is /v/."""
    word = word.replace("\u200c", "")
    if not word:
        return ""
    out = ["a" if word[0] in "اآع" else ""]
    for i, ch in enumerate(word):
        if ch == "و" and _waw(word, i) == "v":
            out.append("v")
        elif ch == "ی" and i == 0:
            out.append("y")
        elif ch == "ه" and i == len(word) - 1 and _heh(word, i) == "eh":
            continue
        elif ch not in _VOWEL_LETTERS:
            out.append(_SKELETON.get(ch, ""))
    return _REPEATS.sub(r"\1", "".join(out))


def latin_skeleton(word: str) -> str:
    """Consonant skeleton of a lower-case Latin word, with the same symbols as `persian_skeleton`."""
    word = _NON_LETTERS.sub("", word)
    if not word:
        return ""
    word = _FINAL_EH.sub("e", _FINAL_OW.sub("o", word))
    head = "a" if word[0] in "aeiou" else ("y" if word[0] == "y" else "")
    for old, new in _LATIN_DIGRAPHS:
        word = word.replace(old, new)
    body = _LATIN_VOWELS.sub("", word[1:] if head else word)
    return _REPEATS.sub(r"\1", head + body)


def loose_latin_key(word: str) -> str:
    """A finer Latin key that keeps vowel classes, used to fold romanisations of the same name together:
    Hosseini/Husseini/Hoseyni share one, Hassan/Hossein do not."""
    word = _FINAL_EH.sub("e", _FINAL_OW.sub("o", _NON_LETTERS.sub("", word)))
    for old, new in [("dj", "j"), ("ph", "f"), ("w", "v"), ("q", "gh"), ("iye", "ie"), ("iya", "ia")]:
        word = word.replace(old, new)
    for old, new in [("ee", "i"), ("oo", "o"), ("ou", "o"), ("u", "o")]:
        word = word.replace(old, new)
    word = _REPEATS.sub(r"\1", word)
    for old, new in [("ey", "y"), ("ei", "y"), ("ay", "y"), ("ai", "y"), ("e", "a")]:
        word = word.replace(old, new)
    return _REPEATS.sub(r"\1", word[:-1] + "i" if word.endswith("y") else word)
