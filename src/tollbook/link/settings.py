"""The Splink model of Tollbook as pure builders: comparisons, blocking rules and settings, with no SQL dialect.

Names are compared on keys from :mod:`tollbook.link.keys` (canonical Latin form, phonetic key, variant id), never on
Persian script, because DuckDB's string distances count bytes. Each level starts from a stated prior m and u so a
small list links sensibly before (or without) training; training replaces them with estimates.
"""

from __future__ import annotations

import copy
from typing import Any

import splink.comparison_level_library as cll
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.comparison_library import CustomComparison

from tollbook.link.blocking import BASE_RULES, PlannedRule

DEFAULT_PRIOR = 1e-4
# (m, u) priors per level, most specific level first, the else-level last.
# A name that differs outright (no fuzzy level) is rare for one person (m = 0.01, held through training): on a
# team's first lists, two Rezas of one province a day apart with different family names stay two people.
NAME_PRIORS = ((0.8, 0.002), (0.03, 0.0001), (0.06, 0.002), (0.04, 0.006), (0.03, 0.02), (0.02, 0.03),
               (0.01, 0.94))
AGE_PRIORS = ((0.6, 0.03), (0.28, 0.06), (0.1, 0.12), (0.015, 0.2), (0.005, 0.59))
# Dates: the u of an untrained model is that of one event's list, its deaths on a handful of days (Iran, November
# 2019: most on 16-19 November), not spread over a month (the day levels' u sum to 1); training estimates u from
# the data. The period level (a month-only date and a day inside it) agrees weakly: most deaths fall in the month.
DATE_PRIORS = ((0.7, 0.25), (0.2, 0.3), (0.08, 0.25), (0.015, 0.12), (0.9, 0.6), (0.005, 0.08))
PLACE_PRIORS = ((0.82, 0.04), (0.13, 0.16), (0.05, 0.8))
SEX_PRIORS = ((0.98, 0.55), (0.02, 0.45))
AGE_STEPS = (1, 3, 7)
FUZZY_MARK = "fuzzy: "
FUZZY_LABELS = ("Jaro-Winkler >= 0.92", "same phonetic key", "phonetic keys one edit apart", "Jaro-Winkler >= 0.80")
DATE_STEPS = (1, 3, 7)
PERIODS_OVERLAP = ("(dod_l is null or dod_r is null) and dod_to_l is not null and dod_to_r is not null"
                   " and dod_from_l <= dod_to_r and dod_from_r <= dod_to_l")


def _with_priors(levels: list[Any], priors: tuple[tuple[float, float], ...]) -> list[Any]:
    """Attach prior (m, u) pairs to the non-null levels, in order (levels with fixed values keep theirs)."""
    for level, (m, u) in zip(levels[1:], priors, strict=True):
        if getattr(level, "fix_u_probability", False) is not True:
            level.configure(m_probability=m, u_probability=u)
    return levels


def name_comparison(part: str, term_frequencies: bool = True) -> CustomComparison:
    """Levels for one name part: same canonical form (for a known name: the same variant id), given and family
    names swapped, Jaro-Winkler ≥ 0.92, same phonetic key, phonetic keys one edit apart (a letter dropped in
    Persian script), Jaro-Winkler ≥ 0.80, else; term-frequency adjusted (Mohammad says little)."""
    canon, phon = f"{part}_canon", f"{part}_phon"
    same = cll.ExactMatchLevel(canon, term_frequency_adjustments=term_frequencies).configure(
        label_for_charts=f"same {part} name (variant id or canonical form)")
    if term_frequencies:
        same.configure(tf_minimum_u_value=0.001)
    swapped = [] if part == "father" else [_swapped_names(counted=part == "given")]
    # EM can drive the m of a rare level to exactly 0 (float underflow), which Splink rejects: the rarest levels
    # of names keep their stated m, the other levels are trained.
    loose = [cll.JaroWinklerLevel(canon, 0.80)] if swapped else []
    fuzzy = [cll.JaroWinklerLevel(canon, 0.92), cll.ExactMatchLevel(phon), cll.LevenshteinLevel(phon, 1), *loose]
    for level, label in zip(fuzzy, FUZZY_LABELS, strict=False):
        level.configure(label_for_charts=f"{FUZZY_MARK}{label} ({part})")
    levels = [cll.NullLevel(canon), same, *swapped, *fuzzy, cll.ElseLevel().configure(fix_m_probability=True)]
    priors = NAME_PRIORS if swapped else NAME_PRIORS[:1] + NAME_PRIORS[2:5] + NAME_PRIORS[6:]
    return CustomComparison(_with_priors(levels, priors), output_column_name=f"{part}_name")


def _swapped_names(counted: bool) -> Any:
    """Given and family names written in each other's places (both ways). Both name comparisons see the swap;
    only the given-name one weighs it (its m is rare, so kept as stated), the family one is neutral (m = u)."""
    level = cll.ColumnsReversedLevel("given_canon", "family_canon", symmetrical=True)
    if counted:
        return level.configure(label_for_charts="given and family names swapped", fix_m_probability=True)
    return level.configure(label_for_charts="names swapped (weighed in given_name)", m_probability=1e-3,
                           u_probability=1e-3, fix_m_probability=True, fix_u_probability=True)


def age_comparison() -> CustomComparison:
    """Levels of absolute age difference: same, within 1, 3, 7 years, else."""
    levels = [cll.NullLevel("age"), cll.ExactMatchLevel("age")]
    levels += [cll.AbsoluteDifferenceLevel("age", step) for step in AGE_STEPS] + [cll.ElseLevel()]
    return CustomComparison(_with_priors(levels, AGE_PRIORS), output_column_name="age")


def death_date_comparison() -> CustomComparison:
    """Levels of days between dates of death: same day, within 1, 3, 7 days, then a partial date (a month) whose
    period holds the other's (agreement within its precision), else. Null only when either has no date."""
    levels = [cll.NullLevel("dod_from"), cll.ExactMatchLevel("dod")]
    levels += [cll.AbsoluteDateDifferenceLevel("dod", input_is_string=False, threshold=step, metric="day")
               for step in DATE_STEPS]
    levels.append(cll.CustomLevel(PERIODS_OVERLAP, label_for_charts="within the period of a partial date",
                                  base_dialect_str="duckdb"))
    levels.append(cll.ElseLevel())
    return CustomComparison(_with_priors(levels, DATE_PRIORS), output_column_name="date_of_death")


def place_comparison() -> CustomComparison:
    """Levels of place: same city, same province, else; one comparison because city implies province."""
    levels = [cll.NullLevel("province_code"), cll.ExactMatchLevel("city_code"), cll.ExactMatchLevel("province_code"),
              cll.ElseLevel()]
    return CustomComparison(_with_priors(levels, PLACE_PRIORS), output_column_name="place")


def sex_comparison() -> CustomComparison:
    """Levels of sex: same, different (unknown counts as null)."""
    levels = [cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()]
    return CustomComparison(_with_priors(levels, SEX_PRIORS), output_column_name="sex")


def comparisons(term_frequencies: bool = True) -> list[CustomComparison]:
    """Every comparison of the model, in a fixed order."""
    names = [name_comparison(part, term_frequencies) for part in ("given", "family", "father")]
    return names + [age_comparison(), sex_comparison(), death_date_comparison(), place_comparison()]


def hold_fuzzy_levels(model: dict[str, Any]) -> dict[str, Any]:
    """A copy of a model (settings dict) whose fuzzy name levels keep their m through EM: the fallback when EM
    drives one of those rare levels' m to zero."""
    held = copy.deepcopy(model)
    for comparison in held["comparisons"]:
        for level in comparison["comparison_levels"]:
            if str(level.get("label_for_charts", "")).startswith(FUZZY_MARK):
                level["fix_m_probability"] = True
    return held


def prediction_blocking_rules(planned: list[PlannedRule] | None = None) -> list[Any]:
    """Rules that choose the pairs to score (a pair passing any rule is scored once): the rules of a blocking
    plan (:mod:`tollbook.link.blocking`, counted and split on the data, residual rules as SQL), or the unsplit
    base rules."""
    if planned is None:
        return [block_on(*columns) for columns in BASE_RULES]
    return [CustomRule(rule.sql) if rule.missing else block_on(*rule.columns) for rule in planned]


TRAINING_BLOCKS = (("given_canon", "family_canon", "father_canon", "age"),
                   ("given_canon", "family_canon", "dod", "city_code"), ("dod", "city_code", "age"))


def training_blocking_rules() -> list[Any]:
    """EM passes on blocks where namesakes do not dominate (on a national list thousands of Mohammad Hosseinis
    share a father's name Ali, and EM then reads namesakes' disagreeing ages and dates as matches'): the same
    three names and age train date, place and sex; the same two names, date and city train age, father's name
    and sex; the same date, city and age train the names."""
    return [block_on(*columns) for columns in TRAINING_BLOCKS]


def deterministic_rules() -> list[Any]:
    """Near-certain matches, used to estimate the prior probability that two records match."""
    return [block_on("given_canon", "family_canon", "dod", "city_code"),
            block_on("given_canon", "family_canon", "father_canon", "age")]


def settings(prior: float = DEFAULT_PRIOR, term_frequencies: bool = True,
             planned: list[PlannedRule] | None = None) -> SettingsCreator:
    """The model's settings, dialect-free; one table of all lists, so within-list duplicates are found too."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(term_frequencies),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(planned),
        probability_two_random_records_match=prior,
        additional_columns_to_retain=["source_list"],
        retain_intermediate_calculation_columns=True,  # the bayes factors behind each score, for review
        max_iterations=20,
    )
