"""Record ids as ranks (train.numbered), sorted as fixed-width NumPy text: the same ranks and ids as the previous
implementation (Python's sort of the ids and a pandas index lookup, kept here), the key table's other columns
untouched, and ids NumPy would order otherwise handed to the previous way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link.keys import build_keys
from tollbook.link.train import numbered
from tollbook.synth import realistic_lists


def numbered_before(keys: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The previous implementation: sort the ids as Python objects, look each up in an index of them."""
    ids = np.sort(keys["unique_id"].to_numpy(dtype=object))
    return keys.assign(unique_id=pd.Index(ids).get_indexer(keys["unique_id"]).astype(np.int64)), ids


def _same_as_before(keys: pd.DataFrame) -> None:
    ranked, ids = numbered(keys)
    ranked_before, ids_before = numbered_before(keys)
    pd.testing.assert_frame_equal(ranked, ranked_before, check_exact=True)
    assert ids.dtype == object and ids.tolist() == ids_before.tolist()


def test_ranks_of_a_realistic_key_table_are_those_given_before() -> None:
    keys = build_keys(realistic_lists(5_000, 2).records.drop(columns=["truth"]))
    _same_as_before(keys)
    _same_as_before(keys.sample(frac=1.0, random_state=1))  # another order, another index
    _same_as_before(keys.iloc[:0])


@pytest.mark.parametrize("ids", [
    ["b", "a", "c"],
    ["network-10", "network-9", "network-1", "a", "Z", "z"],  # text order, not numbers'
    ["علی", "Ali", "آ", "ا", "😀", "é", "e\u0301", "\u200c"],  # code points beyond one byte, combining marks
    ["a\x00", "a", "\x00", "b\x00\x00", "b"],  # NumPy text drops trailing NULs: handed to the previous way
    ["a", "ab", "a b", "", " "],
])
def test_ids_of_any_text_are_ranked_as_python_sorts_them(ids: list[str]) -> None:
    _same_as_before(pd.DataFrame({"unique_id": pd.Series(ids, dtype=object), "x": range(len(ids))}))


def test_repeated_ids_are_refused_as_before() -> None:
    keys = pd.DataFrame({"unique_id": ["a", "b", "a"], "x": [1, 2, 3]})
    with pytest.raises(pd.errors.InvalidIndexError):
        numbered_before(keys)
    with pytest.raises(pd.errors.InvalidIndexError):
        numbered(keys)
