"""Load the name-variant data (given and family names, Persian spelling and romanisations) into lookup indexes."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tollbook.text.normalize import fold_latin, normalize_persian
from tollbook.text.translit import loose_latin_key

KINDS = ("given", "family")


@dataclass(frozen=True)
class KnownName:
    """One known name: its canonical Latin form, kind (given/family), Persian spellings and romanisations."""

    canonical: str
    kind: str
    persian: tuple[str, ...]
    variants: tuple[str, ...]
    sex: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.canonical}"


@dataclass(frozen=True)
class NameIndex:
    """Lookup tables: Persian spelling, exact romanisation and loose key -> canonical forms."""

    names: dict[str, KnownName]
    by_persian: dict[str, str]
    by_latin: dict[str, str]
    by_loose: dict[str, frozenset[str]]


def persian_lookup_key(s: str) -> str:
    """Key for Persian spellings: normalised, with ZWNJ and spaces removed (حبیب‌الله = حبیب الله = حبیبالله)."""
    return normalize_persian(s).replace("\u200c", "").replace(" ", "")


def _read(kind: str) -> list[KnownName]:
    path = resources.files("tollbook.text") / "data" / f"{kind}_names.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        KnownName(
            canonical=row["canonical"],
            kind=kind,
            persian=tuple(p for p in row["persian"].split("|") if p),
            variants=tuple(fold_latin(v) for v in (row["variants"] or "").split()),
            sex=row.get("sex", "") or "",
        )
        for row in rows
    ]


@cache
def name_index() -> NameIndex:
    """Build (once) the indexes over both data files; given names win ties on the same spelling."""
    names: dict[str, KnownName] = {}
    by_persian: dict[str, str] = {}
    by_latin: dict[str, str] = {}
    by_loose: dict[str, set[str]] = defaultdict(set)
    for kind in KINDS:
        for name in _read(kind):
            names.setdefault(name.canonical, name)
            for spelling in name.persian:
                by_persian.setdefault(persian_lookup_key(spelling), name.canonical)
            for latin in (name.canonical, *name.variants):
                by_latin.setdefault(latin, name.canonical)
                by_loose[loose_latin_key(latin)].add(name.canonical)
    return NameIndex(names, by_persian, by_latin, {k: frozenset(v) for k, v in by_loose.items()})
