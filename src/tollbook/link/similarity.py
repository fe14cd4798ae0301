"""String measures of the NumPy scorer as DuckDB computes them: Jaro-Winkler similarity and Levenshtein distance
by characters (code points, as DuckDB counts them), in compiled loops (:mod:`tollbook.link._strings_kernel`) over
each column's vocabulary encoded once, so chunks scored on several threads measure strings at once.

The compiled Jaro-Winkler sums as rapidfuzz does, and DuckDB in another order: they differ in the last bits (about
1e-16), and many name pairs lie on a threshold exactly (two five-letter names one letter apart score 0.92), so a
similarity within SIMILARITY_TIE of a threshold is asked of DuckDB itself. Each measure is computed once per
distinct unordered pair of codes in a call (both are symmetric, in DuckDB too).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from tollbook.link import _strings_kernel as kernel

SIMILARITY_TIE = 1e-9


def jaro_winkler(left: np.ndarray, right: np.ndarray, cutoff: float = 0.0) -> np.ndarray:
    """Jaro-Winkler similarity of each pair of strings; 0 below `cutoff`."""
    (symbols, offsets, alphabet), codes = _encoded_pairs(left, right)
    return kernel.jaro_winkler_pairs(symbols, offsets, alphabet, codes[:len(left)], codes[len(left):], cutoff)


def levenshtein(left: np.ndarray, right: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Levenshtein distance of each pair of strings; beyond `limit`, limit + 1."""
    (symbols, offsets, _), codes = _encoded_pairs(left, right)
    longest = int(np.max(offsets[1:] - offsets[:-1], initial=0))
    return kernel.levenshtein_pairs(symbols, offsets, codes[:len(left)], codes[len(left):],
                                    longest if limit is None else limit)


def encoded(vocabulary: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """A vocabulary as the kernels read it: (symbols, offsets, alphabet size)."""
    points, offsets = kernel.code_points(vocabulary)
    symbols, alphabet = kernel.symbols_of(points)
    return symbols, offsets, alphabet


def _encoded_pairs(left: np.ndarray, right: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray, int], np.ndarray]:
    """The strings of both sides as one encoded vocabulary and each string's code in it."""
    codes, vocabulary = pd.factorize(np.concatenate([np.asarray(left, dtype=object), np.asarray(right, dtype=object)]))
    return encoded(list(vocabulary)), codes.astype(np.int64)


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
    the thresholds its levels test, so each measure is exact where a threshold can be decided by it. Each
    column's vocabulary is encoded once for the kernels (`encoded`: symbols, offsets, alphabet size)."""

    def __init__(self, vocabularies: dict[str, np.ndarray], thresholds: dict[tuple[str, str], list[float]],
                 exact_similarity: Callable[[list[str], list[str]], np.ndarray] | None = None) -> None:
        self.vocabularies, self.thresholds = vocabularies, thresholds
        self.encoded = {column: encoded(vocabularies[column].tolist()) for _, column in thresholds}
        self.exact_similarity = exact_similarity or DuckDBJaroWinkler()

    def measure(self, measure: str, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The measure between the values of each pair of codes. Levenshtein distances are exact up to the
        largest threshold (beyond it: that + 1) and not computed where the lengths differ by more;
        Jaro-Winkler similarities are exact down to the lowest threshold (below it: 0)."""
        if measure == "levenshtein":
            limit = int(max(self.thresholds[(measure, column)]))
            symbols, offsets, _ = self.encoded[column]
            lengths = offsets[1:] - offsets[:-1]
            distances = np.full(len(left), limit + 1.0)
            near = np.flatnonzero(np.abs(lengths[left] - lengths[right]) <= limit)
            distances[near] = self._distinct(left[near], right[near],
                                             lambda a, b: kernel.levenshtein_pairs(symbols, offsets, a, b, limit))
            return distances
        return self._distinct(left, right, lambda a, b: self._similarities(column, a, b))

    @staticmethod
    def _distinct(left: np.ndarray, right: np.ndarray,
                  measure: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
        """`measure` of each pair of codes, called once per distinct unordered pair (on int64 codes)."""
        low, high = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
        size = np.int64(high.max(initial=0) + 1)
        pair_codes, distinct = pd.factorize(low * size + high)
        return measure(distinct // size, distinct % size)[pair_codes]

    def _similarities(self, column: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Jaro-Winkler similarities of pairs of codes; within SIMILARITY_TIE of a threshold, DuckDB's own."""
        thresholds = self.thresholds[("jaro_winkler", column)]
        symbols, offsets, alphabet = self.encoded[column]
        cutoff = min(thresholds) - 1e3 * SIMILARITY_TIE
        similar = kernel.jaro_winkler_pairs(symbols, offsets, alphabet, left, right, cutoff)
        near = np.zeros(len(similar), dtype=bool)
        for threshold in thresholds:
            near |= np.abs(similar - threshold) <= SIMILARITY_TIE
        if near.any():
            vocabulary = self.vocabularies[column]
            similar[near] = self.exact_similarity(list(vocabulary[left[near]]), list(vocabulary[right[near]]))
        return similar
