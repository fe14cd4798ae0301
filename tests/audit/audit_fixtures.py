"""A small audited database: a list imported, a record revised with a confidential value, a key registered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from tollbook.ingest import import_file
from tollbook.keys import ProjectKey, new_project_key, register_key
from tollbook.model import Record
from tollbook.records import revise_record
from tollbook.store import session_scope

LIST = (
    "record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,status,place_detail,notes\n"
    "h1,Pouya,Bakhtiari,Morteza,male,27,2019-11-16,Alborz,Karaj,killed,,\n"
    "h2,محمد,حسینی,,مرد,۱۹,۱۳۹۸/۰۸/۲۵,تهران,,killed,کوچه ۱۲ پلاک ۴,brother witnessed\n"
    "h3,Ali,Rezaei,,M,31,2019-11-17,Fars,Shiraz,killed,,\n"
    "h4,Reza,Karimi,,,22,2019-11-18,Khuzestan,Mahshahr,injured,,\n"
)
MARKER = "SECRET-ADDRESS-7731"


@dataclass(frozen=True)
class Audited:
    """The fixture's database and what is in it."""

    engine: Engine
    record_ids: list[int]
    key: ProjectKey


def build_audited(engine: Engine, tmp_path: Path) -> Audited:
    """Four imported records, one of them revised with a confidential place detail, and a project key."""
    path = tmp_path / "hro.csv"
    path.write_text(LIST, encoding="utf-8")
    key = new_project_key()
    with session_scope(engine) as session:
        import_file(session, path, "HRO", actor="importer")
        first = session.scalars(select(Record.id).order_by(Record.id)).first()
        revise_record(session, first, {"age": 28, "place_detail": MARKER}, actor="reviewer", reason="family")
        register_key(session, key.public(), "lead")
        ids = list(session.scalars(select(Record.id).order_by(Record.id)))
    return Audited(engine, ids, key)
