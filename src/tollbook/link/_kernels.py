"""Compiled loops of the linkage (Numba; imported when first needed, so importing the package stays quick).

The greedy single linkage under constraints of :func:`tollbook.link.cluster.cluster_ranks`, over records
numbered 0..n-1 (ranks). The state is one int64 array of rows by record:
union-find parent and size, each cluster's members as a linked list (head, tail, next), a mask of the lists it
holds (bit list % 63: two clusters whose masks do not meet share no list, the common case), and the number of
cannot-links and vetoes touching its members. A cannot-link (or veto) forbids two clusters exactly when one of
its records is in each, so it is checked at each join against the other cluster's root (adjacency as CSR).

And the group sums of :mod:`tollbook.link.competition`, added as pandas' groupby sum adds them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PARENT, SIZE, HEAD, TAIL, NEXT, MASK, CANNOT, VETOED = range(8)
ROWS = 8


@njit(cache=True, nogil=True)
def _root(state: np.ndarray, i: int) -> int:
    """The cluster root of record `i`, halving the path on the way."""
    parent = state[PARENT]
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True, nogil=True)
def _fresh(n: int, inside: np.ndarray, lists: np.ndarray, cannot_ptr: np.ndarray,
           veto_ptr: np.ndarray) -> np.ndarray:
    """Every record of `inside` its own cluster (rows of other records are never read)."""
    state = np.empty((ROWS, n), dtype=np.int64)
    for r in inside:
        state[PARENT, r], state[SIZE, r], state[HEAD, r], state[TAIL, r], state[NEXT, r] = r, 1, r, r, -1
        state[MASK, r] = np.int64(1) << (lists[r] % 63) if lists[r] >= 0 else 0
        state[CANNOT, r] = cannot_ptr[r + 1] - cannot_ptr[r]
        state[VETOED, r] = veto_ptr[r + 1] - veto_ptr[r]
    return state


@njit(cache=True, nogil=True)
def _crosses(state: np.ndarray, row: int, pointer: np.ndarray, other: np.ndarray, ra: int, rb: int) -> bool:
    """True when some constraint (CSR `pointer`/`other`, counted per cluster in `row`) has one record in the
    cluster of root `ra` and the other in that of `rb`; walks the cluster touching fewer constraints."""
    if state[row, ra] == 0 or state[row, rb] == 0:
        return False
    if state[row, ra] > state[row, rb]:
        ra, rb = rb, ra
    member = state[HEAD, ra]
    while member >= 0:
        for k in range(pointer[member], pointer[member + 1]):
            if _root(state, other[k]) == rb:
                return True
        member = state[NEXT, member]
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
    n = state.shape[1]
    x = state[HEAD, ra]
    while x >= 0:
        if lists[x] >= 0:
            y = state[HEAD, rb]
            while y >= 0:
                if lists[y] == lists[x] and not _is_strong(strong, n, x, y):
                    return True
                y = state[NEXT, y]
        x = state[NEXT, x]
    return False


@njit(cache=True, nogil=True)
def _merge(state: np.ndarray, ra: int, rb: int) -> None:
    """Put the cluster of root `rb` under root `ra`."""
    state[PARENT, rb] = ra
    state[NEXT, state[TAIL, ra]] = state[HEAD, rb]
    state[TAIL, ra] = state[TAIL, rb]
    for row in (SIZE, CANNOT, VETOED):
        state[row, ra] += state[row, rb]
    state[MASK, ra] |= state[MASK, rb]


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
        if (state[MASK, ra] & state[MASK, rb]) != 0 and _lists_clash(state, lists, strong, ra, rb):
            return
    if state[SIZE, ra] < state[SIZE, rb]:
        ra, rb = rb, ra
    _merge(state, ra, rb)


@njit(cache=True, nogil=True)
def _first_members(state: np.ndarray, inside: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Each record's cluster named by its member first in the callers' order (smallest `position`)."""
    first = np.empty(state.shape[1], dtype=np.int64)
    for r in inside:
        first[_root(state, r)] = -1
    for r in inside:
        root = _root(state, r)
        if first[root] < 0 or position[r] < position[first[root]]:
            first[root] = r
    labels = np.empty(inside.shape[0], dtype=np.int64)
    for k in range(inside.shape[0]):
        labels[k] = first[_root(state, inside[k])]
    return labels


@njit(cache=True, nogil=True)
def greedy_labels(inside: np.ndarray, position: np.ndarray, lists: np.ndarray, strong: np.ndarray,
                  cannot: tuple, vetoed: tuple, must: np.ndarray, ordered: tuple,
                  veto_below: float) -> np.ndarray:
    """Cluster key (a rank) of each record of `inside`: must-links join first (binding), then the `ordered`
    pairs (left, right, probability; most probable first). `lists` by rank (-1: none), `strong` the sorted keys
    of same-list pairs at or above the threshold, `cannot` and `vetoed` CSR adjacency (pointer, other) by rank."""
    state = _fresh(position.shape[0], inside, lists, cannot[0], vetoed[0])
    for k in range(must.shape[0]):
        _join(state, must[k, 0], must[k, 1], True, 1.0, veto_below, lists, strong, cannot, vetoed)
    left, right, probability = ordered
    for k in range(left.shape[0]):
        _join(state, left[k], right[k], False, probability[k], veto_below, lists, strong, cannot, vetoed)
    return _first_members(state, inside, position)


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
