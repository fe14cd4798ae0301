"""Blocking planned by counting: each rule's comparisons are counted on the key table before anything is
predicted, and a rule that would explode (common names: Mohammad Mohammadi is hundreds of men) is split by
adding a column (province, date, age, city) until it fits its budget. A split drops the pairs in which one
record lacks the added column (a province not given), so each split rule gets a residual rule for exactly those
pairs, itself split if it would explode. The plan says what it split, and why.

Date + city + age (for names mangled in both parts) is not a rule: on the realistic lists it found 8 of 32,732
true pairs no other rule finds at 50k records and 158 of 659,142 at 1M, where, split, it cost 8.6 million of
41.3 million comparisons, and the pairs it alone brought over the threshold were mostly false (1 of 7, 16 of 126).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from types import ModuleType

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
    ("family_phon", "age"),  # a mangled given name, no date
    ("given_canon", "age", "province_code"),  # a mangled family name, no date
    ("family_canon", "province_code"),  # a mangled given name, no date or age
    ("given_canon", "family_tail", "province_code"),  # a typo early in the family name
)
REFINEMENTS: tuple[str, ...] = ("province_code", "dod", "age", "city_code", "sex")
PAIRS_PER_RECORD = 8  # a rule's budget: this many comparisons per record, at least MIN_BUDGET
MIN_BUDGET = 2_000_000
PAIR_BLOCKS = 256  # runs of records whose pairs are generated in parallel (the output does not depend on it)
PLAN_THREADS = 4  # most threads counting rules (a rule's counts, splits and residuals stay on one thread)


class KeyCodes:
    """The key table's columns as integer codes (-1 for null), each factorised once, and the group codes of
    column combinations cached: planning counts about forty combinations of a million rows, and grouping
    integer codes takes milliseconds where grouping the text columns took seconds each. Safe to share between
    threads: a column is factorised by the first thread that asks for it, the others wait for it."""

    def __init__(self, keys: pd.DataFrame) -> None:
        self.keys = keys
        self._columns: dict[str, np.ndarray] = {}
        self._groups: dict[Rule, np.ndarray] = {}
        self._locks: dict[str, threading.Lock] = {}

    def column(self, name: str) -> np.ndarray:
        """Codes of one column: equal values share a code, nulls are -1 (pandas.factorize's codes)."""
        if name not in self._columns:
            with self._locks.setdefault(name, threading.Lock()):  # setdefault is atomic: one lock per column
                if name not in self._columns:
                    self._columns[name] = column_codes(self.keys[name].to_numpy())
        return self._columns[name]

    def groups(self, rule: Rule) -> np.ndarray:
        """Dense group codes of the records giving every column of the rule (-1 where one is null). Two threads
        asking for the same combination at once may both compute it: the codes are the same."""
        if rule not in self._groups:
            if len(rule) == 1:
                self._groups[rule] = self.column(rule[0])
            else:
                self._groups[rule] = _kernels().combined_codes(self.groups(rule[:-1]), self.column(rule[-1]))
        return self._groups[rule]


def _kernels() -> ModuleType:
    """The compiled counting and pair kernels (Numba loads when a plan is first counted)."""
    from tollbook.link import _pairs_kernel

    return _pairs_kernel


def load_kernels() -> None:
    """Load the compiled counting kernels (Numba and their cached machine code: about a second), so that a
    caller can load them while it waits for other work (link_frame: while names are keyed on other processes)."""
    keys = pd.DataFrame({"name": np.array(["a", "a", None], dtype=object), "age": [30, 30, 31]})
    rule_pairs(KeyCodes(keys), ("name", "age"), missing="name")


def column_codes(values: np.ndarray) -> np.ndarray:
    """pandas.factorize's codes of a column (nulls -1). Text is coded by identity first, without the GIL: a key
    table's text columns repeat the same few hundred thousand string objects (one per distinct name's key), so
    only those are hashed as text, and equal objects cannot get different codes (nor the order of first
    appearance change)."""
    if values.dtype != object:
        return pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)
    values = np.ascontiguousarray(values)
    identities, firsts = _kernels().first_seen_codes(np.frombuffer(values, dtype=np.intp).astype(np.int64, copy=False))
    distinct = pd.factorize(values[firsts], use_na_sentinel=True)[0].astype(np.int64)
    return distinct[identities]


def rule_pairs(keys: pd.DataFrame | KeyCodes, rule: Rule, missing: str | None = None) -> int:
    """Comparisons a rule generates before de-duplication against other rules: pairs of records that give
    every column of the rule and agree on all of them (and, with `missing`, where one or both lack that column)."""
    codes = keys if isinstance(keys, KeyCodes) else KeyCodes(keys)
    lacking = np.empty(0, dtype=np.bool_) if missing is None else codes.column(missing) < 0
    return int(_kernels().pairs_within(codes.groups(tuple(rule)), lacking))


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


def plan(keys: pd.DataFrame | KeyCodes, rules: tuple[Rule, ...] = BASE_RULES,
         limit: int | None = None) -> list[PlannedRule]:
    """Each rule counted and, when over `limit` (default: `budget`), split by the first refinements that bring
    it under (the most refined version if none does), each split followed by residual rules for the pairs
    where one record lacks an added column. Given KeyCodes, it keeps the group codes for blocked_pairs. Rules
    are planned on one thread per core (the counting kernels release the GIL), listed in the rules' order."""
    codes = keys if isinstance(keys, KeyCodes) else KeyCodes(keys)
    planner = partial(_planned_rule, codes, budget(len(codes.keys)) if limit is None else limit)
    with ThreadPoolExecutor(max_workers=plan_threads(), thread_name_prefix="tollbook-plan") as pool:
        return [planned for rule_plan in pool.map(planner, rules) for planned in rule_plan]


def plan_threads() -> int:
    """Threads that plan rules: the CPUs this process may use, at most PLAN_THREADS."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(PLAN_THREADS, usable))


def _planned_rule(codes: KeyCodes, limit: int, rule: Rule) -> list[PlannedRule]:
    """One rule as planned: itself if it fits `limit`, else its split and the split's residual rules."""
    count = rule_pairs(codes, rule)
    if count <= limit:
        return [PlannedRule(rule, count)]
    refined, refined_count = _refine(codes, rule, limit)
    planned = [PlannedRule(refined, refined_count, rule, count)]
    added = refined[len(rule):]
    for number, extra in enumerate(added):
        residual, residual_count = _refine(codes, (*rule, *added[:number]), limit, missing=extra)
        if residual_count:
            planned.append(PlannedRule(residual, residual_count, rule, count, missing=extra))
    return planned


def _coded(codes: KeyCodes, planned: list[PlannedRule],
           order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """The kernel's view of the plan (see _pairs_kernel): each position's group and lacking flag under each rule
    in one integer, which rules are residual, each rule's number of groups, and the bounds on the pairs kept (the
    rules' comparisons before de-duplication) and on one record's partners (its groups' sizes)."""
    coded = np.empty((len(order), len(planned)), dtype=np.int32)  # a record's row: one cache line or two
    group_counts = np.zeros(len(planned), dtype=np.int64)
    capacity, partners = 0, 0
    for number, rule in enumerate(planned):
        groups = codes.groups(rule.columns)[order]
        lacking = (codes.column(rule.missing) < 0)[order] if rule.missing else np.zeros(len(order), dtype=bool)
        coded[:, number] = np.where(groups >= 0, 2 * groups + lacking, -1)
        sizes = np.bincount(groups[groups >= 0]).astype(np.int64)
        group_counts[number], partners = len(sizes), partners + int(sizes.max(initial=0))
        capacity += rule_pairs(codes, rule.columns, rule.missing)
    residual = np.array([rule.missing is not None for rule in planned], dtype=np.bool_)
    return coded, residual, group_counts, capacity, partners


def blocked_pairs(keys: pd.DataFrame, planned: list[PlannedRule], codes: KeyCodes | None = None) -> pd.DataFrame:
    """Each pair the plan's rules block, once, as Splink's blocked-pairs table: match_key (the first rule that
    blocks it, numbered as Splink numbers the plan's rules), join_key_l < join_key_r (integer record ids), in
    (join_key_l, join_key_r) order. The same pairs as Splink's blocking on the key columns, found on integer
    codes by a compiled kernel: each record is paired with the later records of its groups, and a pair is kept
    only by the first rule that blocks it, checked on both records' group codes, so no duplicate is generated.
    `codes` may be the KeyCodes the plan was counted on (the same records in the same order, with other ids):
    the columns are then not factorised again (about 2.5 s at a million records)."""
    codes, ids = codes or KeyCodes(keys), keys["unique_id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    coded, residual, group_counts, capacity, partners = _coded(codes, planned, order)
    key, left, right = _kernels().rule_pairs_in_order(coded, residual, group_counts, ids[order], capacity, partners,
                                           PAIR_BLOCKS)
    return pd.DataFrame({"match_key": key, "join_key_l": left, "join_key_r": right}, copy=False)
