"""Import speed: N synthetic canonical rows into a fresh SQLite database (target: 100,000 rows in < 60 s), then
the same list again with 1% of its rows corrected (each becomes a revision, the rest are recognised as present).

Wall seconds depend on what else the machine runs, so the table also gives the process's CPU seconds and the
load average (1 minute) before and after each import.

Run: python bench/bench_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import print_table  # noqa: E402

from tollbook.ingest import import_file  # noqa: E402
from tollbook.store import migrate, open_engine, session_scope  # noqa: E402

GIVEN = ["Mohammad", "محمد", "Ali", "علی", "Reza", "Hossein", "حسین", "Amir", "Mehdi", "Sara", "Neda", "Pouya"]
FAMILY = ["Hosseini", "حسینی", "Rezaei", "Ahmadi", "احمدی", "Karimi", "Mohammadi", "Bakhtiari", "Jafari"]
PLACES = [("Tehran", "Tehran"), ("Alborz", "Karaj"), ("Khuzestan", "Mahshahr"), ("Fars", "Shiraz"),
          ("کرمانشاه", "کرمانشاه"), ("Isfahan", "Isfahan")]


def write_rows(path: Path, rows: int, corrected_every: int = 0) -> None:
    """A canonical CSV of `rows` distinct synthetic rows in both scripts and calendars; with `corrected_every`,
    every so many rows carry a corrected age (the same record ids)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,cause\n")
        for i in range(rows):
            province, city = PLACES[i % len(PLACES)]
            date = f"1398/08/{24 + i % 5:02d}" if i % 2 else f"2019-11-{15 + i % 5:02d}"
            age = 15 + i % 50 + (1 if corrected_every and i % corrected_every == 0 else 0)
            handle.write(f"r{i},{GIVEN[i % len(GIVEN)]},{FAMILY[i % len(FAMILY)]}{i},,male,{age},{date},"
                         f"{province},{city},gunshot to head\n")


def timed_import(engine: object, path: Path) -> tuple[object, float, float, str]:
    """One import in one transaction: its report, wall and CPU seconds, and the load average before/after."""
    before, start, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    with session_scope(engine) as session:  # type: ignore[arg-type]
        report = import_file(session, path, "bench")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return report, wall, cpu, f"{before:.1f}/{os.getloadavg()[0]:.1f}"


def main() -> None:
    """Time one import of the synthetic file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        first, again = Path(folder) / "big.csv", Path(folder) / "big-corrected.csv"
        write_rows(first, rows)
        write_rows(again, rows, corrected_every=100)
        engine = open_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        results = [("first import", *timed_import(engine, first)), ("1% corrected", *timed_import(engine, again))]
        engine.dispose()
    print_table("tollbook import (SQLite)", ("import", "rows", "new", "revised", "present", "failed", "seconds",
                                             "rows/s", "CPU s", "load before/after"),
                [(name, rows, r.imported, r.revised, r.duplicates, r.failed, f"{s:.1f}", f"{rows / s:,.0f}",
                  f"{cpu:.1f}", load) for name, r, s, cpu, load in results], ("sqlalchemy",))


if __name__ == "__main__":
    main()
