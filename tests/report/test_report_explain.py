"""Every number of the report has an id shown on hover and in a footnote, and `explain` shows its working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.errors import NotFoundError
from tollbook.report import build_report, explain_number, gather_report
from tollbook.store import session_scope


def test_every_number_in_the_page_is_registered_and_footnoted(canary_engine: Engine, tmp_path: Path) -> None:
    with session_scope(canary_engine) as session:
        files = build_report(session, tmp_path)
    book = files.data.book
    for page in files.pages.values():
        text = page.read_text(encoding="utf-8")
        shown = re.findall(r'<a class="n" href="#fn-([^"]+)" title="\[([^\]]+)\] ', text)
        assert shown and all(href == title and href in book for href, title in shown)
        footnotes = set(re.findall(r'<li id="fn-([^"]+)">', text))
        assert footnotes == set(book.numbers)
        assert {href for href, _ in shown} <= footnotes


def test_explain_lists_the_persons_behind_a_count(canary_engine: Engine) -> None:
    with session_scope(canary_engine) as session:
        data = gather_report(session)
    tehran = explain_number(data, "province.IR-23")
    assert tehran.number.value == 2 == len(tehran.persons)
    names = {f.public_id: f.value("given_name") for f in data.facts}
    assert sorted(names[p["public_id"]] for p in tehran.persons) == ["Ali", "Mohammad"]
    assert all(set(p) == {"public_id"} for p in tehran.persons)  # public mode: public ids only
    team = explain_number(data, "province.IR-23", public=False)
    assert all(p["record_ids"] and p["lists"] for p in team.persons)
    claim = explain_number(data, "claim.k1")
    assert claim.number.value == 1500 and claim.claims == ["k1"]


def test_unknown_id_suggests_near_ones(canary_engine: Engine) -> None:
    with session_scope(canary_engine) as session:
        data = gather_report(session)
    with pytest.raises(NotFoundError, match="did you mean province.IR-23"):
        explain_number(data, "provinc.IR-23")


def test_explain_cli(canary_engine: Engine) -> None:
    env = {"TOLLBOOK_DB": str(canary_engine.url)}
    result = CliRunner().invoke(app, ["explain", "documented"], env=env)
    assert result.exit_code == 0 and result.output.startswith("documented = 6\n")
    assert "persons (6):" in result.output
    result = CliRunner().invoke(app, ["explain", "nope"], env=env)
    assert result.exit_code == 1 and "no number with id 'nope'" in result.output
    assert CliRunner().invoke(app, ["explain"], env=env).exit_code == 1


def test_classifications_by_claimant_and_reviewed_levels(canary_engine: Engine) -> None:
    with session_scope(canary_engine) as session:
        data = gather_report(session)
    assert [(r["asserter"], r["value"], r["count"]) for r in data.roles] == [("beta", "bystander", 1),
                                                                             ("reviewers", "protester", 1)]
    forces = {(r["asserter"], r["value"]): r["count"] for r in data.forces}
    assert forces[("alpha", "irgc")] == 2 and forces[("beta", "basij")] == 2
    assert data.headline["verified"] == 1 == data.book["verification.verified"].value


def test_public_report_names_hidden_kinds_of_list_by_kind(canary_engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import select

    from tollbook.enums import SourceKind
    from tollbook.model import Source

    with session_scope(canary_engine) as session:
        beta = session.scalars(select(Source).where(Source.name == "beta")).one()
        beta.kind, beta.description = SourceKind.FAMILY, "the Beta family's own list"
    with session_scope(canary_engine) as session:
        public = build_report(session, tmp_path / "public", lang="en")
        team = gather_report(session, public=False)
    text = public.index.read_text(encoding="utf-8")
    assert "family 1" in text and "beta" not in text and "Beta family" not in text
    assert "list.family-1" in public.data.book and "list.beta" in team.book
    assert {r["asserter"] for r in public.data.roles} == {"family 1", "reviewers"}


def test_a_run_of_several_models_shows_one_per_stratum(canary_engine: Engine, tmp_path: Path) -> None:
    from tollbook.estimate import estimate
    from tollbook.estimate.database import histories_from_database, save_results

    with session_scope(canary_engine) as session:
        results = estimate(histories_from_database(session), "loglinear")
        save_results(session, results, None, actor="test")
    assert len(results) > 1
    with session_scope(canary_engine) as session:
        files = build_report(session, tmp_path, lang="en")
    strata = files.data.estimates["strata"]
    assert [s["key"] for s in strata] == ["total"] and strata[0]["method"] == "loglinear"
    preferred = [r for r in results if r.diagnostics.get("preferred")]
    if preferred:
        assert strata[0]["model"] == preferred[0].model
