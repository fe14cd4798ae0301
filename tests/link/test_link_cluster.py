"""Clustering with reviewers' constraints, and person ids that survive re-linking."""

from __future__ import annotations

import numpy as np
import pandas as pd
from cluster_reference import _greedy

from tollbook.link.cluster import assign_public_ids, cluster_records, fresh_public_id, members


def _pairs(*rows: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def test_pairs_above_threshold_join_transitively_and_weaker_ones_do_not() -> None:
    assignment = cluster_records(range(1, 6), _pairs((1, 2, 0.99), (2, 3, 0.95), (4, 5, 0.5)), threshold=0.9)
    assert assignment == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5}


def test_cannot_link_keeps_two_records_apart_even_through_a_chain() -> None:
    pairs = _pairs((1, 2, 0.99), (2, 3, 0.95))
    assignment = cluster_records([1, 2, 3], pairs, 0.9, cannot_link=[(1, 3)])
    assert assignment[1] == assignment[2] != assignment[3]


def test_must_link_joins_a_pair_the_model_scored_low_or_never_saw() -> None:
    assignment = cluster_records([1, 2, 3], _pairs((1, 2, 0.2)), 0.9, must_link=[(1, 2), (2, 3)])
    assert set(assignment.values()) == {1}


def test_cannot_link_survives_later_merges_on_both_sides() -> None:
    pairs = _pairs((1, 2, 0.99), (3, 4, 0.98), (2, 3, 0.97))
    assignment = cluster_records([1, 2, 3, 4], pairs, 0.9, cannot_link=[(1, 4)])
    assert assignment[1] == assignment[2] and assignment[3] == assignment[4] and assignment[1] != assignment[3]


def test_unchanged_clusters_keep_their_ids() -> None:
    old = {"P-A": frozenset({1, 2}), "P-B": frozenset({3})}
    result = assign_public_ids(members({1: 1, 2: 1, 3: 3}), old)
    assert result.ids == {1: "P-A", 3: "P-B"} and result.kept == 2 and result.new == 0


def test_a_merge_takes_the_id_of_the_larger_old_cluster() -> None:
    old = {"P-SMALL": frozenset({1}), "P-BIG": frozenset({2, 3})}
    result = assign_public_ids({1: frozenset({1, 2, 3})}, old)
    assert result.ids == {1: "P-BIG"} and result.inherited == 1


def test_a_split_gives_the_old_id_to_the_larger_part_and_a_fresh_id_to_the_other() -> None:
    old = {"P-OLD": frozenset({1, 2, 3})}
    result = assign_public_ids({1: frozenset({1, 2}), 3: frozenset({3})}, old)
    assert result.ids[1] == "P-OLD"
    assert result.ids[3] == fresh_public_id({3}) and result.new == 1


def test_fresh_ids_do_not_depend_on_record_order() -> None:
    assert fresh_public_id([3, 1, 2]) == fresh_public_id([1, 2, 3]) != fresh_public_id([1, 2])


def test_fast_and_constrained_paths_give_the_same_clusters() -> None:
    rng = np.random.default_rng(3)
    ids = [f"r{i:03d}" for i in range(200)]
    pairs = pd.DataFrame({"unique_id_l": rng.choice(ids, 300), "unique_id_r": rng.choice(ids, 300),
                          "match_probability": rng.random(300)})
    fast = cluster_records(ids, pairs, 0.8, must_link=[("r001", "r002")])
    greedy = cluster_records(ids, pairs, 0.8, must_link=[("r001", "r002")], cannot_link=[("absent", "gone")])
    assert fast == greedy and fast["r001"] == fast["r002"]


def test_namesakes_do_not_chain_through_a_record_of_another_list() -> None:
    # a1 and a2 are two men of one list; b scores with both, a1-a2 themselves do not match
    pairs = _pairs(("a1", "b", 0.95), ("a2", "b", 0.9), ("a1", "a2", 0.01))
    lists = {"a1": "A", "a2": "A", "b": "B"}
    assignment = cluster_records(["a1", "a2", "b"], pairs, 0.5, lists=lists)
    assert assignment["a1"] == assignment["b"] != assignment["a2"]
    assert len(set(cluster_records(["a1", "a2", "b"], pairs, 0.5).values())) == 1  # without lists: chained


def test_within_list_duplicates_that_agree_may_join() -> None:
    pairs = _pairs(("a1", "b", 0.95), ("a2", "b", 0.9), ("a1", "a2", 0.97))
    lists = {"a1": "A", "a2": "A", "b": "B"}
    assert len(set(cluster_records(["a1", "a2", "b"], pairs, 0.5, lists=lists).values())) == 1


def test_a_reviewers_match_binds_even_within_one_list() -> None:
    lists = {"a1": "A", "a2": "A"}
    assignment = cluster_records(["a1", "a2"], _pairs(("a1", "a2", 0.01)), 0.5, must_link=[("a1", "a2")], lists=lists)
    assert assignment["a1"] == assignment["a2"]


def test_greedy_only_inside_constrained_components_equals_greedy_everywhere() -> None:
    # namesake chains across four lists, cannot- and must-links: running the greedy only where a component
    # holds two records of one list (or a cannot-link) gives exactly the clusters of the greedy over all records
    rng = np.random.default_rng(11)
    ids = [f"r{i:03d}" for i in range(300)]
    lists = {i: "ABCD"[int(rng.integers(4))] for i in ids}
    pairs = pd.DataFrame({"unique_id_l": rng.choice(ids, 500), "unique_id_r": rng.choice(ids, 500),
                          "match_probability": rng.random(500).round(2)})
    pairs = pairs[pairs["unique_id_l"] != pairs["unique_id_r"]]
    cannot, must = [("r001", "r002"), ("r010", "r200")], [("r003", "r004"), ("r005", "r250")]
    for threshold in (0.3, 0.6, 0.9):
        strong = pairs[pairs["match_probability"] >= threshold]
        assert (cluster_records(ids, pairs, threshold, must, cannot, lists)
                == _greedy(ids, strong, must, cannot, lists))
        assert cluster_records(ids, pairs, threshold, lists=lists) == _greedy(ids, strong, [], [], lists)


def test_a_veto_binds_the_joins_the_model_doubts_but_not_those_it_trusts() -> None:
    lists = {1: "a", 2: "b", 3: "c"}
    weak = _pairs((1, 2, 0.9), (2, 3, 0.3))
    assert cluster_records([1, 2, 3], weak, 0.1, lists=lists, vetoes=[(1, 3)])[3] == 3
    strong = _pairs((1, 2, 0.9), (2, 3, 0.8))
    assert set(cluster_records([1, 2, 3], strong, 0.1, lists=lists, vetoes=[(1, 3)]).values()) == {1}
    assert cluster_records([1, 2, 3], strong, 0.1, lists=lists, vetoes=[(1, 3)], veto_below=0.85)[3] == 3
