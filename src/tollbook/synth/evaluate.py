"""Judging a linkage against the truth of synthetic lists: pairwise quality from cluster labels, the best F1
any matcher could reach on the evidence the records leave (the ceiling), and LCMCR on found vs true persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _pairs(sizes: pd.Series) -> int:
    """Pairs within groups of the given sizes."""
    return int((sizes * (sizes - 1) // 2).sum())


@dataclass(frozen=True)
class Quality:
    """Pairwise precision, recall, F1 and the person counts of a clustering against the truth."""

    precision: float
    recall: float
    f1: float
    persons: int
    true_persons: int

    @property
    def person_error(self) -> float:
        """Relative error of the person count."""
        return (self.persons - self.true_persons) / self.true_persons


def quality(found: Sequence, truth: Sequence) -> Quality:
    """Quality of found cluster labels against true person labels (one entry per record), without listing pairs."""
    both = pd.DataFrame({"f": np.asarray(found, dtype=object), "t": np.asarray(truth)})
    n_found, n_true = _pairs(both.groupby("f").size()), _pairs(both.groupby("t").size())
    hits = _pairs(both.groupby(["f", "t"]).size())
    precision, recall = hits / max(n_found, 1), hits / max(n_true, 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Quality(precision, recall, f1, both["f"].nunique(), both["t"].nunique())


PATTERN_FIELDS = ("given_canon", "family_canon", "father_canon", "sex", "province_code", "city_code")


def evidence_patterns(keys: pd.DataFrame, truth: Sequence, name_ids: pd.DataFrame) -> pd.DataFrame:
    """Counts of true and false pairs by evidence pattern among record pairs whose persons share given and
    family name (as the generator drew them): per field, both give it and agree (a), disagree (d), or not (-);
    ages and dates agree exactly (a), within 2 (n) or not (d); and whether both records are on one list."""
    import duckdb

    frame = keys[["unique_id", "source_list", *PATTERN_FIELDS, "age", "dod"]].copy()
    frame["truth"] = np.asarray(truth)
    frame = frame.join(name_ids.set_index("person")[["given", "family"]], on="truth")
    field_sql = [f"case when l.{c} is null or r.{c} is null then '-' when l.{c} = r.{c} then 'a' else 'd' end"
                 for c in PATTERN_FIELDS]
    near = [f"case when l.{c} is null or r.{c} is null then '-' when l.{c} = r.{c} then 'a' "
            f"when abs({d}) <= 2 then 'n' else 'd' end"
            for c, d in (("age", "l.age - r.age"), ("dod", "date_diff('day', l.dod, r.dod)"))]
    pattern = " || ".join([*field_sql, *near, "case when l.source_list = r.source_list then 's' else 'x' end"])
    connection = duckdb.connect()
    connection.register("k", frame)
    return connection.execute(f"""
        select {pattern} as pattern, sum(case when l.truth = r.truth then 1 else 0 end) as true_pairs,
               sum(case when l.truth = r.truth then 0 else 1 end) as false_pairs
        from k l join k r on l.given = r.given and l.family = r.family and l.unique_id < r.unique_id
        group by 1""").df()


def evidence_ceiling(patterns: pd.DataFrame) -> float:
    """Pairwise F1 of the rule 'link a pattern iff its true pairs outnumber its false ones' (every true pair
    shares its person's names, so the recall's denominator is all true pairs)."""
    linked = patterns[patterns["true_pairs"] > patterns["false_pairs"]]
    hits, found = float(linked["true_pairs"].sum()), float(linked[["true_pairs", "false_pairs"]].sum().sum())
    total = float(patterns["true_pairs"].sum())
    if not hits:
        return 0.0
    precision, recall = hits / found, hits / total
    return 2 * precision * recall / (precision + recall)


def lcmcr_of(labels: Sequence, sources: Sequence, lists: Sequence[str], seed: int = 1, **settings: object) -> object:
    """LCMCR estimate (tollbook.estimate) from persons given as one cluster label per record."""
    from tollbook.estimate import CaptureHistories, estimate

    frame = pd.DataFrame({"person": np.asarray(labels, dtype=object), "source": np.asarray(sources)})
    matrix = pd.crosstab(frame["person"], frame["source"]).reindex(columns=list(lists), fill_value=0).clip(upper=1)
    histories = CaptureHistories.from_matrix(matrix.to_numpy(), list(lists))
    return estimate(histories, "lcmcr", seed=seed, **settings)[0]
