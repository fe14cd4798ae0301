"""Bad claim rows: refused naming file, row, field, value and reason; good rows kept; re-import is a no-op."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tollbook.claims import ClaimImportError, import_claims, list_claims, parse_row
from tollbook.errors import TollbookError
from tollbook.model import Claim
from tollbook.store import session_scope

TODAY = dt.date(2024, 6, 1)
GOOD = {
    "claim_key": "k-good",
    "source": "Amnesty International",
    "date_stated": "2019-12-16",
    "metric": "killed",
    "qualifier": "at_least",
    "value": "304",
    "scope_area": "IR",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A claims CSV with the union of the rows' columns."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


BAD_ROWS = [
    ("metric", {"metric": "deaths"}, "deaths", "unknown ClaimMetric"),
    ("value", {"value": "-5"}, "-5", "negative"),
    ("date_stated", {"date_stated": "2031-01-01"}, "2031-01-01", "in the future"),
    ("value_high", {"value": "300", "value_high": "200"}, "200.0", "range inverted"),
    ("source", {"source": ""}, "", "required"),
    ("scope_area", {"scope_area": "IR-99"}, "IR-99", "ISO 3166-2"),
    ("qualifier", {"qualifier": "roughly"}, "roughly", "unknown Qualifier"),
    ("date_basis", {"date_inferred": "true"}, "", "inferred"),
    ("share_percent", {"value": "", "share_percent": "120"}, "120.0", "at most 100"),
    ("subset", {"subset": "cause=stoning"}, "cause=stoning", "unknown cause"),
]


@pytest.mark.parametrize(("field", "change", "shown", "reason"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_row_names_file_row_field_value_and_reason(
    session: Session, tmp_path: Path, field: str, change: dict, shown: str, reason: str
) -> None:
    bad = GOOD | {"claim_key": "k-bad"} | change
    path = write_csv(tmp_path / "claims.csv", [GOOD, bad, GOOD | {"claim_key": "k-good-2", "value": "305"}])
    report = import_claims(session, path, today=TODAY)
    assert [(e.file, e.row, e.field, e.value) for e in report.errors] == [("claims.csv", 3, field, shown)]
    assert reason in report.errors[0].reason
    assert sorted(report.added) == ["k-good", "k-good-2"]
    assert f"claims.csv, row 3, field '{field}'" in str(report.errors[0])


def test_strict_import_fails_the_whole_file_in_one_transaction(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [GOOD, GOOD | {"claim_key": "k2", "value": "-1"}])
    with pytest.raises(ClaimImportError) as caught, session_scope(engine) as session:
        import_claims(session, path, strict=True, today=TODAY)
    assert "c.csv, row 3, field 'value'" in str(caught.value)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Claim.id))) == 0


def test_reimport_changes_nothing_by_key_or_by_content(session: Session, tmp_path: Path) -> None:
    keyless = GOOD | {"claim_key": "", "value": "208"}
    path = write_csv(tmp_path / "c.csv", [GOOD, keyless])
    first = import_claims(session, path, today=TODAY)
    second = import_claims(session, path, today=TODAY)
    assert (len(first.added), len(second.added), len(second.unchanged)) == (2, 0, 2)
    assert len(list_claims(session)) == 2


def test_a_key_reused_for_other_content_is_refused(session: Session, tmp_path: Path) -> None:
    import_claims(session, write_csv(tmp_path / "a.csv", [GOOD]), today=TODAY)
    report = import_claims(session, write_csv(tmp_path / "b.csv", [GOOD | {"value": "999"}]), today=TODAY)
    assert [(e.file, e.row, e.field) for e in report.errors] == [("b.csv", 2, "claim_key")]
    assert list_claims(session)[0].value == 304


def test_unknown_column_is_refused_before_anything_is_read(session: Session, tmp_path: Path) -> None:
    with pytest.raises(TollbookError, match="unknown column.*'vaule'"):
        import_claims(session, write_csv(tmp_path / "c.csv", [GOOD | {"vaule": "3"}]), today=TODAY)


def test_json_import_numbers_items_from_one(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([GOOD, GOOD | {"claim_key": "x", "metric": "dead"}]), encoding="utf-8")
    report = import_claims(session, path, today=TODAY)
    assert (report.added, [(e.row, e.field) for e in report.errors]) == (["k-good"], [(2, "metric")])


def test_parse_row_collects_every_error_of_a_row() -> None:
    errors = parse_row({"source": "", "date_stated": "16 Smarch 2019", "metric": "killed", "value": "x"}, "f", 7)
    assert isinstance(errors, list)
    assert sorted(e.field for e in errors) == ["date_stated", "source", "value"]
    assert {e.row for e in errors} == {7}


def test_a_key_used_twice_in_one_file_keeps_the_first_and_refuses_the_second(
    session: Session, tmp_path: Path
) -> None:
    rows = [GOOD, GOOD, GOOD | {"value": "1"}, GOOD | {"claim_key": ""}, GOOD | {"claim_key": ""}]
    report = import_claims(session, write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [(e.row, e.field, e.reason) for e in report.errors] == [
        (4, "claim_key", "used twice in this file for different claims")
    ]
    assert (report.added, len(report.unchanged)) == (["k-good"], 3)


def test_strict_import_refuses_a_key_conflict_before_adding_anything(
    session: Session, tmp_path: Path
) -> None:
    import_claims(session, write_csv(tmp_path / "a.csv", [GOOD]), today=TODAY)
    path = write_csv(tmp_path / "b.csv", [GOOD | {"claim_key": "new"}, GOOD | {"value": "1"}])
    with pytest.raises(ClaimImportError, match="b.csv, row 3, field 'claim_key'"):
        import_claims(session, path, strict=True, today=TODAY)
    assert [c.claim_key for c in list_claims(session)] == ["k-good"]
