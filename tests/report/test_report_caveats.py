"""The estimation's caveats and warnings by code, in English and Persian: every caveat the estimation writes
(produced here by the estimation's own functions) is read alike from its code and, as for an estimate saved with
words only, from its words; it is rebuilt word for word in English, said in Persian, and its figures are
traceable numbers; a sentence no template knows is kept and marked untranslated."""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from markupsafe import Markup
from sqlalchemy import select

from tollbook.estimate.api import unsupported, with_dependence
from tollbook.estimate.caveat_words import CAVEATS
from tollbook.estimate.caveats import Caveat
from tollbook.estimate.checks import check_warnings
from tollbook.estimate.database import PendingReview, save_results, with_pending_review
from tollbook.estimate.dependence import group_warnings
from tollbook.estimate.diagnostics import convergence_warnings
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.lcmcr import LCMCR
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.strata import ThinRule, placeholder, sum_strata, thin_reason
from tollbook.model import Estimate
from tollbook.phrases import parts
from tollbook.report import build_report
from tollbook.report.caveats import UNKNOWN, classify, from_coded, register, render, untranslated
from tollbook.report.numbers import NumberBook
from tollbook.sources import add_source
from tollbook.store import migrate, open_engine, session_scope

LISTS = ("media", "network", "ngo")
HIST = CaptureHistories(LISTS, np.array([(1, 1, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 1)]),
                        np.array([40, 10, 10, 40, 5, 5]))


def result(method: str = "lcmcr", stratum: str | None = None, **changes: object) -> EstimateResult:
    base = EstimateResult(method=method, model=None, estimate=1412.4, lower=1346.0, upper=1493.2, observed=1077,
                          stratum=stratum, settings={}, diagnostics={"rhat": 1.0312, "ess_bulk": 350.0,
                                                                     "ess_tail": 212.0}, data_hash="0" * 64)
    return replace(base, **changes)


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(text)))


def numbers(book: NumberBook):  # noqa: ANN201
    def n(id_: str, decimals: int | None = None) -> Markup:
        number = book[id_]
        shown = f"{number.value:,.{decimals or 0}f}"
        return Markup(f'<a data-id="{id_}">{shown}</a>')
    return n


def sentences() -> list[str]:
    """Sentences the estimation itself writes, from its own functions."""
    found = []
    for method in ("lcmcr", "loglinear", "dga", "search"):
        found += result(method).plain_language() + result(method, stratum="IR-23").plain_language()
    doubtful = result(converged=False, lower=400.0, upper=15000.0, estimate=12000.0)
    pending = with_pending_review([doubtful], PendingReview(pairs=45, persons_now=1077, persons_if_all_merged=1032))
    found += with_dependence(pending, HIST)[0].plain_language() + list(with_dependence(pending, HIST)[0].warnings)
    found += result(estimate=math.nan, warnings=("not estimated: only 5 people recorded here; at least 10 are "
                                                 "needed",)).plain_language()
    found += convergence_warnings({"rhat": 1.0312, "ess_bulk": 350.0, "ess_tail": 212.0})
    found += convergence_warnings({"rhat": math.nan, "ess_bulk": 900.0, "ess_tail": 900.0}, what="alpha")
    thin = CaptureHistories(("media", "ngo"), np.array([(1, 0), (1, 1)]), np.array([3, 2]), stratum="IR-07")
    for rule in (ThinRule(), ThinRule(min_lists=3)):
        found += placeholder(thin, "lcmcr", thin_reason(thin, rule)).warnings
    found += placeholder(thin, "lcmcr", f"lcmcr skipped: {unsupported('lcmcr', 2)}").warnings
    found += [unsupported("dga", 6), unsupported("search", 2)]
    grouped = group_warnings({"HRANA network": ["media", "network", "ngo"]}, LISTS)
    failing = [{"check": "margin", "lists": ["media"], "observed": 57, "median": 41.0, "lo": 33.0, "hi": 50.0,
                "p": 0.0004}] + [{"check": "pair", "lists": ["media", name], "observed": 45 + i, "median": 30.0,
                                  "lo": 24.0, "hi": 37.0, "p": 0.002 + i / 1000} for i, name in enumerate(LISTS[1:])]
    for rows in (failing, failing * 2):  # three failures named, then "(and 5 more)"
        checked = replace(result(), warnings=(*grouped, *check_warnings(rows)))
        found += [*checked.warnings, *checked.plain_language()]
    short = LCMCR(HIST, burnin=20, samples=40, thinning=1, seed=1).fit()  # a real run too short to converge
    found += [*short.warnings, *short.plain_language()]
    left = placeholder(thin, "lcmcr", thin_reason(thin, ThinRule()))
    found += sum_strata([result(stratum="IR-23", converged=False)], [left]).warnings
    return found


def test_every_sentence_of_the_estimation_is_recognised_and_rebuilt_word_for_word() -> None:
    book = NumberBook()
    for text in sentences():
        assert isinstance(text, Caveat) and from_coded(text).params == classify(text).params, text
        caveat = register(book, classify(text), "total")
        assert untranslated(caveat) == [], text
        assert plain(render(caveat, "en", numbers(book))) == text
        persian = plain(render(caveat, "fa", numbers(book)))
        assert persian != text and re.search("[\u0600-\u06ff]", persian), text


def _sample(code: str) -> dict[str, object]:
    """Parameters of the kinds the estimation passes, for each part of a code's English template."""
    reason = Caveat("doubt.not_settled")
    kinds = {"stratum": "thin provinces, pooled", "figures": {"ess_bulk": 350.0, "ess_tail": 212.0},
             "reason": reason, "reasons": (reason, Caveat("doubt.wide")), "checks": (reason, Caveat("doubt.wide"))}

    def value(name: str, spec: str) -> object:
        if name in kinds:
            return kinds[name]
        if name.startswith("num_"):
            return 1234 if "," in spec else 7
        if name.startswith("names_"):
            return ("media", "ngo")
        return 0.0123 if spec else "media"

    return {name: value(name, spec) for name, spec, _ in parts(CAVEATS[code].english)}


@pytest.mark.parametrize("code", sorted(CAVEATS))
def test_each_code_is_read_alike_from_its_code_and_from_its_words(code: str) -> None:
    caveat = Caveat(code, **_sample(code))
    by_code, by_words = from_coded(caveat), classify(str(caveat))
    assert by_words.code == code  # an estimate saved with words only is read as the same caveat
    assert (by_code.text, by_code.params) == (by_words.text, by_words.params)
    assert {k: [c.code for c in v] for k, v in by_code.nested.items()} == {
        k: [c.code for c in v] for k, v in by_words.nested.items()}
    book = NumberBook()
    assert plain(render(register(book, by_code, "total"), "en", numbers(book))) == caveat
    persian = plain(render(register(book, by_code, "total"), "fa", numbers(book)))
    assert "{" not in persian and re.search("[\u0600-\u06ff]", persian)


def test_doubts_split_into_reasons_even_when_one_holds_a_semicolon() -> None:
    doubtful = with_pending_review([result(converged=False)], PendingReview(45, 1077, 1032))[0]
    line = doubtful.plain_language()[2]
    caveat = classify(line)
    assert caveat.code == "plain.doubt"
    assert [c.code for c in caveat.nested["reasons"]] == ["doubt.not_settled", "review.pending"]


def test_figures_are_tied_to_the_report_numbers_they_quote() -> None:
    book = NumberBook()
    book.add("diagnostic.IR-23.rhat", 1.0312, "R-hat")
    book.add("diagnostic.IR-23.ess_bulk", 350.0, "ESS")
    warning = convergence_warnings({"rhat": 1.0312, "ess_bulk": 350.0, "ess_tail": 212.0})
    rhat, ess = (register(book, from_coded(caveat), "IR-23") for caveat in warning)
    assert rhat.ids == {"num_rhat": "diagnostic.IR-23.rhat", "num_limit": "caveat.IR-23.convergence.rhat.limit"}
    assert book[rhat.ids["num_limit"]].value == 1.01  # the threshold, as the caveat quotes it
    assert ess.ids["figures.ess_bulk"] == "diagnostic.IR-23.ess_bulk"
    assert ess.ids["figures.ess_tail"] == "caveat.IR-23.convergence.ess.figures.ess_tail"  # not in the book
    assert book[ess.ids["figures.ess_tail"]].value == 212
    assert "ESS حجمی" in plain(render(ess, "fa", numbers(book)))


def test_an_unknown_sentence_is_kept_and_marked_untranslated() -> None:
    caveat = classify("a warning from a newer estimator")
    assert caveat.code == UNKNOWN and untranslated(caveat) == ["a warning from a newer estimator"]
    persian = str(render(caveat, "fa", numbers(NumberBook())))
    assert "ترجمه‌اش را ندارد" in persian and '<bdi lang="en">a warning from a newer estimator</bdi>' in persian


def test_the_persian_page_holds_no_untranslated_english_caveat(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path}/caveats.db")
    try:
        migrate(engine)
        pending = with_pending_review([result(converged=False)], PendingReview(45, 1077, 1032))
        saved = with_dependence(pending, HIST)
        saved[0] = replace(saved[0], warnings=(*saved[0].warnings, *convergence_warnings(saved[0].diagnostics)))
        with session_scope(engine) as session:
            save_results(session, saved, stratified_by=None)
        with session_scope(engine) as session:
            files = build_report(session, tmp_path / "report")
    finally:
        engine.dispose()
    total = files.data.estimates["total"]
    english = total["plain_language"] + total["warnings"]
    assert len(english) >= 6 and all(c.code != UNKNOWN for c in total["caveats"] + total["warning_caveats"])
    fa, en = files.pages["fa"].read_text("utf-8"), files.pages["en"].read_text("utf-8")
    section = fa[fa.index('class="plain"'):fa.index('id="method"')]
    for text in english:
        assert html.escape(text, quote=True) not in fa and text not in fa
        assert text in plain(en)  # the English page still says it word for word
    words = re.sub(r"<bdi[^>]*>.*?</bdi>|<[^>]+>", " ", section)  # list names may stay in their own script
    assert not re.search(r"[A-Za-z]{3,}(?:\W+[A-Za-z]{3,}){3,}", html.unescape(words))
    assert 'data-caveat="plain.doubt"' in fa and "در انتظار بازبینی" in fa and "۱٬۰۷۷" in section
    assert 'data-id="estimate.total">۱٬۴۱۲</a>' in section  # the figures of a caveat are the report's numbers


def _pages(tmp_path: Path, engine, name: str) -> dict[str, str]:  # noqa: ANN001
    with session_scope(engine) as session:
        files = build_report(session, tmp_path / name)
    charts = re.compile(r"<svg.*?</svg>", re.DOTALL)  # drawn anew each time, not from the caveats
    return {lang: charts.sub("", files.pages[lang].read_text("utf-8")) for lang in ("en", "fa")}


def test_an_estimate_saved_with_words_only_renders_as_one_saved_with_codes(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path}/old.db")
    try:
        migrate(engine)
        pending = with_pending_review([result(converged=False)], PendingReview(45, 1077, 1032))
        saved = with_dependence(pending, HIST)
        saved[0] = replace(saved[0], warnings=(*group_warnings({"HRANA network": list(LISTS)}, LISTS),
                                               *saved[0].warnings, *convergence_warnings(saved[0].diagnostics)))
        with session_scope(engine) as session:
            save_results(session, saved, stratified_by=None)
        coded = _pages(tmp_path, engine, "coded")
        with session_scope(engine) as session:  # as an estimate saved before caveats had codes
            for row in session.scalars(select(Estimate)):
                assert row.result["coded"]["warnings"][0]["code"] == "independence.shared"
                row.result = {key: value for key, value in row.result.items() if key != "coded"}
        old = _pages(tmp_path, engine, "old")
    finally:
        engine.dispose()
    assert 'data-caveat="independence.shared"' in old["fa"] and 'data-caveat="unknown"' not in old["fa"]
    assert old == coded


def test_a_hidden_list_named_in_any_part_of_a_caveat_stays_out_of_the_public_report(tmp_path: Path) -> None:
    collector, group = "Ali Rezaei notebook", "Rezaei family network"  # a field collector's list, its group
    lists = ("media", collector, "ngo")
    hist = CaptureHistories(lists, HIST.patterns, HIST.counts)
    failing = [{"check": "pair", "lists": ["media", collector], "observed": 45, "median": 30.0, "lo": 24.0,
                "hi": 37.0, "p": 0.002}]
    thin = CaptureHistories((collector, "ngo"), np.array([(1, 0), (1, 1)]), np.array([3, 2]), stratum="IR-07")
    warnings = (*group_warnings({group: [collector, "ngo"]}, lists), *check_warnings(failing),
                *placeholder(thin, "lcmcr", thin_reason(thin, ThinRule(min_lists=3))).warnings)
    saved = with_dependence([result(warnings=warnings)], hist)
    assert any(w.code.startswith("dependence.") and collector in w for w in saved[0].warnings)
    engine = open_engine(f"sqlite:///{tmp_path}/hidden.db")
    try:
        migrate(engine)
        with session_scope(engine) as session:
            for name in ("media", "ngo"):
                add_source(session, name, kind="media")
            add_source(session, collector, kind="field_collector", independence_group=group)
            save_results(session, saved, stratified_by=None)
        with session_scope(engine) as session:
            files = build_report(session, tmp_path / "public", public=True)
    finally:
        engine.dispose()
    codes = {c.code for c in files.data.estimates["total"]["warning_caveats"]}
    assert {"independence.shared", "predictive.failed", "stratum.not_estimated", "dependence.same"} <= codes
    for lang in ("en", "fa"):
        page = files.pages[lang].read_text("utf-8")
        assert "Rezaei" not in page and "field collector 1" in page
