"""The stages after scoring as they were before the array path (calibrate, competition, clashes and link_frame's
clustering, each through the dict-based clustering of cluster_reference), kept as the reference the array
stages must equal. Copied unchanged except that calibrate's within_cluster_pairs is named pairs_sharing_a_cluster
(clashes has one of that name), and that they call the reference clustering and take the constants and
shared helpers (log_odds, the competition's MAX_COVER, the clashes' VETO) from the package."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from cluster_reference import cluster_records, connected_components

from tollbook.link.api import CLASH_ROUNDS, LIST_AWARE_REACH
from tollbook.link.calibrate import MAX_ROUNDS, SETTLED, log_odds
from tollbook.link.clashes import MIN_SIZE, VETO, VETO_BELOW
from tollbook.link.cluster import members
from tollbook.link.competition import MAX_COVER, ROUNDS

Pair = tuple[Hashable, Hashable]


def shifted(pairs: pd.DataFrame, shift: float) -> pd.DataFrame:
    """Pairs with match weights moved by `shift` bits and probabilities recomputed from them."""
    out = pairs.copy()
    out["match_weight"] = pairs["match_weight"].to_numpy() + shift
    out["match_probability"] = 1.0 / (1.0 + np.exp2(-out["match_weight"].to_numpy()))
    return out


def pairs_sharing_a_cluster(assignment: Mapping[Hashable, Hashable]) -> float:
    """Number of record pairs that share a cluster."""
    sizes = pd.Series(list(assignment.values()), dtype=object).value_counts().to_numpy(dtype=float)
    return float((sizes * (sizes - 1) / 2).sum())


def calibrate_prior(ids: Sequence[Hashable], pairs: pd.DataFrame, prior: float, threshold: float,
                    lists: Mapping[Hashable, Hashable] | None, say: Callable[[str], None] | None = None,
                    ) -> tuple[pd.DataFrame, float]:
    """(pairs rescored with the settled prior, that prior), starting from the model's `prior`."""
    n = len(ids)
    total = n * (n - 1) / 2
    if total <= 0 or pairs.empty:
        return pairs, prior
    start, current = log_odds(prior), prior
    slim = pairs[["unique_id_l", "unique_id_r", "match_weight"]]  # rounds need no comparison columns
    for number in range(1, MAX_ROUNDS + 1):
        rescored = shifted(slim, log_odds(current) - start)
        assignment = cluster_records(ids, rescored, threshold, lists=lists)
        found = min(max(pairs_sharing_a_cluster(assignment) / total, 1e-12), 0.5)
        if say:
            say(f"calibrating the prior, round {number}: {current:.3g} -> {found:.3g}")
        if abs(np.log(found / current)) < SETTLED:
            break
        current = found
    return shifted(pairs, log_odds(current) - start), current


def _codes(pairs: pd.DataFrame, lists: Mapping[Hashable, Hashable]) -> tuple[np.ndarray, np.ndarray, list]:
    """Each pair's two lists as integer codes, and the list names."""
    left = pairs["unique_id_l"].map(lists).to_numpy(dtype=object)
    right = pairs["unique_id_r"].map(lists).to_numpy(dtype=object)
    names = sorted({str(v) for v in pd.unique(np.concatenate([left, right]))})
    def coded(values: np.ndarray) -> np.ndarray:
        return pd.Categorical(values.astype(str), categories=names).codes.astype(np.int64)

    return coded(left), coded(right), names


def _record_lists(ids: Sequence[Hashable], lists: Mapping[Hashable, Hashable], names: list,
                  assignment: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """One row per record: its cluster and its list's code (lists absent from every pair get -1)."""
    index = {name: i for i, name in enumerate(names)}
    return pd.DataFrame({"cluster": [assignment[i] for i in ids],
                         "list": [index.get(str(lists.get(i)), -1) for i in ids]})


def list_pair_priors(frame: pd.DataFrame, lists: int) -> np.ndarray:
    """[a, b]: matching pairs between lists a and b in the clustering over all pairs between them (within a
    list: its pairs of records); at least one match per pair of lists, so a prior is never zero."""
    size = np.bincount(frame["list"][frame["list"] >= 0], minlength=lists).astype(float)
    counts = frame[frame["list"] >= 0].groupby(["cluster", "list"]).size().rename("n").reset_index()
    both = counts.merge(counts, on="cluster")
    both["pairs"] = np.where(both["list_x"] == both["list_y"], both["n_x"] * (both["n_y"] - 1) / 2,
                             both["n_x"] * both["n_y"])
    matched = np.zeros((lists, lists))
    summed = both.groupby(["list_x", "list_y"])["pairs"].sum()
    for (a, b), value in summed.items():
        matched[int(a), int(b)] = value
    total = np.outer(size, size)
    np.fill_diagonal(total, size * (size - 1) / 2)
    return np.maximum(matched, 1.0) / np.maximum(total, 1.0)


def coverage(frame: pd.DataFrame, lists: int) -> np.ndarray:
    """[a, b]: the share of list a's records whose cluster holds a record of list b (capped at MAX_COVER)."""
    known = frame[frame["list"] >= 0]
    present = known[["cluster", "list"]].drop_duplicates()
    joined = known.merge(present, on="cluster", suffixes=("", "_other"))
    shared = joined.groupby(["list", "list_other"]).size()
    size = np.bincount(known["list"], minlength=lists).astype(float)
    cover = np.zeros((lists, lists))
    for (a, b), value in shared.items():
        cover[int(a), int(b)] = value / max(size[int(a)], 1.0)
    np.fill_diagonal(cover, 0.0)
    return np.minimum(cover, MAX_COVER)


def competition_weights(pairs: pd.DataFrame, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                        cover: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bits added to each pair's weight, competing candidates of each pair) from the exclusion of
    hypotheses above; pairs within one list have no competitors and gain nothing."""
    cross = left != right
    odds = np.exp2(np.clip(weight, -60.0, 60.0))
    frame = pd.DataFrame({"a": pairs["unique_id_l"].to_numpy(), "b": pairs["unique_id_r"].to_numpy(),
                          "la": left, "lb": right, "odds": odds})[cross]
    summed_a = frame.groupby(["a", "lb"])["odds"].transform("sum").to_numpy()
    summed_b = frame.groupby(["b", "la"])["odds"].transform("sum").to_numpy()
    rivals_a = frame.groupby(["a", "lb"])["odds"].transform("size").to_numpy()
    rivals_b = frame.groupby(["b", "la"])["odds"].transform("size").to_numpy()
    neither = 1.0 - (cover[frame["la"], frame["lb"]] + cover[frame["lb"], frame["la"]]) / 2
    o = frame["odds"].to_numpy()
    probability = o / (neither + summed_a + summed_b - o)
    new_weight = np.log2(probability) - np.log2(np.maximum(1.0 - probability, 1e-300))
    bits, rivals = np.zeros(len(pairs)), np.full(len(pairs), -1, dtype=np.int64)
    bits[cross] = new_weight - weight[cross]
    rivals[cross] = rivals_a + rivals_b - 2
    return bits, rivals


def list_aware(ids: Sequence[Hashable], pairs: pd.DataFrame, prior: float, threshold: float,
               lists: Mapping[Hashable, Hashable], say: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Pairs with the two list-aware terms added (gamma_/mw_ lists and competition) and match weight and
    probability recomputed; `pairs` carry weights under the global `prior`, settled by re-clustering."""
    if pairs.empty:
        return pairs
    ids = list(ids)
    left, right, names = _codes(pairs, lists)
    base = pairs["match_weight"].to_numpy(dtype=float)
    slim = pairs[["unique_id_l", "unique_id_r"]].copy()
    slim["match_probability"] = pairs["match_probability"].to_numpy()
    start = log_odds(prior)
    for number in range(1, ROUNDS + 1):
        assignment = cluster_records(ids, slim, threshold, lists=lists)
        frame = _record_lists(ids, lists, names, assignment)
        priors = list_pair_priors(frame, len(names))
        shift = np.log2(priors / (1 - priors)) - start
        moved = base + shift[left, right]
        bits, rivals = competition_weights(pairs, left, right, moved, coverage(frame, len(names)))
        weight = moved + bits
        slim["match_probability"] = 1.0 / (1.0 + np.exp2(-weight))
        if say:
            say(f"list-aware scores, round {number}: {int((slim['match_probability'] >= threshold).sum()):,} "
                f"pairs at or above {threshold}")
    out = pairs.copy()
    out["gamma_lists"] = (left != right).astype("int8")
    out["mw_lists"] = shift[left, right].astype("float32")
    out["gamma_competition"] = np.clip(rivals, -1, 127).astype("int8")
    out["mw_competition"] = bits.astype("float32")
    out["match_weight"] = weight
    out["match_probability"] = slim["match_probability"].to_numpy()
    return out


def pairs_within(assignment: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Every two records (smaller id left) of each cluster of MIN_SIZE or more records."""
    frame = pd.DataFrame({"record": list(assignment), "cluster": list(assignment.values())})
    frame = frame[frame["cluster"].map(frame["cluster"].value_counts()) >= MIN_SIZE]
    both = frame.merge(frame, on="cluster")
    both = both[both["record_x"] < both["record_y"]]
    return pd.DataFrame({"unique_id_l": both["record_x"].to_numpy(), "unique_id_r": both["record_y"].to_numpy()})


def within_cluster_pairs(assignment: Mapping[Hashable, Hashable], scored: Any, prior: float) -> pd.DataFrame:
    """Every two records of each large cluster scored by the run's model (`scored`: train.ScoredPairs, whose
    linker scores chosen pairs): unique_id_l, unique_id_r, match_probability under `prior`."""
    chosen = pairs_within(assignment)
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


def large_clusters(assignment: Mapping[Hashable, Hashable]) -> int:
    """Clusters of MIN_SIZE or more records (those checked whole)."""
    return sum(len(ids) >= MIN_SIZE for ids in members(assignment).values())


def clusters_after_scoring(keys: pd.DataFrame, scored: Any, threshold: float, review_lower: float,
                           must_link: list | None = None, cannot_link: list | None = None) -> dict:
    """link_frame's stages after scoring as they were (a fresh model): record id -> cluster key."""
    names = scored.ids
    ranks = pd.Index(names).get_indexer(keys["unique_id"]).tolist()
    lists = dict(zip(ranks, keys["source_list"], strict=True))
    pairs, fitted = scored.pairs, scored.model
    pairs, prior = calibrate_prior(ranks, pairs, fitted["probability_two_random_records_match"], threshold, lists)
    fitted = fitted | {"probability_two_random_records_match": prior}
    reachable = pairs[pairs["match_probability"] >= review_lower / LIST_AWARE_REACH].reset_index(drop=True)
    pairs = list_aware(ranks, reachable, prior, threshold, lists)
    pairs = pairs[pairs["match_probability"] >= review_lower].reset_index(drop=True)
    pairs = scored.with_terms(pairs, fitted["probability_two_random_records_match"])
    pairs = pairs.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)
    number = dict(zip(keys["unique_id"], ranks, strict=True))
    must = [(number[a], number[b]) for a, b in must_link or () if a in number and b in number]
    cannot = [(number[a], number[b]) for a, b in cannot_link or () if a in number and b in number]
    assignment = cluster_records(ranks, pairs, threshold, must, cannot, lists)
    vetoed: set[tuple[int, int]] = set()
    for _round in range(CLASH_ROUNDS):
        scored_within = within_cluster_pairs(assignment, scored, prior)
        found = set(vetoes(scored_within, must)) - vetoed
        if not found:
            break
        vetoed |= found
        assignment = cluster_records(ranks, pairs, threshold, must, cannot, lists, sorted(vetoed), VETO_BELOW)
    return {names[r]: names[c] for r, c in assignment.items()}
