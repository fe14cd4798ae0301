"""Peak memory of importing an .xlsx whose shared-strings table holds one huge string (default 400 MB): the
shared strings are streamed, so the import's peak should not grow with that string; openpyxl's own reader,
which holds every shared string whole, is measured beside it on the same file.

Each reading runs in a fresh process, which reports its own peak resident memory (ru_maxrss); openpyxl's runs
under an address-space limit (--openpyxl-limit-gib) so that it fails with MemoryError rather than push the
machine into swap.

Run: python bench/bench_xlsx_memory.py [--megabytes 400]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "ingest"))  # the test suite's XLSX writer

from common import print_table  # noqa: E402
from messy import EN_HEADERS, EN_ROWS, write_shared_strings_xlsx  # noqa: E402

IMPORT = """
import sys
from pathlib import Path
from tollbook.ingest import import_file
from tollbook.store import migrate, open_engine, session_scope
engine = open_engine(sys.argv[2]); migrate(engine)
with session_scope(engine) as session:
    report = import_file(session, Path(sys.argv[1]), "bench")
print(f"{report.imported} imported, {report.failed} failed: {report.errors[0].reason}")
"""
PEAK = """
import resource
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
OPENPYXL = """
import resource, sys
limit = int(float(sys.argv[2]) * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
print(f"{rows} rows read")
"""


def peak_of(code: str, *args: str) -> tuple[str, float, float]:
    """Run `code` in a fresh Python: its outcome line, seconds, and its peak resident memory in MiB."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", f"try:\n{_indent(code)}\nfinally:\n{_indent(PEAK)}", *args],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    peak = next((int(line.split()[1]) for line in lines if line.startswith("peak ")), 0) / 1024
    said = [line for line in lines if not line.startswith("peak ")]
    error = done.stderr.strip().splitlines()
    return (said[-1] if said else error[-1] if error else f"exit {done.returncode}")[:90], seconds, peak


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip().splitlines())


def main() -> None:
    """Write the workbook, then import it and read it with openpyxl, each in its own process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=400)
    parser.add_argument("--skip-openpyxl", action="store_true", help="Measure Tollbook's import only.")
    parser.add_argument("--openpyxl-limit-gib", type=float, default=4.0)
    args = parser.parse_args()
    size = args.megabytes * 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = write_shared_strings_xlsx(Path(folder) / "huge.xlsx", [EN_HEADERS, *EN_ROWS], huge=(3, 9, size))
        rows = [("tollbook import", *peak_of(IMPORT, str(path), f"sqlite:///{folder}/bench.db"))]
        baseline = peak_of("import tollbook.ingest, tollbook.store, openpyxl")
        rows.append(("python + imports only", *baseline))
        if not args.skip_openpyxl:
            rows.append((f"openpyxl load_workbook (limit {args.openpyxl_limit_gib:g} GiB)",
                         *peak_of(OPENPYXL, str(path), str(args.openpyxl_limit_gib))))
        file_mb = path.stat().st_size / 1e6
    print_table(f"xlsx with one shared string of {size / 1e6:,.0f} MB (file {file_mb:.1f} MB compressed)",
                ("reader", "outcome", "seconds", "peak MiB"),
                [(name, outcome, f"{s:.1f}", f"{peak:,.0f}") for name, outcome, s, peak in rows], ("openpyxl",))


if __name__ == "__main__":
    main()
