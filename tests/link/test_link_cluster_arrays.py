"""The array clustering (cluster_ranks, Numba greedy) against the previous dict-and-Python implementation, kept
in tests/link/cluster_reference.py: the same assignment, labels included, on random inputs crowded with records
of one list, namesake chains, tied probabilities, must-links, cannot-links and vetoes."""

from __future__ import annotations

import cluster_reference as reference
import numpy as np
import pandas as pd
import pytest

from tollbook.link import cluster
from tollbook.link.cluster import Constraints, Ranked, cluster_ranks, cluster_records, connected_components


def _random_case(seed: int) -> dict:
    """Records, pairs (tied probabilities, repeats, both directions), lists and constraints drawn at random."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 160))
    ids = [f"r{i:03d}" for i in rng.permutation(n)] if seed % 2 else [int(i) * 7 for i in rng.permutation(n)]
    m = int(rng.integers(1, 4 * n))
    probability = rng.choice([0.2, 0.5, 0.5, 0.7, 0.9, 0.9, 0.99], m) if seed % 3 else rng.random(m)
    pairs = pd.DataFrame({"unique_id_l": rng.choice(ids, m), "unique_id_r": rng.choice(ids, m),
                          "match_probability": probability})
    lists = {i: "ABCDEF"[int(rng.integers(1 + seed % 6))] for i in ids if rng.random() > 0.05}

    def some(count: int) -> list:
        return [(ids[int(a)], ids[int(b)]) for a, b in rng.integers(0, n, (count, 2))]

    return {"ids": ids, "pairs": pairs, "threshold": float(rng.choice([0.3, 0.5, 0.8])),
            "must_link": some(int(rng.integers(0, 4))), "cannot_link": some(int(rng.integers(0, 6))),
            "lists": None if seed % 5 == 0 else lists, "vetoes": some(int(rng.integers(0, 12))),
            "veto_below": float(rng.choice([0.5, 0.85, 0.95]))}


@pytest.mark.parametrize("seed", range(400))
def test_the_array_clustering_equals_the_previous_implementation(seed: int) -> None:
    case = _random_case(seed)
    assert cluster_records(**case) == reference.cluster_records(**case)


@pytest.mark.parametrize("seed", range(0, 400, 7))
def test_the_array_clustering_equals_the_previous_greedy_over_every_record(seed: int) -> None:
    case = _random_case(seed)
    strong = case["pairs"][case["pairs"]["match_probability"] >= case["threshold"]]
    greedy = reference._greedy(case["ids"], strong, case["must_link"], case["cannot_link"], case["lists"],
                               (case["vetoes"], case["veto_below"]))
    assert cluster_records(**case) == greedy


def test_ranks_in_any_order_name_each_cluster_by_its_first_record_in_that_order() -> None:
    rng = np.random.default_rng(5)
    n, m = 3000, 6000
    order, lists = rng.permutation(n), rng.integers(0, 4, n)
    left, right, probability = rng.integers(0, n, m), rng.integers(0, n, m), rng.choice([0.3, 0.6, 0.95], m)
    must, cannot, vetoes = rng.integers(0, n, (10, 2)), rng.integers(0, n, (40, 2)), rng.integers(0, n, (200, 2))
    labels = cluster_ranks(Ranked(order, lists), left, right, probability, 0.5, Constraints(must, cannot, vetoes, 0.9))
    pairs = pd.DataFrame({"unique_id_l": left, "unique_id_r": right, "match_probability": probability})
    listed = [[tuple(p) for p in chosen.tolist()] for chosen in (must, cannot, vetoes)]
    expected = reference.cluster_records(order.tolist(), pairs, 0.5, listed[0], listed[1],
                                         dict(enumerate(lists.tolist())), listed[2], 0.9)
    assert dict(zip(order.tolist(), labels[order].tolist(), strict=True)) == expected


def test_a_cluster_that_took_in_its_own_veto_may_still_join_another() -> None:
    # 1-3 vetoed but joined through 0.9 and 0.8 (above veto_below); that cluster then joins a larger one
    pairs = pd.DataFrame([(1, 2, 0.9), (2, 3, 0.8), (4, 5, 0.95), (5, 6, 0.94), (7, 4, 0.93), (4, 1, 0.7)],
                         columns=["unique_id_l", "unique_id_r", "match_probability"])
    lists = dict(zip(range(1, 8), "abcdefg", strict=True))
    assert set(cluster_records(range(1, 8), pairs, 0.1, lists=lists, vetoes=[(1, 3)]).values()) == {1}


def test_components_name_each_cluster_by_its_first_record_and_a_pair_naming_an_unknown_record_is_refused() -> None:
    links = pd.DataFrame({"unique_id_l": ["c", "d"], "unique_id_r": ["b", "e"]})
    assert connected_components(["e", "d", "c", "b", "a"], links, [("a", "e")]) == {
        "e": "e", "d": "e", "c": "c", "b": "c", "a": "e"}
    assert connected_components(list("edcba"), links, []) == reference.connected_components(list("edcba"), links, [])
    with pytest.raises(ValueError, match="not among the records"):
        cluster_records(["a", "b"], pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["z"],
                                                  "match_probability": [0.9]}), 0.5)


@pytest.mark.parametrize("seed", range(0, 400, 3))
def test_the_greedy_on_two_threads_over_halves_of_the_components_equals_the_previous_implementation(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "SPLIT_AT", 0)
    case = _random_case(seed)
    assert cluster_records(**case) == reference.cluster_records(**case)


@pytest.mark.parametrize("split_at", [0, 10**9])
def test_pairs_stored_by_left_then_right_record_with_tied_probabilities_cluster_as_before(
        split_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # ids in mixed scripts (Persian, combining marks, an astral emoji, the empty string): ranks follow their sort
    monkeypatch.setattr(cluster, "SPLIT_AT", split_at)
    rng = np.random.default_rng(11)
    ids = ["", "a", "ب", "e\u0301", "😀", "محمد", "ζ", "Z" * 500] + [f"r{i}" for i in range(300)]
    n, m = len(ids), 1500
    ranks = np.unique(np.sort(rng.integers(0, n, (m, 2)), axis=1), axis=0)  # by left, then right rank
    ranks = ranks[ranks[:, 0] != ranks[:, 1]]
    named = np.array(sorted(ids), dtype=object)
    pairs = pd.DataFrame({"unique_id_l": named[ranks[:, 0]], "unique_id_r": named[ranks[:, 1]],
                          "match_probability": rng.choice([0.4, 0.6, 0.6, 0.9], len(ranks))})
    lists = {i: "ABC"[int(rng.integers(3))] for i in ids}
    vetoes = [(named[a], named[b]) for a, b in rng.integers(0, n, (30, 2))]
    found = cluster_records(ids, pairs, 0.5, lists=lists, vetoes=vetoes, veto_below=0.7)
    assert found == reference.cluster_records(ids, pairs, 0.5, lists=lists, vetoes=vetoes, veto_below=0.7)
