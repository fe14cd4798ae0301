"""Blocking planned by counting: each rule's comparisons are counted on the key table before anything is
predicted, and a rule that would explode (common names: Mohammad Mohammadi is hundreds of men) is split by
adding a column (province, date, age, city) until it fits its budget. A split drops the pairs in which one
record lacks the added column (a province not given), so each split rule gets a residual rule for exactly those
pairs, itself split if it would explode. The plan says what it split, and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

Rule = tuple[str, ...]
BASE_RULES: tuple[Rule, ...] = (
    ("names_phon",),  # given and family name alike in sound, either order
    ("names_canon",),  # the same names, either order (phonetic keys differ across scripts for unknown names)
    ("given_canon", "family_head"),  # a typo late in the family name
    ("family_phon", "dod"),  # a mangled given name
    ("given_phon", "dod", "province_code"),  # a mangled family name
    ("family_canon", "city_code"),  # no date
    ("given_canon", "father_canon", "province_code"),  # family name missing or changed
    ("dod", "city_code", "age"),  # names mangled in both parts
    ("family_phon", "age"),  # a mangled given name, no date
    ("given_canon", "age", "province_code"),  # a mangled family name, no date
    ("family_canon", "province_code"),  # a mangled given name, no date or age
    ("given_canon", "family_tail", "province_code"),  # a typo early in the family name
)
REFINEMENTS: tuple[str, ...] = ("province_code", "dod", "age", "city_code", "sex")
PAIRS_PER_RECORD = 8  # a rule's budget: this many comparisons per record, at least MIN_BUDGET
MIN_BUDGET = 2_000_000


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


def _within(groups: np.ndarray) -> np.ndarray:
    """Pairs within each group code (codes >= 0), indexed by code."""
    sizes = np.bincount(groups[groups >= 0]).astype(np.int64)
    return sizes * (sizes - 1) // 2


def rule_pairs(keys: pd.DataFrame | KeyCodes, rule: Rule, missing: str | None = None) -> int:
    """Comparisons a rule generates before de-duplication against other rules: pairs of records that give
    every column of the rule and agree on all of them (and, with `missing`, where one or both lack that column)."""
    codes = keys if isinstance(keys, KeyCodes) else KeyCodes(keys)
    groups = codes.groups(tuple(rule))
    pairs = _within(groups)
    if missing is None:
        return int(pairs.sum())
    given = _within(np.where(codes.column(missing) >= 0, groups, -1))  # pairs where both give the column
    return int(pairs.sum() - given.sum())


@dataclass(frozen=True)
class PlannedRule:
    """One blocking rule as used, its comparison count, the rule it was split from (if it was), and for a
    residual rule the column one of its two records lacks."""

    columns: Rule
    pairs: int
    split_from: Rule | None = None
    pairs_before_split: int | None = None
    missing: str | None = None

    @property
    def sql(self) -> str:
        """The rule as a dialect-neutral SQL condition on Splink's l and r records."""
        condition = " and ".join(f"l.{c} = r.{c}" for c in self.columns)
        if self.missing:
            condition += f" and (l.{self.missing} is null or r.{self.missing} is null)"
        return condition

    def describe(self) -> str:
        """One line for the progress output."""
        name = " + ".join(self.columns)
        if self.missing:
            return f"blocking on {name} where one record lacks {self.missing}: {self.pairs:,} comparisons"
        if self.split_from is None:
            return f"blocking on {name}: {self.pairs:,} comparisons"
        return (f"blocking on {' + '.join(self.split_from)} would compare {self.pairs_before_split:,} pairs; "
                f"split by {' + '.join(c for c in self.columns if c not in self.split_from)}: {self.pairs:,}")


def budget(records: int) -> int:
    """Most comparisons one rule may generate for a table of `records`."""
    return max(MIN_BUDGET, PAIRS_PER_RECORD * records)


def _refine(keys: KeyCodes, rule: Rule, limit: int, missing: str | None = None) -> tuple[Rule, int]:
    """The rule with refinements added in order until its count fits `limit` (the most refined if none does);
    a refinement no pair gives (a column the lists leave empty) is passed over rather than blocking nothing."""
    refined, count = rule, rule_pairs(keys, rule, missing)
    for extra in (c for c in REFINEMENTS if c not in rule and c != missing):
        if count <= limit:
            break
        if more := rule_pairs(keys, (*refined, extra), missing):
            refined, count = (*refined, extra), more
    return refined, count


def plan(keys: pd.DataFrame, rules: tuple[Rule, ...] = BASE_RULES, limit: int | None = None) -> list[PlannedRule]:
    """Each rule counted and, when over `limit` (default: `budget`), split by the first refinements that bring
    it under (the most refined version if none does), each split followed by residual rules for the pairs
    where one record lacks an added column."""
    limit = budget(len(keys)) if limit is None else limit
    codes, planned = KeyCodes(keys), []
    for rule in rules:
        count = rule_pairs(codes, rule)
        if count <= limit:
            planned.append(PlannedRule(rule, count))
            continue
        refined, refined_count = _refine(codes, rule, limit)
        planned.append(PlannedRule(refined, refined_count, rule, count))
        added = refined[len(rule):]
        for number, extra in enumerate(added):
            base = (*rule, *added[:number])
            residual, residual_count = _refine(codes, base, limit, missing=extra)
            if residual_count:
                planned.append(PlannedRule(residual, residual_count, rule, count, missing=extra))
    return planned


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
