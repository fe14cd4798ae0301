"""Clusters of records from scored pairs, with reviewers' must-link / cannot-link decisions, and stable person ids.

Clustering is greedy single linkage: must-links join first, then pairs from the most to the least probable join
unless a cannot-link lies between the two clusters, or (when each record's list is given) unless the join would
put two records of one list in a cluster without those two scoring as one person themselves: a list rarely
names a person twice, so namesakes do not chain through a third record. Without cannot-links or lists this
equals connected components.

The linkage numbers its records 0..n-1 (ranks) and clusters arrays (:class:`Ranked`, :func:`cluster_ranks`):
connected components, then the greedy inside the components where a constraint can bite, both compiled with
Numba (:mod:`._kernels`). :func:`cluster_records` takes any ids, numbers them in sorted order (so
tied pairs still break by the ids) and maps the clusters back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

Pair = tuple[Hashable, Hashable]


EMPTY_PAIRS = np.empty((0, 2), dtype=np.int64)
SPLIT_AT = 50_000  # records in constrained components from which the greedy runs on two threads


@dataclass(frozen=True)
class Ranked:
    """Records numbered 0..n-1 (ranks). `order` holds the ranks in the callers' order of records, which names
    each cluster (by its first record); `lists` each rank's list as a code (-1: none; None: no list constraint)
    and `list_names` the list of each code."""

    order: np.ndarray
    lists: np.ndarray | None = None
    list_names: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Number of records."""
        return len(self.order)

    @cached_property
    def position(self) -> np.ndarray:
        """Each rank's place in `order`."""
        position = np.empty(self.size, dtype=np.int64)
        position[self.order] = np.arange(self.size)
        return position

    @cached_property
    def by_list(self) -> np.ndarray:
        """The ranks with a list, ordered by list (each list's records together); empty without lists."""
        if self.lists is None:
            return np.empty(0, dtype=np.int64)
        listed = np.flatnonzero(self.lists >= 0)
        return listed[np.argsort(self.lists[listed], kind="stable")]

    @classmethod
    def of(cls, order: Iterable[int], lists: Iterable[Hashable] | None = None) -> Ranked:
        """Records by rank from their ranks in the callers' order and (optionally) their lists in that order."""
        ranks = np.asarray(order, dtype=np.int64)
        if lists is None:
            return cls(ranks)
        codes, names = pd.factorize(lists if isinstance(lists, pd.Series) else pd.Series(list(lists), dtype=object))
        by_rank = np.empty(len(ranks), dtype=np.int64)
        by_rank[ranks] = codes
        return cls(ranks, by_rank, np.asarray(names, dtype=object))


@dataclass(frozen=True)
class Constraints:
    """Reviewers' decisions and vetoes as (k, 2) arrays of ranks: must-links join first whatever the scores,
    cannot-links never join, vetoes bind only joins through pairs below `veto_below`."""

    must: np.ndarray = field(default_factory=lambda: EMPTY_PAIRS)
    cannot: np.ndarray = field(default_factory=lambda: EMPTY_PAIRS)
    vetoes: np.ndarray = field(default_factory=lambda: EMPTY_PAIRS)
    veto_below: float = 0.5


def as_pairs(pairs: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Pairs of ranks as a (k, 2) int64 array."""
    array = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    return array.reshape(-1, 2)


def cluster_ranks(records: Ranked, left: np.ndarray, right: np.ndarray, probability: np.ndarray,
                  threshold: float, constraints: Constraints | None = None) -> np.ndarray:
    """The cluster key of each rank (the rank of its cluster's first record in `records.order`): a pair
    (left[k], right[k]) joins when probability[k] ≥ threshold and no constraint forbids it (see the module).

    Joins never cross connected components of the strong pairs, so the greedy runs only inside components
    where a constraint can bite (two records of one list, or a cannot-link or veto); the rest are their
    components."""
    from tollbook.link._kernels import component_roots, first_in_order, pairs_inside

    decided = constraints or Constraints()
    strong = np.asarray(probability) >= threshold
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    must, cannot, vetoes = (_known(records.size, p) for p in (decided.must, decided.cannot, decided.vetoes))
    component, known = component_roots(records.size, left, right, strong, must)
    if not known:
        raise ValueError("a scored pair names a record id that is not among the records")
    labels = first_in_order(component, records.order, records.position)
    if not len(cannot) and not len(vetoes) and records.lists is None:
        return labels
    bites = _constrained_components(component, records, np.concatenate([cannot, vetoes]))
    if not bites.any():
        return labels
    inside = np.flatnonzero(bites[component])
    inside = inside[np.argsort(component[inside], kind="stable")]  # a component's records side by side
    at = pairs_inside(left, strong, component, bites)
    strong_inside = (left[at], right[at], np.asarray(probability, np.float64)[at])
    for part, keys in _greedy_in_halves(records, component, inside, strong_inside, (must, cannot, vetoes),
                                        decided.veto_below):
        labels[part] = part[keys]
    return labels


def _greedy_in_halves(records: Ranked, component: np.ndarray, inside: np.ndarray,
                      strong: tuple[np.ndarray, np.ndarray, np.ndarray], decided: tuple[np.ndarray, ...],
                      veto_below: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(records, each one's cluster key as its place among them)] of the greedy over the records `inside` (by
    component) and the strong pairs among them: with SPLIT_AT records or more, over two halves of the
    components on two threads (the compiled loop releases the GIL; no join crosses a component, so the halves
    cluster as the whole would)."""
    roots = component[inside]
    cut = int(np.searchsorted(roots, roots[len(inside) // 2]))  # where the middle record's component starts
    if len(inside) < SPLIT_AT or cut == 0:
        return [(inside, _greedy(records, inside, strong, decided, veto_below))]
    first = component[strong[0]] < roots[cut]
    halves = [(inside[:cut], tuple(a[first] for a in strong)), (inside[cut:], tuple(a[~first] for a in strong))]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tollbook-greedy") as pool:
        later = pool.submit(_greedy, records, *halves[1], decided, veto_below)
        keys = _greedy(records, *halves[0], decided, veto_below)
        return [(halves[0][0], keys), (halves[1][0], later.result())]


def _greedy(records: Ranked, inside: np.ndarray, strong: tuple[np.ndarray, np.ndarray, np.ndarray],
            decided: tuple[np.ndarray, ...], veto_below: float) -> np.ndarray:
    """The greedy over the records `inside` (all of some components, one component's records side by side) and
    the strong pairs among them, renumbered 0..k-1 in that order for the compiled loop; returns each one's
    cluster key as its place in `inside`. `decided`: (must, cannot, vetoes) as ranks."""
    from tollbook.link._kernels import greedy_labels

    number = np.full(records.size, -1, dtype=np.int64)
    number[inside] = np.arange(len(inside))
    by_rank = _most_probable_first(*strong)  # ties by rank, as ever
    ordered = (number[by_rank[0]], number[by_rank[1]], by_rank[2])
    lists = records.lists[inside] if records.lists is not None else np.full(len(inside), -1, dtype=np.int64)
    must, cannot, vetoes = (number[_between(pairs, number >= 0)] for pairs in decided)
    position = records.position[inside]
    return greedy_labels(position, lists, _same_list_keys(ordered[0], ordered[1], lists, len(inside)),
                         _adjacency(len(inside), cannot), _adjacency(len(inside), vetoes), must, ordered,
                         float(veto_below))


def _known(n: int, pairs: np.ndarray) -> np.ndarray:
    """The pairs of ranks whose two records are among the n records."""
    pairs = as_pairs(pairs)
    return pairs[((pairs >= 0) & (pairs < n)).all(axis=1)]


def _between(pairs: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """The pairs whose two records are inside (a mask by rank)."""
    return pairs[inside[pairs[:, 0]] & inside[pairs[:, 1]]]


def _constrained_components(component: np.ndarray, records: Ranked, forbidden: np.ndarray) -> np.ndarray:
    """By component (its root record, `component` giving each record's): True where it holds two records of
    one list or both records of a cannot-link (or veto); only there may the greedy clustering differ from the
    component."""
    from tollbook.link._kernels import repeated_lists

    bites = np.zeros(len(component), dtype=bool)
    same = component[forbidden[:, 0]] == component[forbidden[:, 1]]
    bites[component[forbidden[same, 0]]] = True
    if records.lists is not None:
        repeated_lists(component, records.lists, records.by_list, bites)
    return bites


def _most_probable_first(left: np.ndarray, right: np.ndarray, probability: np.ndarray) -> tuple:
    """The pairs from the most to the least probable; ties by left, then right record (pairs already in that
    order need only a stable sort by probability)."""
    from tollbook.link._kernels import in_pair_order

    if in_pair_order(left, right):
        order = np.argsort(np.negative(probability), kind="stable")
    else:
        order = np.lexsort((right, left, -probability))
    return left[order], right[order], probability[order]


def _same_list_keys(left: np.ndarray, right: np.ndarray, lists: np.ndarray, n: int) -> np.ndarray:
    """Sorted keys (min * n + max) of the pairs between two records of one list: such two may share a
    cluster only where they scored as a match themselves."""
    same = (lists[left] == lists[right]) & (lists[left] >= 0)
    low, high = np.minimum(left[same], right[same]), np.maximum(left[same], right[same])
    return np.unique(low * n + high)


def _adjacency(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both directions of the pairs as CSR (pointer by rank, the other records)."""
    source = np.concatenate([pairs[:, 0], pairs[:, 1]])
    other = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(source, kind="stable")
    pointer = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=pointer[1:])
    return pointer, other[order].astype(np.int64)


@dataclass(frozen=True)
class _Named:
    """Record ids numbered by rank in their sorted order (so ties between pairs break as by the ids)."""

    records: Ranked
    ids: np.ndarray  # id by rank
    index: pd.Index

    @classmethod
    def of(cls, ids: Iterable[Hashable], lists: Mapping[Hashable, Hashable] | None) -> _Named:
        """The distinct ids, their ranks and (when given) their lists."""
        distinct = pd.unique(pd.Series(list(ids), dtype=object))
        try:
            by_rank = np.sort(distinct)
        except TypeError:  # ids of mixed types keep their order
            by_rank = distinct
        index = pd.Index(by_rank, dtype=object)
        order = index.get_indexer(distinct)
        records = Ranked.of(order, None if lists is None else [lists.get(i) for i in distinct])
        return cls(records, by_rank, index)

    def ranks(self, values: Iterable[Hashable]) -> np.ndarray:
        """The ranks of ids (-1 where unknown)."""
        return self.index.get_indexer(pd.Index(list(values) if not isinstance(values, pd.Series) else values,
                                               dtype=object)).astype(np.int64)

    def pairs(self, pairs: Iterable[Pair]) -> np.ndarray:
        """Pairs of ids as ranks (-1 where unknown)."""
        pairs = list(pairs)
        return np.column_stack([self.ranks([a for a, _ in pairs]), self.ranks([b for _, b in pairs])])

    def assignment(self, labels: np.ndarray) -> dict[Hashable, Hashable]:
        """Record id -> cluster key, in the callers' order."""
        order = self.records.order
        return dict(zip(self.ids[order].tolist(), self.ids[labels[order]].tolist(), strict=True))


def ranked_pairs(ids: Iterable[Hashable] | Ranked, lists: Mapping[Hashable, Hashable] | None,
                 pairs: pd.DataFrame) -> tuple[Ranked, np.ndarray, np.ndarray]:
    """(the records as Ranked, each pair's left and right rank): `ids` (with `lists`, id -> list) are numbered in
    sorted order, or are already Ranked, the pairs naming records by rank."""
    if isinstance(ids, Ranked):
        return ids, pairs["unique_id_l"].to_numpy(dtype=np.int64), pairs["unique_id_r"].to_numpy(dtype=np.int64)
    named = _Named.of(ids, lists)
    return named.records, named.ranks(pairs["unique_id_l"]), named.ranks(pairs["unique_id_r"])


def cluster_records(ids: Iterable[Hashable], pairs: pd.DataFrame, threshold: float,
                    must_link: Iterable[Pair] = (), cannot_link: Iterable[Pair] = (),
                    lists: Mapping[Hashable, Hashable] | None = None, vetoes: Iterable[Pair] = (),
                    veto_below: float = 0.5) -> dict[Hashable, Hashable]:
    """Map every record id to a cluster key (its cluster's first record in the order of `ids`); pairs need columns
    unique_id_l, unique_id_r, match_probability; a pair joins when its probability is ≥ threshold and no
    constraint forbids it. `lists` (record id -> its list) turns on the one-record-per-list constraint;
    `vetoes` are cannot-links that bind only joins through pairs below `veto_below` (the model's doubt).
    The ids are numbered and clustered by :func:`cluster_ranks`."""
    named = _Named.of(ids, lists)
    decided = Constraints(named.pairs(must_link), named.pairs(cannot_link), named.pairs(vetoes), veto_below)
    labels = cluster_ranks(named.records, named.ranks(pairs["unique_id_l"]), named.ranks(pairs["unique_id_r"]),
                           pairs["match_probability"].to_numpy(dtype=np.float64), threshold, decided)
    return named.assignment(labels)


def connected_components(ids: Iterable[Hashable], links: pd.DataFrame, must_link: list[Pair]) -> dict:
    """Connected components of the links plus must-links (no constraints to respect), named as clusters are."""
    named = _Named.of(ids, None)
    must = _known(named.records.size, named.pairs(must_link))
    labels = cluster_ranks(named.records, named.ranks(links["unique_id_l"]), named.ranks(links["unique_id_r"]),
                           np.ones(len(links)), 0.0, Constraints(must=must))
    return named.assignment(labels)


def members(assignment: Mapping[Hashable, Hashable]) -> dict[Hashable, frozenset]:
    """Cluster key -> the frozenset of its record ids."""
    groups: dict[Hashable, set] = {}
    for record, key in assignment.items():
        groups.setdefault(key, set()).add(record)
    return {key: frozenset(ids) for key, ids in groups.items()}


def fresh_public_id(record_ids: Iterable[Hashable]) -> str:
    """A new person id derived from the cluster's records, so one input always gives the same ids."""
    digest = hashlib.sha256(",".join(sorted(str(i) for i in record_ids)).encode()).hexdigest()
    return f"P-{digest[:10].upper()}"


@dataclass(frozen=True)
class IdAssignment:
    """Public ids of the new clusters and what happened to the old ones."""

    ids: dict[Hashable, str]  # new cluster key -> public id
    kept: int  # clusters whose records did not change
    inherited: int  # changed clusters that took the id of their larger overlapping old cluster
    new: int


def assign_public_ids(new: Mapping[Hashable, frozenset], old: Mapping[str, frozenset]) -> IdAssignment:
    """Give each new cluster a public id: unchanged clusters keep theirs; a changed one takes the id of the
    largest old cluster it overlaps that no closer cluster claimed; the rest get fresh ids."""
    by_records = {records: pid for pid, records in old.items()}
    ids = {key: by_records[records] for key, records in new.items() if records in by_records}
    kept, taken = len(ids), set(ids.values())
    for key, pid in _inheritance(new, old, ids, taken):
        ids[key] = pid
    inherited = len(ids) - kept
    used = set(old) | set(ids.values())
    for key, records in new.items():
        if key not in ids:
            ids[key] = _unused(fresh_public_id(records), used)
            used.add(ids[key])
    return IdAssignment(ids, kept, inherited, len(new) - kept - inherited)


def _inheritance(new: Mapping[Hashable, frozenset], old: Mapping[str, frozenset], done: Mapping[Hashable, str],
                 taken: set[str]) -> list[tuple[Hashable, str]]:
    """(new key, old id) choices, best first: larger old cluster, then larger overlap; each side used once."""
    owner = {record: pid for pid, records in old.items() if pid not in taken for record in records}
    candidates = []
    for key, records in new.items():
        if key in done:
            continue
        overlaps: dict[str, int] = {}
        for record in records:
            if record in owner:
                overlaps[owner[record]] = overlaps.get(owner[record], 0) + 1
        candidates += [(-len(old[pid]), -shared, str(key), pid, key) for pid, shared in overlaps.items()]
    chosen: list[tuple[Hashable, str]] = []
    used_keys: set[Hashable] = set()
    for *_rank, pid, key in sorted(candidates):
        if key not in used_keys and pid not in taken:
            chosen.append((key, pid))
            used_keys.add(key)
            taken.add(pid)
    return chosen


def _unused(candidate: str, existing: set[str]) -> str:
    """The candidate id, suffixed if some other person already holds it."""
    suffix, pid = 1, candidate
    while pid in existing:
        suffix += 1
        pid = f"{candidate}-{suffix}"
    return pid
