"""The linkage keys as build_keys made them before they were made fast (tollbook 2026-12, commit f485a3c), kept
whole as the oracle the fast keys are tested against: Persian normalisation, letter rules, name parts and the key
table, each function as it was. Only the name-variant data (name_data.name_index) is shared with the package."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from tollbook.text.name_data import name_index, persian_lookup_key
from tollbook.text.translit import (
    _NON_LETTERS,
    _REPEATS,
    latin_skeleton,
    loose_latin_key,
    persian_skeleton,
    rule_transliterate,
)

# --- text/normalize.py
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

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ASCII_MARKS = str.maketrans("", "", "'`")
_WHITESPACE = re.compile(r"\s+")
_ZWNJ_SPAN = re.compile(f" *{ZWNJ}[ {ZWNJ}]*")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def to_ascii_digits(s: str) -> str:
    """Replace Persian (۰-۹) and Arabic-Indic (٠-٩) digits with ASCII 0-9; everything else is kept."""
    return s.translate(_DIGITS)


def normalize_persian(s: str) -> str:
    """Normalise Persian text: Arabic letter forms to Persian, diacritics/tatweel/invisibles removed, one space
    between words and no stray ZWNJ. Idempotent; Latin text passes through with only its whitespace tidied."""
    if s.isascii():
        return " ".join(s.split())
    text = unicodedata.normalize("NFKC", s).translate(_NORMALISE_TABLE)
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
    out = []
    for ch in s.lower():
        if ch in "'`’‘ʿʾ´":
            continue
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(ch)
    return "".join(out)


# --- text/translit.py: unchanged by the faster keys, so used as it is
# --- text/names.py
_SPLIT = re.compile(r"[^\w\u200c]+|_+")  # anything but letters, digits and ZWNJ separates words
# First parts of Persian compound given names: "Mohammad Hassan" is one name, "Mohammadhassan".
_COMPOUND_HEADS = {"mohammad", "amir", "ali", "gholam", "mir", "abol", "abdol", "abdul", "abul", "hossein"}
_ARTICLES = {"ol", "al", "ul", "el", "od", "ad", "or", "os"}  # the Arabic article in Abd-ol-Reza, Nasr-ol-lah
_SUFFIXES_LATIN = {
    "zadeh": "zadeh", "zade": "zadeh", "pour": "pour", "poor": "pour", "pur": "pour", "nejad": "nejad",
    "nezhad": "nejad", "nia": "nia", "far": "far", "rad": "rad", "vand": "vand", "lou": "lou", "loo": "lou",
}  # fmt: skip
_SUFFIXES_PERSIAN = {"زاده": "zadeh", "پور": "pour", "نژاد": "nejad", "نیا": "nia", "فر": "far", "راد": "rad",
                     "وند": "vand", "لو": "lou"}  # fmt: skip


@dataclass(frozen=True)
class _Part:
    canonical: str
    known: bool
    persian: str  # the Persian source spelling, "" when the part was written in Latin


def _split_compound(key: str, lookup: dict[str, str], suffixes: dict[str, str]) -> str | None:
    """Split an unknown single word into a known name plus a known name or family suffix (محمدحسن, hosseinpour).

    Both halves are at most as long as the longest known name, so only that many cut points are tried: linear in
    the word's length, however long a cell is."""
    longest = _longest_key(id(lookup), lookup)
    if len(key) > 2 * longest:
        return None
    for i in range(min(len(key) - 2, longest), max(1, len(key) - longest - 1), -1):
        head, tail = key[:i], key[i:]
        if head in lookup and (tail in lookup or tail in suffixes):
            return lookup[head] + (lookup.get(tail) or suffixes[tail])
    return None


_LONGEST: dict[int, int] = {}


def _longest_key(identity: int, lookup: dict[str, str]) -> int:
    """Length of the longest name in a lookup table, or of a suffix (cached per table)."""
    if identity not in _LONGEST:
        suffixes = max(map(len, [*_SUFFIXES_LATIN, *_SUFFIXES_PERSIAN]))
        _LONGEST[identity] = max(max(map(len, lookup), default=0), suffixes)
    return _LONGEST[identity]


@lru_cache(maxsize=1 << 18)
def _persian_part(token: str) -> _Part:
    index = name_index()
    key = persian_lookup_key(token)
    if key in index.by_persian:
        return _Part(index.by_persian[key], True, key)
    split = _split_compound(key, index.by_persian, _SUFFIXES_PERSIAN)
    return _Part(split, True, key) if split else _Part(rule_transliterate(key), False, key)


@lru_cache(maxsize=1 << 18)
def _latin_part(token: str) -> _Part:
    index = name_index()
    word = _NON_LETTERS.sub("", token)
    if word in index.by_latin:
        return _Part(index.by_latin[word], True, "")
    loose = index.by_loose.get(loose_latin_key(word), frozenset())
    if len(loose) == 1:
        return _Part(next(iter(loose)), True, "")
    split = _split_compound(word, index.by_latin, _SUFFIXES_LATIN)
    return _Part(split, True, "") if split else _Part(word, False, "")


def _fuse(first: _Part, second: _Part) -> _Part | None:
    """Join two parts written apart that form one name: a known compound, a compound head, or a suffix."""
    index = name_index()
    joined = first.canonical + second.canonical
    known = index.by_latin.get(joined)
    suffix = _SUFFIXES_LATIN.get(second.canonical)
    head = first.canonical in _COMPOUND_HEADS and second.known and _is_given(second.canonical)
    link = first.canonical == "abd" or second.canonical in _ARTICLES
    if not (known or suffix or head or link):
        return None
    canonical = known or (first.canonical + suffix if suffix else joined)
    is_known = known is not None or (first.known and (second.known or bool(suffix)))
    return _Part(canonical, is_known, first.persian + second.persian)


def _is_given(canonical: str) -> bool:
    name = name_index().names.get(canonical)
    return name is not None and name.kind == "given"


@lru_cache(maxsize=1 << 18)
def _parts(s: str) -> tuple[_Part, ...]:
    text = fold_latin(normalize_persian(to_ascii_digits(s)))
    tokens = [t for t in _SPLIT.split(text) if t.strip("\u200c")]
    parts = [_latin_part(t) if t.isascii() or not is_persian(t) else _persian_part(t) for t in tokens]
    parts = [p for p in parts if p.canonical]
    fused: list[_Part] = []
    for part in parts:
        joined = _fuse(fused[-1], part) if fused else None
        if joined:
            fused[-1] = joined
        else:
            fused.append(part)
    return tuple(fused)


@lru_cache(maxsize=1 << 18)
def canonical_name(s: str) -> str:
    """Canonical lower-case Latin form of a name in any script or romanisation (محمد, Muhammad -> "mohammad");
    compounds are joined (Amir Hossein, امیر حسین -> "amirhossein"). Unknown names keep a rule spelling."""
    return " ".join(p.canonical for p in _parts(s))


def _part_skeleton(part: _Part) -> str:
    if part.known or not part.persian:
        return latin_skeleton(part.canonical)
    return persian_skeleton(part.persian)


@lru_cache(maxsize=1 << 18)
def phonetic_key(s: str) -> str:
    """Script-independent consonant skeleton of a name (vowels dropped; q/gh, kh, sh, zh/j, ou/u folded), so
    حسینی, Hosseini and Husseini share "hsn". Coarser than `canonical_name`: Hassan and Hossein collide too."""
    return "".join(_part_skeleton(p) for p in _parts(s))


def name_variant_id(s: str) -> str | None:
    """Id of the known given or family name that `s` spells ("given:mohammad", "family:hosseini"), else None."""
    parts = _parts(s)
    if len(parts) != 1 or not parts[0].known:
        return None
    name = name_index().names.get(parts[0].canonical)
    return name.id if name else None


@dataclass(frozen=True)
class NamePartKeys:
    """Linkage keys of one name part (given, family or father's name)."""

    canonical: str
    phonetic: str
    variant_id: str | None


def name_part_keys(s: str | None) -> NamePartKeys:
    """All keys of one name part at once; empty/None input gives empty keys."""
    if not s or not s.strip():
        return NamePartKeys("", "", None)
    return NamePartKeys(canonical_name(s), phonetic_key(s), name_variant_id(s))


# --- link/keys.py
NAME_PARTS = ("given", "family", "father")
KEY_COLUMNS = (
    "unique_id", "source_list",
    "given_canon", "given_phon", "given_var", "family_canon", "family_phon", "family_var",
    "father_canon", "father_phon", "father_var", "names_phon", "names_canon", "family_head", "family_tail",
    "sex", "age", "dod", "dod_from", "dod_to", "province_code", "city_code",
)  # fmt: skip
INPUT_COLUMNS = ("unique_id", "source", "given_name", "family_name", "father_name", "sex", "age", "date_of_death",
                 "date_precision", "province_code", "city_code")  # fmt: skip
OPTIONAL_COLUMNS = ("date_of_death_end",)  # the last day of a partial date's period (a database record has it)
KNOWN_SEXES = {"male", "female"}
HEAD = 4  # letters of the family name that block with the given name: a typo late in a long name still blocks
TAIL = 4  # and its last letters: a typo early in the name (Soltanifar, oSltanifar) still blocks


def _blank_to_none(value: object) -> str | None:
    """A stripped string, or None for empty, NaN or missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _map_distinct(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Apply `fn` once per distinct non-empty value and spread the results back over the column."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [None if (v := _blank_to_none(u)) is None else fn(v) for u in uniques]
    table = pd.Series(results + [None], dtype=object)
    return pd.Series(table.to_numpy()[codes], index=values.index, dtype=object)


def spaceless(canonical: str) -> str:
    """A canonical name with its words joined: compound names are written both ways (Mohammad Reza and
    Mohammadreza, عبدالکریم مهدی and عبدالکریم‌مهدی), and the way they are written says nothing about who."""
    return canonical.replace(" ", "")


def collapsed(phonetic: str) -> str:
    """A phonetic key with repeated letters once: joined words double a consonant (mohammadreza ~ mohammad reza)."""
    return _REPEATS.sub(r"\1", phonetic)


def name_columns(names: pd.Series, part: str) -> pd.DataFrame:
    """The canonical, phonetic and variant-id columns of one name part (empty names give nulls); canonical
    forms and phonetic keys do not depend on how a compound name was split into words."""
    def keys_of(name: str) -> tuple[str | None, str | None, str | None]:
        keys = name_part_keys(name)
        return spaceless(keys.canonical) or None, collapsed(keys.phonetic) or None, keys.variant_id

    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    table = [keys_of(v) if (v := _blank_to_none(u)) else (None, None, None) for u in uniques] + [(None,) * 3]
    columns = [pd.Series([row[i] for row in table], dtype=object).to_numpy()[codes] for i in range(3)]
    suffixes = ("canon", "phon", "var")
    return pd.DataFrame({f"{part}_{suffix}": column for suffix, column in zip(suffixes, columns, strict=True)},
                        index=names.index)


def swap_free_key(given: pd.Series, family: pd.Series) -> pd.Series:
    """Given and family keys in sorted order, so a swapped name blocks with its unswapped twin."""
    first, second = given.fillna("").astype(str), family.fillna("").astype(str)
    ordered = (first <= second).to_numpy()
    low, high = first.where(ordered, second), second.where(ordered, first)
    key = low + "|" + high
    return key.where((first != "") & (second != ""), None).astype(object)


def sex_column(values: pd.Series) -> pd.Series:
    """Sex as 'male' / 'female', unknown as null (an unknown sex neither agrees nor disagrees)."""
    return _map_distinct(values, lambda v: v if v in KNOWN_SEXES else None)


def age_column(values: pd.Series) -> pd.Series:
    """Age as a nullable integer."""
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def death_date_column(dates: pd.Series, precision: pd.Series | None = None) -> pd.Series:
    """Gregorian date of death as datetime64, null unless the source gave the day (a month is not a day)."""
    parsed = dates if pd.api.types.is_datetime64_any_dtype(dates) else _map_distinct(dates, _iso_or_none)
    parsed = pd.to_datetime(parsed, errors="coerce", format="ISO8601")
    if precision is not None:
        given = _map_distinct(precision, lambda p: p == "day")
        parsed = parsed.where(given.isna().to_numpy() | (given == True).to_numpy())  # noqa: E712 - object column
    return parsed.astype("datetime64[ns]")


def death_period_columns(dates: pd.Series, ends: pd.Series | None,
                         precision: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """(first day, last day) of the period a date of death names: the day itself for a full date, the source's
    whole month for "Aban 1398"; null without a date, or for a partial date whose last day is not known."""
    first = death_date_column(dates)
    day = death_date_column(dates, precision)
    if ends is None:
        return day, day
    last = death_date_column(ends)
    known = day.notna().to_numpy() | last.notna().to_numpy()
    return first.where(known), last.where(day.isna().to_numpy(), day).where(known)


def _iso_or_none(value: object) -> str | None:
    """A date value as ISO text for parsing."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _blank_to_none(value)


def build_keys(records: pd.DataFrame) -> pd.DataFrame:
    """The linkage table (KEY_COLUMNS) of a frame with INPUT_COLUMNS; raises ValueError naming missing columns."""
    missing = [c for c in INPUT_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack column(s) {missing}; expected {list(INPUT_COLUMNS)}")
    keyed = pd.DataFrame({"unique_id": records["unique_id"].astype(str), "source_list": records["source"]},
                         index=records.index)
    for part in NAME_PARTS:
        keyed = keyed.join(name_columns(records[f"{part}_name"], part))
    keyed["names_phon"] = swap_free_key(keyed["given_phon"], keyed["family_phon"])
    keyed["names_canon"] = swap_free_key(keyed["given_canon"], keyed["family_canon"])
    keyed["family_head"] = keyed["family_canon"].str[:HEAD].astype(object)
    keyed["family_tail"] = keyed["family_canon"].str[-TAIL:].astype(object)
    keyed["sex"] = sex_column(records["sex"])
    keyed["age"] = age_column(records["age"])
    keyed["dod"] = death_date_column(records["date_of_death"], records["date_precision"])
    ends = records["date_of_death_end"] if "date_of_death_end" in records.columns else None
    keyed["dod_from"], keyed["dod_to"] = death_period_columns(records["date_of_death"], ends,
                                                              records["date_precision"])
    keyed["province_code"] = _map_distinct(records["province_code"], str)
    keyed["city_code"] = _map_distinct(records["city_code"], str)
    return keyed.reset_index(drop=True)[list(KEY_COLUMNS)]
