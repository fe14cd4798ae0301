"""Benchmark of tollbook.estimate: LCMCR sampler speed, cost against N, strata, and log-linear / dga fit times.

Run:  python bench/bench_estimate.py [--quick] [--side-by-side-only] [--colombia] [--repeats N]
Prints one table (machine, versions, figures). Each in-process timing is the best of ``--repeats`` runs after a
warm-up that compiles the Numba code; each whole-process timing is the median of ``--repeats`` runs. The
5-million-iteration Colombia figure is extrapolated from a shorter measured run.
When Rscript finds LCMCR, dga and Rcapture (set R_LIBS to a library built from their sources), whole processes
run side by side with R's (bench/r/*.R) and the CPU ratios are printed against their targets; CPU time (user +
system of the child) depends less on the load than wall time. ``--colombia`` adds the long Colombia chain.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

from tollbook.estimate import CaptureHistories, estimate, read_pattern_csv
from tollbook.estimate.lcmcr import LCMCR

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "mse"
Row = tuple[str, str, str]


def _cpu_name() -> str:
    """The CPU model where the OS says it, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_rows() -> list[Row]:
    """Machine and library versions, with the load average (timings on a busy machine run slow)."""
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    versions = ", ".join(f"{n} {_version(n)}" for n in ("tollbook", "numpy", "numba", "scipy", "arviz"))
    return [
        ("machine", f"{_cpu_name()}, {os.cpu_count()} logical CPUs", ""),
        ("system", f"{platform.system()} {platform.release()}, Python {platform.python_version()}", ""),
        ("versions", versions, ""),
        ("load average (1, 5, 15 min)", load, "measured at start"),
    ]


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Shortest wall time of ``repeats`` calls, in seconds."""
    return min(_timed(run)[0] for _ in range(repeats))


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one call; CPU time is less disturbed by other load."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_wall_cpu(repeats: int, run: Callable[[], object]) -> tuple[float, float]:
    """The (wall, CPU) pair of the fastest of ``repeats`` calls."""
    return min(_timed(run) for _ in range(repeats))


def kosovo(scale: int = 1) -> CaptureHistories:
    h = read_pattern_csv(DATA / "kosovo_1999_lcmcr.csv")[None]
    return CaptureHistories(h.lists, h.patterns, h.counts * scale)


def lcmcr_30k(h: CaptureHistories, repeats: int, K: int = 10) -> tuple[float, float]:  # noqa: N803
    """(wall, CPU) seconds for 30,000 iterations of one chain (no warm-up, thinning 10), after 5,000 to settle."""
    model = LCMCR(h, K=K, burnin=5_000, samples=10, thinning=1, chains=1, seed=0)
    model.fit()  # compiles the kernel
    runs = lambda: LCMCR(h, K=K, burnin=0, samples=3_000, thinning=10, chains=1, warmup=0, seed=1).fit()  # noqa: E731
    return best_wall_cpu(repeats, runs)


def simulated_strata(n_strata: int, n_lists: int, seed: int) -> dict[str | None, CaptureHistories]:
    """Strata of very different sizes (50 to 5,000 people) from a two-class population over ``n_lists`` lists."""
    rng = np.random.default_rng(seed)
    lam = np.array([rng.uniform(0.3, 0.7, n_lists), rng.uniform(0.05, 0.3, n_lists)])
    strata: dict[str | None, CaptureHistories] = {}
    for index, size in enumerate(np.geomspace(50, 5_000, n_strata).astype(int)):
        classes = rng.choice(2, size=size, p=[0.6, 0.4])
        seen = (rng.random((size, n_lists)) < lam[classes]).astype(np.uint8)
        lists = [f"L{j + 1}" for j in range(n_lists)]
        strata[f"S{index + 1:02d}"] = CaptureHistories.from_matrix(
            seen[seen.sum(axis=1) > 0], lists, f"S{index + 1:02d}"
        )
    return strata


def lcmcr_rows(repeats: int, quick: bool) -> list[Row]:
    """Kosovo per 30,000 iterations, the same x1,000, 31 strata and the Colombia iteration rate."""
    (base, base_cpu) = lcmcr_30k(kosovo(), repeats)
    rows = [("LCMCR Kosovo, K=10: s per 30,000 iterations", f"{base:.3f}", f"CPU {base_cpu:.3f} s; target <= 0.5 s")]
    for scale in (1_000, 1_000_000):
        big, big_cpu = lcmcr_30k(kosovo(scale), repeats)
        label = f"LCMCR Kosovo x{scale:,} ({4_400 * scale:,} people)"
        rows.append((label, f"{big:.3f}", f"CPU {big_cpu:.3f} s; ratio to x1 {big / base:.2f}"))
    strata = simulated_strata(31, 5, seed=31)
    settings = {"burnin": 1_000, "samples": 500, "thinning": 2} if quick else {}
    started = time.perf_counter()
    results = estimate(strata, method="lcmcr", **settings)
    wall = time.perf_counter() - started
    iters = settings.get("burnin", 10_000) + 500 + settings.get("samples", 2_000) * settings.get("thinning", 10)
    rows.append((
        "LCMCR 5 lists x 31 strata + total (4 chains each)", f"{wall:.1f}",
        f"s wall; {iters:,} iterations per chain; {len(results)} results",
    ))  # fmt: skip
    colombia = read_pattern_csv(DATA / "colombia_verdata_reclutamiento_R1_hombre_1999.csv")[None]
    per_30k, per_30k_cpu = lcmcr_30k(colombia, repeats, K=15)
    rate = 30_000 / per_30k
    rows.append(("LCMCR Colombia 20 lists, K=15: iterations/s", f"{rate:,.0f}", "measured over 30,000 iterations"))
    rows.append((
        "  5 million iterations (extrapolated)", f"{5e6 / rate:.0f}",
        f"s wall (CPU {5e6 / 30_000 * per_30k_cpu:.0f} s); target <= 240 s; R: 377 s",
    ))  # fmt: skip
    return rows


def other_method_rows(repeats: int) -> list[Row]:
    """dga and log-linear fit times on Kosovo and Kosovo x1,000, where those modules exist."""
    rows: list[Row] = []
    for method, module in (("loglinear", "tollbook.estimate.loglinear"), ("dga", "tollbook.estimate.dga")):
        try:
            importlib.import_module(module)
        except ImportError:
            rows.append((f"{method} fit", "n/a", "module not present"))
            continue
        for scale in (1, 1_000):
            h = kosovo(scale)
            estimate(h, method=method)  # warm-up
            seconds = best_of(repeats, lambda h=h, method=method: estimate(h, method=method))
            note = "all closedp.t models" if method == "loglinear" else "all decomposable graphs, 4 lists"
            rows.append((f"{method} fit, Kosovo x{scale:,}", f"{seconds:.3f}", f"s; {note}"))
    return rows


R_SCRIPTS = Path(__file__).resolve().parent / "r"
KOSOVO_CSV = str(DATA / "kosovo_1999_lcmcr.csv")
COLOMBIA_CSV = str(DATA / "colombia_verdata_reclutamiento_R1_hombre_1999.csv")
SIDE_BY_SIDE = (  # (case, Tollbook command after `python -m tollbook`, R script in bench/r, target CPU ratio)
    ("LCMCR Kosovo at R's settings (1 chain, 30,500 iterations)",
     ["estimate", "--patterns", KOSOVO_CSV, "--burnin", "10000", "--samples", "2000", "--thinning", "10",
      "--chains", "1", "--seed", "123", "--json"], "lcmcr_kosovo.R", 1.0),
    ("dga Kosovo, delta 1/16", ["estimate", "--patterns", KOSOVO_CSV, "--method", "dga", "--delta", "0.0625",
                                "--json"], "dga_kosovo.R", 1.5),
    ("log-linear Kosovo, no intervals (as closedp.t)", ["estimate", "--patterns", KOSOVO_CSV, "--method",
                                                        "loglinear", "--no-intervals", "--json"],
     "closedp_kosovo.R", 1.5),
    ("log-linear Kosovo with 10 profile intervals", ["estimate", "--patterns", KOSOVO_CSV, "--method",
                                                     "loglinear", "--json"], "closedp_kosovo.R", None),
    ("tollbook --version (no R counterpart)", ["--version"], None, None),
)  # fmt: skip
COLOMBIA = ("LCMCR Colombia 20 lists, K=15, 1 chain of 300,500 iterations",
            ["estimate", "--patterns", COLOMBIA_CSV, "--K", "15", "--burnin", "100000", "--samples", "20000",
             "--thinning", "10", "--chains", "1", "--seed", "123", "--json"], "lcmcr_colombia.R", 0.3)  # fmt: skip


def _process(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process, CPU from the children's resource usage (user + system)."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=DATA.parents[2], env=os.environ | (env or {}))
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median_process(command: list[str], repeats: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    runs = [_process(command, env) for _ in range(repeats)]
    return float(np.median([w for w, _ in runs])), float(np.median([c for _, c in runs]))


def r_available() -> bool:
    """Whether Rscript runs and finds LCMCR, dga and Rcapture (R_LIBS may point at a private library)."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return False
    check = "for (p in c('LCMCR', 'dga', 'Rcapture')) suppressMessages(library(p, character.only = TRUE))"
    return subprocess.run(["Rscript", "-e", check], capture_output=True).returncode == 0


def _kernel_kind() -> str:
    from tollbook.estimate._lcmcr_compiled import kernel_path

    return "ahead of time" if kernel_path().is_file() and os.environ.get("TOLLBOOK_KERNEL") != "jit" else "numba jit"


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def _byte_compile() -> None:
    """Write Tollbook's bytecode caches first, as an installed package has them (pip compiles on install), so
    no timed run compiles its modules from source (about 0.025 s of CPU where PYTHONDONTWRITEBYTECODE is set)."""
    import compileall

    import tollbook

    compileall.compile_dir(str(Path(tollbook.__file__).parent), quiet=1)


def side_by_side_rows(repeats: int, colombia: bool = False) -> list[Row]:
    """Whole processes, Tollbook's CLI against Rscript, medians of ``repeats`` runs: wall and CPU, and the CPU
    ratio against its target; the load average before and after (other work inflates wall times most)."""
    import sys

    with_r = r_available()
    rows: list[Row] = [("whole process, median of runs", "Tollbook wall / CPU s",
                        "R wall / CPU s; CPU ratio (target)" if with_r else "R not installed: no ratio")]  # fmt: skip
    _byte_compile()
    for env in ({}, {"TOLLBOOK_KERNEL": "jit"}):  # loads the kernel once, compiling and caching the JIT's
        _process([sys.executable, "-m", "tollbook", *SIDE_BY_SIDE[0][1]], env)
    before = _load()
    for case, command, script, target in (*SIDE_BY_SIDE, *((COLOMBIA,) if colombia else ())):
        wall, cpu = _median_process([sys.executable, "-m", "tollbook", *command], repeats)
        note = ""
        if with_r and script:
            r_wall, r_cpu = _median_process(["Rscript", str(R_SCRIPTS / script)], repeats)
            verdict = "" if target is None else f" (<= {target}x: {'met' if cpu / r_cpu <= target else 'NOT met'})"
            note = f"{r_wall:.2f} / {r_cpu:.2f}; {cpu / r_cpu:.2f}x{verdict}"
        rows.append((case, f"{wall:.2f} / {cpu:.2f}", note))
    jit_wall, jit_cpu = _median_process([sys.executable, "-m", "tollbook", *SIDE_BY_SIDE[0][1]], repeats,
                                        {"TOLLBOOK_KERNEL": "jit"})  # fmt: skip
    rows.append(("LCMCR Kosovo as in the first row, kernel from Numba's JIT", f"{jit_wall:.2f} / {jit_cpu:.2f}",
                 ""))
    rows.append(("LCMCR kernel used above", _kernel_kind(), "make kernel (python -m tollbook.estimate.build_kernel)"))
    rows.append(("Typer (CLI)", _version("typer"), "0.29 coerces every option but flags with pydantic (0.28 did not)"))
    rows.append(("load average (1, 5, 15 min) before / after", f"{before} / {_load()}",
                 "2 cores shared with other work"))  # fmt: skip
    if with_r:
        import subprocess

        version = subprocess.run(["Rscript", "-e", "cat(R.version.string, 'LCMCR', format(packageVersion('LCMCR')), "
                                  "'dga', format(packageVersion('dga')), 'Rcapture', "
                                  "format(packageVersion('Rcapture')))"], capture_output=True, text=True).stdout
        rows.append(("R", version.strip(), ""))
    return rows


def print_table(rows: list[Row]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rule = "-" * (sum(widths) + 6)
    print(rule)
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(rule)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure (best is shown)")
    parser.add_argument("--quick", action="store_true", help="shorter strata runs (for a smoke test)")
    parser.add_argument("--side-by-side-only", action="store_true", help="only the whole-process rows against R")
    parser.add_argument("--colombia", action="store_true", help="also the 300,000-iteration Colombia chain against "
                        "R (about 30 s of CPU a run on each side)")
    args = parser.parse_args()
    rows = machine_rows() + [("", "", "")]
    if not args.side_by_side_only:
        rows += lcmcr_rows(args.repeats, args.quick) + other_method_rows(args.repeats)
    rows += [("", "", "")] + side_by_side_rows(args.repeats, args.colombia)
    print_table(rows)


if __name__ == "__main__":
    main()
