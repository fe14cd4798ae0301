"""Realistic synthetic victim lists for tests and benchmarks (seeded): names as concentrated as Iran's
register shows (sources in data/SOURCES.md), four lists with their own habits, and the truth.

    lists = realistic_lists(records=50_000, seed=1)
    lists.records        # linkage inputs (tollbook.link.keys.INPUT_COLUMNS) plus `truth`, the true person
    lists.population     # true victims, listed or not
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tollbook.synth.lists import LISTS, RECORDS_PER_PERSON, captures, records_of
from tollbook.synth.people import population

LIST_NAMES = tuple(h.name for h in LISTS)


@dataclass(frozen=True)
class SynthLists:
    """Records of the lists (with their true person) and the true population they were drawn from."""

    records: pd.DataFrame
    people: pd.DataFrame
    seed: int

    @property
    def population(self) -> int:
        """True victims, listed or not."""
        return len(self.people)

    @property
    def listed_persons(self) -> int:
        """True persons on at least one list."""
        return int(self.records["truth"].nunique())


def realistic_lists(records: int = 2_500, seed: int = 2019, persons: int | None = None) -> SynthLists:
    """Lists of about `records` records (or drawn from `persons` true victims), reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    size = persons if persons is not None else max(1, round(records / RECORDS_PER_PERSON))
    people = population(size, rng)
    frame = records_of(people, captures(size, rng), rng)
    frame.insert(0, "record_id", frame.groupby("source").cumcount().add(1).astype(str))
    frame.insert(0, "unique_id", frame["source"] + "-" + frame["record_id"])
    return SynthLists(frame, people, seed)


__all__ = ["LIST_NAMES", "SynthLists", "realistic_lists"]
