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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tollbook.link.calibrate import log_odds, probability_of
from tollbook.link.cluster import Ranked, cluster_ranks, ranked_pairs

ROUNDS = 3
MAX_COVER = 0.95  # a list naming every person of another leaves "neither" some weight
LABELS = {"lists": ("two records of one list (a list rarely names a person twice)", "records of two lists"),
          "competition": "other candidates on either list"}


def list_codes(records: Ranked, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, int]:
    """(each rank's list as a code among the lists of the pairs' records, -1 for lists in no pair; the number of
    those lists); lists are named by their text and coded in its sorted order."""
    names = records.list_names if records.list_names is not None else np.empty(0, dtype=object)
    text = [str(name) for name in names] + ["None"]  # code -1 (no list) is the last, read "None"
    lists = records.lists if records.lists is not None else np.full(records.size, -1, dtype=np.int64)
    seen = np.bincount(lists[left] + 1, minlength=len(text)) + np.bincount(lists[right] + 1, minlength=len(text))
    present = sorted({text[code - 1] for code in np.flatnonzero(seen).tolist()})  # code -1 at 0, read "None"
    index = {name: i for i, name in enumerate(present)}
    coded = np.array([index.get(name, -1) for name in text], dtype=np.int64)
    return coded[lists], len(present)


@dataclass(frozen=True)
class ListTallies:
    """A clustering's records counted by list, summed over its clusters ([a, b] arrays over lists a, b)."""

    size: np.ndarray  # records of each list
    matched: np.ndarray  # pairs of a record of a and one of b sharing a cluster (a = b: two records of a)
    covered: np.ndarray  # records of a whose cluster holds a record of b


def list_tallies(clusters: np.ndarray, lists: np.ndarray, count: int) -> ListTallies:
    """The tallies of the clustering (`clusters`: cluster key by rank; `lists` by rank, of `count` lists; records
    of lists in no pair, -1, left out), counted cluster by cluster in one compiled pass."""
    from tollbook.link import _kernels

    size, matched, covered = _kernels.list_tallies(clusters, lists, count)
    return ListTallies(size.astype(float), matched.astype(float), covered)


def list_pair_priors(tallies: ListTallies) -> np.ndarray:
    """[a, b]: matching pairs between lists a and b in the clustering over all pairs between them (within a
    list: its pairs of records); at least one match per pair of lists, so a prior is never zero."""
    size = tallies.size
    total = np.outer(size, size)
    np.fill_diagonal(total, size * (size - 1) / 2)
    return np.maximum(tallies.matched, 1.0) / np.maximum(total, 1.0)


def coverage(tallies: ListTallies) -> np.ndarray:
    """[a, b]: the share of list a's records whose cluster holds a record of list b (capped at MAX_COVER)."""
    cover = tallies.covered / np.maximum(tallies.size, 1.0)[:, None]
    np.fill_diagonal(cover, 0.0)
    return np.minimum(cover, MAX_COVER)


DENSE_SLACK = 1 << 22  # keys up to 4 million past the number of keys are coded through a table of them all


def dense_codes(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """(the code of each key, the number of distinct keys): codes 0..k-1 in the keys' sorted order, as
    np.unique's inverse; small non-negative keys (record * lists + list) are coded by a table, without a sort."""
    if not len(keys) or keys.min() < 0 or keys.max() >= 4 * len(keys) + DENSE_SLACK:
        distinct, codes = np.unique(keys, return_inverse=True)
        return codes.reshape(-1).astype(np.int64), len(distinct)
    present = np.zeros(int(keys.max()) + 1, dtype=bool)
    present[keys] = True
    code = np.cumsum(present, dtype=np.int32 if len(present) < 2**31 else np.int64)  # half the memory to gather
    return code[keys].astype(np.int64) - 1, int(code[-1])


@dataclass(frozen=True)
class Rivals:
    """The pairs between two lists, each with its group of candidates: the left record's on the right
    record's list (`of_left`) and the right record's on the left's (`of_right`)."""

    cross: np.ndarray  # mask over all pairs
    lists: np.ndarray  # the left and right records' lists of each cross pair, as one index into a flat matrix
    of_left: tuple[np.ndarray, int]  # (group of each cross pair, number of groups)
    of_right: tuple[np.ndarray, int]

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray, la: np.ndarray, lb: np.ndarray, count: int) -> Rivals:
        """Group the cross-list pairs (left[k], right[k]) of lists (la[k], lb[k]) by record and other list."""
        cross = la != lb

        def grouped(record: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, int]:
            return dense_codes(record[cross] * count + other[cross])

        return cls(cross, la[cross] * count + lb[cross], grouped(left, lb), grouped(right, la))

    def counts(self) -> np.ndarray:
        """Competing candidates of each pair (-1 for a pair within one list)."""
        rivals = np.full(len(self.cross), -1, dtype=np.int64)
        rivals[self.cross] = (np.bincount(self.of_left[0])[self.of_left[0]]
                              + np.bincount(self.of_right[0])[self.of_right[0]] - 2)
        return rivals


def competition_weights(rivals: Rivals, weight: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Bits added to each pair's weight from the exclusion of hypotheses above; pairs within one list have no
    competitors and gain nothing."""
    from tollbook.link._kernels import group_sums

    cross = rivals.cross
    crossing = weight[cross]
    odds = np.exp2(np.clip(crossing, -60.0, 60.0))
    rest = (1.0 - (cover + cover.T) / 2).ravel()[rivals.lists]  # "neither"; the sums below added in place,
    rest += group_sums(rivals.of_left[0], odds, rivals.of_left[1])[rivals.of_left[0]]  # in the same order
    rest += group_sums(rivals.of_right[0], odds, rivals.of_right[1])[rivals.of_right[0]]
    rest -= odds
    probability = np.divide(odds, rest, out=rest)
    against = np.maximum(np.subtract(1.0, probability, out=odds), 1e-300, out=odds)
    new_weight = np.subtract(np.log2(probability, out=probability), np.log2(against, out=against), out=against)
    bits = np.zeros(len(weight))
    bits[cross] = np.subtract(new_weight, crossing, out=new_weight)
    return bits



def list_aware(ids: Sequence[Hashable] | Ranked, pairs: pd.DataFrame, prior: float, threshold: float,
               lists: Mapping[Hashable, Hashable] | None, say: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Pairs with the two list-aware terms added (gamma_/mw_ lists and competition) and match weight and
    probability recomputed; `pairs` carry weights under the global `prior`, settled by re-clustering. `ids` are
    the record ids with `lists` (id -> list), or the records as Ranked when the pairs name them by rank."""
    if pairs.empty:
        return pairs
    records, left, right = ranked_pairs(ids, lists, pairs)
    scores = pairs["match_weight"].to_numpy(dtype=float), pairs["match_probability"].to_numpy()
    return pairs.assign(**list_aware_terms(records, (left, right), scores, prior, threshold, say))


def _round_terms(counts: ListTallies, base: np.ndarray, of_pair: np.ndarray, rivals: Rivals, start: float,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round's (bits of each pair's lists, its weight moved by them, bits of its competition) from the
    clustering's list tallies; `base` the weights under the global prior, of log-odds `start`."""
    priors = list_pair_priors(counts)
    lists_bits = (np.log2(priors / (1 - priors)) - start).ravel()[of_pair]
    moved = base + lists_bits
    return lists_bits, moved, competition_weights(rivals, moved, coverage(counts))


def list_aware_terms(records: Ranked, ends: tuple[np.ndarray, np.ndarray], scores: tuple[np.ndarray, np.ndarray],
                     prior: float, threshold: float, say: Callable[[str], None] | None = None,
                     ) -> dict[str, np.ndarray]:
    """The columns :func:`list_aware` sets, as arrays over the pairs (`ends`: left and right ranks; `scores`:
    match weight and probability under the global `prior`; at least one pair)."""
    left, right = ends
    by_rank, count = list_codes(records, left, right)
    la, lb = by_rank[left], by_rank[right]
    of_pair = la * count + lb  # each pair's two lists, as an index into a flat matrix
    base, probability = scores
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tollbook-rivals") as pool:
        grouping = pool.submit(Rivals.of, left, right, la, lb, count)  # grouped while the first round clusters
        for number in range(1, ROUNDS + 1):
            counts = list_tallies(cluster_ranks(records, left, right, probability, threshold), by_rank, count)
            lists_bits, moved, bits = _round_terms(counts, base, of_pair, grouping.result(), log_odds(prior))
            weight = moved + bits
            probability = probability_of(weight)
            if say:
                say(f"list-aware scores, round {number}: {int((probability >= threshold).sum()):,} "
                    f"pairs at or above {threshold}")
    rivals = grouping.result()
    return {"gamma_lists": (la != lb).astype("int8"), "mw_lists": lists_bits.astype("float32"),
            "gamma_competition": np.clip(rivals.counts(), -1, 127).astype("int8"),
            "mw_competition": bits.astype("float32"), "match_weight": weight, "match_probability": probability}
