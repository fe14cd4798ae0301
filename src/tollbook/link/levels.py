"""A saved Splink model read as plain level specifications, for the NumPy scorer (:mod:`tollbook.link.scorer`).

Each level's SQL condition is recognised by its exact shape (the conditions Splink's level library writes for the
comparisons of :mod:`tollbook.link.settings`); a condition of any other shape raises UnknownLevelError, and the
caller scores with Splink instead. The arithmetic is Splink's: a level weighs log2(m / u) (both clamped at
M_U_CLAMP_MIN), a null level 0, and an exact level with term frequencies adds w · (log2 u − log2 max(tf, min)),
u being that of the comparison's exact-match level on the term-frequency column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from tollbook.link.settings import PERIODS_OVERLAP

M_U_CLAMP_MIN = 1e-300  # Splink's floor for m and u before taking log2 (comparison_level.py)
# An m or u a saved model can hold; Splink on loading drops it for the level's default m (or u), which the NumPy
# scorer does not reproduce: such a level is unknown to it, and Splink's predict scores the model.
LEVEL_NOT_OBSERVED = "level not observed in training dataset"
_COLUMN = r'"(\w+)_l"'
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("null", re.compile(rf'^{_COLUMN} IS NULL OR "\1_r" IS NULL$')),
    ("exact", re.compile(rf'^{_COLUMN} = "\1_r"$')),
    ("reversed", re.compile(rf'^{_COLUMN} = "(\w+)_r" AND "\1_r" = "\2_l"$')),
    ("jaro_winkler", re.compile(rf'^jaro_winkler_similarity\({_COLUMN}, "\1_r"\) >= ([0-9.]+)$')),
    ("levenshtein", re.compile(rf'^levenshtein\({_COLUMN}, "\1_r"\) <= ([0-9]+)$')),
    ("difference", re.compile(rf'^ABS\({_COLUMN} - "\1_r"\) <= ([0-9.]+)$')),
    ("seconds", re.compile(rf'^ABS\(EPOCH\({_COLUMN}\) - EPOCH\("\1_r"\)\) <= ([0-9.]+)$')),
)
PERIOD_COLUMNS = ("dod", "dod_from", "dod_to")  # the columns PERIODS_OVERLAP names


class UnknownLevelError(ValueError):
    """A level whose condition or parameters the NumPy scorer does not reproduce."""


@dataclass(frozen=True)
class TermFrequency:
    """A level's term-frequency adjustment: the column whose value frequencies adjust it, log2 of the u it
    replaces, the floor on the frequency and the adjustment's weight."""

    column: str
    log2_u: float
    minimum: float
    weight: float


@dataclass(frozen=True)
class Level:
    """One comparison level: what it tests (kind, columns, threshold), its comparison vector value (gamma) and
    its match weight, with its term-frequency adjustment if it has one."""

    kind: str  # null, exact, reversed, jaro_winkler, levenshtein, difference, seconds, periods, else
    columns: tuple[str, ...]
    threshold: float
    gamma: int
    weight: float
    tf: TermFrequency | None = None


@dataclass(frozen=True)
class Comparison:
    """A comparison's levels in the order Splink tests them (the first that holds wins) and its output name."""

    name: str
    levels: tuple[Level, ...]

    @property
    def has_tf(self) -> bool:
        """Whether Splink gives this comparison an mw_tf_adj_ column (any level names a tf column)."""
        return any(level.tf is not None for level in self.levels)


@dataclass(frozen=True)
class ModelSpec:
    """The comparisons of a model and the match weight of its prior."""

    comparisons: tuple[Comparison, ...]
    prior_weight: float


def probability_weight(probability: float) -> float:
    """A probability as Splink's match weight: log2 of its odds."""
    return math.log2(probability / (1 - probability)) if probability != 1 else math.inf


def parse_condition(sql: str) -> tuple[str, tuple[str, ...], float]:
    """(kind, columns, threshold) of a level's SQL condition; raises UnknownLevelError for any other shape."""
    text = sql.strip()
    if text.upper() == "ELSE":
        return "else", (), 0.0
    if text == PERIODS_OVERLAP:
        return "periods", PERIOD_COLUMNS, 0.0
    for kind, pattern in SHAPES:
        if found := pattern.match(text):
            groups = found.groups()
            if kind == "reversed":
                return kind, groups, 0.0
            return kind, groups[:1], float(groups[1]) if len(groups) > 1 else 0.0
    raise UnknownLevelError(f"a level the NumPy scorer does not know: {sql!r}")


def _probability(level: dict[str, Any], key: str) -> float:
    """A level's m or u; a missing one, or one not observed in training (LEVEL_NOT_OBSERVED), is not reproduced."""
    value = level.get(key)
    if value == LEVEL_NOT_OBSERVED:
        raise UnknownLevelError(f"level {level.get('sql_condition')!r} has a {key} {LEVEL_NOT_OBSERVED!r}")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise UnknownLevelError(f"level {level.get('sql_condition')!r} has no {key}")
    return float(value)


def level_weight(level: dict[str, Any]) -> float:
    """log2(m / u) with both clamped at M_U_CLAMP_MIN, as Splink computes a level's match weight."""
    m, u = _probability(level, "m_probability"), _probability(level, "u_probability")
    return math.log2(max(m, M_U_CLAMP_MIN) / max(u, M_U_CLAMP_MIN))


def _exact_u(levels: list[dict[str, Any]], level: dict[str, Any], column: str) -> float:
    """The u a term frequency replaces: the level's own when exact-match detection is off, else that of the
    comparison's exact-match level on the tf column (Splink's _u_probability_corresponding_to_exact_match)."""
    if level.get("disable_tf_exact_match_detection"):
        return _probability(level, "u_probability")
    for other in levels:
        if not other.get("is_null_level") and parse_condition(other["sql_condition"])[:2] == ("exact", (column,)):
            return _probability(other, "u_probability")
    raise UnknownLevelError(f"no exact-match level on {column} for its term-frequency adjustment")


def _term_frequency(levels: list[dict[str, Any]], level: dict[str, Any], kind: str) -> TermFrequency | None:
    """A level's term-frequency adjustment, or None where Splink adds none (no column, weight 0, else level)."""
    column = level.get("tf_adjustment_column")
    weight = float(level.get("tf_adjustment_weight", 1.0))
    if not column or weight == 0 or kind == "else" or level.get("is_null_level"):
        return None
    if not re.fullmatch(r"\w+", column):
        raise UnknownLevelError(f"term-frequency column {column!r}")
    return TermFrequency(column, math.log2(_exact_u(levels, level, column)),
                         float(level.get("tf_minimum_u_value", 0.0)), weight)


def comparison_spec(comparison: dict[str, Any]) -> Comparison:
    """One comparison of a saved model as levels; gammas as Splink assigns them (null −1, then counting down
    from the first other level to 0)."""
    raw = comparison["comparison_levels"]
    counter, levels = sum(not level.get("is_null_level") for level in raw) - 1, []
    for level in raw:
        kind, columns, threshold = parse_condition(level["sql_condition"])
        if level.get("is_null_level"):
            if kind != "null":
                raise UnknownLevelError(f"a null level of another shape: {level['sql_condition']!r}")
            levels.append(Level(kind, columns, threshold, -1, 0.0))
            continue
        if kind == "null":
            raise UnknownLevelError(f"a null test not marked as the null level: {level['sql_condition']!r}")
        levels.append(Level(kind, columns, threshold, counter, level_weight(level),
                            _term_frequency(raw, level, kind)))
        counter -= 1
    if not levels or levels[-1].kind != "else":
        raise UnknownLevelError(f"comparison {comparison.get('output_column_name')!r} does not end in ELSE")
    return Comparison(str(comparison["output_column_name"]).replace(" ", "_"), tuple(levels))


def model_spec(model: dict[str, Any]) -> ModelSpec:
    """A saved Splink model (its JSON as a dict) as comparisons the NumPy scorer applies; raises
    UnknownLevelError where the scorer would not reproduce Splink."""
    prefixes = (model.get("match_weight_column_prefix", "mw_"), model.get("comparison_vector_value_column_prefix",
                                                                          "gamma_"))
    if prefixes != ("mw_", "gamma_") or model.get("link_type") != "dedupe_only":
        raise UnknownLevelError("column prefixes or link type other than Tollbook's")
    comparisons = tuple(comparison_spec(c) for c in model["comparisons"])
    return ModelSpec(comparisons, probability_weight(float(model["probability_two_random_records_match"])))
