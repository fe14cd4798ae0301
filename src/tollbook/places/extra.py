"""A team's own place spellings, in a `places.toml`, added to the gazetteer without touching code.

```toml
[[province]]
name = "Khuzestan"                 # any spelling the gazetteer resolves
variants = ["Arabistan"]

[[city]]
name = "Mahshahr"                  # a city the gazetteer knows, in this province
province = "Khuzestan"
variants = ["Bandar Mashahr", "ماه‌شهر"]

[[city]]
name = "Kuy-e Nasr"                # a place the gazetteer lacks: added
name_fa = "کوی نصر"
province = "Tehran"
```

Load it with `--places FILE` on `tollbook import`/`inspect`, or name it in the TOLLBOOK_PLACES environment
variable. Every entry is checked: an unknown province or key is refused with the entry's number.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tollbook.errors import TollbookError

CITY_KEYS = {"name", "name_fa", "province", "variants"}
PROVINCE_KEYS = {"name", "variants"}


class PlacesFileError(TollbookError):
    """A places.toml that cannot be used as it is."""


@dataclass(frozen=True)
class ExtraCity:
    """A city entry of a places file: a known city's new spellings, or a new place."""

    name: str
    province: str
    name_fa: str = ""
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlacesFile:
    """What a places file adds: variants by province name, and city entries."""

    path: Path
    provinces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cities: tuple[ExtraCity, ...] = ()


def read_places_file(path: Path) -> PlacesFile:
    """Parse and check a places.toml (the gazetteer applies it)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PlacesFileError(f"places file {path}: cannot read it ({exc})") from None
    unknown = sorted(set(data) - {"city", "province"})
    if unknown:
        raise PlacesFileError(f"places file {path}: unknown table(s) {unknown}; use [[city]] and [[province]]")
    provinces = {}
    for number, entry in enumerate(data.get("province", []), start=1):
        _check(path, "province", number, entry, PROVINCE_KEYS, {"name"})
        provinces[entry["name"]] = tuple(entry.get("variants", ()))
    cities = []
    for number, entry in enumerate(data.get("city", []), start=1):
        _check(path, "city", number, entry, CITY_KEYS, {"name", "province"})
        cities.append(ExtraCity(entry["name"], entry["province"], entry.get("name_fa", ""),
                                tuple(entry.get("variants", ()))))
    return PlacesFile(path, provinces, tuple(cities))


def _check(path: Path, kind: str, number: int, entry: object, allowed: set[str], required: set[str]) -> None:
    """One entry's keys and value types, or a one-line error naming it."""
    where = f"places file {path}: [[{kind}]] number {number}"
    if not isinstance(entry, dict):
        raise PlacesFileError(f"{where} is not a table")
    if unknown := sorted(set(entry) - allowed):
        raise PlacesFileError(f"{where}: unknown key(s) {unknown}; keys are {', '.join(sorted(allowed))}")
    if missing := sorted(required - set(entry)):
        raise PlacesFileError(f"{where}: needs {', '.join(missing)}")
    variants = entry.get("variants", [])
    texts = [entry[k] for k in allowed - {"variants"} if k in entry]
    if not all(isinstance(v, str) and v.strip() for v in [*texts, *variants]) or not isinstance(variants, list):
        raise PlacesFileError(f"{where}: names must be non-empty text and variants a list of text")
