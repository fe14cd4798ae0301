"""Blocking planned by counting: each rule's comparisons are counted on the key table before anything is
predicted, and a rule that would explode (common names: Mohammad Mohammadi is hundreds of men) is split by
adding a column (province, date, age, city) until it fits its budget. The plan says what it split, and why.
"""

from __future__ import annotations

from dataclasses import dataclass

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
)
REFINEMENTS: tuple[str, ...] = ("province_code", "dod", "age", "city_code", "sex")
PAIRS_PER_RECORD = 8  # a rule's budget: this many comparisons per record, at least MIN_BUDGET
MIN_BUDGET = 2_000_000


def rule_pairs(keys: pd.DataFrame, rule: Rule) -> int:
    """Comparisons a rule generates before de-duplication against other rules: pairs of records that give
    every column of the rule and agree on all of them."""
    present = keys[list(rule)].dropna()
    if present.empty:
        return 0
    sizes = present.groupby(list(rule), sort=False, observed=True).size().to_numpy(dtype="int64")
    return int((sizes * (sizes - 1) // 2).sum())


@dataclass(frozen=True)
class PlannedRule:
    """One blocking rule as used, its comparison count, and the rule it was split from (if it was)."""

    columns: Rule
    pairs: int
    split_from: Rule | None = None
    pairs_before_split: int | None = None

    def describe(self) -> str:
        """One line for the progress output."""
        name = " + ".join(self.columns)
        if self.split_from is None:
            return f"blocking on {name}: {self.pairs:,} comparisons"
        return (f"blocking on {' + '.join(self.split_from)} would compare {self.pairs_before_split:,} pairs; "
                f"split by {' + '.join(c for c in self.columns if c not in self.split_from)}: {self.pairs:,}")


def budget(records: int) -> int:
    """Most comparisons one rule may generate for a table of `records`."""
    return max(MIN_BUDGET, PAIRS_PER_RECORD * records)


def plan(keys: pd.DataFrame, rules: tuple[Rule, ...] = BASE_RULES, limit: int | None = None) -> list[PlannedRule]:
    """Each rule counted and, when over `limit` (default: `budget`), split by the first refinements that bring
    it under (the most refined version if none does)."""
    limit = budget(len(keys)) if limit is None else limit
    planned = []
    for rule in rules:
        count = rule_pairs(keys, rule)
        if count <= limit:
            planned.append(PlannedRule(rule, count))
            continue
        refined = rule
        refined_count = count
        for extra in (c for c in REFINEMENTS if c not in rule):
            refined = (*refined, extra)
            refined_count = rule_pairs(keys, refined)
            if refined_count <= limit:
                break
        planned.append(PlannedRule(refined, refined_count, rule, count))
    return planned
