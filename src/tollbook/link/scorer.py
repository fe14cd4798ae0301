"""Scoring record pairs in NumPy with a saved Splink model: the same gammas, match weights and probabilities as
Splink's predict on DuckDB, several times faster on tens of millions of blocked pairs.

The key table is integers by record rank (:mod:`tollbook.link.codes`), so exact levels compare integers and the
string levels (:mod:`tollbook.link.similarity`) are computed per distinct pair of values, only for pairs no
earlier level took. Pairs are scored CHUNK at a time; with a floor (`lowest`), a chunk's pairs are dropped as
soon as the most their undecided comparisons could give cannot lift them to it, so most string similarities of
pairs that would score far below it are never computed. The arithmetic is Splink's, in its order: the prior's
weight plus each comparison's weight and tf adjustment; probability 1 / (1 + 2^−w) (2^w / (1 + 2^w) below 0).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from tollbook.link.codes import GammaTable, KeyColumn, key_columns, profiles
from tollbook.link.levels import Comparison, Level, ModelSpec, probability_weight
from tollbook.link.similarity import StringMeasures

CHUNK = 1_000_000  # pairs scored at a time: a million records' 32.7 million pairs in bounded memory
STRING_LEVELS = ("jaro_winkler", "levenshtein")
BOUND_MARGIN = 1e-6  # bits: a bound summed in another order than the weight still keeps every pair at the floor
UNDECIDED = -2  # a gamma not yet known
PRUNE_BELOW = 0.7  # a chunk is narrowed when fewer than this share of its pairs can still reach the floor
TABLE_LIMIT = 4_000_000  # profile pairs up to which a comparison's gammas are tabled (a byte each)
MAX_WORKERS = 4  # chunks scored at once (threads: NumPy, pandas' hashing and the string kernels release the GIL)


def default_workers() -> int:
    """Threads scoring chunks at once: the cores this process may use, at most MAX_WORKERS."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, usable))


class Scorer:
    """A saved model applied to pairs of record ranks: slim scores (`score`) or each comparison's terms
    (`terms`), in chunks of CHUNK pairs."""

    def __init__(self, keys: pd.DataFrame, spec: ModelSpec,
                 exact_similarity: Callable[[list[str], list[str]], np.ndarray] | None = None,
                 columns: dict[str, KeyColumn] | None = None) -> None:
        self.spec = spec
        self.columns = key_columns(keys, spec) if columns is None else columns  # given: made while training
        self.tf_logs = {lv: _tf_logs(self.columns[lv.tf.column], lv.tf.minimum)
                        for c in spec.comparisons for lv in c.levels if lv.tf}
        self.tf_by_code = {lv: lv.tf.weight * (lv.tf.log2_u - logs) for lv, logs in self.tf_logs.items()
                           if lv.tf and lv.kind == "exact" and lv.columns == (lv.tf.column,)}
        thresholds: dict[tuple[str, str], list[float]] = {}
        for level in (lv for c in spec.comparisons for lv in c.levels if lv.kind in STRING_LEVELS):
            thresholds.setdefault((level.kind, level.columns[0]), []).append(level.threshold)
        vocabularies = {column: self.columns[column].vocabulary for _, column in thresholds}
        self.strings = StringMeasures(vocabularies, thresholds, exact_similarity)
        self.tables: dict[str, GammaTable] = {}
        for comparison in spec.comparisons:
            if (table := self._gamma_table(comparison)) is not None:
                self.tables[comparison.name] = table

    def _gamma_table(self, comparison: Comparison) -> GammaTable | None:
        """The comparison's gamma for every two distinct profiles (the values of the columns it reads) where
        there are few (ages, dates, places, sex) and it has no string level: a pair's gamma is then one look-up."""
        if any(level.kind in STRING_LEVELS for level in comparison.levels):
            return None
        read = sorted({c for lv in comparison.levels for c in (*lv.columns, *([lv.tf.column] if lv.tf else []))})
        codes, first = profiles([self.columns[c].values for c in read])
        count = len(first)
        if count * count > TABLE_LIMIT:
            return None
        every = _Chunk(self, np.repeat(first, count), np.tile(first, count))
        return GammaTable(codes, count, every.gammas(comparison))

    def score(self, left: np.ndarray, right: np.ndarray, lowest: float, workers: int | None = None) -> pd.DataFrame:
        """unique_id_l, unique_id_r, match_probability, match_weight of the pairs scoring at or above `lowest`
        (all pairs when it is 0), in the pairs' order. Chunks are scored by `workers` threads (default: one per
        core) and joined in chunk order; a pair's score does not depend on its chunk, so neither does the result."""
        floor = probability_weight(lowest) if lowest > 0 else -math.inf
        with ThreadPoolExecutor(workers or default_workers()) as pool:
            parts = list(pool.map(lambda ranks: self._score_chunk(_Chunk(self, *ranks), floor), _chunks(left, right)))
        l_all, r_all, weights = (np.concatenate(p) for p in zip(*parts, strict=True)) if parts else ([],) * 3
        weights = np.asarray(weights, dtype=np.float64)
        return pd.DataFrame({"unique_id_l": np.asarray(l_all, dtype=np.int64),
                             "unique_id_r": np.asarray(r_all, dtype=np.int64),
                             "match_probability": match_probability(weights), "match_weight": weights})

    def _score_chunk(self, chunk: _Chunk, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(left ranks, right ranks, match weights) of the chunk's pairs at or above the floor: every comparison
        decided up to its first string level, then the string comparisons (most undecided first) level by level,
        dropping after each step the pairs whose best case stays below the floor."""
        if not len(chunk.left):
            return chunk.left, chunk.right, np.zeros(0)
        decisions = [chunk.decision(c) for c in self.spec.comparisons]
        for decision in decisions:
            decision.advance(chunk, to_string=True)
        chunk = chunk.prune(decisions, floor)
        for decision in sorted(decisions, key=lambda d: -int(d.pending.sum())):
            while not decision.done:
                decision.step(chunk)
                decision.advance(chunk, to_string=True)
                chunk = chunk.prune(decisions, floor)
        weight: np.ndarray | float = self.spec.prior_weight
        everywhere = np.arange(len(chunk.left))
        for decision in decisions:
            for term in chunk.weights_of(decision.comparison, decision.gamma, everywhere):
                weight = weight + term
        kept = np.flatnonzero(np.asarray(weight) >= floor)
        return chunk.left[kept], chunk.right[kept], np.broadcast_to(weight, everywhere.shape)[kept]

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


class _Decision:
    """One comparison decided level by level over a chunk's pairs: the gammas so far (UNDECIDED where no level
    tested yet holds), which pairs are pending, the next level to test, and each pair's bound: its weight where
    decided, and where pending the most any untested level could give (infinite if one has term frequencies)."""

    def __init__(self, chunk: _Chunk, comparison: Comparison, gamma: np.ndarray | None = None) -> None:
        size, levels = len(chunk.left), comparison.levels
        self.comparison = comparison
        if gamma is None:
            self.gamma, self.pending, self.next = np.full(size, UNDECIDED, dtype=np.int8), np.ones(size, bool), 0
            self.bound = np.full(size, self._ceiling())
        else:
            self.gamma, self.pending, self.next = gamma, np.zeros(size, bool), len(levels)
            self.bound = _sum(chunk.weights_of(comparison, gamma, np.arange(size)))

    @property
    def done(self) -> bool:
        return self.next >= len(self.comparison.levels)

    def _ceiling(self) -> float:
        return max((math.inf if lv.tf else lv.weight for lv in self.comparison.levels[self.next:]), default=0.0)

    def step(self, chunk: _Chunk) -> None:
        """Test the next level on the pending pairs (the else level takes them all)."""
        level = self.comparison.levels[self.next]
        hit = self.pending.copy() if level.kind == "else" else chunk.holds(level, self.pending) & self.pending
        self.gamma[hit] = level.gamma
        self.pending &= ~hit
        at = np.flatnonzero(hit)
        self.bound[at] = level.weight + (chunk.tf_adjustment(level, at) if level.tf else 0.0)
        self.next = self.next + 1 if self.pending.any() else len(self.comparison.levels)
        if not self.done:
            self.bound[self.pending] = self._ceiling()

    def advance(self, chunk: _Chunk, to_string: bool = False) -> None:
        """Test levels in order until decided (or, with `to_string`, until the next one is a string level)."""
        while not self.done and not (to_string and self.comparison.levels[self.next].kind in STRING_LEVELS):
            self.step(chunk)

    def keep(self, kept: np.ndarray) -> None:
        """Only the pairs at positions `kept`."""
        self.gamma, self.pending, self.bound = self.gamma[kept], self.pending[kept], self.bound[kept]


def _sum(terms: list[np.ndarray]) -> np.ndarray:
    """Arrays added in order."""
    total = terms[0].copy()
    for term in terms[1:]:
        total += term
    return total


class _Chunk:
    """One chunk of pairs: each column's values on both sides, gathered once, and the string measures of the
    pairs computed so far (a later level reuses what an earlier one computed)."""

    def __init__(self, scorer: Scorer, left: np.ndarray, right: np.ndarray) -> None:
        self.scorer, self.left, self.right = scorer, left, right
        self._sides: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._present: dict[str, np.ndarray] = {}
        self._measured: dict[tuple[str, str], np.ndarray] = {}
        self._settled: np.ndarray | float = scorer.spec.prior_weight  # prior + bounds of decided comparisons
        self._settled_ids: set[int] = set()

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

    def decision(self, comparison: Comparison) -> _Decision:
        """A comparison to decide over these pairs (already decided where it is tabled)."""
        table = self.scorer.tables.get(comparison.name)
        return _Decision(self, comparison, None if table is None else table.look_up(self.left, self.right))

    def gammas(self, comparison: Comparison) -> np.ndarray:
        """Each pair's comparison vector value: the first level (in order) whose condition holds."""
        decision = self.decision(comparison)
        decision.advance(self)
        return decision.gamma

    def prune(self, decisions: list[_Decision], floor: float) -> _Chunk:
        """The chunk without the pairs that cannot reach the floor (the decisions kept in step)."""
        if floor == -math.inf or not len(self.left):
            return self
        settled = [d for d in decisions if d.done and id(d) not in self._settled_ids]
        if settled:  # a decided comparison's bound no longer changes: summed once
            self._settled = self._settled + _sum([d.bound for d in settled])
            self._settled_ids |= {id(d) for d in settled}
        pending = [d.bound for d in decisions if not d.done]
        bound = self._settled + _sum(pending) if pending else np.asarray(self._settled)
        kept = np.flatnonzero(np.broadcast_to(bound, self.left.shape) >= floor - BOUND_MARGIN)
        if len(kept) > PRUNE_BELOW * len(self.left):
            return self
        for decision in decisions:
            decision.keep(kept)
        smaller = _Chunk(self.scorer, self.left[kept], self.right[kept])
        smaller._settled = self._settled[kept] if isinstance(self._settled, np.ndarray) else self._settled
        smaller._settled_ids = self._settled_ids
        needed = {c for d in decisions if not d.done for lv in d.comparison.levels for c in lv.columns}
        smaller._sides = {name: (left[kept], right[kept]) for name, (left, right) in self._sides.items()
                          if name in needed}
        smaller._present = {name: present[kept] for name, present in self._present.items() if name in needed}
        smaller._measured = {key: values[kept] for key, values in self._measured.items() if key[1] in needed}
        return smaller

    def holds(self, level: Level, pending: np.ndarray) -> np.ndarray:
        """Where the level's condition is true, as SQL's CASE reads it (a null comparison is not true); string
        measures are computed only for `pending` pairs."""
        if level.kind == "null":
            return ~self.present(level.columns[0])
        if level.kind in STRING_LEVELS:
            column, threshold = level.columns[0], level.threshold
            wanted = pending & self.present(column)
            values = self.measured(level.kind, column, wanted)
            return wanted & (values >= threshold if level.kind == "jaro_winkler" else values <= threshold)
        return _TESTS[level.kind](self, level)

    def measured(self, measure: str, column: str, wanted: np.ndarray) -> np.ndarray:
        """The measure between the two records' values, filled in (at least) where `wanted`."""
        values = self._measured.setdefault((measure, column), np.full(len(self.left), np.nan))
        todo = np.flatnonzero(wanted & np.isnan(values))
        if len(todo):
            left, right = self.side(column)
            values[todo] = self.scorer.strings.measure(measure, column, left[todo], right[todo])
        return values

    def weights(self, comparison: Comparison) -> list[np.ndarray]:
        """The comparison's match weight of each pair and, if it has term frequencies, its tf adjustment (the
        columns Splink sums, in its order)."""
        return self.weights_of(comparison, self.gammas(comparison), np.arange(len(self.left)))

    def weights_of(self, comparison: Comparison, gamma: np.ndarray, at: np.ndarray) -> list[np.ndarray]:
        """The weights (and tf adjustments) of the gammas of the pairs at positions `at` (an UNDECIDED gamma
        gets some weight: the caller overwrites it)."""
        table = np.zeros(max(lv.gamma for lv in comparison.levels) + 2)
        for level in comparison.levels:
            table[level.gamma + 1] = level.weight
        terms = [table[gamma.astype(np.int64) + 1]]
        if comparison.has_tf:
            adjustment = np.zeros(len(gamma))
            for level in (lv for lv in comparison.levels if lv.tf):
                where = np.flatnonzero(gamma == level.gamma)
                adjustment[where] = self.tf_adjustment(level, at[where])
            terms.append(adjustment)
        return terms

    def tf_adjustment(self, level: Level, at: np.ndarray) -> np.ndarray:
        """w · (log2 u − log2 max(tf_l, tf_r, minimum)) at the given pairs; 0 where neither record has a tf."""
        assert level.tf is not None
        if level in self.scorer.tf_by_code:  # an exact level on the tf column: both records have one value
            return self.scorer.tf_by_code[level][self.side(level.tf.column)[0][at]]
        logs = self.scorer.tf_logs[level]
        left, right = (codes[at] for codes in self.side(level.tf.column))
        log_l = np.where(left >= 0, logs[np.maximum(left, 0)], np.nan)
        log_r = np.where(right >= 0, logs[np.maximum(right, 0)], np.nan)
        largest = np.fmax(log_l, log_r)
        return np.where(np.isnan(largest), 0.0, level.tf.weight * (level.tf.log2_u - largest))


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
