"""Capture histories from linked persons: which lists name each person, counted by pattern, per stratum.

A person's stratum comes from its accepted values (see :mod:`tollbook.link.person_view`): "province" uses the
accepted province code, "period" the ISO week of the accepted date of death ("day" the day itself). Persons
without that value, or whose accepted date is known only to its month or year, fall in stratum "unknown".
Sources of one independence group can be merged into one list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.documented import person_views
from tollbook.errors import TollbookError
from tollbook.model import Record, Source

UNKNOWN = "unknown"
ALL = "all"


def _iso_week(value: object) -> str:
    """ISO year and week of a date, e.g. '2019-W47'."""
    year, week, _ = value.isocalendar()  # type: ignore[attr-defined]
    return f"{year}-W{week:02d}"


STRATA: dict[str, tuple[str, Callable[[object], str]]] = {
    "province": ("province_code", str),
    "period": ("date_of_death", _iso_week),
    "week": ("date_of_death", _iso_week),
    "day": ("date_of_death", lambda d: d.isoformat()),  # type: ignore[attr-defined]
}


def list_names(session: Session, merge_groups: bool) -> dict[str, str]:
    """Source name -> the list (column) it counts in: its independence group when merging, else itself."""
    sources = session.scalars(select(Source).order_by(Source.name))
    return {s.name: (s.group if merge_groups else s.name) for s in sources}


def stratum_of(by: str | None, accepted: object) -> str:
    """The stratum label of an accepted value ("unknown" when there is none)."""
    if by is None:
        return ALL
    if accepted is None or (STRATA[by][0] == "date_of_death" and getattr(accepted, "precision", "day") != "day"):
        return UNKNOWN  # a month- or year-only date belongs to no week or day
    if isinstance(accepted, dt.datetime):
        accepted = accepted.date()
    return STRATA[by][1](accepted)


def person_patterns(session: Session, by: str | None, merge_groups: bool, left_out: Counter | None = None) -> Counter:
    """Counter of (stratum, frozenset of lists) over the persons the documented count counts
    (:func:`tollbook.documented.person_views`); those left out are tallied by reason into ``left_out``."""
    columns = list_names(session, merge_groups)
    patterns: Counter = Counter()
    for _person, records, view, reason in person_views(session):
        if reason is not None:
            if left_out is not None:
                left_out[reason] += 1
            continue
        lists = frozenset(columns[r.source.name] for r in records)
        accepted = view.accepted(STRATA[by][0]) if by else None
        patterns[(stratum_of(by, accepted), lists)] += 1
    return patterns


def capture_histories(session: Session, by: str | None = None, merge_groups: bool = True,
                      left_out: Counter | None = None) -> dict[str, pd.DataFrame]:
    """Per stratum, a frame with one 0/1 column per list, a `count` column and a column named after `by` holding
    the stratum (one row per observed pattern); `by` is None (one stratum "all", no stratum column),
    "province", "period" (ISO week) or "day". Only persons who count are in it; the others are tallied by
    reason into ``left_out``."""
    if by is not None and by not in STRATA:
        raise TollbookError(f"unknown stratification {by!r}: use one of {', '.join(STRATA)} (or none)")
    if session.scalar(select(Record.id).where(Record.person_id.is_not(None)).limit(1)) is None:
        raise TollbookError("no linked persons: run `tollbook link` before computing capture histories")
    patterns = person_patterns(session, by, merge_groups, left_out)
    lists = sorted(set().union(*(on for _stratum, on in patterns)))
    label = [by] if by else []
    frames: dict[str, list[dict[str, object]]] = {}
    for (stratum, on), count in sorted(patterns.items(), key=_order):
        row = {name: int(name in on) for name in lists} | {"count": count} | dict.fromkeys(label, stratum)
        frames.setdefault(stratum, []).append(row)
    return {stratum: pd.DataFrame(rows, columns=[*lists, "count", *label]) for stratum, rows in frames.items()}


def _order(item: tuple[tuple[str, frozenset], int]) -> tuple[str, list[str]]:
    """Stable order of patterns: by stratum, then by the sorted lists of the pattern."""
    (stratum, lists), _count = item
    return stratum, sorted(lists)
