"""Name frequencies as concentrated as Iran's: the register's published counts (data/SOURCES.md), a power law
past the published ranks, and plausible family names built for the long tail.

A `NameTable` maps a rank to a name and draws ranks by frequency; every name knows its Persian spelling(s) and
its Latin romanisations, so records can be written in either script.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

FAMILY_EXPONENT = 0.83  # spreads about 85 million people over 600,000 family names from the published top three
FAMILY_RANKS = 600_000
SEX_POPULATION = 42e6  # people of one sex in Iran (2016 census: 79.9 million, about half each)
GIVEN_RANKS = 100_000
SUFFIXES = (("zadeh", "\u200cزاده"), ("pour", "\u200cپور"), ("nejad", "\u200cنژاد"), ("far", "\u200cفر"),
            ("rad", "\u200cراد"), ("nia", "\u200cنیا"), ("vand", "وند"), ("lou", "لو"), ("ian", "یان"))


@dataclass(frozen=True)
class Name:
    """One name: canonical Latin form, Persian spellings, Latin romanisations (the canonical one first)."""

    canonical: str
    persian: tuple[str, ...]
    latin: tuple[str, ...]


def _rows(package: str, file: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in a package's data folder."""
    with (resources.files(package) / "data" / file).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _name(row: dict[str, str]) -> Name:
    """A Name from a row of tollbook.text's name tables."""
    latin = (row["canonical"], *(row.get("variants") or "").split())
    return Name(row["canonical"], tuple(p for p in row["persian"].split("|") if p), latin)


@cache
def published_counts() -> dict[str, list[tuple[str, float | None]]]:
    """Kind (given_m, given_f, family) -> [(canonical, count or None when only the rank was published)]."""
    out: dict[str, list[tuple[str, float | None]]] = {}
    for row in _rows("tollbook.synth", "name_frequencies.csv"):
        out.setdefault(row["kind"], []).append((row["canonical"], float(row["count"]) if row["count"] else None))
    return out


def fill_counts(published: list[float | None], total_ranks: int, exponent: float | None = None) -> np.ndarray:
    """Counts for ranks 1..total_ranks: published counts kept, gaps interpolated on a power law (log count
    linear in log rank), ranks past the last published one continue it with `exponent` (fitted to the
    published counts when None)."""
    ranks = np.arange(1, len(published) + 1, dtype=float)
    known = np.array([c is not None for c in published])
    logs_r, logs_c = np.log(ranks[known]), np.log(np.array([c for c in published if c is not None]))
    counts = np.exp(np.interp(np.log(ranks), logs_r, logs_c))
    if exponent is None:
        exponent = -np.polyfit(logs_r, logs_c, 1)[0]
    last_rank, last_count = ranks[known][-1], float(np.exp(logs_c[-1]))
    tail = last_count * (np.arange(len(published) + 1, total_ranks + 1) / last_rank) ** -exponent
    return np.concatenate([counts, tail])


class NameTable:
    """Names of one kind by rank, with draw probabilities from their counts."""

    def __init__(self, names: list[Name] | None, counts: np.ndarray, builder: object = None) -> None:
        self._names = names or []
        self._builder = builder  # rank -> Name past the listed names (family names' long tail)
        self.probabilities = counts / counts.sum()
        self._cumulative = np.cumsum(self.probabilities)

    def __len__(self) -> int:
        return len(self.probabilities)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Ranks (0-based) drawn by frequency."""
        return np.minimum(np.searchsorted(self._cumulative, rng.random(size) * self._cumulative[-1]), len(self) - 1)

    def name(self, rank: int) -> Name:
        """The name at a 0-based rank."""
        if rank < len(self._names):
            return self._names[rank]
        return self._builder(rank - len(self._names))  # type: ignore[operator]

    def top_share(self, n: int) -> float:
        """Share of people holding one of the n most common names."""
        return float(self.probabilities[:n].sum())


def _ordered(kind_rows: list[Name], published: list[tuple[str, float | None]]) -> list[Name]:
    """The published names first in their published order, then the table's other names in its order."""
    by_canonical = {n.canonical: n for n in kind_rows}
    first = [by_canonical[c] for c, _ in published if c in by_canonical]
    chosen = {n.canonical for n in first}
    return first + [n for n in kind_rows if n.canonical not in chosen]


@cache
def given_names(sex: str) -> NameTable:
    """Given names of one sex ('m' or 'f'): the register's counts, then their power law over Tollbook's table
    and two-part names (Amir Javad) until the names cover a sex's population (at most GIVEN_RANKS names)."""
    rows = [_name(r) for r in _rows("tollbook.text", "given_names.csv") if r["sex"] == sex and r["persian"]]
    published = published_counts()[f"given_{sex}"]
    names = _ordered(rows, published)
    counts = fill_counts([c for _, c in published], GIVEN_RANKS)
    counts = counts[:max(len(names), int(np.searchsorted(np.cumsum(counts), SEX_POPULATION)) + 1)]
    simple = names[:60]

    def compound(offset: int) -> Name:
        a, b = simple[offset % len(simple)], simple[(offset // len(simple) + 1 + offset) % len(simple)]
        return Name(a.canonical + b.canonical, (a.persian[0] + b.persian[0], a.persian[0] + " " + b.persian[0]),
                    (a.canonical + b.canonical, f"{a.latin[0]} {b.latin[0]}"))

    return NameTable(names, counts, compound)


def _suffixed(stems: list[Name]) -> list[Name]:
    """Family names built from a stem and a suffix, as many Iranian family names are (Alizadeh, Karimipour)."""
    return [Name(s.canonical + lat, (s.persian[0] + fa,), tuple(v + lat for v in s.latin))
            for s in stems for lat, fa in SUFFIXES]


def _places() -> list[Name]:
    """Family names from a place of origin (Tehrani, Kashani)."""
    from tollbook.places import cities
    from tollbook.text import fold_latin

    out = []
    for city in cities():
        latin = fold_latin(city.name_en).lower().replace(" ", "").replace("-", "").replace("'", "")
        if latin.isalpha() and city.name_fa and " " not in city.name_fa:
            out.append(Name(latin + "i", (city.name_fa + "ی",), (latin + "i",)))
    return out


@cache
def family_names() -> NameTable:
    """Family names: the register's top twenty with their counts, Tollbook's table, suffixed and place names,
    then two-part names (Hosseini Kashani) out to about 600,000 ranks on a power law."""
    published = published_counts()["family"]
    table = [_name(r) for r in _rows("tollbook.text", "family_names.csv") if r["persian"]]
    given = [_name(r) for r in _rows("tollbook.text", "given_names.csv") if r["sex"] == "m" and r["persian"]]
    single = _ordered(table, published)
    seen = {n.canonical for n in single}
    built = [n for n in _suffixed(single[:120] + given[:150]) + _places() if n.canonical not in seen
             and not seen.add(n.canonical)]  # type: ignore[func-returns-value]
    names = single + built
    seconds = built

    def two_part(offset: int) -> Name:
        first, second = names[offset % len(single)], seconds[(offset // len(single)) % len(seconds)]
        return Name(first.canonical + second.canonical, (first.persian[0] + " " + second.persian[0],),
                    tuple(f"{a} {second.latin[0]}" for a in first.latin[:2]))

    counts = fill_counts([c for _, c in published], FAMILY_RANKS, FAMILY_EXPONENT)
    return NameTable(names, counts, two_part)
