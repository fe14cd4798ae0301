"""The gazetteer against a list that does not come from GeoNames (the gazetteer's own source): 280 cities and
towns of all 31 provinces, written by hand with the province each is in today (tests/data/places/README.md). Each
resolves to a city of that province, by its English name with the English province and by its Persian name with
the Persian province; a name that is unique in the country resolves there with no province at all."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tollbook.places import resolve_city, resolve_province

LIST = Path(__file__).parents[1] / "data" / "places" / "cities_by_province.csv"
with LIST.open(encoding="utf-8") as handle:
    ROWS = list(csv.DictReader(handle))


def test_the_list_covers_every_province() -> None:
    assert len(ROWS) >= 200
    assert len({resolve_province(row["province"]).code for row in ROWS}) == 31


@pytest.mark.parametrize("script", ["en", "fa"])
def test_every_city_resolves_in_its_province(script: str) -> None:
    wrong = []
    for row in ROWS:
        province = resolve_province(row["province"])
        name, hint = (row["city"], province.name_en) if script == "en" else (row["city_fa"], province.name_fa)
        for given in (hint, None):
            match = resolve_city(name, province_hint=given)
            if given is None and match.status == "ambiguous":  # a name several provinces share needs the province
                continue
            if match.status != "ok" or match.city is None or match.city.province_code != province.code:
                wrong.append((name, given, row["province"], match.status, match.reason))
    assert wrong == []


@pytest.mark.parametrize(("city", "province", "code"), [
    ("Fardis", "Alborz", "IR-30"), ("Karaj", "البرز", "IR-30"), ("Marvdasht", "Fars", "IR-07"),
    ("مرودشت", "فارس", "IR-07"), ("Bouchehr", "Bouchehr", "IR-18"), ("Bouchehr", None, "IR-18"),
    ("Jolfa", "East Azerbaijan", "IR-03"), ("Tabas", "Yazd", "IR-21"), ("Ahwaz", "Khouzestan", "IR-06"),
])
def test_named_cases(city: str, province: str | None, code: str) -> None:
    match = resolve_city(city, province_hint=province)
    assert match.status == "ok" and match.city is not None and match.city.province_code == code, match.reason


def test_a_city_contradicting_its_province_says_so() -> None:
    match = resolve_city("Fardis", province_hint="Fars")
    assert match.status == "ambiguous" and "no such city in Fars" in match.reason
