"""Why a pair scored as it did: the prior and each comparison's match weight (bits of evidence), in order,
as Splink's model computed them for that pair. They add up to the pair's match weight exactly (to float32
rounding of the stored terms), so a reviewer sees the model's own arithmetic, not a re-explanation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.link.competition import LABELS
from tollbook.model import AuditEvent, Link

Weights = dict[str, list[float]]  # comparison -> [level (Splink's gamma), match weight incl. term frequency]


def weights_of(row: pd.Series | dict) -> Weights:
    """The per-comparison terms of one scored pair (from predict's gamma_ and mw_ columns)."""
    names = [str(c)[len("gamma_"):] for c in row if str(c).startswith("gamma_")]
    out: Weights = {}
    for name in names:
        weight = float(row.get(f"mw_{name}", 0.0) or 0.0) + float(row.get(f"mw_tf_adj_{name}", 0.0) or 0.0)
        out[name] = [int(row[f"gamma_{name}"]), round(weight, 6)]
    return out


def level_label(model: dict[str, Any], comparison: str, gamma: int) -> str:
    """The label of a comparison's level from its gamma (-1: a value missing; otherwise counted from the
    else-level up, as Splink numbers them); the list-aware terms of :mod:`tollbook.link.competition` say theirs."""
    if comparison == "lists":
        return LABELS["lists"][1 if gamma > 0 else 0]
    if comparison == "competition":
        return "records of one list: none" if gamma < 0 else f"{gamma} {LABELS['competition']}"
    for entry in model.get("comparisons", []):
        if entry.get("output_column_name") != comparison:
            continue
        levels = [level for level in entry["comparison_levels"] if not level.get("is_null_level")]
        if gamma < 0:
            return "a value is missing: no evidence"
        index = len(levels) - 1 - gamma
        if 0 <= index < len(levels):
            return str(levels[index].get("label_for_charts") or levels[index].get("sql_condition"))
    return f"level {gamma}"


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: what was compared, the level it reached, its weight and the running total."""

    comparison: str
    level: str
    weight: float
    total: float


@dataclass(frozen=True)
class Waterfall:
    """The prior, each comparison's step, and the resulting match weight and probability."""

    prior: float
    steps: tuple[Step, ...]
    match_weight: float
    match_probability: float

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON and the web app."""
        return {"prior": self.prior, "match_weight": self.match_weight, "match_probability": self.match_probability,
                "steps": [step.__dict__ for step in self.steps]}

    def bars(self, width: int = 12) -> list[str]:
        """A small text waterfall: one line per step, + bars for evidence for a match, - bars against."""
        scale = max([abs(s.weight) for s in self.steps] + [abs(self.prior), 1.0])
        lines = [f"{'prior':<15} {self.prior:+7.2f} {_bar(self.prior, scale, width)}"]
        lines += [f"{s.comparison:<15} {s.weight:+7.2f} {_bar(s.weight, scale, width)}  {s.level}" for s in self.steps]
        lines.append(f"{'match weight':<15} {self.match_weight:+7.2f} = probability {self.match_probability:.3f}")
        return lines


def _bar(weight: float, scale: float, width: int) -> str:
    """A bar of + or - signs proportional to the weight."""
    return ("+" if weight >= 0 else "-") * max(1, round(abs(weight) / scale * width)) if weight else ""


def waterfall(model: dict[str, Any], weights: Weights, match_weight: float) -> Waterfall:
    """The waterfall of one pair from the run's model and the pair's stored terms."""
    prior_p = float(model["probability_two_random_records_match"])
    prior = math.log2(prior_p / (1 - prior_p))
    total, steps = prior, []
    for comparison, (gamma, weight) in weights.items():
        total += weight
        steps.append(Step(comparison, level_label(model, comparison, int(gamma)), float(weight), total))
    return Waterfall(prior, tuple(steps), match_weight, 1 / (1 + 2 ** -match_weight))


def run_model(session: Session, run_id: str) -> dict[str, Any] | None:
    """The model a linkage run saved with its audit event."""
    details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "link.run",
                                                              AuditEvent.object_id == run_id)).first()
    return json.loads(details).get("model") if details else None


def link_waterfall(session: Session, link: Link) -> Waterfall | None:
    """The waterfall of a stored link, or None for links stored before weights were kept."""
    model = run_model(session, link.run_id)
    if not link.weights or model is None or link.match_weight is None:
        return None
    return waterfall(model, link.weights, link.match_weight)
