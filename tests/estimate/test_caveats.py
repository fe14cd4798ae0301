"""The estimation's caveats carry stable codes: every code has English and Persian words in one table, real
estimates of every method (strata thin and pooled, pending review pairs, dependent lists, independence groups)
emit only caveats whose codes are in it, and the codes survive saving beside the words."""

from __future__ import annotations

import json
import math
import pickle
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest

from tollbook.estimate.api import estimate
from tollbook.estimate.caveat_words import CAVEATS
from tollbook.estimate.caveats import NESTED, Caveat, english, restored, saved, saved_lines
from tollbook.estimate.combine import combine_runs
from tollbook.estimate.database import PendingReview, with_pending_review
from tollbook.estimate.dependence import with_groups
from tollbook.estimate.histories import CaptureHistories, read_pattern_csv
from tollbook.estimate.result import EstimateResult
from tollbook.phrases import placeholders, problems

DATA = Path(__file__).parent.parent / "data" / "mse"
QUICK = {"burnin": 50, "samples": 60, "thinning": 1, "chains": 2}  # too short to converge: convergence caveats too


def _kosovo() -> CaptureHistories:
    return read_pattern_csv(DATA / "kosovo_1999_lcmcr.csv")[None]


def _strata() -> dict[str | None, CaptureHistories]:
    """Kosovo split in two, a stratum with one list, one with five people and an unknown one with two lists."""
    kosovo = _kosovo()
    rng = np.random.default_rng(3)
    first = rng.binomial(kosovo.counts, 0.5)
    strata: dict[str | None, CaptureHistories] = {}
    for name, counts in (("IR-23", first), ("IR-07", kosovo.counts - first)):
        keep = counts > 0
        strata[name] = CaptureHistories(kosovo.lists, kosovo.patterns[keep], counts[keep], stratum=name)
    lists = kosovo.lists
    strata["IR-01"] = CaptureHistories(lists, np.array([[1, 0, 0, 0]]), np.array([12]), stratum="IR-01")
    strata["IR-02"] = CaptureHistories(lists, np.array([[1, 1, 0, 0], [0, 0, 1, 0]]), np.array([2, 3]),
                                       stratum="IR-02")
    strata["unknown"] = CaptureHistories(lists[:2], np.array([[1, 0], [1, 1], [0, 1]]), np.array([20, 9, 14]),
                                         stratum="unknown")
    return strata


def _every(lines: Iterable[str]) -> Iterator[str]:
    """Each caveat and the caveats nested in it."""
    for line in lines:
        yield line
        if isinstance(line, Caveat):
            for name in NESTED:
                inner = line.params.get(name)
                yield from _every(inner if isinstance(inner, tuple) else () if inner is None else (inner,))


def _lines(results: Iterable[EstimateResult]) -> list[str]:
    return [line for r in results for line in _every([*r.warnings, *r.plain_language()])]


@pytest.fixture(scope="module")
def real_results() -> list[EstimateResult]:
    """Real estimates of every method: one population, strata (thin, pooled and refused), two lists with
    `--method all`, then pending review pairs and an unmerged independence group added as the CLI adds them."""
    kosovo = _kosovo()
    found = estimate(kosovo, "lcmcr", seed=1, **QUICK) + estimate(kosovo, "loglinear", seed=1)
    found += estimate(kosovo, "dga", seed=1) + estimate(kosovo, "search", seed=1, replicates=5)
    found += estimate(_strata(), "lcmcr", seed=2, **QUICK) + estimate(_strata(), "loglinear", pool=False, seed=2)
    two = CaptureHistories(("media", "ngo"), np.array([(1, 0), (1, 1), (0, 1)]), np.array([30, 12, 25]))
    found += estimate(two, "all", seed=3, **QUICK)
    found += combine_runs([estimate(kosovo, "dga", seed=s) for s in (1, 2)])
    pending = with_pending_review(found, PendingReview(pairs=226, persons_now=1399, persons_if_all_merged=1321))
    return with_groups(pending, {"HRANA network": list(kosovo.lists[:2])}, kosovo.lists, merged=False)


def test_every_code_has_english_and_persian_words() -> None:
    assert problems(CAVEATS) == []
    for code, phrase in CAVEATS.items():
        assert phrase.english and re.search("[\u0600-\u06ff]", phrase.persian), code
        assert placeholders(phrase.persian) == placeholders(phrase.english), code  # each language says all parts


def test_real_estimates_emit_only_caveats_whose_codes_are_in_the_table(real_results: list[EstimateResult]) -> None:
    lines = _lines(real_results)
    uncoded = [line for line in lines if not isinstance(line, Caveat)]
    assert uncoded == []
    assert {line.code for line in lines} <= set(CAVEATS)
    for line in lines:
        assert english(line.code, line.params) == line, line.code
    emitted = {line.code for line in lines}
    expected = {"plain.what", "plain.what_stratum", "plain.assumes.lcmcr", "plain.assumes.loglinear",
                "plain.assumes.dga", "plain.assumes.other", "plain.doubt", "plain.none", "plain.floor",
                "review.pending", "independence.shared", "convergence.ess", "lcmcr.iterations",
                "stratum.not_estimated", "thin.lists", "thin.people", "total.documented_only", "method.skipped",
                "unsupported.lcmcr", "unsupported.dga", "unsupported.search", "combine.few", "doubt.not_settled"}
    assert expected <= emitted, sorted(expected - emitted)


def test_codes_survive_saving_and_old_words_stay_words(real_results: list[EstimateResult]) -> None:
    for result in real_results:
        data = json.loads(json.dumps(result.to_dict()))
        assert data["warnings"] == list(result.warnings)  # the words are kept, as JSON consumers read them
        for key, lines in (("warnings", result.warnings), ("plain_language", result.plain_language())):
            back = saved_lines(data, key)
            assert [(c.code, c.params) for c in back] == [(c.code, c.params) for c in lines]
            old = {key: data[key]}  # an estimate saved before caveats had codes
            assert saved_lines(old, key) == tuple(lines)
            assert not any(isinstance(line, Caveat) for line in saved_lines(old, key))


def test_a_caveat_is_its_english_words_and_pickles_with_its_code() -> None:
    reason = Caveat("thin.lists", num_lists=1, names_lists=("media",), num_min=2)
    line = Caveat("stratum.not_estimated", stratum="IR-07", reason=reason)
    assert line == "stratum 'IR-07' not estimated: only 1 list(s) with records here (media); at least 2 are needed"
    again = pickle.loads(pickle.dumps(line))
    assert again == line and again.code == line.code and again.params["reason"].code == "thin.lists"
    with pytest.raises(KeyError, match="num_min"):
        Caveat("thin.lists", num_lists=1, names_lists=())
    with pytest.raises(KeyError):
        Caveat("a.code.nobody.wrote")


def test_a_saved_caveat_this_version_cannot_write_again_is_left_as_words() -> None:
    line = Caveat("loglinear.invalid", text_n=math.nan, num_observed=57)
    data = json.loads(json.dumps(saved(line)).replace("NaN", "null"))  # JSON keeps no NaN
    assert restored(data, str(line)) is None
    assert restored({"code": "from.a.newer.version", "params": {}}) is None
    assert restored(saved(line) | {"params": {**saved(line)["params"], "num_observed": 58}}, str(line)) is None
