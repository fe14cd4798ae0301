"""link_frame's stages after scoring as they were before they ran on arrays end to end (main at 15:38 UTC,
2 December): the prior calibrated and the list-aware terms added on frames of all pairs, the kept pairs sorted
after their terms were read, the persons as a dict; kept as the oracle of tests/link/test_link_after_scoring.py."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tollbook.link.api import CLASH_ROUNDS, LIST_AWARE_REACH, _numbered_pairs, _pair_arrays, named_pairs
from tollbook.link.calibrate import calibrate_prior
from tollbook.link.clashes import VETO_BELOW, vetoes, within_cluster_pairs
from tollbook.link.cluster import Constraints, Ranked, as_pairs, cluster_ranks
from tollbook.link.competition import list_aware


def _checked_whole(scored: Any, prior: float, records: Ranked, pairs: pd.DataFrame, labels: np.ndarray,
                   threshold: float, decided: Constraints) -> np.ndarray:
    """The clustering again with vetoes until none is new, as api._checked_whole did."""
    must = [(int(a), int(b)) for a, b in decided.must.tolist()]
    vetoed: set[tuple[int, int]] = set()
    for _round in range(CLASH_ROUNDS):
        found = set(vetoes(within_cluster_pairs(labels, scored, prior), must)) - vetoed
        if not found:
            break
        vetoed |= found
        labels = cluster_ranks(records, *_pair_arrays(pairs), threshold,
                               replace(decided, vetoes=as_pairs(sorted(vetoed)), veto_below=VETO_BELOW))
    return labels


def after_scoring(keys: pd.DataFrame, scored: Any, threshold: float, review_lower: float,
                  model: dict | None = None, must_link: list | None = None,
                  cannot_link: list | None = None) -> tuple[dict, pd.DataFrame, dict]:
    """(record id -> cluster key, the kept pairs by record id, the fitted model) as link_frame returned them."""
    names = scored.ids
    number = pd.Index(names)
    records = Ranked.of(number.get_indexer(keys["unique_id"]), keys["source_list"])
    pairs, fitted = scored.pairs, scored.model
    if scored.trained and model is None:
        pairs, prior = calibrate_prior(records, pairs, fitted["probability_two_random_records_match"], threshold,
                                       None)
        fitted = fitted | {"probability_two_random_records_match": prior}
        reachable = pairs[pairs["match_probability"] >= review_lower / LIST_AWARE_REACH].reset_index(drop=True)
        pairs = list_aware(records, reachable, prior, threshold, None)
    pairs = pairs[pairs["match_probability"] >= review_lower].reset_index(drop=True)
    pairs = scored.with_terms(pairs, fitted["probability_two_random_records_match"])
    pairs = pairs.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)
    decided = Constraints(_numbered_pairs(must_link, number), _numbered_pairs(cannot_link, number))
    labels = cluster_ranks(records, *_pair_arrays(pairs), threshold, decided)
    labels = _checked_whole(scored, fitted["probability_two_random_records_match"], records, pairs, labels,
                            threshold, decided)
    order = records.order
    assignment = dict(zip(names[order].tolist(), names[labels[order]].tolist(), strict=True))
    return assignment, named_pairs(pairs, names), fitted
