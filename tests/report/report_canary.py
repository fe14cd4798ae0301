"""The canary database of the report tests: a small linked database whose every confidential field holds a
unique marker string (imported under a module name of its own, since tests/web has a conftest too)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from tollbook.claims.importer import import_claims
from tollbook.demo import CLAIMS_FILE
from tollbook.evidence import classify, set_level
from tollbook.ingest import import_file
from tollbook.link import link_database
from tollbook.model import Bundle, Evidence, Record, RegisteredKey, ReviewDecision, Source
from tollbook.store import session_scope

MARK = "CANARY7f3a"
COLUMNS = ["record_id", "given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province",
           "city", "status", "cause", "perpetrator", "place_detail", "notes", "evidence", "witness"]
PEOPLE = [  # (given, family, father, sex, age, date, province, city, cause, perpetrator)
    ("Mohammad", "Hosseini", "Ali", "male", "24", "2019-11-16", "Tehran", "Tehran", "gunshot_head", "irgc"),
    ("Fatemeh", "Ahmadi", "Reza", "female", "31", "2019-11-17", "Fars", "Shiraz", "gunshot_torso", "basij"),
    ("Reza", "Mousavi", "Hassan", "male", "19", "2019-11-16", "Kermanshah", "Kermanshah", "beating", "police"),
    ("Zahra", "Karimi", "Mehdi", "female", "45", "2019-11-18", "Khuzestan", "Ahvaz", "gunshot_head", "unknown"),
    ("Ali", "Rezaei", "Hossein", "male", "16", "2019-11-17", "Tehran", "Shahriar", "tear_gas", "irgc"),
    ("Amir", "Jafari", "Karim", "male", "27", "2019-11-19", "Isfahan", "Isfahan", "gunshot_other", "basij"),
]
CLAIM_NOTES = f"internal note {MARK}-claimnote"


def marker(field: str, row: str) -> str:
    """The unique marker of one confidential field of one row."""
    return f"{MARK}-{field}-{row}"


def canary_rows(source: str, people: list[tuple[str, ...]]) -> list[dict[str, str]]:
    """Canonical rows of one list, every confidential column holding its own marker."""
    rows = []
    for index, person in enumerate(people):
        rid = f"{source}-{index}"
        rows.append(dict(zip(COLUMNS, [rid, *person[:8], "killed", *person[8:],
                                       marker("place", rid), marker("notes", rid), marker("evidence", rid),
                                       marker("witness", rid)], strict=True)))
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def fill_canary(engine: Engine, folder: Path) -> None:
    """Two lists (sharing four persons), imported by an actor whose name is a marker, linked; contacts,
    evidence captured-by and a bundle's collector key carry markers too; one claim with a marked note."""
    lists = {"alpha": PEOPLE[:5], "beta": PEOPLE[1:]}
    with session_scope(engine) as session:
        for source, people in lists.items():
            path = write_rows(folder / f"{source}.csv", canary_rows(source, people))
            report = import_file(session, path, source, actor=marker("actor", source))
            assert report.failed == 0, report.to_dict()
        for source in session.scalars(select(Source)):
            source.contact = marker("contact", source.name)
            source.independence_group = source.name
        first = session.scalars(select(Record).order_by(Record.id)).first()
        session.add(Evidence(record_id=first.id, file_name=marker("evidencefile", "1"), sha256="0" * 64,
                             media_type="image/jpeg", description=marker("evidencedesc", "1"),
                             captured_by=marker("capturedby", "1"), captured_at=dt.datetime(2019, 11, 20)))
        session.add(Bundle(bundle_uid="b1", sha256="1" * 64, collector_key=marker("collectorkey", "1")))
        session.add(RegisteredKey(fingerprint="f" * 64, kind="collector", signing_key="k" * 43,
                                  label=marker("collectorname", "1"), registered_by=marker("registeredby", "1")))
    claims = folder / "claims.csv"
    header = CLAIMS_FILE.read_text(encoding="utf-8").splitlines()[0]
    claims.write_text(f"{header}\nk1,Reuters,2019-12-23,false,,killed,exactly,1500,,,IR,,,,\"About 1,500\","
                      f"\"Reuters, 23 Dec 2019\",,{CLAIM_NOTES}\n", encoding="utf-8")
    with session_scope(engine) as session:
        import_claims(session, claims, actor="test")
        link_database(session, actor="test")
    with session_scope(engine) as session:
        first = session.scalars(select(Record).order_by(Record.id)).first()
        evidence = session.scalars(select(Evidence)).one()
        public_id = first.person.public_id
        set_level(session, public_id, "verified", marker("reviewer", "1"), marker("reason", "1"), [evidence.id])
        classify(session, public_id, "role", "protester", marker("reviewer", "2"), "reviewer",
                 basis=marker("basis", "1"))
        classify(session, public_id, "role", "bystander", "beta", "source", basis=marker("basis", "2"))
        a, b = sorted(session.scalars(select(Record.id).where(Record.given_name == "Fatemeh")))
        session.add(ReviewDecision(record_a_id=a, record_b_id=b, verdict="match", reviewer=marker("reviewer", "3"),
                                   note=marker("reviewnote", "1")))
