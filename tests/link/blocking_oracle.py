"""Pair generation as blocking.blocked_pairs did it before it was made fast (commit f485a3c), kept as the oracle
the fast generation is tested against: every rule's pairs generated in NumPy, concatenated, sorted and de-duplicated."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tollbook.link.blocking import PlannedRule

Rule = tuple[str, ...]


class KeyCodes:
    """The key table's columns as integer codes (-1 for null), each factorised once, and the group codes of
    column combinations cached: planning counts about forty combinations of a million rows, and grouping
    integer codes takes milliseconds where grouping the text columns took seconds each."""

    def __init__(self, keys: pd.DataFrame) -> None:
        self.keys = keys
        self._columns: dict[str, np.ndarray] = {}
        self._groups: dict[Rule, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        """Codes of one column: equal values share a code, nulls are -1."""
        if name not in self._columns:
            self._columns[name] = pd.factorize(self.keys[name], use_na_sentinel=True)[0].astype(np.int64)
        return self._columns[name]

    def groups(self, rule: Rule) -> np.ndarray:
        """Dense group codes of the records giving every column of the rule (-1 where one is null)."""
        if rule not in self._groups:
            last = self.column(rule[-1])
            if len(rule) == 1:
                self._groups[rule] = last
            else:
                head = self.groups(rule[:-1])
                valid = (head >= 0) & (last >= 0)
                combined = np.full(len(last), -1, dtype=np.int64)
                combined[valid] = pd.factorize(head[valid] * (int(last.max()) + 1) + last[valid])[0]
                self._groups[rule] = combined
        return self._groups[rule]


def _pairs_within(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of row positions sharing a group code (codes >= 0), each once, built in NumPy: rows sorted
    by group, then each row paired with the rows after it in its group."""
    rows = np.flatnonzero(groups >= 0)
    order = rows[np.argsort(groups[rows], kind="stable")]
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    later = np.repeat(sizes, sizes) - 1 - (np.arange(len(order)) - np.repeat(starts, sizes))
    left = np.repeat(np.arange(len(order)), later)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    return order[left], order[right]


def blocked_pairs(keys: pd.DataFrame, planned: list[PlannedRule]) -> pd.DataFrame:
    """Each pair the plan's rules block, once, as Splink's blocked-pairs table: match_key (the first rule that
    blocks it, numbered as Splink numbers the plan's rules), join_key_l < join_key_r (integer record ids).
    The same pairs as Splink's blocking on the key columns, found on integer codes: each rule's pairs are
    generated within its groups, and pairs found by several rules are kept once by sorting."""
    codes, ids = KeyCodes(keys), keys["unique_id"].to_numpy(dtype=np.int64)
    span, rules = int(ids.max()) + 1 if len(ids) else 1, max(len(planned), 1)
    found = []
    for number, rule in enumerate(planned):
        left, right = _pairs_within(codes.groups(rule.columns))
        if rule.missing:
            lacking = codes.column(rule.missing) < 0
            keep = lacking[left] | lacking[right]
            left, right = left[keep], right[keep]
        low, high = np.minimum(ids[left], ids[right]), np.maximum(ids[left], ids[right])
        found.append((low * span + high) * rules + number)
    keyed = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    del found  # tens of millions of pairs at a million records: one copy at a time
    keyed.sort()
    match = (keyed % rules).astype(np.int16)
    keyed //= rules
    first = np.ones(len(keyed), dtype=bool)
    first[1:] = keyed[1:] != keyed[:-1]
    keyed, match = keyed[first], match[first]
    left = keyed // span
    keyed %= span
    return pd.DataFrame({"match_key": match, "join_key_l": left, "join_key_r": keyed})
