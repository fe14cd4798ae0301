"""The fast key building gives exactly the keys it gave before (keys_oracle keeps that implementation): on
realistic lists, and on names written to catch a shortcut out (mixed scripts, ZWNJ, Arabic letter forms,
digits, blanks, very long cells)."""

from __future__ import annotations

import keys_oracle
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tollbook.link import keys as keys_module
from tollbook.link.keys import build_keys, distinct_names, keyed_names, records_frame, swap_free_key
from tollbook.synth import realistic_lists
from tollbook.text import canonical_name, name_part_keys, name_variant_id, phonetic_key

# Letters both scripts' names are made of, and everything normalisation folds, drops or splits at.
PERSIAN = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
ARABIC_FORMS = "يىكةأإؤئءۀہھە\u0671\u06aa"  # letters normalisation rewrites to their Persian forms
MARKS = "\u064b\u064e\u0650\u0651\u0652\u0654\u0670\u0640"  # harakat, hamza above, superscript alef, tatweel
INVISIBLE = "\u200c\u200c\u200d\u200e\u200f\ufeff\u00ad\u200b"  # ZWNJ twice: the one that is kept
DIGITS = "0123۱۲۳٤٥"
LATIN = "abcdehikmnorsuyzAHMRZ"
ACCENTED = "áéīōūḤḥšžÅ'`’ʿ"
SEPARATORS = "  \t\n\u00a0-_.,/()"
OTHER = "Иван中😀ß"
ALPHABET = PERSIAN + ARABIC_FORMS + MARKS + INVISIBLE + DIGITS + LATIN + ACCENTED + SEPARATORS + OTHER

HAND_WRITTEN = [
    "", " ", "\t\n", "\u200c", " \u200c ", "\u00a0", "محمد", "محمّد", "مـحـمـد", "محمد\u200c", "\u200cمحمد",
    "محمد \u200cرضا", "محمد\u200c\u200cرضا", "محمد\u200cرضا", "محمدرضا", "محمد رضا", "محمد  رضا", "علي", "علی",
    "كريمي", "کریمی", "رضائی", "رضایی", "ضیاء", "فاطمة", "فاطمه", "أحمد", "احمد", "سلطانی‌فر", "Soltanifar",
    "oSltanifar", "Mohammad Reza", "Mohammadreza", "MOHAMMAD-REZA", "Mohammad_Reza", "Ja'far", "Jaʿfar", "Ḥoseynī",
    "Hosseini2", "۱۲۳", "123", "Ali 3", "علی ۳", "Ali علی", "Ali\u200cReza", "Abd-ol-Reza", "Nasr ol lah", "Иван",
    "عبدالکریم مهدی", "Abdolkarimmehdi", "حسین پور", "hosseinpour", "Amir Hossein", "امیر حسین", "x" * 5000,
    "محمد " * 2000, "a\u0301li", "ﻣﺤﻤﺪ", "ﷲ", "عبدالله", "Ebrahim  Hosseini ", " زهرا",
]


def _same_name_keys(name: str) -> None:
    """The public name functions and the keys build_keys takes from them agree with the oracle's on one name."""
    old = keys_oracle.name_part_keys(name)
    assert tuple(name_part_keys(name)) == (old.canonical, old.phonetic, old.variant_id), name
    assert canonical_name(name) == keys_oracle.canonical_name(name), name
    assert phonetic_key(name) == keys_oracle.phonetic_key(name), name
    assert name_variant_id(name) == keys_oracle.name_variant_id(name), name


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_hand_written_names_key_as_before(name: str) -> None:
    _same_name_keys(name)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_names_of_any_mixture_key_as_before(name: str) -> None:
    _same_name_keys(name)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=PERSIAN + LATIN + " \u200c", min_size=1, max_size=8), min_size=1, max_size=4))
def test_names_of_plain_words_key_as_before(words: list[str]) -> None:
    """Plain letters of either script between spaces and ZWNJs: the names that skip normalisation."""
    for separator in (" ", "  ", "\u200c", " \u200c"):
        _same_name_keys(separator.join(words))


PLAIN_NAMES = ["Ali", "ab cd", "Mohammad  Reza", "حسن", "علی رضا", "محمدی\u200cفر", "Ali علی"]


@pytest.mark.parametrize("other", ALPHABET)
def test_plain_names_with_any_character_put_in_key_as_before(other: str) -> None:
    """Plain names (which skip normalisation) with one character of any kind put in at every place: where the
    shortcut must not be taken, or must give what normalising gives."""
    for name in PLAIN_NAMES:
        for at in range(len(name) + 1):
            _same_name_keys(name[:at] + other + name[at:])


def _assert_identical(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """The same columns, dtypes and values, nulls of the same kind (None, not NaN, in text columns)."""
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    for column in new.columns:
        if new[column].dtype == object:
            assert [type(v) for v in new[column]] == [type(v) for v in old[column]], column


def test_build_keys_of_a_realistic_list_are_the_keys_it_gave_before() -> None:
    records = realistic_lists(20_000, 7).records.drop(columns=["truth"])
    _assert_identical(build_keys(records), keys_oracle.build_keys(records))


def test_names_keyed_on_several_processes_are_the_keys_of_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool (forced on 5,000 records: it starts at POOL_NAMES distinct names) gives the oracle's keys, and
    keyed_names gives each name the keys one process gives it, for any number of workers."""
    records = realistic_lists(5_000, 3).records.drop(columns=["truth"])
    names = distinct_names([records[f"{part}_name"].unique() for part in ("given", "family", "father")])
    alone = keyed_names(names)
    for workers in (2, 3):
        pooled = keyed_names(names, workers, least=0)
        assert list(pooled) == names and pooled == alone
    monkeypatch.setattr(keys_module, "POOL_NAMES", 0)
    _assert_identical(build_keys(records, workers=2), keys_oracle.build_keys(records))


def test_build_keys_of_adversarial_names_are_the_keys_they_had_before(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    names = HAND_WRITTEN + [None, float("nan"), 7, "  محمد  "]
    rows = [{"unique_id": i, "source": "a", "given_name": names[rng.integers(len(names))],
             "family_name": names[rng.integers(len(names))], "father_name": names[rng.integers(len(names))],
             "sex": ["male", "female", "x", None][i % 4], "age": [None, 23, "24", "n/a"][i % 4],
             "date_of_death": ["2019-11-16", None, "2019-11", ""][i % 4], "date_precision": ["day", None][i % 2],
             "province_code": ["IR-23", None, ""][i % 3], "city_code": [None, "gn:1", 5][i % 3]}
            for i in range(600)]
    records = records_frame(rows).set_index(pd.Index(range(1000, 1600)))  # not the default index
    _assert_identical(build_keys(records), keys_oracle.build_keys(records))
    monkeypatch.setattr(keys_module, "POOL_NAMES", 0)  # and on two processes
    _assert_identical(build_keys(records, workers=2), keys_oracle.build_keys(records))


def test_swap_free_key_is_the_one_it_was() -> None:
    given_keys = pd.Series(["mhmd", "hsn", None, "", "a", "b", "hsn"], index=list("abcdefg"))
    family_keys = pd.Series(["hsn", "mhmd", "hsn", "x", "a", None, "hsn"], index=list("abcdefg"))
    new, old = swap_free_key(given_keys, family_keys), keys_oracle.swap_free_key(given_keys, family_keys)
    assert new.index.equals(old.index) and new.tolist() == old.tolist()


def test_names_keyed_on_processes_from_two_threads_at_once_are_each_threads_own() -> None:
    """Two linkages in one process (a server's threads) each get the keys of their own names."""
    from concurrent.futures import ThreadPoolExecutor

    lists = [HAND_WRITTEN[:30], HAND_WRITTEN[30:] + ["Ali", "Reza"]]
    with ThreadPoolExecutor(2) as threads:
        found = list(threads.map(lambda names: keyed_names(names, 2, least=0), lists))
    assert found == [{name: keys_module.name_keys(name) for name in names} for names in lists]  # one process
