"""List-aware scores on hand-written lists: a pair of lists gets its own prior, and a record's candidates on
another list compete (the only namesake on that list links, one of two namesakes does not)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link.calibrate import log_odds
from tollbook.link.clashes import pairs_within, vetoes
from tollbook.link.cluster import cluster_records
from tollbook.link.competition import dense_codes, list_aware, list_tallies
from tollbook.link.waterfall import level_label, waterfall, weights_of

THRESHOLD = 0.1
SHARED = 10  # persons both lists name, found with certainty


def _scored(rows: list[tuple[str, str, float]], prior: float) -> pd.DataFrame:
    """Pairs as Splink leaves them: probability and the match weight under the global prior (one dummy term)."""
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])
    p = frame["match_probability"].to_numpy()
    frame["match_weight"] = np.log2(p / (1 - p))
    frame["gamma_names"] = np.int8(1)
    frame["mw_names"] = (frame["match_weight"] - log_odds(prior)).astype("float32")
    return frame


def _lists(extra: dict[str, str]) -> dict[str, str]:
    """Two lists of 20 records each naming SHARED persons in common (a0..a19 on A, b0..b19 on B), plus `extra`."""
    lists = {f"a{i}": "A" for i in range(20)} | {f"b{i}": "B" for i in range(20)}
    return lists | extra


def _linked(rows: list[tuple[str, str, float]], extra: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    lists = _lists(extra)
    rows = [(f"a{i}", f"b{i}", 0.999) for i in range(SHARED)] + rows
    prior = (SHARED + 1) / (len(lists) * (len(lists) - 1) / 2)
    scored = list_aware(list(lists), _scored(rows, prior), prior, THRESHOLD, lists)
    return scored, cluster_records(list(lists), scored, THRESHOLD, lists=lists)


def _probability(scored: pd.DataFrame, left: str, right: str) -> float:
    row = scored[(scored["unique_id_l"] == left) & (scored["unique_id_r"] == right)]
    return float(row["match_probability"].iloc[0])


def test_the_only_namesake_on_the_other_list_links_though_its_pair_alone_scores_below_the_threshold() -> None:
    scored, clusters = _linked([("x", "y", 0.04)], {"x": "A", "y": "B"})
    assert _probability(scored, "x", "y") > THRESHOLD > 0.04
    assert clusters["x"] == clusters["y"]


def test_two_namesakes_on_one_list_weigh_each_other_down_and_are_never_merged_through_a_third_record() -> None:
    extra = {"x": "A", "y1": "B", "y2": "B"}
    scored, clusters = _linked([("x", "y1", 0.5), ("x", "y2", 0.45), ("y1", "y2", 0.2)], extra)
    alone, _ = _linked([("x", "y2", 0.45)], extra)
    assert _probability(scored, "x", "y2") < _probability(alone, "x", "y2")
    assert _probability(scored, "x", "y1") > _probability(scored, "x", "y2")
    assert clusters["x"] == clusters["y1"] != clusters["y2"]
    assert int(scored.loc[scored["unique_id_r"] == "y1", "gamma_competition"].iloc[0]) == 1


def test_many_weak_namesakes_on_the_other_list_compete_and_none_is_merged() -> None:
    namesakes = [f"y{i}" for i in range(5)]
    extra = {"x": "A"} | dict.fromkeys(namesakes, "B")
    scored, clusters = _linked([("x", y, 0.04) for y in namesakes], extra)
    alone, clusters_alone = _linked([("x", "y0", 0.04)], extra)
    assert max(_probability(scored, "x", y) for y in namesakes) < THRESHOLD < _probability(alone, "x", "y0")
    assert all(clusters["x"] != clusters[y] for y in namesakes) and clusters_alone["x"] == clusters_alone["y0"]


def test_a_pair_within_one_list_weighs_less_than_the_same_evidence_across_two() -> None:
    rows = [("x", "y", 0.3), ("x", "z", 0.3)]
    scored, _ = _linked(rows, {"x": "A", "y": "B", "z": "A"})
    within, across = scored[scored["unique_id_r"] == "z"].iloc[0], scored[scored["unique_id_r"] == "y"].iloc[0]
    assert within["mw_lists"] < 0 < across["mw_lists"]
    assert within["mw_competition"] == 0 and within["gamma_competition"] == -1
    assert within["match_probability"] < 0.3


def test_the_list_aware_terms_are_steps_of_the_waterfall_and_add_up_to_the_stored_weight() -> None:
    scored, _ = _linked([("x", "y", 0.04)], {"x": "A", "y": "B"})
    lists = _lists({"x": "A", "y": "B"})
    prior = (SHARED + 1) / (len(lists) * (len(lists) - 1) / 2)
    model = {"probability_two_random_records_match": prior, "comparisons": []}
    for _, row in scored.iterrows():
        steps = waterfall(model, weights_of(row.to_dict()), float(row["match_weight"]))
        assert steps.steps[-1].total == pytest.approx(row["match_weight"], abs=1e-4)
        assert [s.comparison for s in steps.steps] == ["names", "lists", "competition"]
    assert level_label(model, "lists", 1) == "records of two lists"
    assert level_label(model, "competition", 0) == "0 other candidates on either list"


def test_a_cluster_is_checked_whole_only_where_it_holds_three_records_and_a_reviewers_merge_binds() -> None:
    assignment = {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f"}
    within = pairs_within(assignment)
    pairs = sorted(zip(within["unique_id_l"], within["unique_id_r"], strict=True))
    assert pairs == [("a", "b"), ("a", "c"), ("b", "c")]
    scored = pd.DataFrame({"unique_id_l": ["a", "a", "b"], "unique_id_r": ["b", "c", "c"],
                           "match_probability": [0.9, 1e-6, 0.5]})
    assert vetoes(scored) == [("a", "c")]
    assert vetoes(scored, must_link=[("a", "b"), ("b", "c")]) == []


@pytest.mark.parametrize("keys", [np.zeros(0, dtype=np.int64), np.array([7, 7, 7]), np.array([5, -3, 5, 0]),
                                  np.array([2**40, 3, 2**40, 9]), np.random.default_rng(3).integers(0, 500, 2000)])
def test_dense_codes_number_the_keys_as_their_sorted_order_does(keys: np.ndarray) -> None:
    codes, count = dense_codes(keys)
    distinct, inverse = np.unique(keys, return_inverse=True)
    assert codes.dtype == np.int64 and count == len(distinct)
    assert np.array_equal(codes, inverse.reshape(-1))


@pytest.mark.parametrize("seed", range(6))
def test_list_tallies_count_each_clusters_records_by_list(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, count = int(rng.integers(1, 400)), int(rng.integers(1, 6))
    clusters = rng.integers(0, max(1, n // 3), n)
    lists = rng.integers(-1, count, n)  # -1: a list in no pair, left out
    tallies = list_tallies(clusters, lists, count)
    k = np.zeros((n, count), dtype=np.int64)
    np.add.at(k, (clusters[lists >= 0], lists[lists >= 0]), 1)
    matched = k.T @ k
    np.fill_diagonal(matched, (k * (k - 1) // 2).sum(axis=0))
    assert np.array_equal(tallies.size, k.sum(axis=0)) and np.array_equal(tallies.matched, matched)
    assert np.array_equal(tallies.covered, k.T @ (k > 0).astype(np.int64))
