"""Canonical names, phonetic keys, variant ids and the name-variant data itself."""

import csv
from importlib import resources

import pytest
from cross_script_pairs import KNOWN_PAIRS, UNKNOWN_PAIRS
from hypothesis import given
from hypothesis import strategies as st

from tollbook.text import (
    canonical_name,
    is_persian,
    name_key,
    name_part_keys,
    name_variant_id,
    phonetic_key,
    transliterate,
)


def _rows(kind):
    with (resources.files("tollbook.text") / "data" / f"{kind}_names.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_data_sizes_and_shape():
    given, family = _rows("given"), _rows("family")
    assert len(given) >= 300 and len(family) >= 200
    assert {r["sex"] for r in given} == {"m", "f"}
    assert sum(r["sex"] == "f" for r in given) >= 100
    for row in given + family:
        assert row["canonical"].isascii() and row["canonical"].islower(), row
        assert all(is_persian(p) for p in row["persian"].split("|")), row
    assert len({r["canonical"] for r in given}) == len(given)
    assert len({r["canonical"] for r in family}) == len(family)


@pytest.mark.parametrize(
    "spellings, canonical",
    [
        (["Mohammad", "Mohammed", "Muhammad", "MOHAMAD", "محمد", "مُحَمَّد", "ﻣﺤﻤﺪ"], "mohammad"),
        (["Hosseini", "Hoseini", "Hoseyni", "Husseini", "Ḥoseynī", "حسینی", "حسيني"], "hosseini"),
        (["Ghasem", "Qasem", "Qassem", "قاسم"], "ghasem"),
        (
            ["Amirhossein", "Amir Hossein", "Amir-Hossein", "amir_hosein", "امیرحسین", "امیر حسین", "امیر‌حسین"],
            "amirhossein",
        ),
        (["Abdolreza", "Abd ol-Reza", "Abdul Reza", "عبدالرضا"], "abdolreza"),
        (["Rezaei", "Rezaee", "Rezaie", "رضایی", "رضائی"], "rezaei"),
        (["Hosseinzadeh", "Hossein-Zadeh", "Hossein Zadeh", "حسین‌زاده", "حسین زاده"], "hosseinzadeh"),
    ],
)
def test_canonical_name_folds_variants(spellings, canonical):
    assert {canonical_name(s) for s in spellings} == {canonical}


def test_distinct_names_stay_distinct():
    assert canonical_name("Hassan") != canonical_name("Hossein")
    assert canonical_name("Hamid") != canonical_name("Hamed")
    assert canonical_name("Zahra") != canonical_name("Zohreh")
    assert canonical_name("Hosseini") != canonical_name("Hassani")


def test_compounds_from_parts_not_in_the_data():
    assert canonical_name("Mohammad Hassan") == canonical_name("محمدحسن") == "mohammadhassan"
    assert canonical_name("Hosseini Nejad") == canonical_name("حسینی‌نژاد") == "hosseininejad"


def test_full_name_keeps_given_and_family_apart():
    assert canonical_name("Mohammad Hosseini") == canonical_name("محمد حسینی") == "mohammad hosseini"
    assert canonical_name("Seyed Ali Karimi") == "seyed ali karimi"


def test_unknown_names_fall_back_to_rules():
    assert canonical_name("Xyzzy") == "xyzzy"
    assert canonical_name("کامبیز") == "kambiz"
    assert canonical_name("") == "" and phonetic_key("  ") == ""


def test_phonetic_key_examples():
    keys = {phonetic_key(s) for s in ["محمد حسینی", "Mohammad Hosseini", "Mohammed Hoseyni", "Muhammad Husseini"]}
    assert keys == {"mhmdhsn"}
    assert phonetic_key("Khosrow") == phonetic_key("Khosro") == phonetic_key("خسرو") == "xsr"
    assert phonetic_key("Nozar") == phonetic_key("نوذر")  # not in the data: letters alone
    assert phonetic_key("Parviz") == phonetic_key("پرویز") == "prvz"


def test_variant_ids():
    assert name_variant_id("Muhammad") == name_variant_id("محمد") == "given:mohammad"
    assert name_variant_id("Husseini") == name_variant_id("حسینی") == "family:hosseini"
    assert name_variant_id("Amir Hossein") == "given:amirhossein"
    assert name_variant_id("Mohammad Hosseini") is None
    assert name_variant_id("Xyzzy") is None


def test_name_key_and_part_keys():
    assert name_key("محمد", "حسینی") == name_key("Muhammad", "Husseini") == "mhmd:hsn"
    assert name_part_keys(None).canonical == ""
    keys = name_part_keys("Mohammed")
    assert (keys.canonical, keys.phonetic, keys.variant_id) == ("mohammad", "mhmd", "given:mohammad")


def test_transliterate():
    assert transliterate("محمد حسینی") == "mohammad hosseini"
    assert transliterate("Mohammad") == "mohammad"
    assert transliterate("نوذر") == "nouzr"  # rules: short vowels are not written in Persian


def _agreement(pairs):
    canonical = sum(canonical_name(a) == canonical_name(b) for a, b in pairs)
    phonetic = sum(phonetic_key(a) == phonetic_key(b) for a, b in pairs)
    return canonical, phonetic


def test_cross_script_pairs_known_names():
    canonical, phonetic = _agreement(KNOWN_PAIRS)
    assert len(KNOWN_PAIRS) == 40
    assert canonical == phonetic == len(KNOWN_PAIRS)


def test_cross_script_pairs_unknown_names():
    canonical, phonetic = _agreement(UNKNOWN_PAIRS)
    assert phonetic == len(UNKNOWN_PAIRS)
    assert canonical < len(UNKNOWN_PAIRS)  # without data, vowels are guessed: the canonical forms differ


def test_punctuation_and_digits_are_not_name_parts():
    assert canonical_name("«محمد»") == canonical_name("Ali (2)".replace("Ali", "Mohammad")) == "mohammad"
    assert canonical_name("علیرضا ۲") == "alireza"
    assert canonical_name("Fatemeh Zahra") == canonical_name("فاطمه‌زهرا") == "fatemehzahra"


@given(st.text(max_size=30))
def test_keys_never_fail_and_canonical_is_idempotent(s):
    canonical = canonical_name(s)
    assert canonical == canonical.strip() and canonical == canonical.lower()
    assert canonical_name(canonical) == canonical  # idempotent
    assert is_persian(s) or phonetic_key(canonical) == phonetic_key(s)  # Latin: key follows canonical form
