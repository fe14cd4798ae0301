"""Two imports creating the same new source at once: the second waits for the first and then uses its source (no
crash, no second source, both files' rows kept), on SQLite and PostgreSQL; in threads with the race forced, and as
two `tollbook import` processes started together."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tollbook.ingest import import_file
from tollbook.model import AuditEvent, Record, Source
from tollbook.sources import get_or_create_source
from tollbook.store import session_scope

LIST = "record_id,given_name,family_name,date_of_death\n{0}1,Ali,Rezaei,2019-11-16\n{0}2,Reza,Karimi,1398/08/26\n"


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        sources = session.scalar(select(func.count()).select_from(Source))
        records = session.scalar(select(func.count()).select_from(Record))
        added = session.scalar(select(func.count()).where(AuditEvent.action == "source.add"))
    return sources, records, added


def test_the_second_creator_waits_and_uses_the_first_ones_source(engine: Engine, tmp_path: Path) -> None:
    created, outcome = threading.Event(), {}
    first_file, second_file = tmp_path / "a.csv", tmp_path / "b.csv"
    first_file.write_text(LIST.format("a"), encoding="utf-8")
    second_file.write_text(LIST.format("b"), encoding="utf-8")

    def first() -> None:
        with session_scope(engine) as session:
            get_or_create_source(session, "Group A", actor="one")  # created, not yet committed
            created.set()
            threading.Event().wait(1.0)  # the second import now finds no source and tries to create it
            outcome["first"] = import_file(session, first_file, "Group A", actor="one").imported

    def second() -> None:
        created.wait(10)
        try:
            with session_scope(engine) as session:
                outcome["second"] = import_file(session, second_file, "Group  A", actor="two").imported
        except Exception as exc:  # noqa: BLE001 - the test reports what a crash would be
            outcome["second"] = exc

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcome == {"first": 2, "second": 2}
    assert _counts(engine) == (1, 4, 1)


@pytest.mark.slow
def test_two_import_processes_at_once(db_url: str, tmp_path: Path) -> None:
    env = os.environ | {"TOLLBOOK_DB": db_url}
    cli = [sys.executable, "-m", "tollbook"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    files = []
    for prefix in "abc":
        files.append(tmp_path / f"{prefix}.csv")
        files[-1].write_text(LIST.format(prefix), encoding="utf-8")
    runs = [subprocess.Popen([*cli, "import", str(path), "--source", "Group A"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for path in files]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert all("Traceback" not in out for out in outputs)
    from tollbook.store import open_engine

    engine = open_engine(db_url)
    try:
        assert _counts(engine) == (1, 6, 1)
    finally:
        engine.dispose()
