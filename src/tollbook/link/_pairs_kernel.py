"""Compiled pair generation for blocking.blocked_pairs: each record paired with the later records of its groups,
rule by rule, a pair kept only by the first rule that blocks it, so no pair is generated twice and no sort of all
pairs is needed to remove duplicates.

Records are numbered by position in id order. `coded[p, r]` holds position p's group under rule r and whether it
lacks rule r's missing column, in one integer (2 * group + lacking; -1 where a column of the rule is null), so
checking the earlier rules of a pair reads one row per record. Each rule's groups are lists of positions in
ascending order (`members`, cut by `starts`), so a record's partners come out in ascending order per rule and only
one record's partners (a few dozen) are sorted at a time. Everything here is Numba ``nopython`` code.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def group_lists(coded: np.ndarray, residual: np.ndarray, group_counts: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every rule's groups as lists of positions in ascending order, in one flat array: (members, starts,
    lacking_members, lacking_starts, slots). Group g of rule r is members[starts[first[r] + g]:starts[first[r] +
    g + 1]] with first[r] the sum of the earlier rules' group counts plus r; the lacking lists hold the members
    that lack a residual rule's missing column; slots[p, r] is p's index in members (-1: in no group)."""
    count, rules = coded.shape
    first = np.zeros(rules + 1, dtype=np.int64)
    for rule in range(rules):
        first[rule + 1] = first[rule] + group_counts[rule] + 1
    starts = np.zeros(first[rules], dtype=np.int64)
    lacking_starts = np.zeros(first[rules], dtype=np.int64)
    for rule in range(rules):  # group sizes, then where each group starts
        for p in range(count):
            value = coded[p, rule]
            if value >= 0:
                starts[first[rule] + (value >> 1) + 1] += 1
                if residual[rule] and value & 1:
                    lacking_starts[first[rule] + (value >> 1) + 1] += 1
    total, lacking_total = 0, 0
    for index in range(first[rules]):
        total += starts[index]
        lacking_total += lacking_starts[index]
        starts[index] = total
        lacking_starts[index] = lacking_total
    members = np.empty(total, dtype=np.int32)
    lacking_members = np.empty(lacking_total, dtype=np.int32)
    slots = np.full((count, rules), -1, dtype=np.int64)
    filled = starts.copy()
    lacking_filled = lacking_starts.copy()
    for rule in range(rules):  # positions in ascending order: each list comes out sorted
        for p in range(count):
            value = coded[p, rule]
            if value >= 0:
                at = first[rule] + (value >> 1)
                members[filled[at]] = p
                slots[p, rule] = filled[at]
                filled[at] += 1
                if residual[rule] and value & 1:
                    lacking_members[lacking_filled[at]] = p
                    lacking_filled[at] += 1
    return members, starts, lacking_members, lacking_starts, slots


@njit(cache=True)
def _blocked_before(coded: np.ndarray, residual: np.ndarray, p: int, q: int, rule: int) -> bool:
    """Whether a rule before `rule` blocks the pair (p, q): both give its columns alike (and, for a residual
    rule, one of them lacks its missing column)."""
    for earlier in range(rule):
        mine, theirs = coded[p, earlier], coded[q, earlier]
        agree = mine >= 0 and theirs >= 0 and (mine >> 1) == (theirs >> 1)
        if agree and (not residual[earlier] or (mine | theirs) & 1):
            return True
    return False


@njit(cache=True)
def _first_after(members: np.ndarray, low: int, high: int, p: int) -> int:
    """Index of the first member after position p in members[low:high] (ascending): a binary search."""
    while low < high:
        middle = (low + high) // 2
        if members[middle] <= p:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True)
def rule_pairs_in_order(coded: np.ndarray, residual: np.ndarray, group_counts: np.ndarray, ids: np.ndarray,
                        capacity: int, partners: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rule, left id, right id) of every blocked pair once, ids[left] < ids[right] (`ids` ascending, by
    position), in (left, right) order. `capacity` bounds the pairs kept, `partners` one position's partners.
    The arrays returned are the first pairs of arrays of `capacity`: the rest were never written, so they take
    no memory, and copying them shorter would write every pair again."""
    members, starts, lacking_members, lacking_starts, slots = group_lists(coded, residual, group_counts)
    count, rules = coded.shape
    first = np.zeros(rules + 1, dtype=np.int64)
    for rule in range(rules):
        first[rule + 1] = first[rule] + group_counts[rule] + 1
    kept = 0
    left = np.empty(capacity, dtype=np.int64)
    right = np.empty(capacity, dtype=np.int64)
    key = np.empty(capacity, dtype=np.int16)
    found = np.empty(partners, dtype=np.int32)
    found_rule = np.empty(partners, dtype=np.int16)
    for p in range(count):
        found_count = 0
        for rule in range(rules):
            value = coded[p, rule]
            if value < 0:
                continue
            at = first[rule] + (value >> 1)
            if residual[rule] and not value & 1:  # p gives the missing column: only partners that lack it
                source = lacking_members
                high = lacking_starts[at + 1]
                low = _first_after(lacking_members, lacking_starts[at], high, p)
            else:
                source = members
                low, high = slots[p, rule] + 1, starts[at + 1]
            for index in range(low, high):
                q = source[index]
                if not _blocked_before(coded, residual, p, q, rule):
                    found[found_count] = q
                    found_rule[found_count] = rule
                    found_count += 1
        order = np.argsort(found[:found_count])
        for index in order:
            left[kept] = ids[p]
            right[kept] = ids[found[index]]
            key[kept] = found_rule[index]
            kept += 1
    return key[:kept], left[:kept], right[:kept]
