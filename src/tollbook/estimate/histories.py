"""Capture histories: which lists recorded each person, as counts of observed 0/1 patterns.

Every estimator in :mod:`tollbook.estimate` works on these pattern counts, so its cost does not grow with the
number of people.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tollbook.estimate._pattern_csv import read_table

if TYPE_CHECKING:  # pandas is imported only by from_frame: a pattern file is read without it (start-up cost)
    import pandas as pd

__all__ = ["CaptureHistories", "HistoryError", "read_pattern_csv"]


class HistoryError(ValueError):
    """Capture-history data that cannot be estimated from; the message says what, where and what to do."""


def _as_patterns(patterns: object, n_lists: int) -> np.ndarray:
    """Return ``patterns`` as a read-only (n, J) uint8 array of 0/1, or raise HistoryError."""
    arr = np.asarray(patterns)
    if arr.size == 0:
        arr = arr.reshape(0, n_lists)
    if arr.ndim != 2 or arr.shape[1] != n_lists:
        raise HistoryError(f"patterns must have shape (n_patterns, {n_lists}), one column per list; got {arr.shape}")
    if not np.isin(arr, (0, 1)).all():
        raise HistoryError("patterns must hold only 0 (not on the list) and 1 (on the list)")
    return arr.astype(np.uint8)


def _as_counts(counts: object, n_patterns: int) -> np.ndarray:
    """Return ``counts`` as an int64 array of positive integers, or raise HistoryError."""
    arr = np.asarray(counts)
    if arr.shape != (n_patterns,):
        raise HistoryError(f"counts must have one entry per pattern ({n_patterns}); got shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr.astype(float))):
        raise HistoryError("counts must be finite integers; found a missing or infinite count")
    if arr.size and not np.all(arr.astype(float) == np.round(arr.astype(float))):
        raise HistoryError("counts must be whole numbers of people; found a fractional count")
    arr = arr.astype(np.int64)
    if (arr <= 0).any():
        raise HistoryError("counts must be positive; drop patterns with count 0 before building CaptureHistories")
    return arr


def aggregate_patterns(patterns: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the counts of identical patterns and drop zero counts; rows come back sorted."""
    keep = counts > 0
    patterns, counts = patterns[keep], counts[keep]
    if len(patterns) == 0:
        return patterns, counts
    unique, inverse = np.unique(patterns, axis=0, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=counts, minlength=len(unique)).astype(np.int64)
    return unique, summed


@dataclass(frozen=True, eq=False)
class CaptureHistories:
    """Counts of observed capture patterns over named lists, for one stratum (or the whole population).

    ``patterns`` holds unique 0/1 rows, none all-zero (nobody is recorded by no list); ``counts``
    the number of people with each pattern. The arrays are read-only.
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray
    stratum: str | None = None

    def __post_init__(self) -> None:
        lists = tuple(str(name) for name in self.lists)
        if len(lists) < 2:
            raise HistoryError(f"at least 2 lists are needed to estimate; got {len(lists)}: {list(lists)}")
        if len(set(lists)) != len(lists):
            raise HistoryError(f"list names must be distinct; got {list(lists)}")
        patterns = _as_patterns(self.patterns, len(lists))
        counts = _as_counts(self.counts, len(patterns))
        if len(patterns) and (patterns.sum(axis=1) == 0).any():
            raise HistoryError("a pattern with no list (all zeros) cannot be observed; remove that row")
        if len({row.tobytes() for row in patterns}) != len(patterns):  # np.unique would import numpy.ma
            raise HistoryError("patterns must be unique; use CaptureHistories.from_frame to sum repeated rows")
        patterns.setflags(write=False)
        counts.setflags(write=False)
        object.__setattr__(self, "lists", lists)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "counts", counts)

    @property
    def observed(self) -> int:
        """Number of distinct people recorded by at least one list."""
        return int(self.counts.sum())

    @property
    def n_lists(self) -> int:
        """Number of lists (J)."""
        return len(self.lists)

    @property
    def n_patterns(self) -> int:
        """Number of distinct observed patterns."""
        return len(self.counts)

    def list_totals(self) -> dict[str, int]:
        """People recorded by each list, by list name."""
        totals = (self.patterns.astype(np.int64) * self.counts[:, None]).sum(axis=0)
        return {name: int(total) for name, total in zip(self.lists, totals, strict=True)}

    def lists_with_records(self) -> tuple[str, ...]:
        """Names of the lists that recorded at least one person here."""
        return tuple(name for name, total in self.list_totals().items() if total > 0)

    def data_hash(self) -> str:
        """SHA-256 of a canonical serialisation (list names, sorted patterns and counts, stratum)."""
        order = np.lexsort(self.patterns.T[::-1]) if self.n_patterns else np.arange(0)
        payload = {
            "lists": list(self.lists),
            "patterns": ["".join(map(str, row)) for row in self.patterns[order].tolist()],
            "counts": self.counts[order].tolist(),
            "stratum": self.stratum,
        }
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def pattern_index(self) -> np.ndarray:
        """Index of each observed pattern in :meth:`full_table` (first list = most significant bit)."""
        weights = 1 << np.arange(self.n_lists - 1, -1, -1, dtype=np.int64)
        return self.patterns.astype(np.int64) @ weights

    def full_table(self) -> np.ndarray:
        """Counts over all 2^J patterns; index ``i`` read as J binary digits is the pattern, first list first.

        So index 0 is the all-zero pattern (its count is 0: unobserved) and, with lists (A, B, C),
        index 4 = 0b100 is "on A only" and index 7 is "on all three".
        """
        table = np.zeros(2**self.n_lists, dtype=np.int64)
        np.add.at(table, self.pattern_index(), self.counts)
        return table

    @classmethod
    def from_matrix(cls, matrix: object, lists: Sequence[str], stratum: str | None = None) -> CaptureHistories:
        """Tabulate a 0/1 matrix with one row per person and one column per list."""
        arr = np.asarray(matrix)
        if arr.ndim != 2 or arr.shape[1] != len(lists):
            raise HistoryError(f"matrix must have one column per list ({len(lists)}); got shape {arr.shape}")
        patterns = _as_patterns(arr, len(lists))
        empty = np.flatnonzero(patterns.sum(axis=1) == 0)
        if len(empty):
            raise HistoryError(
                f"row {int(empty[0])} of the matrix is on no list ({len(empty)} such rows); "
                "a person must be on at least one list — drop those rows"
            )
        unique, counts = aggregate_patterns(patterns, np.ones(len(patterns), dtype=np.int64))
        return cls(tuple(lists), unique, counts, stratum)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        lists: Sequence[str],
        count_col: str | None = None,
        stratum: str | None = None,
    ) -> CaptureHistories:
        """Tabulate a DataFrame: one row per person, or one per pattern with its people in ``count_col``."""
        missing = [name for name in [*lists, *([count_col] if count_col else [])] if name not in frame.columns]
        if missing:
            raise HistoryError(f"columns {missing} are not in the data; its columns are {list(frame.columns)}")
        patterns = _validated_block(frame, list(lists), source="data frame")
        counts = _validated_counts(frame, count_col, source="data frame")
        _refuse_empty_patterns(patterns, counts, list(frame.index), source="data frame")
        unique, summed = aggregate_patterns(patterns, counts)
        return cls(tuple(lists), unique, summed, stratum)

    def merge_lists(self, groups: Mapping[str, Sequence[str]]) -> CaptureHistories:
        """Merge the lists of each group into one list named by the group's key (a person is on it if on any).

        Lists of one independence group (two sources of one network) are not independent; merging them is the
        usual remedy. Lists in no group are kept as they are, in their original order.
        """
        members = _check_groups(groups, self.lists)
        columns: list[np.ndarray] = []
        names: list[str] = []
        for index, name in enumerate(self.lists):
            group = members.get(name)
            if group is None:
                columns.append(self.patterns[:, index])
                names.append(name)
            elif group not in names:
                picked = [self.lists.index(member) for member in groups[group]]
                columns.append(self.patterns[:, picked].max(axis=1))
                names.append(group)
        merged = np.stack(columns, axis=1) if columns else np.zeros((0, 0), dtype=np.uint8)
        unique, counts = aggregate_patterns(merged, self.counts.copy())
        return CaptureHistories(tuple(names), unique, counts, self.stratum)

    def drop_lists(self, names: Sequence[str]) -> CaptureHistories:
        """Drop the named lists (e.g. lists with no record in this stratum), re-tabulating the patterns."""
        unknown = [name for name in names if name not in self.lists]
        if unknown:
            raise HistoryError(f"cannot drop lists {unknown}: not among {list(self.lists)}")
        keep = [i for i, name in enumerate(self.lists) if name not in set(names)]
        patterns = self.patterns[:, keep]
        counts = self.counts.copy()
        counts[patterns.sum(axis=1) == 0] = 0
        unique, summed = aggregate_patterns(patterns, counts)
        return CaptureHistories(tuple(self.lists[i] for i in keep), unique, summed, self.stratum)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CaptureHistories):
            return NotImplemented
        return self.data_hash() == other.data_hash()

    def __hash__(self) -> int:
        return hash(self.data_hash())

    def __repr__(self) -> str:
        where = f", stratum={self.stratum!r}" if self.stratum is not None else ""
        return (
            f"CaptureHistories(lists={list(self.lists)}, patterns={self.n_patterns}, observed={self.observed}{where})"
        )


def _check_groups(groups: Mapping[str, Sequence[str]], lists: tuple[str, ...]) -> dict[str, str]:
    """Map each grouped list to its group name, refusing unknown, repeated or clashing names."""
    members: dict[str, str] = {}
    for group, names in groups.items():
        if not names:
            raise HistoryError(f"group {group!r} names no lists")
        for name in names:
            if name not in lists:
                raise HistoryError(f"group {group!r}: list {name!r} is not among {list(lists)}")
            if name in members:
                raise HistoryError(f"list {name!r} is in two groups ({members[name]!r} and {group!r})")
            members[name] = group
    ungrouped = set(lists) - set(members)
    clash = ungrouped & set(groups)
    if clash:
        raise HistoryError(f"group names {sorted(clash)} clash with lists that stay unmerged; rename the group")
    return members


def _validated_block(frame: pd.DataFrame, lists: list[str], source: str) -> np.ndarray:
    """The list columns of a data frame as uint8 0/1, or HistoryError naming the first bad row and column."""
    import pandas as pd

    block = frame[lists].apply(pd.to_numeric, errors="coerce")
    bad = ~block.isin([0, 1])
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        _bad_list_cell(source, row, lists[col], frame[lists].iloc[row, col])
    return block.to_numpy().astype(np.uint8)


def _bad_list_cell(source: str, row: object, column: str, value: object) -> None:
    raise HistoryError(
        f"{source}, row {row}, column {column!r}: value {value!r} is not 0 or 1 "
        "(list columns say whether the person is on the list); "
        "if it is a stratum column, name it in strata"
    )


def _validated_counts(frame: pd.DataFrame, count_col: str | None, source: str) -> np.ndarray:
    """The count column of a data frame as int64 (ones when there is none), or HistoryError naming the first bad
    row."""
    import pandas as pd

    if count_col is None:
        return np.ones(len(frame), dtype=np.int64)
    values = pd.to_numeric(frame[count_col], errors="coerce").to_numpy(dtype=float)
    return _whole_counts(values, source, list(range(len(values))), count_col, frame[count_col].tolist())


def _whole_counts(values: np.ndarray, source: str, rows: Sequence[object], count_col: str,
                  cells: Sequence[object]) -> np.ndarray:
    """``values`` as int64, or HistoryError naming the first that is not a non-negative whole number."""
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise HistoryError(
            f"{source}, row {rows[row]}, column {count_col!r}: count {cells[row]!r} "
            "is not a non-negative whole number of people"
        )
    return values.astype(np.int64)


def _refuse_empty_patterns(patterns: np.ndarray, counts: np.ndarray, rows: Sequence[object], source: str) -> None:
    """Raise HistoryError if a row on no list carries people (nobody can be observed by no list)."""
    empty = np.flatnonzero((patterns.sum(axis=1) == 0) & (counts > 0))
    if len(empty):
        raise HistoryError(
            f"{source}, row {rows[int(empty[0])]}: the all-zero pattern (on no list) has a count; it is unobserved "
            "by definition — remove that row"
        )


def _number(text: str) -> float:
    """A cell as a number, as a spreadsheet would read it (spaces around it allowed); NaN when it is not one."""
    text = text.strip()
    if not text.isascii() or "_" in text:  # float() would take Arabic-Indic digits and 1_000
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _csv_block(columns: Mapping[str, list[str]], lists: list[str], source: str, lines: Sequence[int]) -> np.ndarray:
    """The list columns of a pattern file as uint8 0/1, or HistoryError naming the first bad line and column."""
    block = np.array([columns[name] for name in lists], dtype=str).T.reshape(len(lines), len(lists))
    ones, zeros = block == "1", block == "0"
    for row, col in np.argwhere(~(ones | zeros)):  # rare: "1.0", " 1 " and the like, or a bad cell
        value = _number(block[row, col])
        if value not in (0.0, 1.0):
            _bad_list_cell(source, lines[row], lists[col], str(block[row, col]))
        ones[row, col] = value == 1.0
    return ones.astype(np.uint8)


def read_pattern_csv(
    path: str | Path, strata: Sequence[str] | None = None, count_col: str = "count"
) -> dict[str | None, CaptureHistories]:
    """Read a pattern-count CSV (list columns, optional stratum columns, ``count``) into histories.

    Returns ``{None: histories}`` without strata; otherwise one entry per stratum, keyed by its value
    (values of several stratum columns are joined with " / "), in the order the file first names them.
    Row numbers in errors are the file's line numbers. The file is UTF-8 (a byte-order mark is allowed); blank
    lines are skipped; list cells are 0 or 1 (1.0 and spaces around them are read too).
    """
    path = Path(path)
    header, columns, lines = read_table(path, HistoryError)
    strata = list(strata or [])
    missing = [name for name in [count_col, *strata] if name not in header]
    if missing:
        raise HistoryError(f"{path}: columns {missing} are missing; the file has {header}")
    lists = [name for name in header if name != count_col and name not in strata]
    if len(lists) < 2:
        raise HistoryError(f"{path}: at least 2 list columns are needed; found {lists}")
    patterns = _csv_block(columns, lists, str(path), lines)
    cells = columns[count_col]
    counts = _whole_counts(np.array([_number(c) for c in cells], dtype=float), str(path), lines, count_col, cells)
    _refuse_empty_patterns(patterns, counts, lines, source=str(path))
    if not strata:
        unique, summed = aggregate_patterns(patterns, counts)
        return {None: CaptureHistories(tuple(lists), unique, summed)}
    labels = [" / ".join(values) for values in zip(*(columns[name] for name in strata), strict=True)]
    rows_of: dict[str, list[int]] = {}
    for row, label in enumerate(labels):
        rows_of.setdefault(label, []).append(row)
    result: dict[str | None, CaptureHistories] = {}
    for label, rows in rows_of.items():
        unique, summed = aggregate_patterns(patterns[rows], counts[rows])
        result[label] = CaptureHistories(tuple(lists), unique, summed, label)
    return result
