"""Compiled string measures of :mod:`tollbook.link.similarity`: Jaro-Winkler similarity and Levenshtein distance
of pairs of vocabulary codes, by code points as DuckDB counts characters.

A vocabulary is one flat int32 array of its characters cut by `offsets` (value v is
symbols[offsets[v]:offsets[v + 1]]), encoded once, so a pair is two integers and no Python string is touched while
pairs are measured: the loops hold no GIL and the scorer's chunk threads run them at once. The characters are code
points numbered by rank (symbols), so Jaro's matching can keep one word of position bits per symbol and find a
character's match in the window with a few bit operations (strings of up to WORD characters; longer ones by
flags). Everything here is Numba ``nopython`` code, in DuckDB's conventions (checked against it by the tests):
two empty strings have similarity 0, two one-character strings 1 or 0, the match window is half the longer length
less one, the Winkler boost (prefix of up to four, weight 0.1) applies above a Jaro similarity of 0.7.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PREFIX_WEIGHT = 0.1  # Winkler's scaling of the common prefix
PREFIX_LIMIT = 4  # characters of common prefix that count
BOOST_ABOVE = 0.7  # the Jaro similarity above which the prefix is counted
FILTER_MARGIN = 1e-12  # a pair is left early only when even its best case is this far below the cutoff
WORD = 64  # characters whose match flags fit one machine word
ALL_BITS = np.uint64(0xFFFFFFFFFFFFFFFF)


def symbols_of(points: np.ndarray) -> tuple[np.ndarray, int]:
    """The code points numbered by rank among those present (symbols) and how many there are: equal exactly
    where the code points are, and small enough to index one word per symbol."""
    alphabet, symbols = np.unique(points, return_inverse=True)
    return symbols.astype(np.int32), len(alphabet)


def code_points(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(points, offsets) of a vocabulary: every value's code points in one int32 array and where each starts
    (lone surrogates kept as their code points, as Python's len counts them)."""
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    encoded = "".join(values).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(encoded, dtype=np.uint32).astype(np.int32), offsets


@njit(cache=True, nogil=True)
def _window(n: int, m: int) -> int:
    """How far apart two matched characters may stand: half the longer length less one (0 for two single
    characters, which match when equal)."""
    return max(0, max(n, m) // 2 - 1)


@njit(cache=True, nogil=True)
def _matches_by_words(symbols: np.ndarray, a: int, n: int, b: int, m: int, masks: np.ndarray,
                      found: np.ndarray) -> tuple[int, int]:
    """(matched characters, matched characters out of order) of a first string of at most WORD characters:
    each character of the second, in order, takes the first free equal character of the first within the window,
    found among the bits of its symbol's positions (`masks`, one word per symbol of the alphabet, left zero)."""
    window, one, free = _window(n, m), np.uint64(1), np.uint64(0)
    for i in range(n):
        masks[symbols[a + i]] |= one << np.uint64(i)
    common = 0
    for j in range(min(m, n + window)):
        low, high = max(0, j - window), min(n, j + window + 1)
        span = (ALL_BITS >> np.uint64(WORD - (high - low))) << np.uint64(low)
        candidates = masks[symbols[b + j]] & ~free & span
        if candidates:
            free |= candidates & (~candidates + one)
            found[common] = j
            common += 1
    out_of_order, i = 0, 0
    for k in range(common):
        while not (free >> np.uint64(i)) & one:
            i += 1
        out_of_order += symbols[a + i] != symbols[b + found[k]]
        i += 1
    for i in range(n):
        masks[symbols[a + i]] = 0
    return common, out_of_order


@njit(cache=True, nogil=True)
def _matches_by_flags(symbols: np.ndarray, a: int, n: int, b: int, m: int, flags: np.ndarray) -> tuple[int, int]:
    """The same for two long strings, with a flag per character (`flags` scratch of at least n + m): each
    character of the first takes the first free equal character of the second within the window (the matching
    is the same either way round)."""
    window = _window(n, m)
    flags[:n + m] = False  # flags[i]: character i of the first is matched; flags[n + j]: j of the second
    common = 0
    for i in range(n):
        for j in range(max(0, i - window), min(m, i + window + 1)):
            if not flags[n + j] and symbols[b + j] == symbols[a + i]:
                flags[i] = flags[n + j] = True
                common += 1
                break
    out_of_order, j = 0, 0
    for i in range(n):
        if flags[i]:
            while not flags[n + j]:
                j += 1
            out_of_order += symbols[a + i] != symbols[b + j]
            j += 1
    return common, out_of_order


@njit(cache=True, nogil=True)
def _prefix(symbols: np.ndarray, a: int, n: int, b: int, m: int) -> int:
    """Length of the common prefix, up to PREFIX_LIMIT."""
    length = 0
    while length < min(n, m, PREFIX_LIMIT) and symbols[a + length] == symbols[b + length]:
        length += 1
    return length


@njit(cache=True, nogil=True)
def _jaro(common: int, n: int, m: int, out_of_order: int) -> float:
    """The Jaro formula, summed in rapidfuzz's order (transpositions are half the characters out of order)."""
    return (common / n + common / m + (common - out_of_order // 2) / common) / 3.0


@njit(cache=True, nogil=True)
def _winkler(jaro: float, prefix: int) -> float:
    """Winkler's boost of a Jaro similarity by the common prefix."""
    return jaro + prefix * PREFIX_WEIGHT * (1.0 - jaro) if jaro > BOOST_ABOVE else jaro


@njit(cache=True, nogil=True)
def _pair_similarity(symbols: np.ndarray, a: int, n: int, b: int, m: int, cutoff: float, masks: np.ndarray,
                     found: np.ndarray, flags: np.ndarray) -> float:
    """Jaro-Winkler similarity of one pair of non-empty strings, 0 below `cutoff`; left early (by the
    lengths, then by the matched count) when even the best case stays below it."""
    prefix = _prefix(symbols, a, n, b, m)
    if _winkler(_jaro(min(n, m), n, m, 0), prefix) + FILTER_MARGIN < cutoff:
        return 0.0
    if n <= WORD:
        common, out_of_order = _matches_by_words(symbols, a, n, b, m, masks, found)
    elif m <= WORD:
        common, out_of_order = _matches_by_words(symbols, b, m, a, n, masks, found)
    else:
        common, out_of_order = _matches_by_flags(symbols, a, n, b, m, flags)
    if common == 0 or _winkler(_jaro(common, n, m, 0), prefix) + FILTER_MARGIN < cutoff:
        return 0.0
    similar = _winkler(_jaro(common, n, m, out_of_order), prefix)
    return similar if similar >= cutoff else 0.0


@njit(cache=True, nogil=True)
def jaro_winkler_pairs(symbols: np.ndarray, offsets: np.ndarray, alphabet: int, left: np.ndarray,
                       right: np.ndarray, cutoff: float) -> np.ndarray:
    """Jaro-Winkler similarity of the values of each pair of codes (left[k], right[k]); 0 below `cutoff`.
    `symbols` are the vocabulary's characters numbered 0..alphabet-1."""
    longest = np.max(offsets[1:] - offsets[:-1]) if len(offsets) > 1 else 0
    masks = np.zeros(alphabet, dtype=np.uint64)
    found, flags = np.zeros(longest, dtype=np.int64), np.zeros(2 * longest, dtype=np.bool_)
    similar = np.zeros(len(left))
    for k in range(len(left)):
        a, b = offsets[left[k]], offsets[right[k]]
        n, m = offsets[left[k] + 1] - a, offsets[right[k] + 1] - b
        if n and m:
            similar[k] = _pair_similarity(symbols, a, n, b, m, cutoff, masks, found, flags)
    return similar


@njit(cache=True, nogil=True)
def _levenshtein(points: np.ndarray, a: int, n: int, b: int, m: int, limit: int, row: np.ndarray) -> int:
    """Levenshtein distance of the n characters from `a` and the m from `b`, or limit + 1 once it must exceed
    `limit` (`row` scratch of at least m + 1): the common prefix and suffix cost nothing and are dropped, then
    one row of the edit table at a time, stopping when a row's least cost passes the limit."""
    while n and m and points[a] == points[b]:
        a, b, n, m = a + 1, b + 1, n - 1, m - 1
    while n and m and points[a + n - 1] == points[b + m - 1]:
        n, m = n - 1, m - 1
    if abs(n - m) > limit:
        return limit + 1
    for j in range(m + 1):
        row[j] = j
    for i in range(1, n + 1):
        diagonal, row[0] = row[0], i
        least = i
        for j in range(1, m + 1):
            cost = diagonal + (points[a + i - 1] != points[b + j - 1])
            diagonal = row[j]
            row[j] = min(cost, row[j] + 1, row[j - 1] + 1)
            least = min(least, row[j])
        if least > limit:
            return limit + 1
    return min(row[m], limit + 1)


@njit(cache=True, nogil=True)
def levenshtein_pairs(points: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray,
                      limit: int) -> np.ndarray:
    """Levenshtein distance of the values of each pair of codes (left[k], right[k]); beyond `limit`,
    limit + 1."""
    longest = np.max(offsets[1:] - offsets[:-1]) if len(offsets) > 1 else 0
    row = np.zeros(longest + 1, dtype=np.int64)
    distances = np.empty(len(left))
    for k in range(len(left)):
        a, b = offsets[left[k]], offsets[right[k]]
        n, m = offsets[left[k] + 1] - a, offsets[right[k] + 1] - b
        distances[k] = _levenshtein(points, a, n, b, m, limit, row)
    return distances
