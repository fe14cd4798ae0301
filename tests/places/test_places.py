"""Gazetteer: provinces, city resolution in both scripts, ambiguous and unknown places."""

import pycountry
import pytest

from tollbook.places import cities, place_key, province_by_code, provinces, resolve_city, resolve_province


def test_31_provinces_match_pycountry():
    ours = {p.code for p in provinces()}
    iso = {s.code for s in pycountry.subdivisions.get(country_code="IR")}
    assert len(ours) == 31 and ours == iso
    assert all(p.name_fa and p.name_en for p in provinces())


@pytest.mark.parametrize(
    "text, code",
    [
        ("Tehran", "IR-23"), ("تهران", "IR-23"), ("Teheran", "IR-23"), ("IR-23", "IR-23"),
        ("Khouzestan", "IR-06"), ("Khuzestan province", "IR-06"), ("استان خوزستان", "IR-06"),
        ("استان فارس", "IR-07"), ("Fars", "IR-07"), ("Kordestan", "IR-12"), ("کردستان", "IR-12"),
        ("East Azarbaijan", "IR-03"), ("آذربايجان شرقی", "IR-03"), ("Sistan va Baluchestan", "IR-11"),
        ("Kohgiluyeh va Boyerahmad", "IR-17"), ("Alborz", "IR-30"), ("Esfahan", "IR-10"), ("Kermanshah", "IR-05"),
    ],
)  # fmt: skip
def test_resolve_province(text, code):
    assert resolve_province(text).code == code


@pytest.mark.parametrize("text", ["", "Khorasan", "Atlantis", "IR-31", None])
def test_unresolvable_province_is_none(text):
    assert resolve_province(text) is None


def test_province_by_code_error_names_valid_codes():
    with pytest.raises(KeyError, match="IR-00 to IR-30"):
        province_by_code("IR-99")


@pytest.mark.parametrize(
    "text, name, code",
    [
        ("Karaj", "Karaj", "IR-30"), ("کرج", "Karaj", "IR-30"), ("Karaj, Alborz", "Karaj", "IR-30"),
        ("Mahshahr", "Bandar-e Mahshahr", "IR-06"), ("Bandar-e Mahshahr", "Bandar-e Mahshahr", "IR-06"),
        ("Bandar Mahshahr", "Bandar-e Mahshahr", "IR-06"), ("ماهشهر", "Bandar-e Mahshahr", "IR-06"),
        ("بندر ماهشهر", "Bandar-e Mahshahr", "IR-06"), ("Shiraz", "Shiraz", "IR-07"), ("شیراز", "Shiraz", "IR-07"),
        ("Shahriar", "Shahriar", "IR-23"), ("Sirjan", "Sirjan", "IR-08"), ("Behbahan", "Behbahan", "IR-06"),
        ("Marivan", "Marivan", "IR-12"), ("Javanrud", "Javanrud", "IR-05"), ("Kermanshah", "Kermanshah", "IR-05"),
        ("Eslamshahr", "Eslamshahr", "IR-23"), ("Islamshahr", "Eslamshahr", "IR-23"), ("Quds", "Qods", "IR-23"),
        ("شهر قدس", "Qods", "IR-23"), ("Ahvaz", "Ahvaz", "IR-06"), ("Ahwaz", "Ahvaz", "IR-06"),
        ("اهواز", "Ahvaz", "IR-06"), ("Tehran city", "Tehran", "IR-23"), ("Shahrekord", "Shahr-e Kord", "IR-14"),
        ("شهرکرد", "Shahr-e Kord", "IR-14"), ("Orumieh", "Urmia", "IR-04"),
    ],
)  # fmt: skip
def test_resolve_city(text, name, code):
    match = resolve_city(text)
    assert match.status == "ok", match.reason
    assert (match.city.name_en, match.province.code) == (name, code)
    assert match.city.lat is not None and match.city.lon is not None


CAPITALS = {
    "Arak": "IR-00", "Rasht": "IR-01", "Sari": "IR-02", "Tabriz": "IR-03", "Urmia": "IR-04", "Kermanshah": "IR-05",
    "Ahvaz": "IR-06", "Shiraz": "IR-07", "Kerman": "IR-08", "Mashhad": "IR-09", "Isfahan": "IR-10",
    "Zahedan": "IR-11", "Sanandaj": "IR-12", "Hamadan": "IR-13", "Shahr-e Kord": "IR-14", "Khorramabad": "IR-15",
    "Ilam": "IR-16", "Yasuj": "IR-17", "Bushehr": "IR-18", "Zanjan": "IR-19", "Semnan": "IR-20", "Yazd": "IR-21",
    "Bandar Abbas": "IR-22", "Tehran": "IR-23", "Ardabil": "IR-24", "Qom": "IR-25", "Qazvin": "IR-26",
    "Gorgan": "IR-27", "Bojnurd": "IR-28", "Birjand": "IR-29", "Karaj": "IR-30",
}  # fmt: skip


@pytest.mark.parametrize("name, code", CAPITALS.items())
def test_every_provincial_capital_resolves_in_both_scripts(name, code):
    city = resolve_city(name, province_hint=code).city
    assert city.province_code == code and city.name_fa
    assert resolve_city(city.name_fa, province_hint=code).city == city


def test_capitals_cover_all_provinces_and_namesakes_are_ambiguous():
    assert set(CAPITALS.values()) == {p.code for p in provinces()}
    unhinted = {name: resolve_city(name).status for name in CAPITALS}
    assert unhinted["Khorramabad"] == "ambiguous"  # a second Khorramabad lies in Mazandaran
    assert sum(status == "ok" for status in unhinted.values()) == 30


def test_spelling_variant_found_phonetically():
    match = resolve_city("Kermaanshaah")
    assert (match.status, match.method, match.city.name_en) == ("ok", "phonetic", "Kermanshah")


def test_ambiguous_name_is_reported_not_guessed():
    match = resolve_city("Baharestan")
    assert match.status == "ambiguous" and match.city is None
    assert {c.province_code for c in match.candidates} == {"IR-10", "IR-23"}
    assert "several places" in match.reason
    hinted = resolve_city("Baharestan", province_hint="Tehran")
    assert (hinted.status, hinted.province.code) == ("ok", "IR-23")


def test_province_written_with_the_city_or_as_hint_in_persian():
    assert resolve_city("کرج، البرز").city.name_en == "Karaj"
    assert resolve_city("بهارستان", province_hint="استان تهران").city.id.startswith("tb:")


def test_hint_that_contradicts_is_reported():
    match = resolve_city("Karaj", province_hint="Fars")
    assert match.status == "ambiguous" and match.city is None
    assert [c.name_en for c in match.candidates] == ["Karaj"]


@pytest.mark.parametrize("text", ["Xanadu", "", "   ", None, "123"])
def test_unknown_place(text):
    match = resolve_city(text)
    assert match.status == "unknown" and match.city is None and match.candidates == ()


def test_city_data_is_consistent():
    all_cities = cities()
    codes = {p.code for p in provinces()}
    assert len(all_cities) > 700
    assert len({c.id for c in all_cities}) == len(all_cities)
    assert all(c.province_code in codes for c in all_cities)
    assert all(24 < c.lat < 40.5 and 44 < c.lon < 63.5 for c in all_cities)


def test_place_key():
    assert place_key("Bandar-e Māhshahr") == "bandaremahshahr"
    assert place_key("بندر ماهشهر") == place_key("بندرماهشهر")
