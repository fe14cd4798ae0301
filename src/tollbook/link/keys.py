"""Linkage keys of records: pure functions from name, place and date fields to the columns the model compares.

Every name part (given, family, father's) gets a canonical Latin form, a script-independent phonetic key and a
name-variant id; places get province and city codes; dates of death are compared to the day when known to the day, and a
partial date (a month, a year) by the period it names.
Keys are computed once per distinct value, so a million records with a few thousand distinct names key fast.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from tollbook.places import resolve_city, resolve_province
from tollbook.text import name_part_keys

NAME_PARTS = ("given", "family", "father")
KEY_COLUMNS = (
    "unique_id", "source_list",
    "given_canon", "given_phon", "given_var", "family_canon", "family_phon", "family_var",
    "father_canon", "father_phon", "father_var", "names_phon", "names_canon", "family_head", "family_tail",
    "sex", "age", "dod", "dod_from", "dod_to", "province_code", "city_code",
)  # fmt: skip
MAX_AGE = 130  # years: an age above it is an error in the source, not a person
INPUT_COLUMNS = ("unique_id", "source", "given_name", "family_name", "father_name", "sex", "age", "date_of_death",
                 "date_precision", "province_code", "city_code")  # fmt: skip
OPTIONAL_COLUMNS = ("date_of_death_end",)  # the last day of a partial date's period (a database record has it)
KNOWN_SEXES = {"male", "female"}
POOL_NAMES = 100_000  # distinct names from which they are keyed on several processes (at a million records: 388,678)
MAX_KEY_WORKERS = 4
HEAD = 4  # letters of the family name that block with the given name: a typo late in a long name still blocks
TAIL = 4  # and its last letters: a typo early in the name (Soltanifar, oSltanifar) still blocks


def _blank_to_none(value: object) -> str | None:
    """A stripped string, or None for empty, NaN or missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _map_distinct(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Apply `fn` once per distinct non-empty value and spread the results back over the column."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [None if (v := _blank_to_none(u)) is None else fn(v) for u in uniques]
    table = pd.Series(results + [None], dtype=object)
    return pd.Series(table.to_numpy()[codes], index=values.index, dtype=object)


_REPEATS = re.compile(r"(.)\1+")


def spaceless(canonical: str) -> str:
    """A canonical name with its words joined: compound names are written both ways (Mohammad Reza and
    Mohammadreza, عبدالکریم مهدی and عبدالکریم‌مهدی), and the way they are written says nothing about who."""
    return canonical.replace(" ", "")


def collapsed(phonetic: str) -> str:
    """A phonetic key with repeated letters once: joined words double a consonant (mohammadreza ~ mohammad reza)."""
    return _REPEATS.sub(r"\1", phonetic)


Done = TypeVar("Done")
NameTable = tuple[np.ndarray, np.ndarray]  # each record's row in a table of distinct names' keys, and that table
_BLANK_NAME = (None, None, None)


def name_keys(name: str) -> tuple[str | None, str | None, str | None]:
    """The canonical (words joined), phonetic (repeats once) and variant-id keys of one non-blank name, empty
    keys as nulls."""
    keys = name_part_keys(name)
    phonetic = keys.phonetic if " " not in keys.canonical else collapsed(keys.phonetic)  # one word: no repeats
    return spaceless(keys.canonical) or None, phonetic or None, keys.variant_id


def name_table(names: pd.Series, keyed: dict[str, tuple[str | None, ...]] | None = None) -> NameTable:
    """Each record's row in a table of the column's distinct names' keys (canonical, phonetic, variant id; the
    last row, of nulls, for blanks). `keyed` holds keys already computed, by stripped name: the three name parts
    share most names, and each is keyed once."""
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    return _name_table((codes, _stripped(uniques)), {} if keyed is None else keyed)


def _name_table(factorized: tuple[np.ndarray, list[str | None]],
                keyed: dict[str, tuple[str | None, ...]]) -> NameTable:
    """name_table of a column already factorised (codes, distinct values stripped)."""
    codes, stripped = factorized
    rows = [_BLANK_NAME if v is None else keyed.get(v) or keyed.setdefault(v, name_keys(v)) for v in stripped]
    table = np.array([*rows, _BLANK_NAME], dtype=object)
    return np.where(codes < 0, len(rows), codes), table


def _stripped(values: Iterable[object]) -> list[str | None]:
    """Each value stripped, blanks as None (_blank_to_none)."""
    return [_blank_to_none(value) for value in values]


def distinct_names(distinct: Iterable[Iterable[object]]) -> list[str]:
    """The stripped non-blank names among each column's distinct values, each once, in the order first seen."""
    return _first_seen(_stripped(values) for values in distinct)


def _first_seen(columns: Iterable[list[str | None]]) -> list[str]:
    """The non-null names of columns already stripped, each once, in the order first seen."""
    seen: dict[str, None] = {}
    for names in columns:
        seen.update((name, None) for name in names if name is not None)
    return list(seen)


def key_workers() -> int:
    """Processes that key names: the CPUs this process may use, at most MAX_KEY_WORKERS."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_KEY_WORKERS, usable))


_TO_KEY: list[str] = []  # the names a forked worker keys (it inherits them instead of receiving them pickled)
_CLAIMED: Any = None  # the next chunk of _TO_KEY to key, in memory the forked workers share with this process
_TO_KEY_LOCK = threading.Lock()  # two linkages in one process (threads of a server) fork one at a time
CHUNK_NAMES = 2_048  # names a process claims at a time: whichever process is free keys the next chunk
NameKeys = tuple[str | None, str | None, str | None]


def _key_claimed() -> dict[int, list[NameKeys]]:
    """Keys of the chunks of _TO_KEY this process claims, by chunk, until none is left (in a worker: the
    names it inherited)."""
    done: dict[int, list[NameKeys]] = {}
    while True:
        with _CLAIMED.get_lock():
            chunk, _CLAIMED.value = _CLAIMED.value, _CLAIMED.value + 1
        if chunk * CHUNK_NAMES >= len(_TO_KEY):
            return done
        done[chunk] = [name_keys(name) for name in _TO_KEY[chunk * CHUNK_NAMES:(chunk + 1) * CHUNK_NAMES]]


def _share(future: Future) -> dict[int, list[NameKeys]]:
    """A worker's chunks, or none if it died (its chunks are then keyed in this process)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return {}


def keyed_names(names: list[str], workers: int = 1, least: int | None = None) -> dict[str, NameKeys]:
    """Each name's keys (name_keys), by name. With `workers` > 1 and at least `least` (default POOL_NAMES)
    names, forked processes and this one key chunks of them, each the next chunk not yet claimed: the keys of a
    name do not depend on which process computes them, so the table is the same. (Without fork, one process.)"""
    return keyed_names_meanwhile(names, workers, least, lambda: None)[0]


def keyed_names_meanwhile(names: list[str], workers: int, least: int | None,
                          meanwhile: Callable[[], Done]) -> tuple[dict[str, NameKeys], Done]:
    """keyed_names, and what `meanwhile` returns, called in this process while the forked ones start keying
    (the names' chunks are shared out as processes come free, so the work it does costs no wall time)."""
    least = POOL_NAMES if least is None else least
    if workers < 2 or len(names) < least or "fork" not in multiprocessing.get_all_start_methods():
        done = meanwhile()
        return {name: name_keys(name) for name in names}, done
    global _TO_KEY, _CLAIMED
    with _TO_KEY_LOCK:
        context = multiprocessing.get_context("fork")
        _TO_KEY, _CLAIMED = names, context.Value("q", 0)
        try:
            with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:  # leaving it reaps the workers: their
                theirs = [pool.submit(_key_claimed) for _ in range(workers - 1)]  # CPU time is RUSAGE_CHILDREN's
                try:
                    done = meanwhile()
                except BaseException:
                    with _CLAIMED.get_lock():  # the workers stop at their next claim
                        _CLAIMED.value = len(names)
                    raise
                shares = [_key_claimed(), *map(_share, theirs)]
        finally:
            _TO_KEY, _CLAIMED = [], None
    keyed: list[NameKeys | None] = [None] * len(names)
    for share in shares:
        for chunk, found in share.items():
            keyed[chunk * CHUNK_NAMES:chunk * CHUNK_NAMES + len(found)] = found
    keyed = [name_keys(name) if keys is None else keys for name, keys in zip(names, keyed, strict=True)]
    return dict(zip(names, keyed, strict=True)), done


def name_columns(names: pd.Series, part: str) -> pd.DataFrame:
    """The canonical, phonetic and variant-id columns of one name part (empty names give nulls); canonical
    forms and phonetic keys do not depend on how a compound name was split into words."""
    rows, table = name_table(names)
    return pd.DataFrame({f"{part}_{suffix}": table[rows, i] for i, suffix in enumerate(("canon", "phon", "var"))},
                        index=names.index)


def swap_free_key(given: pd.Series, family: pd.Series) -> pd.Series:
    """Given and family keys in sorted order, so a swapped name blocks with its unswapped twin."""
    given_codes, given_values = _distinct(given.to_numpy(dtype=object))
    family_codes, family_values = _distinct(family.to_numpy(dtype=object))
    return pd.Series(_swap_free((given_codes, given_values), (family_codes, family_values)), index=given.index,
                     dtype=object)


def _distinct(values: np.ndarray) -> NameTable:
    """Codes of each value in its distinct values, nulls and empty strings coded as a last None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*[u if u != "" else None for u in uniques], None], dtype=object)
    return np.where(codes < 0, len(uniques), codes), table


def _swap_free(first: NameTable, second: NameTable) -> np.ndarray:
    """The swap-free key of each record ("low|high" of its two keys, null unless both are given), joined once
    per distinct pair of keys rather than once per record, and ordered by the keys' ranks."""
    (first_rows, first_values), (second_rows, second_values) = first, second
    ranks, vocabulary = _ranked(np.concatenate([first_values, second_values]))
    first_ranks, second_ranks = ranks[:len(first_values)][first_rows], ranks[len(first_values):][second_rows]
    width = len(vocabulary) + 1
    both = (first_ranks >= 0) & (second_ranks >= 0)
    low, high = np.minimum(first_ranks[both], second_ranks[both]), np.maximum(first_ranks[both], second_ranks[both])
    codes = np.full(len(first_ranks), -1, dtype=np.int64)
    codes[both], pairs = pd.factorize(low.astype(np.int64) * width + high)
    return np.array([*_joined(vocabulary[pairs // width], vocabulary[pairs % width]), None], dtype=object)[codes]


def _joined(low: np.ndarray, high: np.ndarray) -> list[str]:
    """"low|high" of each pair of text keys (keys are text: other values raise TypeError, as they always did)."""
    return list(map("|".join, zip(low.tolist(), high.tolist(), strict=True)))


def _ranked(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pandas.factorize(values, sort=True) of text: the distinct values in sorted order and each value's rank
    among them (-1 for null), the distinct values found by hashing and only they sorted (by Python's sort,
    faster on text than pandas' sort of object arrays)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = uniques.tolist()
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order], rank[-1] = np.arange(len(uniques)), -1
    return rank[codes], np.asarray(uniques, dtype=object)[order]


def _family_ends(rows: NameTable) -> tuple[np.ndarray, np.ndarray]:
    """The first HEAD and last TAIL letters of each record's canonical family name, cut once per distinct name."""
    record_rows, canonical = rows
    heads = np.array([None if c is None else c[:HEAD] for c in canonical], dtype=object)
    tails = np.array([None if c is None else c[-TAIL:] for c in canonical], dtype=object)
    return heads[record_rows], tails[record_rows]


def sex_column(values: pd.Series) -> pd.Series:
    """Sex as 'male' / 'female', unknown as null (an unknown sex neither agrees nor disagrees)."""
    return _map_distinct(values, lambda v: v if v in KNOWN_SEXES else None)


def age_column(values: pd.Series) -> pd.Series:
    """Age in completed years as a nullable integer: a fractional age floored (31.5 is 31), a negative or absurd
    one (over MAX_AGE) or one that is not a number missing."""
    years = pd.to_numeric(values, errors="coerce").astype("float64")
    return np.floor(years).where((years >= 0) & (years <= MAX_AGE)).astype("Int64")


def death_date_column(dates: pd.Series, precision: pd.Series | None = None) -> pd.Series:
    """Gregorian date of death as datetime64, null unless the source gave the day (a month is not a day)."""
    parsed = dates if pd.api.types.is_datetime64_any_dtype(dates) else _map_distinct(dates, _iso_or_none)
    parsed = pd.to_datetime(parsed, errors="coerce", format="ISO8601")
    if precision is not None:
        given = _map_distinct(precision, lambda p: p == "day")
        parsed = parsed.where(given.isna().to_numpy() | (given == True).to_numpy())  # noqa: E712 - object column
    return parsed.astype("datetime64[ns]")


def death_period_columns(dates: pd.Series, ends: pd.Series | None,
                         precision: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """(first day, last day) of the period a date of death names: the day itself for a full date, the source's
    whole month for "Aban 1398"; null without a date, or for a partial date whose last day is not known."""
    return _death_columns(dates, ends, precision)[1]


def _death_columns(dates: pd.Series, ends: pd.Series | None,
                   precision: pd.Series | None) -> tuple[pd.Series, tuple[pd.Series, pd.Series]]:
    """The date of death to the day (death_date_column) and its period (death_period_columns), the day parsed
    once for both."""
    day = death_date_column(dates, precision)
    if ends is None:
        return day, (day, day)
    first, last = death_date_column(dates), death_date_column(ends)
    known = day.notna().to_numpy() | last.notna().to_numpy()
    return day, (first.where(known), last.where(day.isna().to_numpy(), day).where(known))


def _iso_or_none(value: object) -> str | None:
    """A date value as ISO text for parsing."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _blank_to_none(value)


def resolve_places(province: pd.Series, city: pd.Series) -> pd.DataFrame:
    """Province and city codes from place names in any script (unresolved or ambiguous places give nulls)."""
    province_code = _map_distinct(province, lambda p: (found.code if (found := resolve_province(p)) else None))
    pairs = pd.Series(list(zip(city.map(_blank_to_none), province_code, strict=True)), index=city.index)
    distinct = {pair: _city(*pair) for pair in set(pairs) if pair[0]}
    resolved = pairs.map(lambda pair: distinct.get(pair, (None, pair[1])))
    return pd.DataFrame({"province_code": resolved.map(lambda r: r[1]), "city_code": resolved.map(lambda r: r[0])},
                        index=city.index)


def _city(city: str, province_code: str | None) -> tuple[str | None, str | None]:
    """(city code, province code) of a city name, the province taken from the city when the row lacks it."""
    match = resolve_city(city, province_hint=province_code)
    if match.status != "ok" or match.city is None:
        return None, province_code
    if province_code and match.city.province_code != province_code:
        return None, province_code
    return str(match.city.id), match.city.province_code


def build_keys(records: pd.DataFrame, workers: int | None = None,
               meanwhile: Callable[[], object] | None = None) -> pd.DataFrame:
    """The linkage table (KEY_COLUMNS) of a frame with INPUT_COLUMNS; raises ValueError naming missing columns.
    Names are keyed once each, on `workers` processes (default: key_workers()) when there are many; this process
    computes the other columns, and calls `meanwhile` (if given), while the other processes start keying."""
    missing = [c for c in INPUT_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack column(s) {missing}; expected {list(INPUT_COLUMNS)}")
    factorized = [(codes, _stripped(uniques)) for codes, uniques in
                  (pd.factorize(records[f"{part}_name"], use_na_sentinel=True) for part in NAME_PARTS)]
    keyed, columns = keyed_names_meanwhile(_first_seen(stripped for _codes, stripped in factorized),
                                           key_workers() if workers is None else workers, None,
                                           partial(_columns_meanwhile, records, meanwhile))
    tables = {part: _name_table(coded, keyed) for part, coded in zip(NAME_PARTS, factorized, strict=True)}
    for part, (rows, table) in tables.items():
        for i, suffix in enumerate(("canon", "phon", "var")):
            columns[f"{part}_{suffix}"] = table[:, i][rows]
    (given_rows, given), (family_rows, family) = tables["given"], tables["family"]
    columns["names_phon"] = _swap_free((given_rows, given[:, 1]), (family_rows, family[:, 1]))
    columns["names_canon"] = _swap_free((given_rows, given[:, 0]), (family_rows, family[:, 0]))
    columns["family_head"], columns["family_tail"] = _family_ends((family_rows, family[:, 0]))
    return pd.DataFrame({c: columns[c] for c in KEY_COLUMNS}, copy=False)  # not consolidated: copying 17 object
    # columns touches every name object once more (1.6 s at a million records)


def _columns_meanwhile(records: pd.DataFrame, meanwhile: Callable[[], object] | None) -> dict[str, object]:
    """The columns that are not names (_other_columns), after calling `meanwhile` if one is given."""
    if meanwhile is not None:
        meanwhile()
    return _other_columns(records)


def _other_columns(records: pd.DataFrame) -> dict[str, object]:
    """Record ids and sources, sex, age, dates of death and place codes, as arrays in the records' order."""
    ends = records["date_of_death_end"] if "date_of_death_end" in records.columns else None
    dod, (dod_from, dod_to) = _death_columns(records["date_of_death"], ends, records["date_precision"])
    columns = {"sex": sex_column(records["sex"]), "age": age_column(records["age"]), "dod": dod.copy(),
               "dod_from": dod_from, "dod_to": dod_to,
               "province_code": _map_distinct(records["province_code"], str),
               "city_code": _map_distinct(records["city_code"], str)}
    return {"unique_id": records["unique_id"].astype(str).to_numpy(), "source_list": records["source"].to_numpy(),
            **{name: column.array for name, column in columns.items()}}


def records_frame(rows: Iterable[dict[str, object]]) -> pd.DataFrame:
    """A frame with INPUT_COLUMNS from plain dict rows (missing fields become null)."""
    frame = pd.DataFrame(list(rows))
    for column in INPUT_COLUMNS + OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    return frame[list(INPUT_COLUMNS + OPTIONAL_COLUMNS)]
