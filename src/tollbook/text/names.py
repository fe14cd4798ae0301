"""Name keys for linkage: canonical Latin form, phonetic key and variant id of a name in either script.

Known names (the package's name-variant data) map to one canonical spelling: Mohammad/Mohammed/Muhammad/محمد ->
"mohammad". Unknown names fall back to letter rules. Results are memoised because linkage keys millions of records.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from tollbook.text.name_data import name_index, persian_lookup_key
from tollbook.text.normalize import fold_latin, is_persian, normalize_persian, to_ascii_digits
from tollbook.text.translit import latin_skeleton, loose_latin_key, persian_skeleton, rule_transliterate

_SPLIT = re.compile(r"[^\w\u200c]+|_+")  # anything but letters, digits and ZWNJ separates words
_NON_LETTERS = re.compile(r"[^a-z]")
# Words of ASCII letters or of the Persian alphabet's letters (none of which normalisation rewrites), between
# spaces, or a single ZWNJ within a word: what most names are, and what _words can split without normalising.
_PLAIN_LETTERS = "A-Za-zآابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_PLAIN_NAME = re.compile(f"[{_PLAIN_LETTERS}]+(?:(?: +|\u200c)[{_PLAIN_LETTERS}]+)*")
# First parts of Persian compound given names: "Mohammad Hassan" is one name, "Mohammadhassan".
_COMPOUND_HEADS = {"mohammad", "amir", "ali", "gholam", "mir", "abol", "abdol", "abdul", "abul", "hossein"}
_ARTICLES = {"ol", "al", "ul", "el", "od", "ad", "or", "os"}  # the Arabic article in Abd-ol-Reza, Nasr-ol-lah
_SUFFIXES_LATIN = {
    "zadeh": "zadeh", "zade": "zadeh", "pour": "pour", "poor": "pour", "pur": "pour", "nejad": "nejad",
    "nezhad": "nejad", "nia": "nia", "far": "far", "rad": "rad", "vand": "vand", "lou": "lou", "loo": "lou",
}  # fmt: skip
_SUFFIXES_PERSIAN = {"زاده": "zadeh", "پور": "pour", "نژاد": "nejad", "نیا": "nia", "فر": "far", "راد": "rad",
                     "وند": "vand", "لو": "lou"}  # fmt: skip


class _Part(NamedTuple):
    """One word of a name (or words fused into one): a tuple, so parts hash in C and fusing them can be cached."""

    canonical: str
    known: bool
    persian: str  # the Persian source spelling, "" when the part was written in Latin
    skeleton: str  # its consonant skeleton, computed once per distinct part


def _part(canonical: str, known: bool, persian: str) -> _Part:
    """A part with its skeleton: the Latin one of a known or Latin-written part, else the Persian spelling's."""
    skeleton = _latin_skeleton(canonical) if known or not persian else _persian_skeleton(persian)
    return _Part(canonical, known, persian, skeleton)


_latin_skeleton = lru_cache(maxsize=1 << 18)(latin_skeleton)
_persian_skeleton = lru_cache(maxsize=1 << 18)(persian_skeleton)


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
        return _part(index.by_persian[key], True, key)
    split = _split_compound(key, index.by_persian, _SUFFIXES_PERSIAN)
    return _part(split, True, key) if split else _part(rule_transliterate(key), False, key)


@lru_cache(maxsize=1 << 18)
def _latin_part(token: str) -> _Part:
    index = name_index()
    word = _NON_LETTERS.sub("", token)
    if word in index.by_latin:
        return _part(index.by_latin[word], True, "")
    loose = index.by_loose.get(loose_latin_key(word), frozenset())
    if len(loose) == 1:
        return _part(next(iter(loose)), True, "")
    split = _split_compound(word, index.by_latin, _SUFFIXES_LATIN)
    return _part(split, True, "") if split else _part(word, False, "")


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
    return _part(canonical, is_known, first.persian + second.persian)


def _is_given(canonical: str) -> bool:
    name = name_index().names.get(canonical)
    return name is not None and name.kind == "given"


@lru_cache(maxsize=1 << 18)
def _token_part(token: str) -> _Part:
    """The part of one normalised word, by the script it is mainly written in."""
    return _latin_part(token) if token.isascii() or not is_persian(token) else _persian_part(token)


def _parse(s: str) -> tuple[_Part, ...]:
    """The parts of a name: its words looked up, and words that form one name fused."""
    parts = [part for word in _words(s) if (part := _token_part(word)).canonical]
    if len(parts) < 2:
        return tuple(parts)
    fused = [parts[0]]
    for part in parts[1:]:
        if joined := _fuse(fused[-1], part):
            fused[-1] = joined
        else:
            fused.append(part)
    return tuple(fused)


def _words(s: str) -> list[str]:
    """The normalised words of a name. Most names are plain words of letters that normalisation leaves as they
    are, split at spaces, and only need lower-casing; other Latin text is only folded (its whitespace, which
    normalisation would tidy, separates words anyway, and it has no Persian digits to rewrite)."""
    if _PLAIN_NAME.fullmatch(s):
        return s.lower().split()
    text = fold_latin(s) if s.isascii() else fold_latin(normalize_persian(to_ascii_digits(s)))
    return [word for word in _SPLIT.split(text) if word.strip("\u200c")]


_parts = lru_cache(maxsize=1 << 18)(_parse)


@lru_cache(maxsize=1 << 18)
def canonical_name(s: str) -> str:
    """Canonical lower-case Latin form of a name in any script or romanisation (محمد, Muhammad -> "mohammad");
    compounds are joined (Amir Hossein, امیر حسین -> "amirhossein"). Unknown names keep a rule spelling."""
    return " ".join(p.canonical for p in _parts(s))


@lru_cache(maxsize=1 << 18)
def phonetic_key(s: str) -> str:
    """Script-independent consonant skeleton of a name (vowels dropped; q/gh, kh, sh, zh/j, ou/u folded), so
    حسینی, Hosseini and Husseini share "hsn". Coarser than `canonical_name`: Hassan and Hossein collide too."""
    return "".join(p.skeleton for p in _parts(s))


def name_variant_id(s: str) -> str | None:
    """Id of the known given or family name that `s` spells ("given:mohammad", "family:hosseini"), else None."""
    return _variant_id(_parts(s))


def _variant_id(parts: tuple[_Part, ...]) -> str | None:
    """Id of the known name a name's parts spell, if they are one known part."""
    if len(parts) != 1 or not parts[0].known:
        return None
    name = name_index().names.get(parts[0].canonical)
    return name.id if name else None


def transliterate(s: str) -> str:
    """Persian script to lower-case Latin, word by word: known names from the variant data, others by letter
    rules. Latin words are only lower-cased and stripped of accents."""
    words = fold_latin(normalize_persian(s)).split(" ")
    return " ".join(_persian_part(w).canonical if is_persian(w) else w for w in words if w)


class NamePartKeys(NamedTuple):
    """Linkage keys of one name part (given, family or father's name)."""

    canonical: str
    phonetic: str
    variant_id: str | None


def name_part_keys(s: str | None) -> NamePartKeys:
    """All keys of one name part at once, from one parse of it; empty/None input gives empty keys. Not memoised:
    linkage calls it once per distinct name."""
    if not s or not s.strip():
        return NamePartKeys("", "", None)
    parts = _parse(s)
    return NamePartKeys(" ".join(p.canonical for p in parts), "".join(p.skeleton for p in parts), _variant_id(parts))


def name_key(given: str, family: str) -> str:
    """Script-independent key of a whole name, "given:family" of phonetic keys, for blocking and exact
    comparison (محمد حسینی and Muhammad Husseini both give "mhmd:hsn")."""
    return f"{phonetic_key(given or '')}:{phonetic_key(family or '')}"
