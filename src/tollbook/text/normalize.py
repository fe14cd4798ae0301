"""Persian-script normalisation, digit folding and script detection.

Written here rather than taken from hazm (dependency clash) or parsivar/persiantools (they normalise less); every
rule below is covered by tests/text/test_normalize.py.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

# Arabic letter forms that Persian writes differently, and hamza carriers folded to their base letter.
_LETTER_MAP = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u06d0": "\u06cc",  # YEH WITH TWO DOTS BELOW
    "\u0626": "\u06cc",  # YEH WITH HAMZA ABOVE: رضائی -> رضایی
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06c0": "\u0647",  # HEH WITH YEH ABOVE
    "\u06c1": "\u0647",  # HEH GOAL
    "\u06be": "\u0647",  # HEH DOACHASHMEE
    "\u06d5": "\u0647",  # AE
    "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE
    "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW
    "\u0671": "\u0627",  # ALEF WASLA
    "\u0624": "\u0648",  # WAW WITH HAMZA ABOVE
    "\u0621": "",  # standalone HAMZA: ضیاء -> ضیا
    "\u0640": "",  # TATWEEL (kashida)
}
# Harakat, Quranic marks, superscript alef: all vowel signs that Persian normally leaves unwritten.
_DIACRITICS = "".join(chr(c) for c in [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)])
# Invisible characters other than ZWNJ: joiners, bidi marks, byte-order mark.
_INVISIBLE = "\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
_NORMALISE_TABLE = str.maketrans({**_LETTER_MAP, **{ch: "" for ch in _DIACRITICS + _INVISIBLE}})
_TO_NORMALISE = re.compile(f"[{re.escape(''.join(_LETTER_MAP) + _DIACRITICS + _INVISIBLE)}]")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NON_ASCII_DIGIT = re.compile("[۰-۹٠-٩]")
_ASCII_MARKS = str.maketrans("", "", "'`")
_WHITESPACE = re.compile(r"\s+")
_ZWNJ_SPAN = re.compile(f" *{ZWNJ}[ {ZWNJ}]*")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_TO_FOLD = re.compile("['`’‘ʿʾ´\u00c0-\u024f\u1e00-\u1eff]")  # what fold_latin removes or decomposes


def to_ascii_digits(s: str) -> str:
    """Replace Persian (۰-۹) and Arabic-Indic (٠-٩) digits with ASCII 0-9; everything else is kept."""
    return s.translate(_DIGITS) if _NON_ASCII_DIGIT.search(s) else s  # translate is slow on Persian text


def normalize_persian(s: str) -> str:
    """Normalise Persian text: Arabic letter forms to Persian, diacritics/tatweel/invisibles removed, one space
    between words and no stray ZWNJ. Idempotent; Latin text passes through with only its whitespace tidied."""
    if s.isascii():
        return " ".join(s.split())
    text = unicodedata.normalize("NFKC", s)
    if _TO_NORMALISE.search(text):  # most names have nothing to translate, and translate is slow on them
        text = text.translate(_NORMALISE_TABLE)
    text = _WHITESPACE.sub(" ", text.replace("\u00a0", " "))
    text = _ZWNJ_SPAN.sub(lambda m: " " if " " in m.group(0) else ZWNJ, text)
    return text.strip(" " + ZWNJ)


def is_persian(s: str) -> bool:
    """True when the text is mainly in Persian/Arabic script (more such letters than Latin ones)."""
    persian = len(_ARABIC_SCRIPT.findall(s))
    return persian > 0 and persian >= len(_LATIN.findall(s))


def fold_latin(s: str) -> str:
    """Lower-case Latin text with accents and apostrophe-like marks removed (Ḥoseynī -> hoseyni, Ja'far -> jafar);
    Persian letters are left untouched."""
    if s.isascii():
        return s.lower().translate(_ASCII_MARKS)
    lowered = s.lower()
    if not _TO_FOLD.search(lowered):  # Persian text: nothing to fold, no letter-by-letter loop
        return lowered
    out = []
    for ch in lowered:
        if ch in "'`’‘ʿʾ´":
            continue
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(ch)
    return "".join(out)
