"""Linkage on realistic lists (tollbook.synth: Iran's name concentration, four lists with their habits):
precision, recall, F1 beside the evidence ceiling, persons found vs true, review-queue size, time, peak
memory, and persons named by one list only and LCMCR on Tollbook's persons vs on the true persons. Each size runs in
its own process.

    python bench/bench_link_realistic.py [--sizes 2500 10000 50000] [--seed 1] [--splink] [--no-lcmcr]
                                         [--threshold 0.1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import print_table  # noqa: E402

LCMCR_SETTINGS = {"burnin": 10_000, "samples": 5_000, "thinning": 10, "chains": 4}
LCMCR_SEEDS = 2  # fits per set of persons, averaged: one short fit moves by 1-3%, as much as the linkage error


def run_tollbook(size: int, seed: int, lcmcr: bool, threshold: float | None = None) -> dict[str, float]:
    """Generate, link with Tollbook's defaults (or another threshold), and judge against the truth."""
    from tollbook.link.api import DEFAULT_REVIEW_LOWER, DEFAULT_THRESHOLD, link_frame
    from tollbook.link.keys import build_keys
    from tollbook.synth import LIST_NAMES, realistic_lists
    from tollbook.synth.evaluate import evidence_ceiling, evidence_patterns, lcmcr_of, quality

    lists = realistic_lists(size, seed)
    records = lists.records
    print(f"  {len(records):,} records of {lists.listed_persons:,} listed persons (population "
          f"{lists.population:,})", flush=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    result = link_frame(records.drop(columns=["truth"]), threshold=threshold, seed=seed,
                        progress=lambda m: print(f"  [{time.perf_counter() - started:6.1f} s, CPU "
                                                 f"{cpu_seconds() - cpu:6.1f} s] {m}", flush=True))
    linked_cpu = cpu_seconds() - cpu
    linked_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # before judging (the ceiling's join)
    labels = records["unique_id"].map(result.assignment)
    found = quality(labels, records["truth"])
    probability = result.pairs["match_probability"]
    queue = int(((probability >= DEFAULT_REVIEW_LOWER) & (probability < threshold)).sum())
    ceiling = evidence_ceiling(evidence_patterns(build_keys(records), records["truth"], lists.people))
    figures = {"records": len(records), "seconds": result.seconds["total"], "comparisons": result.comparisons,
               "persons": found.persons, "true_persons": found.true_persons, "precision": found.precision,
               "recall": found.recall, "f1": found.f1, "ceiling": ceiling, "queue": queue,
               "population": lists.population, "threshold": threshold, "link_peak_gib": linked_gib,
               "cpu_seconds": linked_cpu}
    figures["one_list_found"], figures["one_list_true"] = one_list_persons(labels, records), one_list_persons(
        records["truth"], records)
    if lcmcr:
        for name, people in (("lcmcr_found", labels), ("lcmcr_true", records["truth"])):
            fits = [lcmcr_of(people, records["source"], LIST_NAMES, seed=seed + k, **LCMCR_SETTINGS).estimate
                    for k in range(LCMCR_SEEDS)]
            figures[name] = sum(fits) / len(fits)
    return figures


def cpu_seconds() -> float:
    """CPU seconds of this process so far, user and system, all threads (DuckDB's too), and of the processes it
    started and waited for (the workers that key names): less bound to the machine's load than wall time."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_list_persons(labels: object, records: object) -> int:
    """Persons named by one list only: a missed cross-list link adds two, a false merge removes one or two,
    and LCMCR reads them as the visible edge of the unseen."""
    import pandas as pd

    frame = pd.DataFrame({"person": list(labels), "source": records["source"].to_numpy()})
    return int((frame.drop_duplicates().groupby("person").size() == 1).sum())


def run_splink(size: int, seed: int) -> dict[str, float]:
    """Plain Splink (as bench_link_scale sets it up) on the same records."""
    from bench_link_scale import run_plain_splink

    from tollbook.synth import realistic_lists

    records = realistic_lists(size, seed).records
    cpu = cpu_seconds()
    table = records[["unique_id", "truth", "given_name", "family_name", "father_name", "sex", "age",
                     "date_of_death", "date_precision", "city_code"]].copy()
    table["given_name"], table["family_name"] = table["given_name"].fillna(""), table["family_name"].fillna("")
    figures = run_plain_splink(table, seed)
    return figures | {"records": len(records), "true_persons": int(records["truth"].nunique()),
                      "cpu_seconds": cpu_seconds() - cpu}


def one(engine: str, size: int, seed: int, lcmcr: bool, threshold: float | None = None) -> None:
    """Child process: one configuration, printed as a JSON line with peak memory and the load."""
    load = os.getloadavg()[0]
    figures = run_tollbook(size, seed, lcmcr, threshold) if engine == "tollbook" else run_splink(size, seed)
    figures["peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    figures["load"] = f"{load:.1f}-{os.getloadavg()[0]:.1f}"
    print("RESULT " + json.dumps(figures), flush=True)


def measure(engine: str, size: int, seed: int, lcmcr: bool, threshold: float | None = None) -> dict:
    """Run one configuration in a fresh process and read its figures."""
    command = [sys.executable, __file__, "--one", engine, "--sizes", str(size), "--seed", str(seed)]
    command += ([] if lcmcr else ["--no-lcmcr"]) + ([] if threshold is None else ["--threshold", str(threshold)])
    print(f"{engine}, {size:,} records:", flush=True)
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    results = [json.loads(line[7:]) for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    print("\n".join(line for line in process.stdout.splitlines() if not line.startswith("RESULT ")), flush=True)
    if not results:
        print(f"  failed: {process.stderr[-1500:]}", flush=True)
        return {}
    print(f"  {results[0]}", flush=True)
    return results[0]


def row(engine: str, r: dict) -> tuple:
    """One table row."""
    persons = f"{r['persons']:,} ({(r['persons'] - r['true_persons']) / r['true_persons']:+.1%})"
    lcmcr = "" if "lcmcr_found" not in r else (
        f"{r['lcmcr_found']:,.0f} / {r['lcmcr_true']:,.0f} ({(r['lcmcr_found'] / r['lcmcr_true'] - 1):+.1%})")
    one_list = "" if "one_list_found" not in r else (
        f"{r['one_list_found']:,} / {r['one_list_true']:,} ({r['one_list_found'] / r['one_list_true'] - 1:+.1%})")
    return (f"{r['records']:,}", engine, f"{r['true_persons']:,}", persons, f"{r['precision']:.3f}",
            f"{r['recall']:.3f}", f"{r['f1']:.3f}", f"{r['ceiling']:.3f}" if "ceiling" in r else "",
            f"{r.get('queue', 0):,}", f"{r['seconds']:.0f}", f"{r.get('cpu_seconds', 0):.0f}",
            f"{r.get('link_peak_gib', r['peak_gib']):.2f}",
            f"{r['peak_gib']:.2f}", one_list, lcmcr, r["load"])


def main() -> None:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_500, 10_000, 50_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--splink", action="store_true", help="also run plain Splink on each size")
    parser.add_argument("--no-lcmcr", action="store_true", help="skip the LCMCR fits per size")
    parser.add_argument("--threshold", type=float, help="link at this threshold instead of the default")
    parser.add_argument("--one", choices=["tollbook", "splink"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.sizes[0], args.seed, not args.no_lcmcr, args.threshold)
        return
    rows, ratios = [], []
    for size in args.sizes:
        measured = {}
        for engine in ["tollbook", "splink"] if args.splink else ["tollbook"]:
            if r := measure(engine, size, args.seed, not args.no_lcmcr, args.threshold):
                rows.append(row(engine, r))
                measured[engine] = r
        if len(measured) == 2:
            ratios.append(time_ratio(size, measured["tollbook"], measured["splink"]))
    threshold = "default threshold" if args.threshold is None else f"threshold {args.threshold}"
    print_table(f"Linkage on realistic lists (tollbook.synth, seed {args.seed}, {threshold})",
                ("records", "engine", "true persons", "persons found", "precision", "recall", "F1", "ceiling",
                 "review queue", "seconds", "CPU s", "peak GiB linking", "peak GiB all",
                 "one-list persons found / true", "LCMCR found / true", "load"), rows, ("splink", "duckdb"))
    print("\n".join(ratios))


def time_ratio(size: int, tollbook: dict, splink: dict) -> str:
    """Tollbook's time over plain Splink's on the same records, wall and CPU (target: at most 1.5)."""
    return (f"{size:,}: Tollbook / plain Splink = {tollbook['seconds'] / splink['seconds']:.2f}x wall, "
            f"{tollbook['cpu_seconds'] / splink['cpu_seconds']:.2f}x CPU (load {tollbook['load']}, {splink['load']})")


if __name__ == "__main__":
    main()
