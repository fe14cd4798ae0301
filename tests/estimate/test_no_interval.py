"""An estimate without an interval says so in words — `--no-intervals`, a rank-deficient design whose profile
interval is refused, a profile open above — in the CLI's output, the saved JSON's plain language and the report,
in English and Persian; "nan" (and "inf") appears nowhere."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.cli.estimate import _show
from tollbook.estimate.api import estimate
from tollbook.estimate.caveat_words import CAVEATS
from tollbook.estimate.database import save_results
from tollbook.estimate.histories import read_pattern_csv
from tollbook.estimate.loglinear import LogLinearModel
from tollbook.estimate.result import EstimateResult
from tollbook.model import Estimate
from tollbook.report.gather import gather_report
from tollbook.report.html import render_page
from tollbook.sources import add_source
from tollbook.store import session_scope

DATA = Path(__file__).parent.parent / "data" / "mse"
KOSOVO = DATA / "kosovo_1999_lcmcr.csv"
NAN = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)


def _cli(*args: str) -> str:
    done = CliRunner().invoke(app, ["estimate", "--patterns", *args])
    assert done.exit_code == 0, done.output
    return done.output


def _rank_deficient() -> EstimateResult:
    """Darroch's heterogeneity with every pair of Kosovo's lists: a rank-deficient design (no profile interval)."""
    h = read_pattern_csv(KOSOVO)[None]
    pairs = [(a, b) for i, a in enumerate(h.lists) for b in h.lists[i + 1 :]]
    result = LogLinearModel(h, pairs, heterogeneity="Darroch").fit()
    assert math.isfinite(result.estimate) and math.isnan(result.lower) and math.isnan(result.upper)
    return result


def test_the_no_interval_codes_have_both_languages() -> None:
    for code in ("plain.what_unasked", "plain.what_no_interval", "plain.what_stratum_unasked",
                 "plain.what_stratum_no_interval", "plain.what_open", "plain.what_stratum_open"):  # fmt: skip
        words = CAVEATS[code]
        assert "num_upper" not in words.english + words.persian and "95" in words.english
        assert ("num_lower" in words.english) == code.endswith("_open") and "بازهٔ ۹۵٪" in words.persian


def test_no_intervals_is_said_in_words_in_the_cli_and_its_json() -> None:
    text = _cli(str(KOSOVO), "--method", "loglinear", "--no-intervals")
    assert not NAN.search(text)
    assert "no 95% interval: not computed, as --no-intervals asked" in " ".join(text.split())
    for result in json.loads(_cli(str(KOSOVO), "--method", "loglinear", "--no-intervals", "--json")):
        assert result["lower"] is None and not NAN.search(" ".join(result["plain_language"]))
        assert result["coded"]["plain_language"][0]["code"] == "plain.what_unasked"
        assert "num_lower" not in result["coded"]["plain_language"][0]["params"]


def test_no_intervals_by_stratum() -> None:
    output = _cli(str(DATA / "spina_bifida_ny_by_ethnicity_conting.csv"), "--by", "eth", "--method", "loglinear",
                  "--no-intervals", "--json")  # fmt: skip
    results = json.loads(output)
    codes = {r["coded"]["plain_language"][0]["code"] for r in results if r["estimate"] is not None}
    assert "plain.what_stratum_unasked" in codes
    assert not NAN.search(output)


def test_an_interval_is_still_written_when_there_is_one() -> None:
    (result,) = [r for r in json.loads(_cli(str(KOSOVO), "--method", "dga", "--json"))]
    assert re.search(r"\(95% interval [\d,]+ to [\d,]+\)", result["plain_language"][0])
    assert result["coded"]["plain_language"][0]["code"] == "plain.what"


def _open_above() -> EstimateResult:
    """Rcapture's Mh Gamma3.5 on the Taiwan hepatitis A lists: the profile likelihood does not close above."""
    (result,) = [r for r in estimate(read_pattern_csv(DATA / "hepatitis_a_taiwan_1995.csv")[None],
                                     method="loglinear") if r.model == "Mh Gamma3.5"]  # fmt: skip
    assert math.isfinite(result.lower) and result.upper == math.inf
    return result


def test_an_interval_open_above_gives_its_lower_end() -> None:
    output = _cli(str(DATA / "hepatitis_a_taiwan_1995.csv"), "--method", "loglinear", "--json")
    (gamma,) = [r for r in json.loads(output) if r["model"] == "Mh Gamma3.5"]
    assert gamma["coded"]["plain_language"][0]["code"] == "plain.what_open"
    assert re.search(r"\(95% interval from [\d,]+, with no upper end within the search", gamma["plain_language"][0])
    assert not NAN.search(output)


def test_a_rank_deficient_design_says_why_not_nan(capsys: pytest.CaptureFixture[str]) -> None:
    result = _rank_deficient()
    assert result.plain_language()[0].code == "plain.what_no_interval"
    _show([result], as_json=False)
    _show([result], as_json=True)
    assert not NAN.search(capsys.readouterr().out)
    assert not NAN.search(" ".join(result.plain_language()))
    assert "no 95% interval could be given" in result.plain_language()[0]


@pytest.mark.parametrize(("make", "data", "code", "english", "persian"), [
    (_rank_deficient, KOSOVO, "plain.what_no_interval", "no 95% interval could be given", "بازهٔ ۹۵٪ به دست نیامد"),
    (_open_above, DATA / "hepatitis_a_taiwan_1995.csv", "plain.what_open", "with no upper end within the search",
     "بی کران بالا"),
])  # fmt: skip
def test_saved_and_reported_without_nan(engine: Engine, make, data: Path, code: str, english: str,  # noqa: ANN001
                                        persian: str) -> None:
    result = make()
    with session_scope(engine) as session:
        for name in read_pattern_csv(data)[None].lists:
            add_source(session, name, kind="media")
        save_results(session, [result], stratified_by=None)
    with session_scope(engine) as session:
        saved = session.scalars(select(Estimate)).one().result
        assert not NAN.search(json.dumps(saved["plain_language"], allow_nan=False))
        assert saved["coded"]["plain_language"][0]["code"] == code
        data = gather_report(session, public=False)
    no_charts = defaultdict(lambda: Markup(""))
    for lang in ("en", "fa"):
        page = render_page(data, lang, False, svgs=no_charts)
        assert not NAN.search(re.sub(r"<[^>]+>", " ", page)), lang
    en, fa = (render_page(data, lang, False, svgs=no_charts) for lang in ("en", "fa"))
    assert english in en and persian in fa
