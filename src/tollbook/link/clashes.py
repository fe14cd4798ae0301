"""Clusters checked whole: two records that the model calls clearly different persons may not share a cluster.

Single linkage joins a cluster through its strongest pairs, so a record that says little (a name, no father,
age or place) can bridge two namesakes who differ in everything else: Mohammad Mohammadi, 41, son of Hossein,
and Mohammad Mohammadi, 33, son of Mehdi, both linked to one bare "Mohammad Mahmoudi". Their own pair was never
kept (it scored far below the review band), so the clustering could not see it. Here every two records of each
cluster of three or more are scored with the run's model; a pair below VETO becomes a veto and the records are
clustered again: no join the model itself doubts (probability below VETO_BELOW) may put the two together, so the
bridge joins one of them or neither. A join it trusts still may: on realistic lists every vetoed pair joined
through pairs all above 0.9 was one person (76 of 76 at 93k records), against 10 of 231 below 0.3.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from tollbook.link.calibrate import log_odds
from tollbook.link.cluster import connected_components

VETO = 1e-4  # a pair this unlikely under the model (its own evidence, the run's prior) is two persons
VETO_BELOW = 0.5  # a veto binds joins the model doubts (less likely than not), not those it trusts
MIN_SIZE = 3  # a cluster of two is its own scored pair
Pair = tuple[Hashable, Hashable]


def pairs_within(assignment: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Every two records (smaller id left) of each cluster of MIN_SIZE or more records."""
    records = sorted(assignment)
    ids = np.empty(len(records), dtype=object)
    ids[:] = records
    chosen = pairs_within_ranks(pd.factorize(pd.Series([assignment[r] for r in records], dtype=object))[0])
    return chosen.assign(unique_id_l=ids[chosen["unique_id_l"].to_numpy()],
                         unique_id_r=ids[chosen["unique_id_r"].to_numpy()])


def pairs_within_ranks(labels: np.ndarray) -> pd.DataFrame:
    """Every two records (smaller rank left) of each cluster of MIN_SIZE or more records, `labels` being the
    cluster key of each rank; by cluster, then left, then right rank."""
    sizes = np.bincount(labels, minlength=len(labels))
    members = np.flatnonzero(sizes[labels] >= MIN_SIZE)
    members = members[np.lexsort((members, labels[members]))]  # by cluster, then rank
    size = sizes[labels[members]]
    start = np.searchsorted(labels[members], labels[members])  # where each member's cluster begins
    later = start + size - 1 - np.arange(len(members))  # members after each one in its cluster
    left = np.repeat(np.arange(len(members)), later)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    return pd.DataFrame({"unique_id_l": members[left], "unique_id_r": members[right]})


def within_cluster_pairs(labels: np.ndarray, scored: Any, prior: float) -> pd.DataFrame:
    """Every two records of each large cluster (`labels`: cluster key by rank) scored by the run's model
    (`scored`: train.ScoredPairs, whose linker scores chosen pairs): unique_id_l, unique_id_r,
    match_probability under `prior`."""
    chosen = pairs_within_ranks(labels)
    if chosen.empty:
        return chosen.assign(match_probability=pd.Series(dtype=float))
    terms = scored.with_terms(chosen, prior)
    weight = log_odds(prior) + terms[[c for c in terms.columns if c.startswith("mw_")]].fillna(0.0).sum(axis=1)
    return chosen.assign(match_probability=1.0 / (1.0 + np.exp2(-weight.to_numpy(dtype=float))))


def vetoes(scored: pd.DataFrame, must_link: Iterable[Pair] = ()) -> list[Pair]:
    """Pairs scored below VETO, except those a reviewer's must-links hold together (a decision binds)."""
    low = scored[scored["match_probability"] < VETO]
    pairs = list(zip(low["unique_id_l"], low["unique_id_r"], strict=True))
    bound = list(must_link)
    if not bound or not pairs:
        return pairs
    ids = {i for pair in bound for i in pair}
    held = connected_components(ids, pd.DataFrame(columns=["unique_id_l", "unique_id_r"]), bound)
    return [(a, b) for a, b in pairs if a not in held or b not in held or held[a] != held[b]]


def large_clusters(labels: np.ndarray) -> int:
    """Clusters of MIN_SIZE or more records (those checked whole), `labels` being the cluster key of each rank."""
    return int((np.bincount(labels) >= MIN_SIZE).sum())
