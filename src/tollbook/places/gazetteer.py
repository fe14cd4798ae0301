"""Iran's 31 provinces and their cities, resolved from Persian or any usual romanisation.

Data: ``data/provinces.csv`` (hand-written, ISO 3166-2:IR codes as pycountry gives them) and ``data/cities.csv``
(built from GeoNames by ``tollbook.places.build``). A name that fits several places, or none, is reported as
"ambiguous" or "unknown" with the candidates: the gazetteer never picks one for you.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from tollbook.places.build import name_skeleton
from tollbook.places.extra import PlacesFile, PlacesFileError, read_places_file
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


@dataclass
class _Extra:
    """Spellings and places a team's places.toml adds (see :mod:`tollbook.places.extra`)."""

    province_variants: dict[str, tuple[str, ...]]
    city_variants: dict[str, tuple[str, ...]]
    cities: list[City]


_EXTRA = _Extra({}, {}, [])
ON_CHANGE: list[Callable[[], None]] = []  # caches elsewhere that hold resolved places (the importer's)


@cache
def provinces() -> list[Province]:
    """All 31 provinces, ordered by ISO code (with a places file's variants)."""
    _load_env_places()
    rows = _read("provinces.csv")
    return [Province(r["code"], r["name_en"], r["name_fa"],
                     tuple(r["variants"].split("|")) + _EXTRA.province_variants.get(r["code"], ())) for r in rows]


@cache
def cities() -> list[City]:
    """All cities of the gazetteer (GeoNames towns of 5,000+ people, hand-written additions, a places file's)."""
    _load_env_places()
    found = [_city(row) for row in _read("cities.csv")]
    found = [replace(c, variants=c.variants + _EXTRA.city_variants[c.id]) if c.id in _EXTRA.city_variants else c
             for c in found]
    return found + _EXTRA.cities


_ENV_LOADED: list[str] = []


def _load_env_places() -> None:
    """Apply the places file named by TOLLBOOK_PLACES once per process."""
    path = os.environ.get("TOLLBOOK_PLACES")
    if path and path not in _ENV_LOADED:
        _ENV_LOADED.append(path)
        use_places_file(Path(path))


def _clear_caches() -> None:
    for cached in (provinces, cities, _index, resolve_province, resolve_city):
        cached.cache_clear()
    for callback in ON_CHANGE:
        callback()


def reset_places() -> None:
    """Forget every places file applied in this process."""
    _EXTRA.province_variants.clear()
    _EXTRA.city_variants.clear()
    _EXTRA.cities.clear()
    _clear_caches()


def use_places_file(path: Path) -> PlacesFile:
    """Add a places.toml's spellings and places to the gazetteer for this process; every entry is checked
    against the gazetteer first, so a bad file changes nothing."""
    data = read_places_file(path)
    province_variants, city_variants, added = _resolve_extra(data)
    for code, names in province_variants.items():
        _EXTRA.province_variants[code] = _EXTRA.province_variants.get(code, ()) + names
    for city_id, names in city_variants.items():
        _EXTRA.city_variants[city_id] = _EXTRA.city_variants.get(city_id, ()) + names
    _EXTRA.cities.extend(added)
    _clear_caches()
    return data


def _resolve_extra(data: PlacesFile) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], list[City]]:
    """Province codes and city ids the entries name, and the new cities; PlacesFileError names a bad entry."""
    province_variants = {}
    for number, (name, variants) in enumerate(data.provinces.items(), start=1):
        province_variants[_province_code(data, "province", number, name)] = variants
    city_variants: dict[str, tuple[str, ...]] = {}
    added = []
    for number, entry in enumerate(data.cities, start=1):
        code = _province_code(data, "city", number, entry.province)
        match = resolve_city(entry.name, province_hint=code)
        if match.status == "ok" and match.city is not None:
            names = (*entry.variants, *([entry.name_fa] if entry.name_fa else []))
            city_variants[match.city.id] = city_variants.get(match.city.id, ()) + names
        else:
            added.append(City(f"user:{place_key(entry.name)}-{code.lower()}", entry.name, entry.name_fa, code,
                              None, None, entry.variants))
    return province_variants, city_variants, added


def _province_code(data: PlacesFile, kind: str, number: int, name: str) -> str:
    """The ISO code of a province an entry names, or a PlacesFileError naming the entry."""
    province = resolve_province(name)
    if province is None:
        raise PlacesFileError(f"places file {data.path}: [[{kind}]] number {number}: unknown province {name!r}")
    return province.code


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
    found = _one_place(found)
    if len(found) > 1:
        where = ", ".join(f"{c.name_en} ({province_by_code(c.province_code).name_en})" for c in found)
        return PlaceMatch("ambiguous", candidates=tuple(found), method=method, reason=f"several places: {where}")
    city = found[0]
    return PlaceMatch("ok", city, province_by_code(city.province_code), (city,), method)


SAME_PLACE_KM = 8.0  # GeoNames lists some towns twice (Andisheh / Shahre Jadide Andisheh) a few km apart


def _one_place(found: list[City]) -> list[City]:
    """Candidates of one province that lie within a few km of each other, or carry the very same population
    figure, are one place listed twice: keep the most populous; others stay ambiguous."""
    if len(found) < 2 or len({c.province_code for c in found}) > 1 or any(c.lat is None for c in found):
        return found
    same_count = len({c.population for c in found}) == 1 and found[0].population
    if same_count or all(_km(a, b) <= SAME_PLACE_KM for a in found for b in found):
        return [max(found, key=lambda c: c.population or 0)]
    return found


def _km(a: City, b: City) -> float:
    """Great-circle distance between two cities in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
