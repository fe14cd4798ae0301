"""A key table as integer arrays by record rank, for the NumPy scorer (:mod:`tollbook.link.scorer`).

Each column the model reads becomes integers once: text as codes into a vocabulary shared by the columns a
columns-reversed level compares (given and family names), numbers and dates as int64, each with its null value.
A comparison over few distinct profiles (ages, dates, places, sex) is tabled: its gamma for every two profiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tollbook.link.levels import ModelSpec, UnknownLevelError

NUMBER_NULL = np.iinfo(np.int64).min  # numbers' null (NaT's own integer)


@dataclass(frozen=True)
class KeyColumn:
    """One key column by record rank: integer values (codes for strings), the value standing for null, and for
    strings the vocabulary the codes index and each code's term frequency in this column."""

    values: np.ndarray
    null: int
    vocabulary: np.ndarray | None = None
    frequencies: np.ndarray | None = None


def _string_groups(spec: ModelSpec) -> list[set[str]]:
    """Columns that must share a vocabulary: those a columns-reversed level compares with each other."""
    groups: list[set[str]] = []
    for level in (lv for c in spec.comparisons for lv in c.levels):
        linked = set(level.columns) if level.kind == "reversed" else set()
        for column in (*level.columns, *([level.tf.column] if level.tf else [])):
            found = [g for g in groups if column in g or g & linked]
            merged = set().union({column}, linked, *found)
            groups = [g for g in groups if g not in found] + [merged]
    return groups


def _string_columns(by_rank: pd.DataFrame, group: set[str]) -> dict[str, KeyColumn]:
    """Codes of a group of text columns over one shared vocabulary, with each column's term frequencies."""
    names = sorted(group)
    codes, vocabulary = pd.factorize(pd.concat([by_rank[n] for n in names], ignore_index=True), use_na_sentinel=True)
    columns, size = {}, len(by_rank)
    for number, name in enumerate(names):
        own = codes[number * size:(number + 1) * size].astype(np.int32)
        counts = np.bincount(own[own >= 0], minlength=len(vocabulary)).astype(np.float64)
        columns[name] = KeyColumn(own, -1, np.asarray(vocabulary, dtype=object), counts / max(counts.sum(), 1.0))
    return columns


def _number_column(values: pd.Series) -> KeyColumn:
    """An integer or date column as int64 (dates in nanoseconds), nulls as NUMBER_NULL."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return KeyColumn(values.astype("datetime64[ns]").to_numpy().view(np.int64), NUMBER_NULL)
    if pd.api.types.infer_dtype(values, skipna=True) in ("integer", "mixed-integer-float") or \
            pd.api.types.is_integer_dtype(values):
        return KeyColumn(pd.array(values, dtype="Int64").to_numpy(dtype=np.int64, na_value=NUMBER_NULL), NUMBER_NULL)
    raise UnknownLevelError(f"column {values.name!r} of type {values.dtype} for a numeric level")


def key_columns(keys: pd.DataFrame, spec: ModelSpec) -> dict[str, KeyColumn]:
    """Every column the model's levels read, by record rank (keys' unique_id holds ranks 0..n-1)."""
    needed = {c for comparison in spec.comparisons for level in comparison.levels
              for c in (*level.columns, *([level.tf.column] if level.tf else []))}
    if missing := needed - set(keys.columns):
        raise UnknownLevelError(f"the key table lacks {sorted(missing)}")
    order = np.argsort(keys["unique_id"].to_numpy(), kind="stable")
    by_rank = keys[sorted(needed)].iloc[order].reset_index(drop=True)
    texts = {c for c in needed if pd.api.types.infer_dtype(by_rank[c], skipna=True) in ("string", "empty")}
    columns: dict[str, KeyColumn] = {}
    for group in _string_groups(spec):
        if group <= texts:
            columns |= _string_columns(by_rank, group)
    for name in needed - set(columns):
        if name in texts:
            raise UnknownLevelError(f"text column {name!r} in a numeric level")
        columns[name] = _number_column(by_rank[name])
    return columns


@dataclass(frozen=True)
class GammaTable:
    """A comparison's gamma by pair of profiles: each record's profile code, the number of profiles, and the
    gammas of profile pairs (left · count + right)."""

    profiles: np.ndarray
    count: int
    gammas: np.ndarray

    def look_up(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The gamma of each pair of records (by rank)."""
        return self.gammas[self.profiles[left] * self.count + self.profiles[right]]


def profiles(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each record's code for its combination of values (null is a value), and one record of each code."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values)
        combined = pd.factorize(combined * len(uniques) + codes)[0]
    count = int(combined.max()) + 1 if len(combined) else 0
    first = np.zeros(count, dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined) - 1, -1, -1)
    return combined, first
