"""List-aware scores: the prior of each pair of lists, and the candidates competing for a record weighed together.

Splink scores each pair alone, with one prior for all pairs. Two facts about victim lists change that:

- A list rarely names a person twice (within-list duplicates are a few percent) while two lists share many of
  their persons, so a pair from one list is far less likely a match than a pair from two lists: each pair of
  lists gets its own prior, its share of matching pairs in the current clustering (the global prior's
  fixed point of :mod:`tollbook.link.calibrate`, split by lists).
- A record has at most one match on another list. Among its candidates there (each with posterior odds o)
  and the other record's candidates on its list, the hypotheses "this pair", "one of the competing pairs" and
  "neither record is on the other's list" exclude each other, so the pair's probability is
  o / (1 - c + S_a + S_b - o), with S the summed odds of each record's candidates on the other's list and c the
  share of records of one list whose person the other list names. A record that is the only namesake of its
  kind on that list (S = o) gains by 1 / (1 - c); one among many namesakes loses to them.

Both are extra terms of the pair's match weight (``mw_lists``, ``mw_competition``), so the review waterfall
still adds up to the stored weight. They are settled by re-clustering a few rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from tollbook.link.calibrate import log_odds
from tollbook.link.cluster import cluster_records

ROUNDS = 3
MAX_COVER = 0.95  # a list naming every person of another leaves "neither" some weight
LABELS = {"lists": ("two records of one list (a list rarely names a person twice)", "records of two lists"),
          "competition": "other candidates on either list"}


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
