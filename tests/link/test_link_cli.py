"""The linkage commands through Typer's CliRunner: link, review (keys fed as input), persons show, link-files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tollbook.cli.link import register
from tollbook.enums import Verdict
from tollbook.link.review import side_by_side
from tollbook.model import AuditEvent, Link, Person, ReviewDecision
from tollbook.store import session_scope

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _link(engine: Engine, *extra: str) -> dict:
    result = runner.invoke(_app(), ["link", "--db", _url(engine), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_link_prints_the_run_and_writes_the_model(linked_engine: Engine, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    summary = _link(linked_engine, "--model-out", str(model))
    assert summary["persons"] == 15 and summary["records"] == 33
    assert json.loads(model.read_text())["link_type"] == "dedupe_only"


def test_review_stores_decisions_in_order_and_quits(linked_engine: Engine) -> None:
    summary = _link(linked_engine, "--threshold", "0.999", "--review-lower", "0.3")
    assert summary["review_queue"] >= 3
    result = runner.invoke(_app(), ["review", "--db", _url(linked_engine), "--reviewer", "ana"],
                           input="m\nx\nn\ns\nq\n")
    assert result.exit_code == 0, result.output
    assert "record" in result.output and "2 decision(s) stored" in result.output
    with session_scope(linked_engine) as session:
        verdicts = session.scalars(select(ReviewDecision.verdict).order_by(ReviewDecision.id)).all()
        audited = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "review.decide")).all()
    assert verdicts == [Verdict.MATCH, Verdict.NON_MATCH] and audited == ["ana", "ana"]


def test_review_highlights_fields_that_differ(linked_engine: Engine) -> None:
    _link(linked_engine, "--threshold", "0.999", "--review-lower", "0.3")
    result = runner.invoke(_app(), ["review", "--db", _url(linked_engine), "--reviewer", "ana", "--limit", "1"],
                           input="u\n")
    assert result.exit_code == 0, result.output
    marked = {line.split("│")[2].strip() for line in result.output.splitlines() if "≠" in line}
    with session_scope(linked_engine) as session:
        link = session.scalars(select(Link).where(Link.in_review_queue.is_(True))  # the pair review shows first
                               .order_by(func.abs(Link.match_probability - 0.5), Link.id)).first()
        rows = {row.field: row for row in side_by_side(session, link)}
    assert marked and marked == {field for field, row in rows.items() if row.differs}
    assert "source" not in marked and rows["source"].left != rows["source"].right


def test_persons_show_lists_values_with_sources(linked_engine: Engine) -> None:
    _link(linked_engine)
    with session_scope(linked_engine) as session:
        public_id = session.scalars(select(Person.public_id).join(Person.records)
                                    .where(Person.records.any(source_record_id="m15"))).first()
    result = runner.invoke(_app(), ["persons", "show", public_id, "--db", _url(linked_engine), "--json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["sources"] == ["media", "network", "ngo"]
    assert {v["source"] for v in view["fields"]["family_name"]["values"]} == {"media", "network", "ngo"}
    table = runner.invoke(_app(), ["persons", "show", public_id, "--db", _url(linked_engine)])
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.output.splitlines() if "│" in line]
    assert table.exit_code == 0 and ["family_name", "Sadeqi", "media"] in [row[:3] for row in cells]
    assert view["fields"]["age"]["accepted"] == 23 and ["age", "24", "media", "alternative"] in [r[:4] for r in cells]
    assert {r["source_record_id"] for r in view["records"]} >= {"m15"}


def test_persons_list_gives_accepted_values_most_reported_first(linked_engine: Engine) -> None:
    _link(linked_engine)
    result = runner.invoke(_app(), ["persons", "list", "--limit", "0", "--db", _url(linked_engine), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 15 and rows[0]["records"] >= rows[-1]["records"]
    only_ngo = runner.invoke(_app(), ["persons", "list", "--source", "ngo", "--db", _url(linked_engine), "--json"])
    assert all("ngo" in row["lists"] for row in json.loads(only_ngo.stdout))


def test_persons_show_unknown_id_fails_with_a_message(linked_engine: Engine) -> None:
    _link(linked_engine)
    result = runner.invoke(_app(), ["persons", "show", "P-NOPE", "--db", _url(linked_engine)])
    assert result.exit_code == 1 and "no person" in result.output


def test_link_files_writes_clusters_csv(list_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    result = runner.invoke(_app(), ["link-files", *map(str, list_files), "--out", str(out), "--threshold", "0.9"])
    assert result.exit_code == 0, result.output
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns[:3]) == ["source", "record_id", "person_id"]
    assert len(clusters) == 33 and clusters["person_id"].nunique() == 15


def test_link_files_refuses_an_input_or_a_folder_as_out_before_linking(list_files: list[Path],
                                                                        tmp_path: Path) -> None:
    before = list_files[0].read_bytes()
    result = runner.invoke(_app(), ["link-files", *map(str, list_files), "--out", str(list_files[0])])
    assert result.exit_code == 1 and "is the input file" in result.output and list_files[0].read_bytes() == before
    result = runner.invoke(_app(), ["link-files", *map(str, list_files), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "is a folder" in result.output


def test_link_files_writes_formula_like_names_as_text(tmp_path: Path) -> None:
    header = "record_id,given_name,family_name,age\n"
    for name in ("a", "b"):
        (tmp_path / f"{name}.csv").write_text(header + '1,"=HYPERLINK(""http://x"",""y"")",+cmd,30\n'
                                              "2,Reza,Karimi,40\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = runner.invoke(_app(), ["link-files", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'+cmd" in text and ",=HYPERLINK" not in text and ",+cmd" not in text


def test_link_files_with_an_unknown_backend_fails_cleanly(list_files: list[Path], tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["link-files", str(list_files[0]), "--out", str(tmp_path / "x.csv"),
                                    "--backend", "oracle"])
    assert result.exit_code == 1 and "unknown linkage backend" in result.output


def test_cli_defaults_are_the_library_defaults() -> None:
    from tollbook.cli import link as cli_link
    from tollbook.link import api

    assert (cli_link.THRESHOLD, cli_link.REVIEW_LOWER) == (api.DEFAULT_THRESHOLD, api.DEFAULT_REVIEW_LOWER)


def test_review_subcommands_and_hand_decisions_on_persons(linked_engine: Engine) -> None:
    _link(linked_engine, "--threshold", "0.999", "--review-lower", "0.01")
    db = ["--db", _url(linked_engine)]
    with session_scope(linked_engine) as session:
        link = session.scalars(select(Link).where(Link.in_review_queue.is_(True))).first()
        pair = [str(link.record_a_id), str(link.record_b_id)]
    why = runner.invoke(_app(), ["review", "why", *pair, *db, "--json"])
    assert why.exit_code == 0, why.output
    assert json.loads(why.stdout)["match_weight"] == pytest.approx(link.match_weight)
    runner.invoke(_app(), ["review", *db, "--reviewer", "ana", "--limit", "1"], input="u\n")
    listed = runner.invoke(_app(), ["review", "decisions", *db, "--json"])
    assert [d["verdict"] for d in json.loads(listed.stdout)] == ["unsure"]
    assert runner.invoke(_app(), ["review", "undo", *db, "--reviewer", "ana"]).exit_code == 0
    assert json.loads(runner.invoke(_app(), ["review", "decisions", *db, "--json"]).stdout) == []
    found = runner.invoke(_app(), ["persons", "find", "محمد حسینی", *db, "--json"])
    ids = [row["public_id"] for row in json.loads(found.stdout)]
    assert len(ids) >= 2  # the two Mohammad Hosseinis of Tehran are two men
    merged = runner.invoke(_app(), ["persons", "merge", ids[0], ids[1], "--reason", "test", "--reviewer", "ana", *db])
    assert merged.exit_code == 0, merged.output
    missing = runner.invoke(_app(), ["persons", "merge", ids[0], "P-NOPE", "--reason", "x", "--reviewer", "a", *db])
    assert missing.exit_code == 1 and "no person with id 'P-NOPE'" in missing.output
    assert runner.invoke(_app(), ["review", *db]).exit_code == 1  # no --reviewer: one line, not a traceback
