"""String measures of the NumPy scorer as DuckDB computes them: Jaro-Winkler similarity and Levenshtein distance
by characters (DuckDB's functions count characters, not bytes, as rapidfuzz does on Python strings).

rapidfuzz and DuckDB compute Jaro-Winkler in different orders and differ in the last bits (about 1e-16); many name
pairs lie on a threshold exactly (two five-letter names one letter apart score 0.92), so a similarity within
SIMILARITY_TIE of a threshold is asked of DuckDB itself. Each measure is computed once per distinct unordered pair
of codes (both are symmetric, in DuckDB too).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

SIMILARITY_TIE = 1e-9
WORKERS = 1  # rapidfuzz threads per call (chunks are scored by one thread per core: scorer.default_workers)


def jaro_winkler(left: np.ndarray, right: np.ndarray, cutoff: float = 0.0) -> np.ndarray:
    """Jaro-Winkler similarity of each pair of strings (rapidfuzz); 0 below `cutoff`."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    if not len(left):
        return np.zeros(0)
    return process.cpdist(list(left), list(right), scorer=JaroWinkler.similarity, dtype=np.float64,
                          score_cutoff=cutoff, workers=WORKERS)


def levenshtein(left: np.ndarray, right: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Levenshtein distance of each pair of strings (rapidfuzz); beyond `limit`, limit + 1."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    if not len(left):
        return np.zeros(0)
    return process.cpdist(list(left), list(right), scorer=Levenshtein.distance, dtype=np.int64,
                          score_cutoff=limit, workers=WORKERS).astype(np.float64)


class DuckDBJaroWinkler:
    """DuckDB's own jaro_winkler_similarity of pairs of strings, on one in-memory connection opened at first use
    (one thread at a time: chunks are scored by several)."""

    def __init__(self) -> None:
        self._connection: Any = None
        self._lock = threading.Lock()

    def __call__(self, left: list[str], right: list[str]) -> np.ndarray:
        with self._lock:
            if self._connection is None:
                import duckdb

                self._connection = duckdb.connect()
            self._connection.register("tollbook_similar", pd.DataFrame({"a": left, "b": right}, dtype=object))
            found = self._connection.execute("select jaro_winkler_similarity(a, b) as s from tollbook_similar")
            similar = np.asarray(found.fetchnumpy()["s"], dtype=np.float64)
            self._connection.unregister("tollbook_similar")
            return similar


class StringMeasures:
    """The string measures a model's levels take of its text columns: the vocabulary of each column's codes and
    the thresholds its levels test, so each measure is exact where a threshold can be decided by it."""

    def __init__(self, vocabularies: dict[str, np.ndarray], thresholds: dict[tuple[str, str], list[float]],
                 exact_similarity: Callable[[list[str], list[str]], np.ndarray] | None = None) -> None:
        self.vocabularies, self.thresholds = vocabularies, thresholds
        self.lengths = {column: np.array([len(v) for v in vocabularies[column].tolist()], dtype=np.int64)
                        for measure, column in thresholds if measure == "levenshtein"}
        self.exact_similarity = exact_similarity or DuckDBJaroWinkler()

    def measure(self, measure: str, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The measure between the values of each pair of codes. Levenshtein distances are exact up to the
        largest threshold (beyond it: that + 1) and not computed where the lengths differ by more;
        Jaro-Winkler similarities are exact down to the lowest threshold (below it: 0)."""
        if measure == "levenshtein":
            limit = int(max(self.thresholds[(measure, column)]))
            lengths = self.lengths[column]
            distances = np.full(len(left), limit + 1.0)
            near = np.flatnonzero(np.abs(lengths[left] - lengths[right]) <= limit)
            distances[near] = self._distinct(column, left[near], right[near],
                                             lambda a, b: levenshtein(a, b, limit))
            return distances
        return self._distinct(column, left, right, lambda a, b: self._similarities(column, a, b))

    def _distinct(self, column: str, left: np.ndarray, right: np.ndarray,
                  measure: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
        """`measure` of the strings of each pair of codes, called once per distinct unordered pair."""
        vocabulary = self.vocabularies[column]
        size = np.int64(len(vocabulary))
        low, high = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
        pair_codes, distinct = pd.factorize(low * size + high)
        return measure(vocabulary[distinct // size], vocabulary[distinct % size])[pair_codes]

    def _similarities(self, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Jaro-Winkler similarities of pairs of strings; within SIMILARITY_TIE of a threshold, DuckDB's own."""
        thresholds = self.thresholds[("jaro_winkler", column)]
        similar = jaro_winkler(left, right, min(thresholds) - 1e3 * SIMILARITY_TIE)
        near = np.zeros(len(similar), dtype=bool)
        for threshold in thresholds:
            near |= np.abs(similar - threshold) <= SIMILARITY_TIE
        if near.any():
            similar[near] = self.exact_similarity(list(left[near]), list(right[near]))
        return similar
