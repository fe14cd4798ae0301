"""The plan's counting on compiled kernels: codes as pandas.factorize gives them (text coded by identity first),
combined codes as NumPy numbered them, pair counts as counting by hand, and the same plan on any number of
threads, on adversarial text (scripts, combining marks, astral code points, empty and very long strings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link import blocking
from tollbook.link.blocking import KeyCodes, column_codes, plan, rule_pairs

TEXTS = ["محمد", "Mohammad", "mohammad", "e\u0301", "\u00e9", "😀", "𝔸li", "", " ", "x" * 10_000, "a|b", "ي", "ی",
         "\u200c", "Ali", None, float("nan")]


def _adversarial(size: int, seed: int) -> np.ndarray:
    """An object column drawing on TEXTS, with equal strings that are different objects."""
    rng = np.random.default_rng(seed)
    picked = [TEXTS[i] for i in rng.integers(len(TEXTS), size=size)]
    return np.array([("".join(v) if isinstance(v, str) and rng.random() < 0.5 else v) for v in picked], dtype=object)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_text_codes_are_pandas_factorize_codes(seed: int) -> None:
    values = _adversarial(3_000, seed)
    assert np.array_equal(column_codes(values), pd.factorize(values, use_na_sentinel=True)[0])


def test_codes_of_mixed_values_numbers_dates_and_empty_columns_are_pandas_factorize_codes() -> None:
    mixed = np.array([1, "1", 1.0, None, True, "a", 2, "a", np.nan], dtype=object)
    dates = pd.Series(pd.to_datetime(["2019-11-16", None, "2019-11-16", "2020-01-01"])).to_numpy()
    ages = pd.array([30, None, 30, 31], dtype="Int64")
    for values in (mixed, dates, np.array([], dtype=object), np.array([None, None], dtype=object)):
        assert np.array_equal(column_codes(values), pd.factorize(values, use_na_sentinel=True)[0])
    assert np.array_equal(column_codes(pd.Series(ages).to_numpy()), pd.factorize(ages, use_na_sentinel=True)[0])


def _numpy_combined(head: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Combined codes as KeyCodes numbered them in NumPy: a table by value where the span is small, else the
    order first seen."""
    valid = (head >= 0) & (last >= 0)
    combined = np.full(len(last), -1, dtype=np.int64)
    codes = head[valid] * (int(last.max(initial=-1)) + 1) + last[valid]
    span = int(codes.max(initial=-1)) + 1
    if span > 4 * len(last) + 1024:
        combined[valid] = pd.factorize(codes)[0]
    else:
        used = np.zeros(span, dtype=np.bool_)
        used[codes] = True
        combined[valid] = (np.cumsum(used) - 1)[codes]
    return combined


@pytest.mark.parametrize(("size", "values"), [(5_000, 3), (5_000, 4_000), (200, 100_000), (0, 5)])
def test_combined_codes_are_numbered_as_numpy_numbered_them(size: int, values: int) -> None:
    rng = np.random.default_rng(size + values)
    head = pd.factorize(rng.integers(-1, values, size=size))[0]  # dense, with -1 where the draw was -1
    head[rng.random(size) < 0.1] = -1
    last = rng.integers(-1, values, size=size)
    assert np.array_equal(blocking._kernels().combined_codes(head, last), _numpy_combined(head, last))


def _by_hand(groups: list[object], lacks: list[bool] | None) -> int:
    """Pairs agreeing on a non-null group (and, with `lacks`, in which one record or both lack the column)."""
    return sum(1 for i in range(len(groups)) for j in range(i + 1, len(groups))
               if groups[i] is not None and groups[i] == groups[j] and (lacks is None or lacks[i] or lacks[j]))


def test_pairs_counted_by_the_kernel_are_the_pairs_counted_by_hand() -> None:
    values = _adversarial(400, 7)
    province = np.array([None if i % 3 == 0 else "IR-23" for i in range(400)], dtype=object)
    keys = pd.DataFrame({"name": values, "province_code": province})
    groups = [None if pd.isna(v) else v for v in values]
    assert rule_pairs(keys, ("name",)) == _by_hand(groups, None)
    assert rule_pairs(keys, ("name",), missing="province_code") == _by_hand(groups, [p is None for p in province])
    assert rule_pairs(pd.DataFrame({"name": np.array([], dtype=object)}), ("name",)) == 0


def _realistic_keys() -> pd.DataFrame:
    from tollbook.link.keys import build_keys
    from tollbook.synth import realistic_lists

    return build_keys(realistic_lists(20_000, 5).records.drop(columns=["truth"]))


def test_the_plan_is_the_same_on_one_thread_and_several(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = _realistic_keys()
    limit = 20_000  # small enough that most rules split
    several = plan(keys, limit=limit)
    monkeypatch.setattr(blocking, "PLAN_THREADS", 1)
    assert plan(keys, limit=limit) == several
    assert any(rule.split_from for rule in several) and any(rule.missing for rule in several)


def test_key_codes_shared_by_threads_are_the_codes_of_one_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = _realistic_keys()
    shared, alone = KeyCodes(keys), KeyCodes(keys)
    rules = [("names_phon", "province_code"), ("family_canon", "city_code"), ("names_phon", "province_code", "dod")]
    with ThreadPoolExecutor(4) as threads:
        list(threads.map(shared.groups, rules * 4))
    for rule in rules:
        assert np.array_equal(shared.groups(rule), alone.groups(rule))
