"""The statistician's checks in the report: list dependence, sensitivity and posterior predictive checks read
from saved estimates (saved with the estimate library, not mocked), each number with an id, in both languages;
a check the run did not save is said to be missing, never left blank."""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from markupsafe import Markup
from sqlalchemy import Engine

from tollbook.estimate.api import with_dependence
from tollbook.estimate.database import save_results
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.report import build_report
from tollbook.report.explain import explain_number
from tollbook.report.gather import ReportData, gather_report
from tollbook.report.html import render_page
from tollbook.sources import add_source
from tollbook.store import migrate, open_engine, session_scope

COLLECTOR = "Ali Rezaei notebook"  # a field collector's list: its name can be a person's, hidden in public
LISTS = ("media", COLLECTOR, "ngo")
PATTERNS = {(1, 1, 0): 40, (1, 0, 0): 10, (0, 1, 0): 10, (0, 0, 1): 40, (1, 0, 1): 5, (0, 1, 1): 5, (1, 1, 1): 2}
SENSITIVITY = [  # rows shaped as tollbook.estimate.sensitivity.sensitivity() returns them
    {"choice": "LCMCR K", "value": "10", "method": "lcmcr", "estimate": 130.0, "lower": 115.0, "upper": 160.0,
     "converged": True, "change": 0.0, "default": True},
    {"choice": "LCMCR K", "value": "20", "method": "lcmcr", "estimate": 136.5, "lower": 117.0, "upper": 171.0,
     "converged": False, "change": 0.05, "default": False},
    {"choice": "LCMCR alpha prior", "value": "Gamma(0.1, 0.1)", "method": "lcmcr", "estimate": 131.0,
     "lower": 115.0, "upper": 161.0, "converged": True, "change": 0.0077, "default": False},
    {"choice": "linkage threshold", "value": "0.9 (118 persons)", "method": "lcmcr", "estimate": 151.0,
     "lower": 128.0, "upper": 190.0, "converged": True, "change": 0.1615, "default": False},
    {"choice": "linkage threshold", "value": "0.414 (+2.0 match weight from 0.15; 1,085 persons formed, 1,080 "
     "counted)", "method": "lcmcr", "estimate": 152.0, "lower": 129.0, "upper": 191.0, "converged": True,
     "change": 0.17, "default": False, "threshold": 0.414, "persons_formed": 1085, "persons_counted": 1080},
]
PREDICTIVE = [
    {"check": "margin", "lists": ["media"], "observed": 57, "median": 56.0, "lo": 48.0, "hi": 65.0, "p": 0.46},
    {"check": "pair", "lists": ["media", COLLECTOR], "observed": 42, "median": 30.0, "lo": 24.0, "hi": 37.0,
     "p": 0.003},
]


def histories(lists: tuple[str, ...] = LISTS, patterns: dict | None = None) -> CaptureHistories:
    table = patterns or PATTERNS
    return CaptureHistories(lists, np.array(list(table), dtype=np.int8), np.array(list(table.values())))


def result(hist: CaptureHistories, **diagnostics: object) -> EstimateResult:
    return EstimateResult(method="lcmcr", model=None, estimate=130.0, lower=115.0, upper=160.0,
                          observed=hist.observed, stratum=None, settings={"K": 10, "seed": 7}, converged=True,
                          diagnostics={"rhat": 1.002, "ess_bulk": 900.0, "ess_tail": 850.0, **diagnostics},
                          data_hash=hist.data_hash())


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(f"sqlite:///{tmp_path}/checks.db")
    migrate(engine)
    yield engine
    engine.dispose()


def saved(engine: Engine, results: list[EstimateResult]) -> None:
    with session_scope(engine) as session:
        for name in LISTS:
            add_source(session, name, kind="field_collector" if name == COLLECTOR else "media")
        save_results(session, results, stratified_by=None)


def report(engine: Engine, out: Path, public: bool = True):  # noqa: ANN201
    with session_scope(engine) as session:
        return build_report(session, out, public=public)


def pages(engine: Engine, public: bool = True) -> tuple[ReportData, dict[str, str]]:
    """The gathered data and both pages, rendered by the report's template without drawing the charts (their
    SVG is what takes a report's seconds, and these tests read the tables)."""
    with session_scope(engine) as session:
        data = gather_report(session, public=public)
    no_charts = defaultdict(lambda: Markup(""))
    return data, {lang: render_page(data, lang, public, svgs=no_charts) for lang in ("en", "fa")}


def test_saved_checks_render_with_ids_in_both_languages(engine: Engine, tmp_path: Path) -> None:
    hist = histories()
    saved(engine, with_dependence([result(hist, sensitivity=SENSITIVITY, posterior_predictive=PREDICTIVE)], hist))
    files = report(engine, tmp_path / "public")
    book, en, fa = files.data.book, files.pages["en"].read_text("utf-8"), files.pages["fa"].read_text("utf-8")

    pair = "dependence.total.media+field-collector-1"
    assert book[f"{pair}.both"].value == 42 and book[f"{pair}.neither"].value == 40
    assert book[f"{pair}.odds_ratio"].value == pytest.approx(42 * 40 / (15 * 15))  # both×neither / (10+5)²
    assert book[f"{pair}.lower"].value > 1
    assert f'data-id="{pair}.odds_ratio">7.47</a>' in en and f'data-id="{pair}.odds_ratio">۷٫۴۷</a>' in fa
    assert len([n for n in book if n.id.startswith("dependence.")]) == 3 * 7  # 3 pairs × 4 cells, OR, 2 ends

    assert book["sensitivity.total.LCMCR-K.20"].value == 136.5
    assert book["sensitivity.total.LCMCR-K.20.change"].value == pytest.approx(5.0)
    assert 'data-id="sensitivity.total.LCMCR-K.20.change">5.0</a>%' in en
    assert book["sensitivity.total.linkage-threshold.0.9.persons"].value == 118
    assert book["sensitivity.total.linkage-threshold.0.414.persons"].value == 1085  # a row as linkage_rows writes
    assert 'data-id="sensitivity.total.linkage-threshold.0.9.persons">۱۱۸</a> نفر' in fa
    assert "K در LCMCR" in fa and "(default)" in en
    section = en[en.index('id="sensitivity"'):en.index('<h3 id="model')]
    table = re.sub(r'<a class="n"[^>]*>.*?</a>|<[^>]+>', " ", section)
    assert set(re.findall(r"\d+(?:\.\d+)?", html.unescape(table))) <= {"95", "0.1"}  # "95%", a Gamma(a, b) prior

    check = "check.total.pair.media+field-collector-1"
    assert book[check].value == 42 and book[f"{check}.p"].value == 0.003
    assert f'data-id="{check}.median">30</a>' in en and "هم‌پوشانی دو فهرست" in fa
    assert en.count('class="flagged"') == 1  # p = 0.003 < 0.01: the model misses the overlap
    assert book["check.total.failed"].value == 1 and book["check.total.count"].value == 2
    assert "<details open><summary>" in en  # a stratum with a failing check is shown opened
    assert "No sensitivity run was saved" not in en and "No posterior predictive" not in en
    assert "all documented persons (not stratified)" in en and "total (sum of the strata)" not in en
    assert 'change">۵٫۰</a>٪' in fa and "</a>%" not in fa  # the Persian percent sign

    empty = book[f"{pair}.both"]  # the run was saved from hand-made histories: no person in this database
    assert empty.persons == () and "the current data give 0 such persons" in empty.how
    working = explain_number(files.data, f"{pair}.odds_ratio")
    assert "odds ratio" in working.number.how and "field collector 1" in working.number.how
    for page in (en, fa):
        assert COLLECTOR not in page  # the collector's list is named by its kind in public


def test_team_report_names_the_lists_as_recorded(engine: Engine) -> None:
    hist = histories()
    saved(engine, with_dependence([result(hist, posterior_predictive=PREDICTIVE)], hist))
    data, shown = pages(engine, public=False)
    assert "dependence.total.media+Ali-Rezaei-notebook.odds_ratio" in data.book
    assert f"<bdi>{COLLECTOR}</bdi>" in shown["en"]


def test_checks_not_saved_are_said_to_be_missing(engine: Engine) -> None:
    two = histories(("media", "ngo"), {(1, 1): 20, (1, 0): 30, (0, 1): 25})
    saved(engine, with_dependence([result(two)], two))
    data, shown = pages(engine)
    en, fa = shown["en"], shown["fa"]
    assert "No sensitivity run was saved with this estimate" in en and "No posterior predictive checks" in en
    assert "هیچ اجرای حساسیتی همراه این برآورد ذخیره نشده است" in fa and "هیچ بررسی پیش‌بینی پسینی" in fa
    assert "no pairwise odds ratio exists" in en  # two lists: the table was saved and is empty
    assert not [n for n in data.book if n.id.split(".")[0] in ("dependence", "sensitivity", "check")]


def test_a_run_from_before_the_checks_says_so(engine: Engine) -> None:
    hist = histories()
    saved(engine, [result(hist)])  # no list_dependence key: saved by an older version
    en = pages(engine)[1]["en"]
    assert "carries no list-dependence table" in en


def test_missing_values_of_a_saved_row_show_a_dash(engine: Engine) -> None:
    hist = histories()
    rows = [dict(SENSITIVITY[1], estimate=math.nan, lower=math.nan, upper=math.nan, change=math.nan)]
    saved(engine, [result(hist, sensitivity=rows)])  # NaN is saved as null
    data, shown = pages(engine)
    assert data.book["sensitivity.total.LCMCR-K.20"].value is None
    assert 'data-id="sensitivity.total.LCMCR-K.20">—</a>' in shown["en"]


def test_a_merged_group_of_a_hidden_list_is_not_named_in_public(engine: Engine) -> None:
    group = "Rezaei family network"  # the estimate names a merged independence group's list by the group
    hist = histories(("media", group, "ngo"))
    with session_scope(engine) as session:
        add_source(session, "media", kind="media")
        add_source(session, "ngo", kind="ngo")
        add_source(session, COLLECTOR, kind="field_collector", independence_group=group)
        save_results(session, with_dependence([result(hist, posterior_predictive=[
            dict(PREDICTIVE[1], lists=["media", group])])], hist), stratified_by=None)
    data, shown = pages(engine)
    assert "dependence.total.media+independence-group-1.odds_ratio" in data.book
    for text in shown.values():
        assert "Rezaei" not in text and "independence group 1" in text
    assert group in pages(engine, public=False)[1]["en"]
