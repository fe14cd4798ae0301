"""Iran's 31 provinces and their cities, resolved from Persian or any usual romanisation.

Data: ``data/provinces.csv`` (hand-written, ISO 3166-2:IR codes as pycountry gives them) and ``data/cities.csv``
(built from GeoNames by ``tollbook.places.build``). A name that fits several places, or none, is reported as
"ambiguous" or "unknown" with the candidates: the gazetteer never picks one for you.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from tollbook.places.build import name_skeleton
from tollbook.text.normalize import fold_latin, is_persian, normalize_persian

Status = Literal["ok", "ambiguous", "unknown"]
_PROVINCE_WORDS = {"province", "provinz", "ostan", "ostan-e", "استان", "state", "region"}
_CITY_WORDS = {"city", "town", "shahrestan", "county", "شهرستان", "شهر"}


@dataclass(frozen=True)
class Province:
    """A province: ISO 3166-2 code ("IR-23"), English and Persian name, other spellings."""

    code: str
    name_en: str
    name_fa: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class City:
    """A city or town with its province, coordinates (WGS 84) and other spellings."""

    id: str
    name_en: str
    name_fa: str
    province_code: str
    lat: float | None
    lon: float | None
    variants: tuple[str, ...]
    population: int | None = None


@dataclass(frozen=True)
class PlaceMatch:
    """Outcome of resolving a place name: the city and province when unambiguous, else the candidates."""

    status: Status
    city: City | None = None
    province: Province | None = None
    candidates: tuple[City, ...] = ()
    method: str = ""  # "exact" or "phonetic"
    reason: str = ""


def place_key(name: str) -> str:
    """Exact-match key: Persian normalised without spaces/ZWNJ, Latin lower-cased letters only."""
    text = normalize_persian(name)
    if is_persian(text):
        return re.sub(r"[\s\u200c\-]", "", text)
    return re.sub(r"[^a-z]", "", fold_latin(text))


def _read(name: str) -> list[dict[str, str]]:
    with (resources.files("tollbook.places") / "data" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def provinces() -> list[Province]:
    """All 31 provinces, ordered by ISO code."""
    rows = _read("provinces.csv")
    return [Province(r["code"], r["name_en"], r["name_fa"], tuple(r["variants"].split("|"))) for r in rows]


@cache
def cities() -> list[City]:
    """All cities of the gazetteer (GeoNames towns of 5,000+ people, plus hand-written additions)."""
    return [_city(row) for row in _read("cities.csv")]


def _city(r: dict[str, str]) -> City:
    return City(
        id=r["id"], name_en=r["name_en"], name_fa=r["name_fa"], province_code=r["province_code"],
        lat=float(r["lat"]) if r["lat"] else None, lon=float(r["lon"]) if r["lon"] else None,
        variants=tuple(v for v in r["variants"].split("|") if v),
        population=int(r["population"]) if r["population"] else None,
    )  # fmt: skip


def _names(place: Province | City) -> list[str]:
    return [n for n in (place.name_en, place.name_fa, *place.variants) if n]


@cache
def _index(kind: str) -> tuple[dict[str, list], dict[str, list]]:
    """(exact key -> places, skeleton -> places) for "province" or "city"."""
    exact: dict[str, list] = defaultdict(list)
    loose: dict[str, list] = defaultdict(list)
    places = provinces() if kind == "province" else cities()
    for place in places:
        for name in _names(place):
            for key, table in ((place_key(name), exact), (name_skeleton(name), loose)):
                if key and place not in table[key]:
                    table[key].append(place)
    return exact, loose


def _strip_words(text: str, words: set[str]) -> str:
    tokens = [t for t in re.split(r"[\s,]+", normalize_persian(text)) if t]
    kept = [t for t in tokens if fold_latin(t) not in words]
    return " ".join(kept) if kept else text


def _lookup(text: str, kind: str) -> tuple[list, str]:
    exact, loose = _index(kind)
    for candidate in dict.fromkeys([text, _strip_words(text, _CITY_WORDS | _PROVINCE_WORDS)]):
        if found := exact.get(place_key(candidate)):
            return found, "exact"
    return loose.get(name_skeleton(_strip_words(text, _CITY_WORDS | _PROVINCE_WORDS)), []), "phonetic"


@lru_cache(maxsize=1 << 16)
def resolve_province(s: str | None) -> Province | None:
    """The province that `s` names (Persian, English or romanised, with or without "province"/"استان", or an ISO
    code), or None when it names none or more than one."""
    if not s or not s.strip():
        return None
    if re.fullmatch(r"IR-\d\d", s.strip().upper()):
        return next((p for p in provinces() if p.code == s.strip().upper()), None)
    found, _ = _lookup(s, "province")
    return found[0] if len(found) == 1 else None


def province_by_code(code: str) -> Province:
    """Province for an ISO 3166-2:IR code; KeyError names the valid codes."""
    for province in provinces():
        if province.code == code:
            return province
    raise KeyError(f"No province with code {code!r}; codes are IR-00 to IR-30 (ISO 3166-2:IR).")


@lru_cache(maxsize=1 << 18)
def resolve_city(s: str | None, province_hint: str | None = None) -> PlaceMatch:
    """Resolve a city name (either script, usual romanisations, "Karaj, Alborz") to one city and its province;
    names that fit several cities, or none, come back "ambiguous" or "unknown" with the candidates. Memoised."""
    if not s or not s.strip():
        return PlaceMatch("unknown", reason="empty place name")
    name, _, rest = s.partition("،" if "،" in s else ",")
    hint = province_hint or rest.strip() or None
    found, method = _lookup(name, "city")
    if not found:
        return PlaceMatch("unknown", reason=f"no city called {name.strip()!r} in the gazetteer")
    return _choose(found, method, hint)


def _choose(found: list[City], method: str, hint: str | None) -> PlaceMatch:
    candidates = tuple(found)
    if hint:
        province = resolve_province(hint)
        if province is None:
            return PlaceMatch("ambiguous", candidates=candidates, method=method, reason=f"unknown province {hint!r}")
        found = [c for c in found if c.province_code == province.code]
        if not found:
            reason = f"no such city in {province.name_en}; it exists elsewhere"
            return PlaceMatch("ambiguous", candidates=candidates, method=method, reason=reason)
    if len(found) > 1:
        where = ", ".join(f"{c.name_en} ({province_by_code(c.province_code).name_en})" for c in found)
        return PlaceMatch("ambiguous", candidates=tuple(found), method=method, reason=f"several places: {where}")
    city = found[0]
    return PlaceMatch("ok", city, province_by_code(city.province_code), (city,), method)
