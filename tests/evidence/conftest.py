"""A small database of persons on both engines: three lists, two of one network, records already linked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tollbook.enums import Cause, Perpetrator, Verification, VictimRole
from tollbook.evidence import EvidenceStore
from tollbook.model import Person, Record, Source
from tollbook.store import session_scope

# (source, person, given, family, died, province, cause, perpetrator, role, reported_on)
ROWS = [
    ("Network", "P-1", "Pouya", "Bakhtiari", "2019-11-16", "IR-23", Cause.GUNSHOT_HEAD, Perpetrator.IRGC,
     VictimRole.PROTESTER, "2019-11-20"),
    ("Network Mirror", "P-1", "Pouya", "Bakhtiari", "2019-11-16", "IR-23", Cause.GUNSHOT_HEAD, Perpetrator.IRGC,
     VictimRole.PROTESTER, None),
    ("NGO", "P-2", "Mohammad", "Hosseini", "2019-11-17", "IR-23", Cause.GUNSHOT_TORSO, Perpetrator.BASIJ,
     VictimRole.BYSTANDER, "2019-12-01"),
    ("Network", "P-2", "Mohammad", "Hosseini", "2019-11-17", "IR-23", Cause.GUNSHOT_TORSO, Perpetrator.UNKNOWN,
     VictimRole.PROTESTER, "2019-11-20"),
    ("NGO", "P-3", "Ali", "Rezaei", "2019-11-18", "IR-07", Cause.BEATING, Perpetrator.POLICE, None, None),
]
GROUPS = {"Network": "network", "Network Mirror": "network", "NGO": "ngo"}


def _grade(session, persons: dict[str, Person]) -> None:  # noqa: ANN001
    """Corroboration by independence groups, as linkage grades it."""
    for public_id, person in persons.items():
        groups = {GROUPS[row[0]] for row in ROWS if row[1] == public_id}
        person.verification = Verification.CORROBORATED if len(groups) > 1 else Verification.REPORTED


def fill(engine: Engine) -> None:
    """Write the sources, persons and records of ROWS."""
    with session_scope(engine) as session:
        sources = {name: Source(name=name, independence_group=group) for name, group in GROUPS.items()}
        persons = {pid: Person(public_id=pid) for pid in dict.fromkeys(row[1] for row in ROWS)}
        session.add_all([*sources.values(), *persons.values()])
        session.flush()
        for n, (source, pid, given, family, died, province, cause, force, role, reported) in enumerate(ROWS):
            session.add(Record(source_id=sources[source].id, person_id=persons[pid].id, source_record_id=f"R{n}",
                               raw={}, content_hash=f"h{n}", given_name=given, family_name=family,
                               date_of_death=dt.date.fromisoformat(died), province_code=province, cause=cause,
                               perpetrator=force, role=role,
                               reported_on=dt.date.fromisoformat(reported) if reported else None))
        _grade(session, persons)


@pytest.fixture
def people(engine: Engine) -> Iterator[Engine]:
    """The engine, filled."""
    fill(engine)
    yield engine


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    """An empty evidence store."""
    return EvidenceStore(tmp_path / "evidence")


JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
MP4 = bytes.fromhex("0000001866747970" "6d703432" "00000000" "69736f6d" "6d703432")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A photo (JPEG bytes, misleading name), a video (MP4), a written testimony in Persian, a binary blob."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    paths = {"photo": folder / "photo.txt", "video": folder / "clip.bin", "testimony": folder / "شهادت.txt",
             "blob": folder / "blob"}
    paths["photo"].write_bytes(JPEG)
    paths["video"].write_bytes(MP4 + b"\x00" * 100)
    paths["testimony"].write_text("برادرم روز ۲۵ آبان در خیابان کشته شد.\n", encoding="utf-8")
    paths["blob"].write_bytes(bytes(range(256)))
    return paths
