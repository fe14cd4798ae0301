"""The audit's cost: importing N rows with every row hashed into the chain, then `audit verify` re-hashing them;
and a field bundle of M records sealed and imported.

Run: python bench/bench_audit.py [--rows 100000] [--bundle-rows 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_import import write_rows  # noqa: E402
from common import print_table  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tollbook.audit.verify import verify_audit  # noqa: E402
from tollbook.bundle import add_records, import_bundle, new_workdir, seal_workdir  # noqa: E402
from tollbook.evidence import EvidenceStore  # noqa: E402
from tollbook.ingest import import_file  # noqa: E402
from tollbook.keys import new_collector_key, new_project_key, register_key, write_keypair  # noqa: E402
from tollbook.model import AuditRow  # noqa: E402
from tollbook.store import migrate, open_engine, session_scope  # noqa: E402


def timed(action) -> tuple[object, str]:  # noqa: ANN001
    """The action's result and 'wall s / CPU s' (CPU time depends less on what else the machine runs)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, f"{time.perf_counter() - start:.1f} / {time.process_time() - cpu:.1f}"


def import_without_row_hashes(folder: Path) -> str:
    """The same import with row coverage switched off, for the cost of coverage alone."""
    from tollbook.audit import chain

    engine = open_engine(f"sqlite:///{folder}/plain.db")
    migrate(engine)
    original, chain.hashes_for = chain.hashes_for, lambda *_args: []
    try:
        with session_scope(engine) as session:
            _, seconds = timed(lambda: import_file(session, folder / "big.csv", "bench"))
    finally:
        chain.hashes_for = original
        engine.dispose()
    return seconds


def main() -> None:
    """Import, verify, and a bundle round trip, timed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bundle-rows", type=int, default=5_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_rows(folder / "big.csv", args.rows)
        engine = open_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        with session_scope(engine) as session:
            report, seconds = timed(lambda: import_file(session, folder / "big.csv", "bench"))
            entries = session.scalar(select(func.count()).select_from(AuditRow))
        rows.append(("import (rows hashed into the chain)", f"{report.imported:,}", seconds))
        rows.append(("the same import, row coverage off", f"{report.imported:,}", import_without_row_hashes(folder)))
        with session_scope(engine) as session:
            checked, seconds = timed(lambda: verify_audit(session))
        rows.append(("audit verify (every row re-hashed)", f"{checked.rows_checked:,}", seconds))
        rows.append(("audit_rows entries", f"{entries:,}", ""))
        rows.append(("database MB", f"{os.path.getsize(folder / 'bench.db') / 1e6:.1f}", ""))
        project, collector = new_project_key(), new_collector_key()
        write_keypair(folder / "keys", "project", project)
        write_keypair(folder / "keys", "collector", collector)
        write_rows(folder / "field.csv", args.bundle_rows)
        new_workdir(folder / "work", folder / "keys" / "collector.key")
        _, add_seconds = timed(lambda: add_records(folder / "work", folder / "field.csv"))
        sealed, seal_seconds = timed(lambda: seal_workdir(folder / "work", folder / "keys" / "project.pub",
                                                          folder / "field.tbundle"))
        rows.append(("bundle add (importers' validation)", f"{args.bundle_rows:,}", add_seconds))
        rows.append(("bundle seal", f"{sealed.path.stat().st_size / 1e6:.2f} MB", seal_seconds))
        with session_scope(engine) as session:
            register_key(session, project.public())
            register_key(session, collector.public())
            result, seconds = timed(lambda: import_bundle(session, sealed.path, project,
                                                          EvidenceStore(folder / "ev")))
        rows.append(("bundle import", f"{result.records_imported:,}", seconds))
        engine.dispose()
    print_table("tollbook audit and bundles (SQLite)", ("what", "count", "wall s / CPU s"), rows,
                ("sqlalchemy", "pynacl"))


if __name__ == "__main__":
    main()
