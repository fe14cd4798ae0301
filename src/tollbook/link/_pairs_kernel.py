"""Compiled pair generation for blocking.blocked_pairs: each record paired with the later records of its groups,
rule by rule, a pair kept only by the first rule that blocks it, so no pair is generated twice and no sort of all
pairs is needed to remove duplicates.

Records are numbered by position in id order. `coded[p, r]` holds position p's group under rule r and whether it
lacks rule r's missing column, in one integer (2 * group + lacking; -1 where a column of the rule is null), so
checking the earlier rules of a pair reads one row per record. Each rule's groups are lists of positions in
ascending order (`members`, cut by `starts`), so a record's partners come out in ascending order per rule and only
one record's partners (a few dozen) are sorted at a time. Everything here is Numba ``nopython`` code, the
plan's counting helpers too (codes first seen, combined codes, pairs within groups): they release the GIL, so
rules are counted on several threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the high bits of value * 2^64 / phi
_SMALL_SPAN = 4  # combined codes spanning at most this many per record (plus 1,024) are renumbered by a table


@njit(cache=True, nogil=True)
def first_seen_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0, 1, 2, ... of values >= 0 in the order each value is first seen (negative values: -1), and where
    each code is first seen: pandas.factorize's codes, found by open addressing in one pass without the GIL."""
    bits = 1
    while (1 << bits) < 2 * len(values) + 2:
        bits += 1
    table_values = np.full(1 << bits, -1, dtype=np.int64)
    table_codes = np.empty(1 << bits, dtype=np.int64)
    codes = np.empty(len(values), dtype=np.int64)
    firsts = np.empty(len(values), dtype=np.int64)
    shift, mask, count = np.uint64(64 - bits), np.int64((1 << bits) - 1), 0
    for index in range(len(values)):
        value = values[index]
        if value < 0:
            codes[index] = -1
            continue
        slot = np.int64((np.uint64(value) * _GOLDEN) >> shift)
        while table_values[slot] >= 0 and table_values[slot] != value:
            slot = np.int64((slot + 1) & mask)
        if table_values[slot] < 0:
            table_values[slot], table_codes[slot], firsts[count] = value, count, index
            count += 1
        codes[index] = table_codes[slot]
    return codes, firsts[:count]


@njit(cache=True, nogil=True)
def combined_codes(head: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Dense codes of the pairs (head, last) where both are >= 0 (-1 elsewhere), numbered as
    blocking.KeyCodes numbered them in NumPy: through a table by the combined value where the values span
    little (a province, date or age added to a name), else in the order the pairs are first seen."""
    width = max(0, np.max(last) + 1) if len(last) else 0
    combined = np.full(len(head), -1, dtype=np.int64)
    span = 0
    for index in range(len(head)):
        if head[index] >= 0 and last[index] >= 0:
            combined[index] = head[index] * width + last[index]
            span = max(span, combined[index] + 1)
    if span > _SMALL_SPAN * len(head) + 1024:
        return first_seen_codes(combined)[0]
    renumbered = np.zeros(span, dtype=np.int64)
    for value in combined:
        if value >= 0:
            renumbered[value] = 1
    total = 0
    for value in range(span):
        total += renumbered[value]
        renumbered[value] = total - 1
    for index in range(len(combined)):
        if combined[index] >= 0:
            combined[index] = renumbered[combined[index]]
    return combined


@njit(cache=True, nogil=True)
def pairs_within(groups: np.ndarray, lacking: np.ndarray) -> int:
    """Pairs of records sharing a group (codes >= 0, dense); given `lacking` (a flag per record, for a residual
    rule), only the pairs in which one record or both lack the column (all pairs less those of the others)."""
    if not len(groups):
        return 0
    count = max(0, np.max(groups) + 1)
    sizes = np.zeros(count, dtype=np.int64)
    giving = np.zeros(count, dtype=np.int64)
    residual = len(lacking) > 0
    for index in range(len(groups)):
        group = groups[index]
        if group >= 0:
            sizes[group] += 1
            if residual and not lacking[index]:
                giving[group] += 1
    pairs = 0
    for group in range(count):
        pairs += sizes[group] * (sizes[group] - 1) // 2 - giving[group] * (giving[group] - 1) // 2
    return pairs


@njit(cache=True, nogil=True)
def _group_firsts(group_counts: np.ndarray) -> np.ndarray:
    """Where each rule's groups start in the flat lists of all rules' groups (one empty slot before each rule)."""
    rules = len(group_counts)
    first = np.zeros(rules + 1, dtype=np.int64)
    for rule in range(rules):
        first[rule + 1] = first[rule] + group_counts[rule] + 1
    return first


@njit(cache=True, nogil=True, parallel=True)
def group_lists(coded: np.ndarray, residual: np.ndarray, group_counts: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every rule's groups as lists of positions in ascending order, in one flat array: (members, starts,
    lacking_members, lacking_starts, slots). Group g of rule r is members[starts[first[r] + g]:starts[first[r] +
    g + 1]] with first[r] the sum of the earlier rules' group counts plus r; the lacking lists hold the members
    that lack a residual rule's missing column; slots[p, r] is p's index in members (-1: in no group). Rules
    are listed in parallel: each writes its own stretch of the arrays."""
    count, rules = coded.shape
    first = _group_firsts(group_counts)
    starts = np.zeros(first[rules], dtype=np.int64)
    lacking_starts = np.zeros(first[rules], dtype=np.int64)
    for rule in prange(rules):  # group sizes, then where each group starts
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
    for rule in prange(rules):  # positions in ascending order: each list comes out sorted
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


@njit(cache=True, nogil=True)
def _blocked_before(coded: np.ndarray, residual: np.ndarray, p: int, q: int, rule: int) -> bool:
    """Whether a rule before `rule` blocks the pair (p, q): both give its columns alike (and, for a residual
    rule, one of them lacks its missing column)."""
    for earlier in range(rule):
        mine, theirs = coded[p, earlier], coded[q, earlier]
        agree = mine >= 0 and theirs >= 0 and (mine >> 1) == (theirs >> 1)
        if agree and (not residual[earlier] or (mine | theirs) & 1):
            return True
    return False


@njit(cache=True, nogil=True)
def _first_after(members: np.ndarray, low: int, high: int, p: int) -> int:
    """Index of the first member after position p in members[low:high] (ascending): a binary search."""
    while low < high:
        middle = (low + high) // 2
        if members[middle] <= p:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True, nogil=True)
def _candidates(coded: np.ndarray, residual: np.ndarray, lists: tuple, first: np.ndarray, p: int,
                rule: int) -> tuple[np.ndarray, int, int]:
    """The members of p's group under `rule` that p is compared with: (list, low, high), the later members, or
    for a residual rule whose missing column p gives, the later members that lack it."""
    members, starts, lacking_members, lacking_starts, slots = lists
    at = first[rule] + (coded[p, rule] >> 1)
    if residual[rule] and not coded[p, rule] & 1:
        high = lacking_starts[at + 1]
        return lacking_members, _first_after(lacking_members, lacking_starts[at], high, p), high
    return members, slots[p, rule] + 1, starts[at + 1]


@njit(cache=True, nogil=True, parallel=True)
def _candidate_counts(coded: np.ndarray, residual: np.ndarray, lists: tuple, first: np.ndarray) -> np.ndarray:
    """Each position's candidates over all rules (before earlier rules are checked): a bound on its pairs."""
    count, rules = coded.shape
    counts = np.zeros(count, dtype=np.int64)
    for p in prange(count):
        for rule in range(rules):
            if coded[p, rule] >= 0:
                _, low, high = _candidates(coded, residual, lists, first, p, rule)
                counts[p] += high - low
    return counts


@njit(cache=True, nogil=True)
def _position_pairs(coded: np.ndarray, residual: np.ndarray, lists: tuple, first: np.ndarray, ids: np.ndarray,
                    p: int, found: np.ndarray, found_rule: np.ndarray, key: np.ndarray, left: np.ndarray,
                    right: np.ndarray, kept: int) -> int:
    """Write position p's pairs (each kept by its first rule) from index `kept`, its partners in ascending
    order; returns the index after them."""
    found_count = 0
    for rule in range(coded.shape[1]):
        if coded[p, rule] < 0:
            continue
        source, low, high = _candidates(coded, residual, lists, first, p, rule)
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
    return kept


@njit(cache=True, nogil=True)
def _move_down(arrays: tuple, source: int, target: int, length: int) -> None:
    """Move `length` entries of each array from `source` down to `target` (target <= source: in place)."""
    key, left, right = arrays
    for index in range(length):
        key[target + index] = key[source + index]
        left[target + index] = left[source + index]
        right[target + index] = right[source + index]


@njit(cache=True, nogil=True, parallel=True)
def rule_pairs_in_order(coded: np.ndarray, residual: np.ndarray, group_counts: np.ndarray, ids: np.ndarray,
                        capacity: int, partners: int, blocks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rule, left id, right id) of every blocked pair once, ids[left] < ids[right] (`ids` ascending, by
    position), in (left, right) order. `capacity` bounds the pairs kept, `partners` one position's partners.
    The positions are cut into `blocks` runs of about equal candidates, generated in parallel, each into its own
    stretch of the output (its candidates' count), then moved down in block order: the same pairs in the same
    order whatever the number of threads. The arrays returned are the first pairs of arrays of `capacity`: the
    rest were never written or were moved, and copying them shorter would write every pair again."""
    lists = group_lists(coded, residual, group_counts)
    first = _group_firsts(group_counts)
    ends = np.cumsum(_candidate_counts(coded, residual, lists, first))  # where each position's stretch ends
    total = ends[-1] if len(ends) else 0
    cuts = np.searchsorted(ends, np.arange(1, blocks) * (total // blocks + 1), side="right")
    bounds = np.concatenate((np.zeros(1, np.int64), cuts.astype(np.int64), np.full(1, len(ends), np.int64)))
    left = np.empty(max(capacity, total), dtype=np.int64)
    right = np.empty(max(capacity, total), dtype=np.int64)
    key = np.empty(max(capacity, total), dtype=np.int16)
    written = np.zeros(blocks, dtype=np.int64)
    for block in prange(blocks):
        start = ends[bounds[block] - 1] if bounds[block] > 0 else 0
        found = np.empty(partners, dtype=np.int32)
        found_rule = np.empty(partners, dtype=np.int16)
        kept = start
        for p in range(bounds[block], bounds[block + 1]):
            kept = _position_pairs(coded, residual, lists, first, ids, p, found, found_rule, key, left, right, kept)
        written[block] = kept - start
    kept = 0
    for block in range(blocks):
        start = ends[bounds[block] - 1] if bounds[block] > 0 else 0
        _move_down((key, left, right), start, kept, written[block])
        kept += written[block]
    return key[:kept], left[:kept], right[:kept]
