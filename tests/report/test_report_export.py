"""The export's columns and HXL tags, the policy applied to real rows, and the full export marked as such."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from report_canary import MARK
from sqlalchemy import Engine

from tollbook.errors import TollbookError
from tollbook.report.export import FULL, HXL, csv_text, write_export
from tollbook.store import session_scope

PUBLIC_COLUMNS = ["public_id", "given_name", "family_name", "sex", "age_band", "date_of_death", "province",
                  "province_code", "city", "status", "cause", "perpetrator", "verification", "sources",
                  "source_count", "edition", "data_version"]


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_public_columns_tags_and_version(canary_engine: Engine, tmp_path: Path) -> None:
    with session_scope(canary_engine) as session:
        files = write_export(session, tmp_path / "out")
    plain, tagged = read(tmp_path / "out" / "persons.csv"), read(tmp_path / "out" / "persons.hxl.csv")
    assert plain[0] == PUBLIC_COLUMNS and tagged[0] == PUBLIC_COLUMNS
    assert tagged[1] == [HXL[c] for c in PUBLIC_COLUMNS] and all(t.startswith("#") for t in tagged[1])
    assert tagged[1][:3] == ["#affected+id", "#affected+name+given", "#affected+name+family"]
    assert tagged[2:] == plain[1:] and len(plain) - 1 == files.persons == 6
    data = json.loads((tmp_path / "out" / "persons.json").read_text(encoding="utf-8"))
    assert data["edition"] == "public" and data["data_version"] == files.data_version and len(data["persons"]) == 6
    rows = {r[0]: dict(zip(plain[0], r, strict=True)) for r in plain[1:]}
    ali = next(r for r in rows.values() if r["given_name"] == "Ali")
    assert ali["age_band"] == "12-17" and ali["sources"] == "alpha; beta" and ali["verification"] == "corroborated"
    assert {r["edition"] for r in rows.values()} == {"public"}
    assert {r["data_version"] for r in rows.values()} == {files.data_version}


def test_policy_coarsens_and_drops(canary_engine: Engine, tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('[fields]\nage = "drop"\ndate_of_death = "month"\nplace = "province"\nsources = "count"\n'
                      'given_name = "drop"\n', encoding="utf-8")
    with session_scope(canary_engine) as session:
        write_export(session, tmp_path / "out", policy_file=policy)
    rows = read(tmp_path / "out" / "persons.csv")
    assert rows[0] == ["public_id", "family_name", "sex", "date_of_death", "province", "province_code", "status",
                       "cause", "perpetrator", "verification", "source_count", "edition", "data_version"]
    assert {r[3] for r in rows[1:]} == {"2019-11"}


def test_hidden_kinds_are_named_by_kind(canary_engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import select

    from tollbook.enums import SourceKind
    from tollbook.model import Source

    with session_scope(canary_engine) as session:
        session.scalars(select(Source).where(Source.name == "beta")).one().kind = SourceKind.FIELD_COLLECTOR
    with session_scope(canary_engine) as session:
        write_export(session, tmp_path / "out")
    text = (tmp_path / "out" / "persons.csv").read_text(encoding="utf-8")
    assert "beta" not in text and "field collector 1" in text


def test_full_export_says_so_in_every_file_and_row(canary_engine: Engine, tmp_path: Path) -> None:
    with session_scope(canary_engine) as session:
        files = write_export(session, tmp_path / "full", full=True)
    for path in files.paths:
        assert "CONFIDENTIAL" in path.read_text(encoding="utf-8"), path
    rows = read(tmp_path / "full" / "persons.full.csv")
    assert all(row[rows[0].index("edition")] == FULL for row in rows[1:])
    assert MARK in (tmp_path / "full" / "persons.full.csv").read_text(encoding="utf-8")  # team fields are there
    with session_scope(canary_engine) as session, pytest.raises(TollbookError, match="public export only"):
        write_export(session, tmp_path / "x", full=True, policy_file=tmp_path / "p.toml")


def test_out_must_be_a_folder(canary_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with session_scope(canary_engine) as session, pytest.raises(TollbookError, match="is a file"):
        write_export(session, tmp_path / "file")


def test_public_export_refuses_a_folder_holding_a_full_one(canary_engine: Engine, tmp_path: Path) -> None:
    with session_scope(canary_engine) as session:
        write_export(session, tmp_path / "out", full=True)
        with pytest.raises(TollbookError, match="holds a FULL"):
            write_export(session, tmp_path / "out")
    assert "CONFIDENTIAL" in (tmp_path / "out" / "README.txt").read_text(encoding="utf-8")


def test_discounted_persons_stay_out_of_the_public_export(canary_engine: Engine, tmp_path: Path) -> None:
    from tollbook.evidence import set_level
    from tollbook.report.facts import person_facts

    with session_scope(canary_engine) as session:
        amir = next(f.public_id for f in person_facts(session) if f.value("given_name") == "Amir")
        set_level(session, amir, "discounted", "reviewer", "the family says he is alive")
    with session_scope(canary_engine) as session:
        public = write_export(session, tmp_path / "public")
        full = write_export(session, tmp_path / "full", full=True)
    assert public.persons == 5 and full.persons == 6
    assert amir not in (tmp_path / "public" / "persons.csv").read_text(encoding="utf-8")


def test_csv_cells_that_look_like_formulas_are_written_as_text() -> None:
    rows = [{"given_name": '=HYPERLINK("http://x","y")', "family_name": "+cmd", "notes": "-2+3", "city": "@sum",
             "age": -1, "province": "\tTehran"}]
    columns = list(rows[0])
    for tags in (False, True):
        cells = list(csv.reader(csv_text(rows, columns, tags).splitlines()))[-1]
        assert cells == ["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd", "'-2+3", "'@sum", "-1", "'\tTehran"]
