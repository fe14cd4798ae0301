"""Train the model and score candidate pairs on a backend: u by seeded random sampling, m by EM, then predict.

Small tables (fewer than MIN_TRAIN_RECORDS) keep the stated priors of :mod:`tollbook.link.settings`: EM on a few
dozen pairs would learn noise. A saved model (Splink JSON) can be reused instead of training.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tollbook.link import blocking
from tollbook.link import settings as model_settings
from tollbook.link.backend import make_backend

MIN_TRAIN_RECORDS = 1_000
DETERMINISTIC_RECALL = 0.6  # a starting point only: link.calibrate settles the prior on the data
Progress = Callable[[str], None]
PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


@dataclass(frozen=True)
class ScoredPairs:
    """Candidate pairs at or above the lowest threshold of interest, and the model that scored them."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_probability, match_weight
    model: dict[str, Any]
    trained: bool
    comparisons: int


def _quiet_splink() -> None:
    """Keep Splink's logging out of a user's terminal: Tollbook reports progress itself."""
    logging.getLogger("splink").setLevel(logging.ERROR)


class EMUnderflowError(RuntimeError):
    """EM drove a level's m probability to exactly zero (float underflow), which Splink refuses."""


def build_linker(keys: pd.DataFrame, backend: str, model: dict[str, Any] | None = None,
                 threads: int | None = None, planned: list[blocking.PlannedRule] | None = None) -> Any:
    """A Splink linker over the key table on the named backend, from a saved model or the default settings
    (with the blocking rules of a plan when one is given)."""
    from splink import Linker

    _quiet_splink()
    engine = make_backend(backend, threads)
    table = engine.register(keys, table_name="tollbook_keys")
    chosen = model if model is not None else model_settings.settings(untrained_prior(len(keys)), planned=planned)
    return Linker(table, chosen, log_level=logging.ERROR)


def untrained_prior(records: int) -> float:
    """Prior match probability for a table too small to train: about one true match per record, as when
    each person is on two lists (training replaces it on larger tables)."""
    return min(0.05, max(1e-6, 1.0 / max(records, 1)))


def estimate_u(linker: Any, records: int, seed: int, say: Progress) -> None:
    """The prior match probability from near-certain rules, then u by seeded random sampling."""
    say("training: prior match probability from near-certain rules")
    linker.training.estimate_probability_two_random_records_match(model_settings.deterministic_rules(),
                                                                  recall=DETERMINISTIC_RECALL)
    say("training: u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=_u_pairs(records), seed=seed)


def estimate_m(linker: Any, records: int, say: Progress) -> None:
    """m by EM on each training blocking rule; raises EMUnderflowError when a level's m underflows."""
    for number, rule in enumerate(model_settings.training_blocking_rules(), start=1):
        say(f"training: m by expectation maximisation, pass {number}")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=_em_pairs(records))
        except ValueError as exc:
            if "m_probability" not in str(exc):
                raise
            raise EMUnderflowError(str(exc)) from exc


def _u_pairs(records: int) -> float:
    """Random pairs for u: plenty for small tables, capped so a million records stays quick."""
    return float(min(max(records * 20, 2e6), 3e6))


def _em_pairs(records: int) -> float | None:
    """Blocked pairs EM may use: all of them for small tables, a deterministic sample of large ones."""
    return None if records < 20_000 else 5e5


def trained_linker(keys: pd.DataFrame, backend: str, seed: int, progress: Progress | None,
                   threads: int | None, planned: list[blocking.PlannedRule] | None = None) -> tuple[Any, bool]:
    """A linker trained on the keys when the table is large enough. If EM underflows, EM runs again with the
    fuzzy name levels' m held at their stated values; if it fails again, m keeps the stated values."""
    say = progress or (lambda _message: None)
    linker = build_linker(keys, backend, threads=threads, planned=planned)
    if len(keys) < MIN_TRAIN_RECORDS:
        return linker, False
    estimate_u(linker, len(keys), seed, say)
    with_u = linker.misc.save_model_to_json()
    for attempt in (linker, None):
        attempt = attempt or build_linker(keys, backend, model_settings.hold_fuzzy_levels(with_u), threads)
        try:
            estimate_m(attempt, len(keys), say)
            return attempt, True
        except EMUnderflowError:
            say("training: EM underflowed on a rare name level; held the fuzzy name levels at their stated m")
    say("training: EM underflowed again; using the stated m with the estimated u")
    return build_linker(keys, backend, with_u, threads), True


def predict(linker: Any, lowest: float) -> tuple[pd.DataFrame, int]:
    """Pairs scoring at or above `lowest`, and how many pairs the blocking rules compared."""
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    compared = linker.misc.query_sql(f"select count(*) as n from {blocked.physical_name}", output_type="pandas")
    scored = linker.inference.predict(threshold_match_probability=lowest if lowest > 0 else None)
    names = linker.misc.query_sql(f"select * from {scored.physical_name} limit 0", output_type="pandas").columns
    terms = [c for c in names if c.startswith(("gamma_", "mw_"))]
    pairs = linker.misc.query_sql(f"select {', '.join(PAIR_COLUMNS + terms)} from {scored.physical_name}",
                                  output_type="pandas")
    for column in terms:  # small types: a million pairs of a dozen terms stay small
        pairs[column] = pairs[column].astype("int8" if column.startswith("gamma_") else "float32")
    return pairs, int(compared["n"].iloc[0])


def score(keys: pd.DataFrame, lowest: float, backend: str = "duckdb", seed: int = 2019,
          model: dict[str, Any] | None = None, progress: Progress | None = None,
          threads: int | None = None) -> ScoredPairs:
    """Train (unless a model is given) and score the key table; pairs below `lowest` are dropped. Blocking
    rules are counted first and split where they would explode (each said through `progress`)."""
    if model is not None:
        linker, trained = build_linker(keys, backend, model, threads), False
    else:
        planned = blocking.plan(keys)
        for rule in planned:
            if progress:
                progress(rule.describe())
        linker, trained = trained_linker(keys, backend, seed, progress, threads, planned)
    if progress:
        progress("scoring candidate pairs")
    pairs, compared = predict(linker, lowest)
    saved = linker.misc.save_model_to_json()
    return ScoredPairs(pairs, json.loads(json.dumps(saved, default=str)), trained, compared)
