"""The stages after scoring on arrays (calibrate, list-aware scores, clusters checked whole, link_frame's
clustering) against the previous implementation kept in tests/link/stages_reference.py: the same scores to the
bit and the same persons, on random pairs and on realistic lists through link_frame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import stages_reference as reference

from tollbook.link import api
from tollbook.link.calibrate import calibrate_prior
from tollbook.link.clashes import pairs_within, pairs_within_ranks
from tollbook.link.cluster import Ranked
from tollbook.link.competition import list_aware
from tollbook.synth import realistic_lists


def _scored_pairs(seed: int, ranks: bool) -> tuple[list, pd.DataFrame, dict, float]:
    """(record ids, pairs scored under a prior, record id -> list, that prior): namesakes on few lists, tied
    weights, pairs within one list and across."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    ids = list(rng.permutation(n)) if ranks else [f"r{i:03d}" for i in rng.permutation(n)]
    m = int(rng.integers(5, 5 * n))
    left, right = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = left != right
    names = np.array(sorted(ids), dtype=object)
    weight = rng.choice([-8.0, -3.0, -1.0, 0.5, 2.0, 6.0], m) + (rng.normal(0, 2, m) if seed % 2 else 0.0)
    pairs = pd.DataFrame({"unique_id_l": names[np.minimum(left, right)][keep],
                          "unique_id_r": names[np.maximum(left, right)][keep], "match_weight": weight[keep]})
    pairs = pairs.drop_duplicates(["unique_id_l", "unique_id_r"]).reset_index(drop=True)
    pairs["match_probability"] = 1 / (1 + np.exp2(-pairs["match_weight"].to_numpy()))
    pairs["gamma_names"] = np.int8(1)
    lists = {i: "ABCD"[int(rng.integers(1 + seed % 4))] for i in ids}
    return ids, pairs, lists, float(rng.choice([1e-3, 1e-2, 0.05]))


@pytest.mark.parametrize("seed", range(60))
def test_calibration_and_list_aware_scores_are_the_previous_ones_to_the_bit(seed: int) -> None:
    ids, pairs, lists, prior = _scored_pairs(seed, ranks=False)
    calibrated, settled = calibrate_prior(ids, pairs, prior, 0.1, lists)
    expected, expected_prior = reference.calibrate_prior(ids, pairs, prior, 0.1, lists)
    assert settled == expected_prior
    pd.testing.assert_frame_equal(calibrated, expected, check_exact=True)
    scored = list_aware(ids, calibrated, settled, 0.1, lists)
    pd.testing.assert_frame_equal(scored, reference.list_aware(ids, expected, settled, 0.1, lists), check_exact=True)


@pytest.mark.parametrize("seed", range(0, 60, 5))
def test_records_given_as_ranks_score_as_the_previous_stages_on_rank_ids(seed: int) -> None:
    ids, pairs, lists, prior = _scored_pairs(seed, ranks=True)
    records = Ranked.of(ids, [lists[i] for i in ids])
    calibrated, settled = calibrate_prior(records, pairs, prior, 0.1, None)
    expected, _ = reference.calibrate_prior(ids, pairs, prior, 0.1, lists)
    pd.testing.assert_frame_equal(calibrated, expected, check_exact=True)
    pd.testing.assert_frame_equal(list_aware(records, calibrated, settled, 0.1, None),
                                  reference.list_aware(ids, expected, settled, 0.1, lists), check_exact=True)


def test_pairs_within_clusters_are_the_previous_ones() -> None:
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 400, 1000)
    labels = labels[labels]  # keys that are records of their own cluster, sizes from 1 to a dozen
    chosen = pairs_within_ranks(labels)
    expected = reference.pairs_within(dict(enumerate(labels.tolist())))
    assert sorted(zip(chosen["unique_id_l"], chosen["unique_id_r"], strict=True)) == sorted(
        zip(expected["unique_id_l"], expected["unique_id_r"], strict=True))
    named = {f"x{i:04d}": f"k{k}" for i, k in enumerate(labels.tolist())}
    assert sorted(map(tuple, pairs_within(named).to_numpy().tolist())) == sorted(
        map(tuple, reference.pairs_within(named).to_numpy().tolist()))
    assert (chosen["unique_id_l"] < chosen["unique_id_r"]).all()


def _link_both_ways(size: int, seed: int, monkeypatch: pytest.MonkeyPatch, decided: int = 0) -> tuple[dict, dict]:
    """link_frame's persons on realistic lists, and the previous stages' persons on the same scored pairs."""
    seen: dict[str, Any] = {}
    score = api.score

    def keep(keys: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        seen["keys"], seen["scored"] = keys, score(keys, *args, **kwargs)
        return seen["scored"]

    monkeypatch.setattr(api, "score", keep)
    records = realistic_lists(size, seed).records
    ids = records["unique_id"].to_numpy()
    rng = np.random.default_rng(seed)
    must = [tuple(p) for p in rng.choice(ids, (decided, 2)).tolist()]
    cannot = [tuple(p) for p in rng.choice(ids, (decided, 2)).tolist()]
    result = api.link_frame(records.drop(columns=["truth"]), must_link=must, cannot_link=cannot)
    expected = reference.clusters_after_scoring(seen["keys"], seen["scored"], api.DEFAULT_THRESHOLD,
                                                api.DEFAULT_REVIEW_LOWER, must, cannot)
    return result.assignment, expected


@pytest.mark.slow
def test_realistic_lists_through_link_frame_find_the_previous_persons(monkeypatch: pytest.MonkeyPatch) -> None:
    found, expected = _link_both_ways(10_000, 3, monkeypatch)
    assert found == expected and list(found) == list(expected)
    assert len(set(found.values())) < 0.8 * len(found)  # persons of several records: the greedy had work


@pytest.mark.slow
def test_reviewers_decisions_on_realistic_lists_give_the_previous_persons(monkeypatch: pytest.MonkeyPatch) -> None:
    found, expected = _link_both_ways(10_000, 4, monkeypatch, decided=300)
    assert found == expected

