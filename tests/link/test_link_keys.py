"""Linkage keys on hand-written cases in both scripts: the same name written differently gets the same keys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tollbook.link.keys import (
    KEY_COLUMNS,
    age_column,
    build_keys,
    death_date_column,
    name_columns,
    records_frame,
    resolve_places,
    sex_column,
    swap_free_key,
)


def _keys(names: list[str], part: str = "given") -> pd.DataFrame:
    return name_columns(pd.Series(names), part)


@pytest.mark.parametrize("spellings, canonical", [
    (["محمد", "Mohammad", "Mohammed", "Muhammad"], "mohammad"),
    (["حسینی", "Hosseini", "Hoseini", "Husseini"], "hosseini"),
    (["قاسم", "Ghasem", "Qasem"], "ghasem"),
    (["امیرحسین", "امیر حسین", "Amirhossein", "Amir Hossein", "Amir-Hossein"], "amirhossein"),
])
def test_spellings_of_one_name_share_canonical_form_and_phonetic_key(spellings: list[str], canonical: str) -> None:
    keys = _keys(spellings)
    assert set(keys["given_canon"]) == {canonical}
    assert keys["given_phon"].nunique() == 1


def test_known_names_get_a_variant_id_and_unknown_ones_do_not() -> None:
    keys = _keys(["محمد", "Mohammad", "Xqzwv"])
    assert keys["given_var"].iloc[0] == keys["given_var"].iloc[1] is not None
    assert keys["given_var"].iloc[2] is None


def test_empty_names_give_null_keys_not_empty_strings() -> None:
    keys = _keys(["", None, "  "])
    assert keys.isna().all().all()


def test_different_names_do_not_collide_on_canonical_form() -> None:
    keys = _keys(["Hassan", "Hossein", "حسن", "حسین"])
    assert keys["given_canon"].tolist() == ["hassan", "hossein", "hassan", "hossein"]


def test_swap_free_key_is_the_same_for_swapped_names_and_null_when_one_is_missing() -> None:
    key = swap_free_key(pd.Series(["mhmd", "hsn", None]), pd.Series(["hsn", "mhmd", "hsn"]))
    assert key.iloc[0] == key.iloc[1] == "hsn|mhmd"
    assert key.iloc[2] is None


def test_death_date_kept_only_when_known_to_the_day() -> None:
    dates = pd.Series([dt.date(2019, 11, 16), "2019-11-01", None])
    kept = death_date_column(dates, pd.Series(["day", "month", None]))
    assert kept.iloc[0] == pd.Timestamp("2019-11-16")
    assert pd.isna(kept.iloc[1]) and pd.isna(kept.iloc[2])


@pytest.mark.parametrize("ages", [
    ["31.5", "31", "0.4", "-1", "131", "130", "x", None],
    [31.5, 31, 0.4, -1, 131, 130, float("nan"), None],
])
def test_ages_are_completed_years_and_impossible_ones_missing(ages: list[object]) -> None:
    assert age_column(pd.Series(ages, dtype=object)).tolist() == [31, 31, 0, pd.NA, pd.NA, 130, pd.NA, pd.NA]


def test_unknown_sex_is_null() -> None:
    assert sex_column(pd.Series(["male", "unknown", None, "female"])).tolist() == ["male", None, None, "female"]


def test_places_resolve_from_either_script_to_the_same_codes() -> None:
    places = resolve_places(pd.Series(["تهران", "Tehran", "", "Nowhere-land"]),
                            pd.Series(["تهران", "Tehran", "Tehran", ""]))
    assert places["city_code"].iloc[0] == places["city_code"].iloc[1] == places["city_code"].iloc[2] is not None
    assert places["province_code"].iloc[2] == places["province_code"].iloc[0]  # taken from the city
    assert places["province_code"].iloc[3] is None and places["city_code"].iloc[3] is None


def test_build_keys_gives_the_same_keys_to_a_record_in_either_script() -> None:
    frame = records_frame([
        {"unique_id": "1", "source": "a", "given_name": "امیر حسین", "family_name": "حسینی", "father_name": "علی",
         "sex": "male", "age": 24, "date_of_death": "2019-11-16", "date_precision": "day",
         "province_code": "IR-23", "city_code": "c1"},
        {"unique_id": "2", "source": "b", "given_name": "Amirhossein", "family_name": "Husseini",
         "father_name": "Ali", "sex": "male", "age": "24", "date_of_death": dt.date(2019, 11, 16),
         "date_precision": None, "province_code": "IR-23", "city_code": "c1"},
    ])
    keys = build_keys(frame)
    assert list(keys.columns) == list(KEY_COLUMNS)
    compared = [c for c in KEY_COLUMNS if c not in ("unique_id", "source_list")]
    assert keys.iloc[0][compared].tolist() == keys.iloc[1][compared].tolist()


def test_build_keys_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="given_name"):
        build_keys(pd.DataFrame({"unique_id": ["1"]}))


def test_compound_names_key_alike_written_joined_or_apart() -> None:
    from tollbook.link.keys import name_columns

    keys = name_columns(pd.Series(["Mohammad Reza", "Mohammadreza", "عبدالکریم مهدی", "Abdolkarimmehdi"]), "given")
    assert keys["given_canon"].iloc[0] == keys["given_canon"].iloc[1]
    assert keys["given_canon"].iloc[2] == keys["given_canon"].iloc[3] == "abdolkarimmehdi"
    assert keys["given_phon"].iloc[2] == keys["given_phon"].iloc[3]


def test_swapped_names_share_the_swap_free_canonical_key() -> None:
    frame = records_frame([{"unique_id": "1", "source": "a", "given_name": "Ali", "family_name": "Karimi"},
                           {"unique_id": "2", "source": "b", "given_name": "کریمی", "family_name": "علی"}])
    keys = build_keys(frame)
    assert keys["names_canon"].iloc[0] == keys["names_canon"].iloc[1] == "ali|karimi"
    assert keys["family_head"].iloc[0] == "kari"


def test_a_typo_early_in_the_family_name_keeps_its_tail_for_blocking() -> None:
    frame = records_frame([{"unique_id": str(i), "source": "a", "given_name": "Mehdi", "family_name": name}
                           for i, name in enumerate(["Soltanifar", "oSltanifar", "سلطانی‌فر", "Karimi"])])
    keys = build_keys(frame)
    assert keys["family_tail"].tolist()[:3] == ["ifar"] * 3
    assert keys["family_head"].iloc[0] != keys["family_head"].iloc[1]  # the head rule alone would miss the typo
    assert keys["family_tail"].iloc[3] == "rimi"
