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

from tollbook.link import settings as model_settings
from tollbook.link.backend import make_backend

MIN_TRAIN_RECORDS = 1_000
DETERMINISTIC_RECALL = 0.6
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
    """Keep Splink's info logging out of a user's terminal; warnings still show."""
    logging.getLogger("splink").setLevel(logging.WARNING)


def build_linker(keys: pd.DataFrame, backend: str, model: dict[str, Any] | None = None,
                 threads: int | None = None) -> Any:
    """A Splink linker over the key table on the named backend, from a saved model or the default settings."""
    from splink import Linker

    _quiet_splink()
    engine = make_backend(backend, threads)
    table = engine.register(keys, table_name="tollbook_keys")
    chosen = model if model is not None else model_settings.settings(prior=untrained_prior(len(keys)))
    return Linker(table, chosen, log_level=logging.WARNING)


def untrained_prior(records: int) -> float:
    """Prior match probability for a table too small to train: about one true match per record, as when
    each person is on two lists (training replaces it on larger tables)."""
    return min(0.05, max(1e-6, 1.0 / max(records, 1)))


def train(linker: Any, records: int, seed: int, progress: Progress | None = None) -> bool:
    """Estimate the prior, u (seeded sampling) and m (EM) in place; False when the table is too small to train."""
    if records < MIN_TRAIN_RECORDS:
        return False
    say = progress or (lambda _message: None)
    say("training: prior match probability from near-certain rules")
    linker.training.estimate_probability_two_random_records_match(model_settings.deterministic_rules(),
                                                                  recall=DETERMINISTIC_RECALL)
    say("training: u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=_u_pairs(records), seed=seed)
    for rule in model_settings.training_blocking_rules():
        say("training: m by expectation maximisation")
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return True


def _u_pairs(records: int) -> float:
    """Random pairs for u: plenty for small tables, capped so a million records stays quick."""
    return float(min(max(records * 20, 1e6), 5e6))


def predict(linker: Any, lowest: float) -> tuple[pd.DataFrame, int]:
    """Pairs scoring at or above `lowest`, and how many pairs the blocking rules compared."""
    scored = linker.inference.predict()
    table = scored.physical_name
    compared = int(linker.misc.query_sql(f"select count(*) as n from {table}", output_type="pandas")["n"].iloc[0])
    pairs = linker.misc.query_sql(
        f"select unique_id_l, unique_id_r, match_probability, match_weight from {table} "
        f"where match_probability >= {float(lowest)!r}", output_type="pandas")
    return pairs[PAIR_COLUMNS], compared


def score(keys: pd.DataFrame, lowest: float, backend: str = "duckdb", seed: int = 2019,
          model: dict[str, Any] | None = None, progress: Progress | None = None,
          threads: int | None = None) -> ScoredPairs:
    """Train (unless a model is given) and score the key table; pairs below `lowest` are dropped."""
    linker = build_linker(keys, backend, model, threads)
    trained = model is None and train(linker, len(keys), seed, progress)
    if progress:
        progress("scoring candidate pairs")
    pairs, compared = predict(linker, lowest)
    saved = linker.misc.save_model_to_json()
    return ScoredPairs(pairs, json.loads(json.dumps(saved, default=str)), trained, compared)
