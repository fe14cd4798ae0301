"""Import speed: N synthetic canonical rows into a fresh SQLite database (target: 100,000 rows in < 60 s).

Run: python bench/bench_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
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


def write_rows(path: Path, rows: int) -> None:
    """A canonical CSV of `rows` distinct synthetic rows in both scripts and calendars."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,cause\n")
        for i in range(rows):
            province, city = PLACES[i % len(PLACES)]
            date = f"1398/08/{24 + i % 5:02d}" if i % 2 else f"2019-11-{15 + i % 5:02d}"
            handle.write(f"r{i},{GIVEN[i % len(GIVEN)]},{FAMILY[i % len(FAMILY)]}{i},,male,{15 + i % 50},{date},"
                         f"{province},{city},gunshot to head\n")


def main() -> None:
    """Time one import of the synthetic file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "big.csv"
        write_rows(csv_path, rows)
        engine = open_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            report = import_file(session, csv_path, "bench")
        seconds = time.perf_counter() - start
        engine.dispose()
    print_table("tollbook import (SQLite)", ("rows", "imported", "failed", "seconds", "rows/s"),
                [(rows, report.imported, report.failed, f"{seconds:.1f}", f"{rows / seconds:,.0f}")],
                ("sqlalchemy",))


if __name__ == "__main__":
    main()
