"""Linkage quality on the synthetic Iran 2019 example against the truth its generator writes.

Generates the example's four lists, imports them into a fresh SQLite database, links them with Tollbook's
default settings, and prints pairwise precision, recall and F1, the person count against the true count, and
blocking recall (the share of true pairs that the blocking rules let through to scoring), plus a threshold sweep.

    python bench/bench_link_quality.py [--total 1500] [--seed 2019]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from common import print_table  # noqa: E402

from tollbook.examples.iran2019 import FILES, MAPPING_FILE, SOURCE_KINDS, generate  # noqa: E402
from tollbook.ingest import import_file, load_mapping  # noqa: E402
from tollbook.link import store  # noqa: E402
from tollbook.link.api import DEFAULT_THRESHOLD, link_database  # noqa: E402
from tollbook.link.calibrate import calibrate_prior  # noqa: E402
from tollbook.link.cluster import cluster_records  # noqa: E402
from tollbook.link.competition import list_aware  # noqa: E402
from tollbook.link.keys import build_keys  # noqa: E402
from tollbook.link.train import score  # noqa: E402
from tollbook.store import migrate, open_engine, session_scope  # noqa: E402

SWEEP = (0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9)


def pairs_of(ids: pd.Series, groups: pd.Series) -> set[tuple[str, str]]:
    """Unordered pairs of ids that share a group."""
    pairs: set[tuple[str, str]] = set()
    for _, members in ids.groupby(groups.to_numpy()):
        pairs |= set(combinations(sorted(members), 2))
    return pairs


def pairwise(found: set, true: set) -> tuple[float, float, float]:
    """Precision, recall and F1 of found pairs against true pairs."""
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if hits else 0.0


def import_example(out: Path, url: str, total: int, seed: int) -> None:
    """Generate the example into `out` and import its four lists."""
    generate(out, total, seed)
    engine = open_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        for source, file in FILES.items():
            mapping = load_mapping(out / MAPPING_FILE) if source == "media" else None
            import_file(session, out / file, source, mapping=mapping, source_kind=SOURCE_KINDS[source])
    engine.dispose()


def truth_of(frame: pd.DataFrame, out: Path, url: str) -> pd.Series:
    """True person of each imported record (by source and source record id)."""
    from sqlalchemy import select

    from tollbook.model import Record

    truth = pd.read_csv(out / "truth.csv", dtype=str).set_index(["source", "record_id"])["person_id"]
    engine = open_engine(url)
    with session_scope(engine) as session:
        rid = dict(session.execute(select(Record.id, Record.source_record_id)).all())
    engine.dispose()
    return pd.Series([truth[(s, rid[r])] for s, r in zip(frame["source"], frame["record_id"], strict=True)],
                     index=frame.index)


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1500, help="true number of victims in the example")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, url = Path(tmp) / "example", f"sqlite:///{tmp}/bench.db"
        import_example(out, url, args.total, args.seed)
        engine = open_engine(url)
        started = time.perf_counter()
        with session_scope(engine) as session:
            run = link_database(session, threshold=DEFAULT_THRESHOLD)
            frame = store.records_frame(session)
        seconds = time.perf_counter() - started
        engine.dispose()
        frame["truth"] = truth_of(frame, out, url)
    true_pairs = pairs_of(frame["unique_id"], frame["truth"])
    found = pairs_of(frame["unique_id"], frame["person_id"])
    precision, recall, f1 = pairwise(found, true_pairs)
    scored = score(build_keys(frame), 0.0, seed=args.seed)
    blocked = {tuple(sorted(p)) for p in zip(scored.pairs["unique_id_l"], scored.pairs["unique_id_r"], strict=True)}
    true_persons = frame["truth"].nunique()
    rows = [("records", run.records), ("true persons", true_persons), ("persons found", run.persons),
            ("person count error", f"{(run.persons - true_persons) / true_persons:+.2%}"),
            ("true pairs", len(true_pairs)), ("pairs compared", scored.comparisons),
            ("blocking recall", f"{len(blocked & true_pairs) / len(true_pairs):.4f}"),
            ("precision", f"{precision:.4f}"), ("recall", f"{recall:.4f}"), ("F1", f"{f1:.4f}"),
            ("review queue", run.review_queue), ("link time (s)", f"{seconds:.1f}")]
    print_table(f"Linkage quality, synthetic Iran 2019 example (total={args.total}, seed={args.seed}, "
                f"threshold={DEFAULT_THRESHOLD})", ("measure", "value"), rows, ("splink", "duckdb"))
    print()
    sweep = []
    lists = dict(zip(frame["unique_id"], frame["source"], strict=True))
    for threshold in SWEEP:  # as link_frame does it (but for the whole-cluster check): the prior settled at each
        # threshold, list-aware scores, one record per list
        pairs, prior = calibrate_prior(frame["unique_id"], scored.pairs,
                                       scored.model["probability_two_random_records_match"], threshold, lists)
        pairs = list_aware(frame["unique_id"], pairs, prior, threshold, lists)
        clusters = cluster_records(frame["unique_id"], pairs, threshold, lists=lists)
        ids = pd.Series(clusters).reindex(frame["unique_id"])
        p, r, f = pairwise(pairs_of(frame["unique_id"], ids), true_pairs)
        sweep.append((threshold, f"{p:.4f}", f"{r:.4f}", f"{f:.4f}", ids.nunique()))
    print_table("Threshold sweep (same model, prior and list-aware terms settled at each threshold)",
                ("threshold", "precision", "recall", "F1", "persons"), sweep)


if __name__ == "__main__":
    main()
