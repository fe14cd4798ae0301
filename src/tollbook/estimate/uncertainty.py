"""Linkage uncertainty carried into the estimate: alternative clusterings drawn from the match probabilities.

Each pair still awaiting review is merged, in one alternative, with its match probability; the persons of that
alternative give capture histories, LCMCR estimates each, and the runs are combined with the within/between rule
of :mod:`.combine`, so the interval carries the doubt about who is whom as well as the sampling doubt. Pairs above
the threshold stay merged and reviewers' decisions stay as decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence

__all__ = ["alternative_histories", "linkage_uncertainty"]


def _person_lists(session: Session) -> tuple[dict[int, set[str]], dict[int, int]]:
    """Person id -> the lists (independence groups) of its current records, for the persons the documented count
    counts (:mod:`tollbook.documented`); record id -> person id."""
    from tollbook.documented import person_views

    lists: dict[int, set[str]] = {}
    owner: dict[int, int] = {}
    for person, records, _view, reason in person_views(session):
        if reason is None:
            lists[person.id] = {record.source.group for record in records}
            owner |= {record.id: person.id for record in records}
    return lists, owner


def alternative_histories(session: Session, draws: int, seed: Seed = None) -> list[CaptureHistories]:
    """``draws`` alternative clusterings' capture histories: each pending pair merged with its probability."""
    from tollbook.link.review import review_queue

    lists, owner = _person_lists(session)
    names = sorted(set().union(*lists.values()))
    pairs = [(owner.get(link.record_a_id), owner.get(link.record_b_id), link.match_probability)
             for link in review_queue(session)]  # fmt: skip
    pairs = [(a, b, p) for a, b, p in pairs if a is not None and b is not None and a != b]
    rng = np.random.default_rng(root_sequence(seed))
    out = []
    for _ in range(draws):
        parent = {person: person for person in lists}

        def root(person: int, parent: dict[int, int] = parent) -> int:
            while parent[person] != person:
                parent[person] = parent[parent[person]]
                person = parent[person]
            return person

        for a, b, p in pairs:
            if rng.random() < p:
                parent[root(a)] = root(b)
        merged: dict[int, set[str]] = {}
        for person, on in lists.items():
            merged.setdefault(root(person), set()).update(on)
        matrix = np.array([[int(name in on) for name in names] for on in merged.values()])
        out.append(CaptureHistories.from_matrix(matrix, names))
    return out


def linkage_uncertainty(session: Session, draws: int = 10, seed: Seed = None,
                        lcmcr: Mapping[str, Any] | None = None) -> EstimateResult:
    """LCMCR on ``draws`` alternative clusterings, combined into one estimate (see the module's docstring)."""
    from tollbook.estimate.combine import combine_runs
    from tollbook.estimate.lcmcr import LCMCR

    root = root_sequence(seed)
    alternatives = alternative_histories(session, draws, root)
    streams = [np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, 1_000 + i)) for i in range(draws)]
    runs = [[LCMCR(h, **{**dict(lcmcr or {}), "seed": s}).fit()] for h, s in zip(alternatives, streams, strict=True)]
    (combined,) = combine_runs(runs, [f"linkage draw {i + 1}" for i in range(draws)])
    persons = [h.observed for h in alternatives]
    return replace(combined, model="linkage uncertainty", settings=combined.settings | {"linkage_draws": draws},
                   diagnostics=combined.diagnostics | {"persons_per_draw": persons})
