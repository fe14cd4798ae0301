"""Training on lists that lack a field: an EM pass whose blocking rule no two records agree on is skipped (the
model keeps the m of the other passes, or the stated m), and the underflow fallback still holds."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tollbook.link import link_frame
from tollbook.link import settings as model_settings
from tollbook.link.keys import build_keys
from tollbook.link.train import _em_pairs, build_linker, estimate_u, trained_linker
from tollbook.synth import realistic_lists

SEED = 2019


def lacking(*columns: str, size: int = 1_500) -> pd.DataFrame:
    """Realistic lists of at least 1,000 records with these fields missing throughout."""
    records = realistic_lists(size, 2).records.drop(columns=["truth"])
    assert len(records) >= 1_000
    return records.assign(**{column: None for column in columns})


def m_of(model: dict[str, Any]) -> list[list[Any]]:
    """Each comparison's levels' m, in order."""
    return [[level.get("m_probability") for level in comparison["comparison_levels"]]
            for comparison in model["comparisons"]]


def reference_model(keys: pd.DataFrame, passes: list[int]) -> dict[str, Any]:
    """The oracle: Splink trained by hand with u as Tollbook estimates it and only the given EM passes."""
    linker = build_linker(keys, "duckdb")
    estimate_u(linker, len(keys), SEED, lambda _message: None)
    rules = model_settings.training_blocking_rules()
    for number in passes:
        linker.training.estimate_parameters_using_expectation_maximisation(rules[number - 1],
                                                                          max_pairs=_em_pairs(len(keys)))
    return linker.misc.save_model_to_json()


def test_lists_without_fathers_names_skip_the_first_pass_and_link() -> None:
    records = lacking("father_name")
    messages: list[str] = []
    linked = link_frame(records, progress=messages.append)
    skipped = [m for m in messages if "skipped EM pass" in m]
    assert len(skipped) == 1 and "pass 1" in skipped[0] and "father_canon" in skipped[0]
    assert linked.trained and linked.clusters < len(records)
    assert m_of(linked.model) == m_of(reference_model(build_keys(records), [2, 3]))


def test_when_every_pass_is_skipped_the_model_keeps_the_stated_m() -> None:
    keys = build_keys(lacking("father_name", "date_of_death"))
    messages: list[str] = []
    linker, trained = trained_linker(keys, "duckdb", SEED, messages.append, None)
    assert trained and sum("skipped EM pass" in m for m in messages) == 3
    assert any("uses the stated m" in m for m in messages)
    assert m_of(linker.misc.save_model_to_json()) == m_of(reference_model(keys, []))


def test_an_underflowing_em_is_retried_with_the_fuzzy_name_levels_held(monkeypatch: pytest.MonkeyPatch) -> None:
    from splink.internals.linker_components.training import LinkerTraining

    real, calls = LinkerTraining.estimate_parameters_using_expectation_maximisation, []

    def first_underflows(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("m_probability must be between 0 and 1, got 0.0")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", first_underflows)
    messages: list[str] = []
    linker, trained = trained_linker(build_keys(lacking("father_name")), "duckdb", SEED, messages.append, None)
    assert trained and any("held the fuzzy name levels" in m for m in messages)
    held = [level for comparison in linker.misc.save_model_to_json()["comparisons"]
            for level in comparison["comparison_levels"]
            if str(level.get("label_for_charts", "")).startswith(model_settings.FUZZY_MARK)]
    assert held and all(level.get("fix_m_probability") for level in held)
