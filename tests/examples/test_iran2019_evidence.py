"""The example's roles and evidence: two lists assert roles, the verified list's items are files, the demo's
evidence stage attaches them and grades persons verified."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tollbook.evidence import verify_store
from tollbook.evidence.files import store_for
from tollbook.examples._iran2019_verify import attach_and_verify
from tollbook.examples.iran2019 import GeneratedExample
from tollbook.ingest import import_file
from tollbook.model import Person, Record
from tollbook.store import migrate, open_engine, session_scope

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "iran-2019"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_committed_evidence_is_the_generators_output(example: GeneratedExample) -> None:
    assert (EXAMPLE_DIR / "evidence.csv").read_bytes() == example.evidence.read_bytes()
    for row in _rows(example.evidence):
        assert (EXAMPLE_DIR / row["file"]).read_bytes() == (example.out_dir / row["file"]).read_bytes()


def test_every_importable_verified_row_has_its_evidence_files(example: GeneratedExample) -> None:
    items = _rows(example.evidence)
    rejected = {m.record_id for m in example.malformed if m.source == "verified" and m.severity == "error"}
    verified = [r for r in _rows(example.files["verified"]) if r["record_id"] not in rejected]
    assert {i["record_id"] for i in items} == {r["record_id"] for r in verified if r["evidence"]}
    assert {i["kind"] for i in items} >= {"video", "photo", "death_certificate", "testimony"}
    photo = next(i for i in items if i["kind"] == "photo")
    assert (example.out_dir / photo["file"]).read_bytes().startswith(b"\x89PNG")


def test_two_lists_assert_roles_and_disagree_on_some(example: GeneratedExample) -> None:
    network = [r["نقش"] for r in _rows(example.files["network"])]
    assert {"معترض", "رهگذر"} <= set(network) and "" in network
    verified = [r["role"] for r in _rows(example.files["verified"])]
    assert {"protester", "bystander"} <= set(verified)
    truth = {r["person_id"]: r["role"] for r in _rows(example.persons)}
    share = sum(role == "protester" for role in truth.values()) / len(truth)
    assert 0.5 < share < 0.7


@pytest.fixture
def verified_only(example: GeneratedExample, tmp_path: Path) -> Engine:
    """The verified list imported, each record its own person (no linkage needed for this stage)."""
    url = f"sqlite:///{tmp_path}/demo.db"
    engine = open_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        import_file(session, example.files["verified"], "verified")
        for record in session.scalars(select(Record)):
            person = Person(public_id=f"P-{record.source_record_id}")
            session.add(person)
            session.flush()
            record.person_id = person.id
    yield engine
    engine.dispose()


def test_demo_evidence_stage_attaches_and_verifies(verified_only: Engine, example: GeneratedExample,
                                                   tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    with session_scope(verified_only) as session:
        items, verified, table = attach_and_verify(session, example.out_dir, url)
        report = verify_store(session, store_for(url))
    assert items == len(_rows(example.evidence)) and report.intact and report.checked == items
    assert verified == table["total"] > 40 and sum(r["persons"] for r in table["rows"]) == verified
    assert (tmp_path / "demo-evidence").is_dir()
