"""Report generation time for the bundled example: `tollbook report` (both languages) on the demo's database.

Builds the demo once (or uses --db), then times build_report --repeat times in one process and once in a fresh
process (cold: imports and the chart renderer's start-up included), and prints the steps, the page sizes and
the count of traceable numbers. Wall time depends on the machine's load; CPU seconds (all threads) much less.
Target: under 10 s for the example.

    python bench/bench_report.py [--db sqlite:///demo/tollbook.db] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import print_table  # noqa: E402

from tollbook.demo import build_demo  # noqa: E402
from tollbook.report import build_report  # noqa: E402
from tollbook.store import open_engine, session_scope  # noqa: E402

COLD = ("import sys, time; t = time.perf_counter(); from pathlib import Path; "
        "from tollbook.report import build_report; from tollbook.store import open_engine, session_scope; "
        "e = open_engine(sys.argv[1]); s = session_scope(e).__enter__(); build_report(s, Path(sys.argv[2])); "
        "print(time.perf_counter() - t)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to report on (default: build the demo in a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or build_demo(Path(folder) / "demo").database_url
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold = float(subprocess.run([sys.executable, "-c", COLD, url, str(Path(folder) / "cold")], check=True,
                                    capture_output=True, text=True).stdout.strip())
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        rows = [("cold process (imports included)", "", "", "", "", f"{cold:.2f}", f"{cpu:.2f}", "",
                 f"{os.getloadavg()[0]:.1f}")]
        engine = open_engine(url)
        for run in range(1, args.repeat + 1):
            with session_scope(engine) as session:
                started, cpu_started = time.perf_counter(), time.process_time()
                files = build_report(session, Path(folder) / f"r{run}")
                total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            sizes = "/".join(f"{page.stat().st_size / 1024:.0f}" for page in files.pages.values())
            rows.append((f"in process, run {run}", f"{files.seconds['gather']:.2f}",
                         f"{files.seconds['chart_specs']:.2f}", f"{files.seconds['chart_svgs']:.2f}",
                         f"{files.seconds['pages']:.2f}", f"{total:.2f}", f"{cpu:.2f}",
                         f"{len(files.data.book)} / {sizes}", f"{os.getloadavg()[0]:.1f}"))
        engine.dispose()
    print_table("Report generation, Iran 2019 example (English and Persian)",
                ("run", "gather s", "specs s", "svg s", "pages s", "total s", "cpu s", "numbers / KiB en/fa", "load"),
                rows, packages=("altair", "vl-convert-python", "jinja2"))


if __name__ == "__main__":
    main()
