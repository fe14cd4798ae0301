"""Blocking planned by counting: each rule's comparisons are counted on the key table before anything is
predicted, and a rule that would explode (common names: Mohammad Mohammadi is hundreds of men) is split by
adding a column (province, date, age, city) until it fits its budget. A split drops the pairs in which one
record lacks the added column (a province not given), so each split rule gets a residual rule for exactly those
pairs, itself split if it would explode. The plan says what it split, and why.
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
    ("family_phon", "age"),  # a mangled given name, no date
    ("given_canon", "age", "province_code"),  # a mangled family name, no date
    ("family_canon", "province_code"),  # a mangled given name, no date or age
    ("given_canon", "family_tail", "province_code"),  # a typo early in the family name
)
REFINEMENTS: tuple[str, ...] = ("province_code", "dod", "age", "city_code", "sex")
PAIRS_PER_RECORD = 8  # a rule's budget: this many comparisons per record, at least MIN_BUDGET
MIN_BUDGET = 2_000_000


def rule_pairs(keys: pd.DataFrame, rule: Rule, missing: str | None = None) -> int:
    """Comparisons a rule generates before de-duplication against other rules: pairs of records that give
    every column of the rule and agree on all of them (and, with `missing`, where one or both lack that column)."""
    present = keys[list(rule) + ([missing] if missing else [])].dropna(subset=list(rule))
    if present.empty:
        return 0
    groups = present.groupby(list(rule), sort=False, observed=True)
    sizes = groups.size().to_numpy(dtype="int64")
    pairs = sizes * (sizes - 1) // 2
    if missing is None:
        return int(pairs.sum())
    given = groups[missing].count().to_numpy(dtype="int64")  # records of each group that give the column
    return int((pairs - given * (given - 1) // 2).sum())


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


def _refine(keys: pd.DataFrame, rule: Rule, limit: int, missing: str | None = None) -> tuple[Rule, int]:
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
    planned = []
    for rule in rules:
        count = rule_pairs(keys, rule)
        if count <= limit:
            planned.append(PlannedRule(rule, count))
            continue
        refined, refined_count = _refine(keys, rule, limit)
        planned.append(PlannedRule(refined, refined_count, rule, count))
        added = refined[len(rule):]
        for number, extra in enumerate(added):
            base = (*rule, *added[:number])
            residual, residual_count = _refine(keys, base, limit, missing=extra)
            if residual_count:
                planned.append(PlannedRule(residual, residual_count, rule, count, missing=extra))
    return planned
