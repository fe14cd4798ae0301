"""Scoring record pairs in NumPy with a saved Splink model: the same gammas, match weights and probabilities as
Splink's predict on DuckDB, several times faster on tens of millions of blocked pairs.

Every key column becomes integer codes once (a string's code indexes its column group's vocabulary; nulls are a
sentinel), so exact levels compare integers and string similarities (rapidfuzz) are computed once per distinct
pair of values in a chunk of pairs, and only for the pairs no earlier level took. Similarities within SIMILARITY_TIE
of a level's threshold are DuckDB's own (jaro_winkler_similarity), so a float tie falls as it falls in Splink.
Term frequencies are Splink's: each value's share of the column's non-null values in the whole key table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tollbook.link.levels import Comparison, Level, ModelSpec, UnknownLevelError, probability_weight

CHUNK = 2_000_000  # pairs scored at a time: a million records' 32.7 million pairs in bounded memory
SIMILARITY_TIE = 1e-9  # rapidfuzz and DuckDB agree to about 1e-16; closer than this to a threshold, DuckDB decides
WORKERS = 2  # rapidfuzz threads for the distinct pairs of a chunk
NUMBER_NULL = np.iinfo(np.int64).min  # numbers' null (NaT's own integer)
STRING_LEVELS = ("jaro_winkler", "levenshtein")


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


class Scorer:
    """A saved model applied to pairs of record ranks: slim scores (`score`) or each comparison's terms
    (`terms`), in chunks of CHUNK pairs."""

    def __init__(self, keys: pd.DataFrame, spec: ModelSpec, exact_similarity: Callable | None = None) -> None:
        self.spec = spec
        self.columns = key_columns(keys, spec)
        self.tf_logs = {lv: _tf_logs(self.columns[lv.tf.column], lv.tf.minimum)
                         for c in spec.comparisons for lv in c.levels if lv.tf}
        self.thresholds: dict[tuple[str, str], list[float]] = {}
        for level in (lv for c in spec.comparisons for lv in c.levels if lv.kind in STRING_LEVELS):
            self.thresholds.setdefault((level.kind, level.columns[0]), []).append(level.threshold)
        self.lengths = {column: np.array([len(v) for v in self.columns[column].vocabulary.tolist()], dtype=np.int64)
                        for kind, column in self.thresholds if kind == "levenshtein"}
        self.exact_similarity = exact_similarity or DuckDBJaroWinkler()

    def measure(self, measure: str, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The string measure between the values of each code pair, computed once per distinct unordered pair
        (both measures are symmetric, DuckDB's too)."""
        size = np.int64(len(self.columns[column].vocabulary))
        low, high = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
        pair_codes, distinct = pd.factorize(low * size + high)
        low, high = distinct // size, distinct % size
        if measure == "levenshtein":
            return self._distances(column, low, high)[pair_codes]
        return self._similarities(column, low, high)[pair_codes]

    def _distances(self, column: str, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Levenshtein distances of code pairs, exact up to the largest threshold (beyond it: that + 1); pairs
        whose lengths differ by more are not computed."""
        limit = int(max(self.thresholds[("levenshtein", column)]))
        lengths, vocabulary = self.lengths[column], self.columns[column].vocabulary
        distances = np.full(len(low), limit + 1.0)
        near = np.flatnonzero(np.abs(lengths[low] - lengths[high]) <= limit)
        distances[near] = string_distances(vocabulary[low[near]], vocabulary[high[near]], limit)
        return distances

    def _similarities(self, column: str, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Jaro-Winkler similarities of code pairs, exact down to the lowest threshold (below it: 0); within
        SIMILARITY_TIE of a threshold, DuckDB's own."""
        thresholds, vocabulary = self.thresholds[("jaro_winkler", column)], self.columns[column].vocabulary
        strings_l, strings_r = vocabulary[low], vocabulary[high]
        similar = jaro_winkler(strings_l, strings_r, min(thresholds) - 1e3 * SIMILARITY_TIE)
        near = np.zeros(len(similar), dtype=bool)
        for threshold in thresholds:
            near |= np.abs(similar - threshold) <= SIMILARITY_TIE
        if near.any():
            similar[near] = self.exact_similarity(list(strings_l[near]), list(strings_r[near]))
        return similar

    def score(self, left: np.ndarray, right: np.ndarray, lowest: float) -> pd.DataFrame:
        """unique_id_l, unique_id_r, match_probability, match_weight of the pairs scoring at or above `lowest`
        (all pairs when it is 0), in the pairs' order."""
        floor = probability_weight(lowest) if lowest > 0 else -math.inf
        parts = []
        for l_ranks, r_ranks in _chunks(left, right):
            chunk = _Chunk(self, l_ranks, r_ranks)
            weight = self.spec.prior_weight
            for comparison in self.spec.comparisons:
                for term in chunk.weights(comparison):
                    weight = weight + term
            kept = np.flatnonzero(weight >= floor)
            parts.append((l_ranks[kept], r_ranks[kept], weight[kept]))
        l_all, r_all, weights = (np.concatenate(p) for p in zip(*parts, strict=True)) if parts else ([],) * 3
        weights = np.asarray(weights, dtype=np.float64)
        return pd.DataFrame({"unique_id_l": np.asarray(l_all, dtype=np.int64),
                             "unique_id_r": np.asarray(r_all, dtype=np.int64),
                             "match_probability": match_probability(weights), "match_weight": weights})

    def terms(self, left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
        """Each comparison's gamma_ (int8), mw_ and mw_tf_adj_ (float32) of every pair, named and ordered as
        Splink's predictions (read by train._terms_query)."""
        parts = []
        for l_ranks, r_ranks in _chunks(left, right):
            chunk, columns = _Chunk(self, l_ranks, r_ranks), {}
            for comparison in self.spec.comparisons:
                columns[f"gamma_{comparison.name}"] = chunk.gammas(comparison)
                weights = chunk.weights(comparison)
                columns[f"mw_{comparison.name}"] = weights[0].astype(np.float32)
                if comparison.has_tf:
                    columns[f"mw_tf_adj_{comparison.name}"] = weights[1].astype(np.float32)
            parts.append(pd.DataFrame(columns))
        if not parts:
            return self.terms(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)).iloc[:0]
        return pd.concat(parts, ignore_index=True)


def match_probability(weight: np.ndarray) -> np.ndarray:
    """Splink's probability of a match weight, computed as it computes it (no overflow either side of 0);
    float_power is libm's pow, as DuckDB's POWER (np.power's SIMD version differs in the last bit)."""
    with np.errstate(over="ignore"):
        positive = 1.0 / (1.0 + np.float_power(2.0, -weight))
        power = np.float_power(2.0, weight)
        negative = power / (1.0 + power)
    return np.where(weight >= 0, positive, negative)


def _tf_logs(column: KeyColumn, minimum: float) -> np.ndarray:
    """log2(max(tf, minimum)) of each code (math.log2, as DuckDB's log2; NaN for codes absent here)."""
    assert column.frequencies is not None
    return np.array([math.log2(max(f, minimum)) if f > 0 else math.nan for f in column.frequencies.tolist()])


def _chunks(left: np.ndarray, right: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs CHUNK at a time, as int64 rank arrays."""
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    for start in range(0, len(left), CHUNK):
        yield left[start:start + CHUNK], right[start:start + CHUNK]


class DuckDBJaroWinkler:
    """DuckDB's own jaro_winkler_similarity of pairs of strings (decides the pairs that lie on a threshold), on
    one in-memory connection opened at first use."""

    def __init__(self) -> None:
        self._connection: Any = None

    def __call__(self, left: list[str], right: list[str]) -> np.ndarray:
        if self._connection is None:
            import duckdb

            self._connection = duckdb.connect()
        self._connection.register("tollbook_similar", pd.DataFrame({"a": left, "b": right}))
        found = self._connection.execute("select jaro_winkler_similarity(a, b) as s from tollbook_similar")
        similar = np.asarray(found.fetchnumpy()["s"], dtype=np.float64)
        self._connection.unregister("tollbook_similar")
        return similar


class _Chunk:
    """One chunk of pairs: each column's values on both sides, gathered once, and the string similarities of
    the pairs computed so far (a later level reuses what an earlier one computed)."""

    def __init__(self, scorer: Scorer, left: np.ndarray, right: np.ndarray) -> None:
        self.scorer, self.left, self.right = scorer, left, right
        self._sides: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._similar: dict[tuple[str, str], np.ndarray] = {}
        self._gammas: dict[str, np.ndarray] = {}
        self._present: dict[str, np.ndarray] = {}

    def side(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column's values of the left and of the right records."""
        if name not in self._sides:
            values = self.scorer.columns[name].values
            self._sides[name] = (values[self.left], values[self.right])
        return self._sides[name]

    def present(self, name: str) -> np.ndarray:
        """Pairs where both records give the column."""
        if name not in self._present:
            null = self.scorer.columns[name].null
            left, right = self.side(name)
            self._present[name] = (left != null) & (right != null)
        return self._present[name]

    def gammas(self, comparison: Comparison) -> np.ndarray:
        """Each pair's comparison vector value: the first level (in order) whose condition holds."""
        if comparison.name not in self._gammas:
            gamma = np.full(len(self.left), comparison.levels[-1].gamma, dtype=np.int8)
            pending = np.ones(len(self.left), dtype=bool)
            for level in comparison.levels[:-1]:
                hit = self.holds(level, pending) & pending
                gamma[hit] = level.gamma
                pending &= ~hit
            self._gammas[comparison.name] = gamma
        return self._gammas[comparison.name]

    def holds(self, level: Level, pending: np.ndarray) -> np.ndarray:
        """Where the level's condition is true, as SQL's CASE reads it (a null comparison is not true); string
        similarities are computed only for `pending` pairs."""
        if level.kind == "null":
            return ~self.present(level.columns[0])
        if level.kind in STRING_LEVELS:
            column, threshold = level.columns[0], level.threshold
            wanted = pending & self.present(column)
            values = self.similarity(level.kind, column, wanted)
            return wanted & (values >= threshold if level.kind == "jaro_winkler" else values <= threshold)
        return _TESTS[level.kind](self, level)

    def similarity(self, measure: str, column: str, wanted: np.ndarray) -> np.ndarray:
        """The measure between the two records' values, filled in (at least) where `wanted`."""
        key = (measure, column)
        values = self._similar.setdefault(key, np.full(len(self.left), np.nan))
        todo = np.flatnonzero(wanted & np.isnan(values))
        if len(todo):
            left, right = self.side(column)
            values[todo] = self.scorer.measure(measure, column, left[todo], right[todo])
        return values

    def weights(self, comparison: Comparison) -> list[np.ndarray]:
        """The comparison's match weight of each pair and, if it has term frequencies, its tf adjustment (the
        columns Splink sums, in its order)."""
        gamma = self.gammas(comparison)
        table = np.zeros(max(lv.gamma for lv in comparison.levels) + 2)
        for level in comparison.levels:
            table[level.gamma + 1] = level.weight
        terms = [table[gamma.astype(np.int64) + 1]]
        if comparison.has_tf:
            adjustment = np.zeros(len(gamma))
            for level in (lv for lv in comparison.levels if lv.tf):
                at = np.flatnonzero(gamma == level.gamma)
                adjustment[at] = self._tf_adjustment(level, at)
            terms.append(adjustment)
        return terms

    def _tf_adjustment(self, level: Level, at: np.ndarray) -> np.ndarray:
        """w · (log2 u − log2 max(tf_l, tf_r, minimum)) at the given pairs; 0 where neither record has a tf."""
        assert level.tf is not None
        logs = self.scorer.tf_logs[level]
        left, right = (codes[at] for codes in self.side(level.tf.column))
        log_l = np.where(left >= 0, logs[np.maximum(left, 0)], np.nan)
        log_r = np.where(right >= 0, logs[np.maximum(right, 0)], np.nan)
        largest = np.fmax(log_l, log_r)
        return np.where(np.isnan(largest), 0.0, level.tf.weight * (level.tf.log2_u - largest))


def jaro_winkler(left: np.ndarray, right: np.ndarray, cutoff: float = 0.0) -> np.ndarray:
    """Jaro-Winkler similarity of each pair of strings (rapidfuzz; by characters, as DuckDB); 0 below `cutoff`."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    if not len(left):
        return np.zeros(0)
    return process.cpdist(list(left), list(right), scorer=JaroWinkler.similarity, dtype=np.float64,
                          score_cutoff=cutoff, workers=WORKERS)


def string_distances(left: np.ndarray, right: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Levenshtein distance of each pair of strings (rapidfuzz; by characters, as DuckDB); beyond `limit`,
    limit + 1."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    if not len(left):
        return np.zeros(0)
    return process.cpdist(list(left), list(right), scorer=Levenshtein.distance, dtype=np.int64,
                          score_cutoff=limit, workers=WORKERS).astype(np.float64)


def _exact(chunk: _Chunk, level: Level) -> np.ndarray:
    left, right = chunk.side(level.columns[0])
    return chunk.present(level.columns[0]) & (left == right)


def _reversed(chunk: _Chunk, level: Level) -> np.ndarray:
    first, second = level.columns
    (first_l, first_r), (second_l, second_r) = chunk.side(first), chunk.side(second)
    both = chunk.present(first) & chunk.present(second)
    return both & (first_l == second_r) & (first_r == second_l)


def _difference(chunk: _Chunk, level: Level) -> np.ndarray:
    left, right = chunk.side(level.columns[0])
    return chunk.present(level.columns[0]) & (np.abs(left - right) <= level.threshold)


def _seconds(chunk: _Chunk, level: Level) -> np.ndarray:
    left, right = chunk.side(level.columns[0])
    return chunk.present(level.columns[0]) & (np.abs(left - right) / 1e9 <= level.threshold)


def _periods(chunk: _Chunk, level: Level) -> np.ndarray:
    day, first, last = level.columns
    (first_l, first_r), (last_l, last_r) = chunk.side(first), chunk.side(last)
    partial = ~chunk.present(day)
    return partial & chunk.present(first) & chunk.present(last) & (first_l <= last_r) & (first_r <= last_l)


_TESTS: dict[str, Callable[[_Chunk, Level], np.ndarray]] = {
    "exact": _exact, "reversed": _reversed, "difference": _difference, "seconds": _seconds, "periods": _periods,
}
