"""Pairwise list dependence: the odds ratio of being on both of two lists, among the people documented.

For lists A and B the 2×2 table counts people on both, on A only, on B only, and on neither (but on some other
list); OR = n11 n00 / (n10 n01), with 0.5 added to every cell when one is empty (Haldane). OR well above 1 means
A and B tend to record the same people (positive dependence: an independence model underestimates); well below
1, they record different people. With two lists the "neither" cell is unobservable and no ratio exists.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tollbook.estimate.caveats import Caveat
from tollbook.estimate.histories import CaptureHistories

__all__ = ["STRONG", "dependence_warnings", "group_warnings", "list_dependence", "shared_groups", "with_groups"]

STRONG = 5.0  # an odds ratio above this (or below its inverse) is called strong dependence


def list_dependence(histories: CaptureHistories) -> list[dict]:
    """One row per pair of lists: the four cells, the odds ratio and its 95% interval (Woolf's log method)."""
    if histories.n_lists < 3:
        return []
    rows = []
    patterns, counts = histories.patterns.astype(bool), histories.counts
    for i in range(histories.n_lists):
        for j in range(i + 1, histories.n_lists):
            a, b = patterns[:, i], patterns[:, j]
            cells = [int(counts[a & b].sum()), int(counts[a & ~b].sum()), int(counts[~a & b].sum()),
                     int(counts[~a & ~b].sum())]  # fmt: skip
            n11, n10, n01, n00 = (c + 0.5 for c in cells) if 0 in cells else cells
            log_or = math.log(n11 * n00 / (n10 * n01))
            se = math.sqrt(1 / n11 + 1 / n10 + 1 / n01 + 1 / n00)
            rows.append({"lists": [histories.lists[i], histories.lists[j]], "both": cells[0], "first_only": cells[1],
                         "second_only": cells[2], "neither": cells[3], "odds_ratio": math.exp(log_or),
                         "lower": math.exp(log_or - 1.96 * se), "upper": math.exp(log_or + 1.96 * se)})
    return rows


def dependence_warnings(rows: list[dict]) -> tuple[str, ...]:
    """A warning naming each pair of lists whose dependence is strong and clearly so (interval beyond 1)."""
    found = []
    for row in rows:
        ratio, (first, second) = row["odds_ratio"], row["lists"]
        if (ratio > STRONG and row["lower"] > 1) or (ratio < 1 / STRONG and row["upper"] < 1):
            kind = "same" if ratio > 1 else "different"
            found.append(Caveat(f"dependence.{kind}", list_a=first, list_b=second, num_ratio=float(ratio)))
    return tuple(sorted(set(found)))


def shared_groups(groups: Mapping[str, Sequence[str]], lists: Sequence[str]) -> dict[str, list[str]]:
    """The independence groups (name -> member lists) with two or more lists among ``lists``, members in the
    estimate's list order."""
    found = {}
    for group, members in groups.items():
        present = [name for name in lists if name in set(members)]
        if len(present) >= 2:
            found[group] = present
    return found


def group_warnings(groups: Mapping[str, Sequence[str]], lists: Sequence[str]) -> tuple[str, ...]:
    """A warning per independence group (DESIGN.md: two sources of one network) that has several lists in the
    estimate, naming them: multiple systems estimation assumes lists are independent sources."""
    return tuple(Caveat("independence.shared", names_lists=tuple(members[:-1]), list_last=members[-1], text_group=group)
                 for group, members in shared_groups(groups, lists).items())


def with_groups(results: Sequence[Any], groups: Mapping[str, Sequence[str]], lists: Sequence[str],
                merged: bool) -> list[Any]:
    """Results with their independence groups named: ``merged`` groups (each one list in the estimate; ``lists``
    are the estimate's lists or those before merging) are recorded in ``diagnostics["independence_groups_merged"]``;
    unmerged ones give :func:`group_warnings`."""
    multi = {group: list(members) for group, members in groups.items() if len(members) >= 2}
    if merged:  # only the groups this estimate has: by their merged name, or by their members before merging
        multi = {group: members for group, members in multi.items() if group in lists or set(members) & set(lists)}
    if not multi:
        return list(results)
    if merged:
        return [replace(r, diagnostics=r.diagnostics | {"independence_groups_merged": multi}) for r in results]
    warnings = group_warnings(multi, lists)
    return [replace(r, warnings=(*warnings, *r.warnings)) for r in results]
