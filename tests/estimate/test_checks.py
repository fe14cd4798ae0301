"""LCMCR posterior predictive checks of list counts and pairwise overlaps: the p-value arithmetic, a data set the
model can fit (drawn from a latent-class model), and structure it cannot carry (it fails where expected)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.estimate.checks import P_LIMIT, check_pairs, check_warnings, failed_checks, predictive_checks
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.lcmcr import LCMCR
from tollbook.estimate.table import table_rows

KOSOVO = Path(__file__).parent.parent / "data" / "mse" / "kosovo_1999_lcmcr.csv"
KEYS = {"check", "lists", "observed", "median", "lo", "hi", "p"}


def _histories(people: np.ndarray) -> CaptureHistories:
    names = [chr(ord("A") + j) for j in range(people.shape[1])]
    return CaptureHistories.from_matrix(people[people.any(axis=1)], names)


def _latent_class_data(seed: int, lam: list[list[float]], share: float, n: int = 4_000) -> CaptureHistories:
    """People drawn from a two-class model: class 1 with probability ``share``, lists independent within class."""
    rng = np.random.default_rng(seed)
    first = rng.random(n) < share
    p = np.where(first[:, None], np.array(lam[0]), np.array(lam[1]))
    return _histories((rng.random(p.shape) < p).astype(np.uint8))


def _exactly_two_of(n_lists: int, per_pair: int) -> CaptureHistories:
    """Everyone on exactly two of ``n_lists`` lists, ``per_pair`` people per pair: 45 patterns for 10 lists."""
    rows = []
    for i, j in itertools.combinations(range(n_lists), 2):
        row = np.zeros(n_lists, dtype=np.uint8)
        row[[i, j]] = 1
        rows += [row] * per_pair
    return _histories(np.array(rows))


def test_checks_are_every_list_then_every_pair() -> None:
    assert check_pairs(3).tolist() == [[0, 0], [1, 1], [2, 2], [0, 1], [0, 2], [1, 2]]


def test_p_value_is_two_sided_over_the_replicates() -> None:
    """Observed A = 2 (people on A), A&B = 1; replicates 0..9 for every check: P(rep <= 2) = 0.3 -> p = 0.6,
    P(rep <= 1) = 0.2 -> p = 0.4; an observed value beyond every replicate has p = 0."""
    h = CaptureHistories.from_matrix(np.array([[1, 1], [1, 0], [0, 1]]), ["A", "B"])
    checks = np.array([[0, 0], [0, 1]])
    rows = predictive_checks(h, checks, np.tile(np.arange(10)[:, None], (1, 2)))
    assert [set(r) for r in rows] == [KEYS, KEYS]
    assert [r["observed"] for r in rows] == [2, 1]
    assert [r["p"] for r in rows] == pytest.approx([0.6, 0.4])
    assert rows[0]["median"] == 4.5 and rows[1]["lists"] == ["A", "B"]
    far = predictive_checks(h, checks, np.full((10, 2), 50))
    assert [r["p"] for r in far] == [0.0, 0.0] and len(failed_checks(far)) == 2
    (warning,) = check_warnings(far)
    assert "failed for 2 of 2" in warning and "lists A and B share 1 people" in warning


@pytest.mark.parametrize("seed", [1, 2])
def test_data_from_a_latent_class_model_pass(seed: int) -> None:
    """Five lists, two classes of very different visibility: LCMCR reproduces every count and overlap."""
    h = _latent_class_data(seed, [[0.5, 0.4, 0.6, 0.3, 0.5], [0.1, 0.2, 0.05, 0.15, 0.1]], 0.3)
    result = LCMCR(h, burnin=10_000, samples=1_000, seed=seed).fit()
    rows = result.diagnostics["posterior_predictive"]
    assert len(rows) == 5 + 10 and all(set(row) == KEYS for row in rows)
    assert min(row["p"] for row in rows) > 0.2
    assert all(row["lo"] <= row["observed"] <= row["hi"] for row in rows)
    assert not any("posterior predictive" in text for text in result.warnings)


def test_one_class_cannot_carry_heterogeneity_and_the_pair_that_shows_it_fails() -> None:
    """Lists A and B see one class ten times as often as the other; C, D, E see both alike. With K = 1 (the
    independence model Mt) the A&B overlap is far above what the model predicts: that check, and only an overlap
    with A or B, fails; every list count passes."""
    h = _latent_class_data(3, [[0.6, 0.6, 0.3, 0.3, 0.3], [0.06, 0.06, 0.3, 0.3, 0.3]], 0.3)
    result = LCMCR(h, K=1, burnin=2_000, samples=1_000, seed=3).fit()
    failed = failed_checks(result.diagnostics["posterior_predictive"])
    assert failed and failed[0]["lists"] == ["A", "B"] and failed[0]["observed"] > failed[0]["hi"]
    assert all(row["check"] == "pair" and {"A", "B"} & set(row["lists"]) for row in failed)
    assert any("lists A and B share" in text for text in result.warnings)
    assert "model does not reproduce how the lists overlap" in result.plain_language()[2]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_more_structure_than_ten_classes_fails_an_overlap(seed: int) -> None:
    """Everyone on exactly two of ten lists: 45 patterns, each its own deterministic class, which K = 10 latent
    classes cannot all carry; some pairwise overlap falls outside what the model predicts."""
    result = LCMCR(_exactly_two_of(10, 100), burnin=10_000, samples=1_000, seed=seed).fit()
    rows = result.diagnostics["posterior_predictive"]
    failed = failed_checks(rows)
    assert failed and all(row["check"] == "pair" and row["p"] < P_LIMIT for row in failed)
    assert all(row["p"] > P_LIMIT for row in rows if row["check"] == "margin")
    assert table_rows([result])[0]["model check"] == f"{len(failed)} of {len(rows)} fail"


def test_checks_do_not_change_the_chain() -> None:
    """The replicates come from their own generator: a chain run with checks is the chain run without them."""
    from tollbook.estimate import _lcmcr_kernel as kernel
    from tollbook.estimate.lcmcr import LCMCRSettings, _Checks, _Data, _initial_state, _run

    data = _Data.from_histories(_latent_class_data(4, [[0.5, 0.4, 0.6], [0.1, 0.2, 0.05]], 0.3, n=1_000))
    ends = []
    for checks in (None, _Checks.for_chain(3, 50, kernel.new_state(np.random.SeedSequence(2)))):
        state = _initial_state(data, 10, kernel.new_state(np.random.SeedSequence(1)))
        out = np.zeros((50, 3))
        _run(data, state, LCMCRSettings(), 500, 10, out, 0, checks=checks)
        ends.append((out, state.lam))
    assert np.array_equal(ends[0][0], ends[1][0]) and np.array_equal(ends[0][1], ends[1][1])
    assert checks is not None and checks.replicated[:, :3].min() > 0  # every list count was replicated


def test_cli_prints_and_returns_the_checks() -> None:
    runner = CliRunner()
    args = ["estimate", "--patterns", str(KOSOVO), "--burnin", "2000", "--samples", "500", "--seed", "5"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "Posterior predictive checks" in shown.stdout and "OSCE & HRW" in shown.stdout
    rows = json.loads(runner.invoke(app, [*args, "--json"]).stdout)[0]["diagnostics"]["posterior_predictive"]
    assert len(rows) == 10 and rows[4]["lists"] == ["EXH", "ABA"] and rows[4]["observed"] == 403
