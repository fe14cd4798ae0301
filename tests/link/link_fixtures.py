"""Helpers of the linkage tests: the hand-labelled lists (tests/data/link/labelled.csv) and true pairs.

The labelled lists are made up for these tests (names common in Iran, places from the gazetteer); `truth` says
which rows are one person: two men named Mohammad Hosseini in Tehran are different people, as are the two Ali
Mousavis; the rest differ by script, romanisation, a missing father's name, an age or a date one off.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from tollbook.ingest import import_file
from tollbook.store import session_scope

LABELLED = Path(__file__).parents[1] / "data" / "link" / "labelled.csv"


def labelled() -> pd.DataFrame:
    """The labelled rows, all as text."""
    return pd.read_csv(LABELLED, dtype=str, keep_default_na=False)


def true_pairs(keys: pd.Series, groups: pd.Series) -> set[tuple[str, str]]:
    """Unordered pairs of keys that share a group."""
    pairs: set[tuple[str, str]] = set()
    for _, members in keys.groupby(groups.to_numpy()):
        pairs |= set(combinations(sorted(members), 2))
    return pairs


def import_lists(engine: Engine, files: list[Path]) -> None:
    """Import each list file into the source named by its stem."""
    with session_scope(engine) as session:
        for path in files:
            report = import_file(session, path, path.stem)
            assert report.failed == 0, report.to_dict()
