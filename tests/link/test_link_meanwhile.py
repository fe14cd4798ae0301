"""What is made while Splink trains (train.meanwhile): the ranked key table, the plan's pairs and the NumPy
scorer's key columns, each as the main thread would make it after training, on keys with awkward names; and the
cores the pair kernels take beside training."""

from __future__ import annotations

import json
from typing import Any

import numba
import numpy as np
import pandas as pd
import pytest

from tollbook.link import blocking, train
from tollbook.link import settings as model_settings
from tollbook.link.codes import KeyColumn, key_columns
from tollbook.link.keys import build_keys
from tollbook.link.levels import model_spec
from tollbook.link.scorer import Scorer
from tollbook.synth import realistic_lists

LOWEST = 1e-4
AWKWARD_NAMES = [  # mixed scripts, Persian with a zero-width non-joiner, combining marks, astral code points, empty
    "Aliعلی", "محمد\u200cرضا", "فاطمه", "Zoe\u0308", "e\u0301lise", "😀", "𝔘𝔫𝔦", "", "x" * 5_000, "  ",
]


def awkward_records(size: int = 1_500) -> pd.DataFrame:
    """Realistic lists (enough records to train) with every tenth record's names replaced by an awkward one."""
    records = realistic_lists(size, 3).records.drop(columns=["truth"]).reset_index(drop=True)
    chosen = np.arange(0, len(records), 10)
    for offset, column in enumerate(("given_name", "family_name", "father_name")):
        records.loc[chosen, column] = [AWKWARD_NAMES[(n + offset) % len(AWKWARD_NAMES)] for n in range(len(chosen))]
    return records


@pytest.fixture(scope="module")
def awkward() -> dict[str, Any]:
    keys = build_keys(awkward_records())
    codes = blocking.KeyCodes(keys)
    return {"keys": keys, "codes": codes, "planned": blocking.plan(codes)}


def same_columns(ours: dict[str, KeyColumn], theirs: dict[str, KeyColumn]) -> None:
    """Two sets of key columns hold the same codes, nulls, vocabularies and term frequencies."""
    assert sorted(ours) == sorted(theirs)
    for name, column in theirs.items():
        found = ours[name]
        assert found.null == column.null and np.array_equal(found.values, column.values), name
        assert (found.vocabulary is None) == (column.vocabulary is None), name
        if column.vocabulary is not None:
            assert found.vocabulary.tolist() == column.vocabulary.tolist(), name
            assert np.array_equal(found.frequencies, column.frequencies), name


def test_meanwhile_makes_what_the_main_thread_would(awkward: dict[str, Any]) -> None:
    keys, planned, codes = awkward["keys"], awkward["planned"], awkward["codes"]
    threads_here = numba.get_num_threads()
    made = train.meanwhile(keys, planned, codes)
    ranked, ids = train.numbered(keys)
    found_ranked, found_ids = made.numbered.result()
    pd.testing.assert_frame_equal(found_ranked, ranked, check_exact=True)
    assert found_ids.tolist() == ids.tolist()
    pd.testing.assert_frame_equal(made.pairs.result(), blocking.blocked_pairs(ranked, planned, codes),
                                  check_exact=True)
    layout, columns = made.columns.result()
    spec = model_spec(train.untrained_model(len(keys)))
    assert layout == train.column_layout(spec)
    same_columns(columns, key_columns(ranked, spec))
    assert numba.get_num_threads() == threads_here  # the pair kernels' thread count was that thread's own


def test_scores_with_early_columns_are_those_of_a_scorer_made_after_training(awkward: dict[str, Any]) -> None:
    keys, planned = awkward["keys"], awkward["planned"]
    scored = train.score(keys, LOWEST, terms=False)
    assert scored.trained
    ranked, _ = train.numbered(keys)
    spec = model_spec(scored.model)
    assert train.column_layout(spec) == train.column_layout(model_spec(train.untrained_model(len(keys))))
    blocked = blocking.blocked_pairs(ranked, planned)
    after = Scorer(ranked, spec).score(blocked["join_key_l"].to_numpy(), blocked["join_key_r"].to_numpy(), LOWEST)
    pd.testing.assert_frame_equal(scored.pairs, after, check_exact=True)
    assert scored.comparisons == len(blocked)


def without_term_frequencies(records: int) -> dict[str, Any]:
    """A saved model whose comparisons have no term-frequency columns (another column layout)."""
    chosen = model_settings.settings(train.untrained_prior(records), term_frequencies=False)
    return json.loads(json.dumps(chosen.get_settings("duckdb").as_dict(), default=str))


def test_early_columns_of_another_layout_are_not_used(awkward: dict[str, Any]) -> None:
    ranked, _ = train.numbered(awkward["keys"])
    early = train.early_columns(ranked)
    assert early is not None
    model = without_term_frequencies(len(ranked))
    spec = model_spec(model)
    assert train.column_layout(spec) != early[0]
    scorer = train.numpy_scorer(ranked, model, None, early)
    assert scorer is not None and scorer.columns is not early[1]
    same_columns(scorer.columns, key_columns(ranked, spec))
    stale = train.numpy_scorer(ranked, model, None, (early[0], {}))  # a layout that differs: its columns unread
    assert stale is not None and sorted(stale.columns) == sorted(scorer.columns)


def test_repeated_ids_fail_as_they_would_on_the_main_thread(awkward: dict[str, Any]) -> None:
    keys = awkward["keys"].copy()
    keys.loc[1, "unique_id"] = keys.loc[0, "unique_id"]
    with pytest.raises(Exception) as here:
        train.numbered(keys)
    made = train.meanwhile(keys, awkward["planned"], awkward["codes"])
    for future in (made.numbered, made.pairs, made.columns):
        with pytest.raises(here.type):
            future.result()


@pytest.mark.parametrize(("cores", "pairs"), [(1, 1), (2, 1), (3, 1), (8, 4)])
def test_the_pair_kernels_take_half_the_cores_beside_training(monkeypatch: pytest.MonkeyPatch, cores: int,
                                                               pairs: int) -> None:
    monkeypatch.setattr(train, "_usable_cores", lambda: cores)
    assert train._pair_cores() == pairs
