"""Compiled loops of the linkage (Numba; imported when first needed, so importing the package stays quick).

The greedy single linkage under constraints of :func:`tollbook.link.cluster.cluster_ranks`, over the records of
the components where a constraint bites, numbered 0..k-1 component by component (so a join touches nearby
memory). The state is one int64 array, a row of eight fields per record (one cache line): union-find parent and
size, each cluster's members as a linked list (head, tail, next), a mask of the lists it
holds (bit list % 63: two clusters whose masks do not meet share no list, the common case), and the number of
cannot-links and vetoes touching its members. A cannot-link (or veto) forbids two clusters exactly when one of
its records is in each, so it is checked at each join against the other cluster's root (adjacency as CSR).

Around it, the passes of :func:`~tollbook.link.cluster.cluster_ranks` that see every record or pair: the
connected components of the strong pairs (a union-find), each named by its first record, the components where a
constraint can bite, and the strong pairs inside those. One pass each instead of a sparse graph and sorts.

And for :mod:`tollbook.link.competition`: a clustering's records tallied by list, cluster by cluster, and the
group sums, added as pandas' groupby sum adds them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PARENT, SIZE, HEAD, TAIL, NEXT, MASK, CANNOT, VETOED = range(8)
FIELDS = 8  # a record's fields fill one 64-byte cache line


@njit(cache=True, nogil=True)
def _root(state: np.ndarray, i: int) -> int:
    """The cluster root of record `i`, halving the path on the way."""
    while state[i, PARENT] != i:
        state[i, PARENT] = state[state[i, PARENT], PARENT]
        i = state[i, PARENT]
    return i


@njit(cache=True, nogil=True)
def _fresh(n: int, lists: np.ndarray, cannot_ptr: np.ndarray, veto_ptr: np.ndarray) -> np.ndarray:
    """Every record its own cluster."""
    state = np.empty((n, FIELDS), dtype=np.int64)
    for r in range(n):
        state[r, PARENT], state[r, SIZE], state[r, HEAD], state[r, TAIL], state[r, NEXT] = r, 1, r, r, -1
        state[r, MASK] = np.int64(1) << (lists[r] % 63) if lists[r] >= 0 else 0
        state[r, CANNOT] = cannot_ptr[r + 1] - cannot_ptr[r]
        state[r, VETOED] = veto_ptr[r + 1] - veto_ptr[r]
    return state


@njit(cache=True, nogil=True)
def _crosses(state: np.ndarray, row: int, pointer: np.ndarray, other: np.ndarray, ra: int, rb: int) -> bool:
    """True when some constraint (CSR `pointer`/`other`, counted per cluster in `row`) has one record in the
    cluster of root `ra` and the other in that of `rb`; walks the cluster touching fewer constraints."""
    if state[ra, row] == 0 or state[rb, row] == 0:
        return False
    if state[ra, row] > state[rb, row]:
        ra, rb = rb, ra
    member = state[ra, HEAD]
    while member >= 0:
        for k in range(pointer[member], pointer[member + 1]):
            if _root(state, other[k]) == rb:
                return True
        member = state[member, NEXT]
    return False


@njit(cache=True, nogil=True)
def _is_strong(strong: np.ndarray, n: int, x: int, y: int) -> bool:
    """True when x and y are a pair at or above the threshold (`strong`: sorted keys min * n + max)."""
    key = min(x, y) * n + max(x, y)
    at = np.searchsorted(strong, key)
    return at < strong.shape[0] and strong[at] == key


@njit(cache=True, nogil=True)
def _lists_clash(state: np.ndarray, lists: np.ndarray, strong: np.ndarray, ra: int, rb: int) -> bool:
    """True when the two clusters hold two records of one list that did not score as a match themselves."""
    n = state.shape[0]
    x = state[ra, HEAD]
    while x >= 0:
        if lists[x] >= 0:
            y = state[rb, HEAD]
            while y >= 0:
                if lists[y] == lists[x] and not _is_strong(strong, n, x, y):
                    return True
                y = state[y, NEXT]
        x = state[x, NEXT]
    return False


@njit(cache=True, nogil=True)
def _merge(state: np.ndarray, ra: int, rb: int) -> None:
    """Put the cluster of root `rb` under root `ra`."""
    state[rb, PARENT] = ra
    state[state[ra, TAIL], NEXT] = state[rb, HEAD]
    state[ra, TAIL] = state[rb, TAIL]
    for row in (SIZE, CANNOT, VETOED):
        state[ra, row] += state[rb, row]
    state[ra, MASK] |= state[rb, MASK]


@njit(cache=True, nogil=True)
def _join(state: np.ndarray, a: int, b: int, binding: bool, probability: float, veto_below: float,
          lists: np.ndarray, strong: np.ndarray, cannot: tuple, vetoed: tuple) -> None:
    """Merge the clusters of a and b unless a cannot-link lies between them, or (not binding) a veto does and
    the pair is below veto_below, or the join would put two records of one list together that did not match."""
    ra, rb = _root(state, a), _root(state, b)
    if ra == rb or _crosses(state, CANNOT, cannot[0], cannot[1], ra, rb):
        return
    if not binding:
        if probability < veto_below and _crosses(state, VETOED, vetoed[0], vetoed[1], ra, rb):
            return
        if (state[ra, MASK] & state[rb, MASK]) != 0 and _lists_clash(state, lists, strong, ra, rb):
            return
    if state[ra, SIZE] < state[rb, SIZE]:
        ra, rb = rb, ra
    _merge(state, ra, rb)


@njit(cache=True, nogil=True)
def _first_members(state: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Each record's cluster named by its member first in the callers' order (smallest `position`)."""
    n = state.shape[0]
    first = np.full(n, -1, dtype=np.int64)
    for r in range(n):
        root = _root(state, r)
        if first[root] < 0 or position[r] < position[first[root]]:
            first[root] = r
    labels = np.empty(n, dtype=np.int64)
    for r in range(n):
        labels[r] = first[_root(state, r)]
    return labels


@njit(cache=True, nogil=True)
def greedy_labels(position: np.ndarray, lists: np.ndarray, strong: np.ndarray, cannot: tuple, vetoed: tuple,
                  must: np.ndarray, ordered: tuple, veto_below: float) -> np.ndarray:
    """Cluster key (the number of its first record in the callers' order, `position`) of each record 0..k-1:
    must-links join first (binding), then the `ordered` pairs (left, right, probability; most probable first).
    `lists` by record (-1: none), `strong` the sorted keys of same-list pairs at or above the threshold, `cannot`
    and `vetoed` CSR adjacency (pointer, other) by record."""
    state = _fresh(position.shape[0], lists, cannot[0], vetoed[0])
    for k in range(must.shape[0]):
        _join(state, must[k, 0], must[k, 1], True, 1.0, veto_below, lists, strong, cannot, vetoed)
    left, right, probability = ordered
    for k in range(left.shape[0]):
        _join(state, left[k], right[k], False, probability[k], veto_below, lists, strong, cannot, vetoed)
    return _first_members(state, position)


@njit(cache=True, nogil=True)
def group_sums(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Sum of `values` by group (0..count-1), row by row with Kahan's compensation exactly as pandas' groupby
    sum adds them, so the list-aware scores are the bits they were."""
    sums, compensation = np.zeros(count), np.zeros(count)
    for i in range(values.shape[0]):
        g = groups[i]
        y = values[i] - compensation[g]
        t = sums[g] + y
        compensation[g] = t - sums[g] - y
        if compensation[g] != compensation[g]:  # an infinite value: pandas drops the compensation
            compensation[g] = 0.0
        sums[g] = t
    return sums


@njit(cache=True, nogil=True)
def _find(parent: np.ndarray, i: int) -> int:
    """The root of `i` in a plain union-find, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True, nogil=True)
def _unite(parent: np.ndarray, a: int, b: int) -> None:
    """Join the sets of a and b under the smaller root (any root names a component as well)."""
    ra, rb = _find(parent, a), _find(parent, b)
    if ra < rb:
        parent[rb] = ra
    elif rb < ra:
        parent[ra] = rb


@njit(cache=True, nogil=True)
def component_roots(n: int, left: np.ndarray, right: np.ndarray, strong: np.ndarray,
                    must: np.ndarray) -> tuple[np.ndarray, bool]:
    """(each of the n records' connected component as its root record, the links being the pairs
    (left[k], right[k]) where strong[k] and the must-links; False when a strong pair names a record outside
    0..n-1, the caller's error)."""
    parent = np.arange(n)
    for k in range(left.shape[0]):
        if strong[k]:
            if min(left[k], right[k]) < 0 or max(left[k], right[k]) >= n:
                return parent, False
            _unite(parent, left[k], right[k])
    for k in range(must.shape[0]):
        _unite(parent, must[k, 0], must[k, 1])
    for r in range(n):
        parent[r] = _find(parent, r)
    return parent, True


@njit(cache=True, nogil=True)
def first_in_order(component: np.ndarray, order: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Each record's component named by its first record in the callers' order (`order`, `position`: the
    records in that order and each one's place in it; `component` a root record per record)."""
    n = component.shape[0]
    first = np.full(n, n, dtype=np.int64)
    for r in range(n):
        first[component[r]] = min(first[component[r]], position[r])
    labels = np.empty(n, dtype=np.int64)
    for r in range(n):
        labels[r] = order[first[component[r]]]
    return labels


@njit(cache=True, nogil=True)
def repeated_lists(component: np.ndarray, lists: np.ndarray, by_list: np.ndarray, bites: np.ndarray) -> None:
    """Mark in `bites` (by root record) the components holding two records of one list; `by_list` holds the
    records with a list, ordered by list, so each list's records come together."""
    seen = np.full(component.shape[0], -1, dtype=np.int64)
    for r in by_list:
        c = component[r]
        if seen[c] == lists[r]:
            bites[c] = True
        seen[c] = lists[r]


@njit(cache=True, nogil=True)
def pairs_inside(left: np.ndarray, strong: np.ndarray, component: np.ndarray, bites: np.ndarray) -> np.ndarray:
    """The places of the strong pairs whose component bites (a pair's two records share one), in order."""
    count = 0
    for k in range(left.shape[0]):
        if strong[k] and bites[component[left[k]]]:
            count += 1
    places = np.empty(count, dtype=np.int64)
    count = 0
    for k in range(left.shape[0]):
        if strong[k] and bites[component[left[k]]]:
            places[count] = k
            count += 1
    return places


@njit(cache=True, nogil=True)
def in_pair_order(left: np.ndarray, right: np.ndarray) -> bool:
    """True when the pairs are sorted by left, then right record (ties allowed)."""
    for k in range(1, left.shape[0]):
        if left[k] < left[k - 1] or (left[k] == left[k - 1] and right[k] < right[k - 1]):
            return False
    return True


@njit(cache=True, nogil=True)
def _members_by_cluster(clusters: np.ndarray, lists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pointer by cluster key, the records with a list) as CSR: each cluster's listed records together."""
    n = clusters.shape[0]
    start = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        if lists[r] >= 0:
            start[clusters[r] + 1] += 1
    for c in range(n):
        start[c + 1] += start[c]
    members, fill = np.empty(start[n], dtype=np.int64), start[:-1].copy()
    for r in range(n):
        if lists[r] >= 0:
            members[fill[clusters[r]]] = r
            fill[clusters[r]] += 1
    return start, members


@njit(cache=True, nogil=True)
def list_tallies(clusters: np.ndarray, lists: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Summed over the clusters (`clusters`: cluster key by record, `lists`: list 0..count-1 by record, -1 left
    out), with k[a] a cluster's records of list a: (k[a]; k[a] * k[b], on the diagonal k[a] * (k[a] - 1) / 2;
    k[a] where k[b] > 0), as integers."""
    start, members = _members_by_cluster(clusters, lists)
    size, tally, present = np.zeros(count, np.int64), np.zeros(count, np.int64), np.empty(count, np.int64)
    matched, covered = np.zeros((count, count), np.int64), np.zeros((count, count), np.int64)
    for c in range(clusters.shape[0]):
        m = 0
        for k in range(start[c], start[c + 1]):
            a = lists[members[k]]
            if tally[a] == 0:
                present[m] = a
                m += 1
            tally[a] += 1
        for i in range(m):
            a = present[i]
            size[a] += tally[a]
            for j in range(m):
                b = present[j]
                covered[a, b] += tally[a]
                matched[a, b] += tally[a] * (tally[a] - 1) // 2 if a == b else tally[a] * tally[b]
        for i in range(m):
            tally[present[i]] = 0
    return size, matched, covered
