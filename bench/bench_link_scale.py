"""Linkage at scale: dedupe N synthetic records (100k, 1M, 2M) with Tollbook's full linkage step and with plain
Splink on the same records, each in its own process: time, peak memory, pairs compared, pairwise F1.

Records are drawn from Tollbook's name data (Persian script or a romanisation, some typos, swapped names, missing
father's name, age or date off by one) and the gazetteer's cities; each true person appears one to four times.
Plain Splink is set up as a new user would: names lower-cased, Splink's NameComparison, exact age, date and city.

    python bench/bench_link_scale.py [--sizes 100000 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from common import print_table  # noqa: E402

FAMILY_SUFFIXES = (("zadeh", "زاده"), ("pour", "پور"), ("nejad", "نژاد"), ("far", "فر"), ("rad", "راد"),
                   ("nia", "نیا"), ("vand", "وند"), ("lou", "لو"))
START = np.datetime64("2019-11-15")


def _names(kind: str) -> pd.DataFrame:
    """Tollbook's name table of one kind: canonical, Persian, variants (and sex for given names)."""
    with (resources.files("tollbook.text") / "data" / f"{kind}_names.csv").open(encoding="utf-8") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def _family_names() -> pd.DataFrame:
    """Family names as Iranian ones are made: a family or given name, alone (family) or with a suffix
    (Karimi, Karimipour, Alizadeh, Hosseininejad …): about 5,700 names, a realistic spread for a million."""
    base = _names("family")
    stems = pd.concat([base, _names("given")[["canonical", "persian", "variants"]]], ignore_index=True)
    rows = [{"canonical": r.canonical, "persian": r.persian, "variants": r.variants} for r in base.itertuples()]
    rows += [{"canonical": r.canonical + lat, "persian": r.persian.split("|")[0] + "\u200c" + fa,
              "variants": " ".join(v + lat for v in r.variants.split())}
             for r in stems.itertuples() for lat, fa in FAMILY_SUFFIXES]
    return pd.DataFrame(rows)


def _zipf(n: int, rng: np.random.Generator, size: int, power: float = 0.7) -> np.ndarray:
    """Indices 0..n-1 drawn with weights rank^-power (common names are common)."""
    weights = 1.0 / np.arange(1, n + 1) ** power
    return rng.choice(n, size=size, p=weights / weights.sum())


def _render(table: pd.DataFrame, index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A written form of each chosen name: Persian script (40%), a romanisation (20%) or the canonical (40%)."""
    persian = table["persian"].str.split("|").str[0].to_numpy()[index]
    canonical = table["canonical"].str.title().to_numpy()[index]
    variants = table["variants"].str.split().to_numpy()[index]
    draw = rng.random(len(index))
    out = np.where(draw < 0.4, persian, canonical).astype(object)
    for i in np.flatnonzero(draw > 0.8):
        if variants[i]:
            out[i] = variants[i][rng.integers(len(variants[i]))].title()
    return out


def _typos(names: np.ndarray, rng: np.random.Generator, share: float = 0.04) -> np.ndarray:
    """Swap two neighbouring letters or drop one in a share of the names."""
    names = names.copy()
    for i in np.flatnonzero(rng.random(len(names)) < share):
        word = names[i]
        if len(word) > 3:
            j = int(rng.integers(1, len(word) - 1))
            names[i] = word[:j] + word[j + 1:] if rng.random() < 0.5 else word[:j - 1] + word[j] + word[j - 1] + \
                word[j + 1:]
    return names


def synthetic_records(n_records: int, seed: int) -> pd.DataFrame:
    """N records of about N/1.8 true persons, with linkage input columns and a `truth` column."""
    from tollbook.places import cities

    rng = np.random.default_rng(seed)
    given, family, places = _names("given"), _family_names(), cities()
    n_persons = int(n_records / 1.8)
    person = np.sort(np.concatenate([np.arange(n_persons), rng.integers(0, n_persons, n_records - n_persons)]))
    g, f, fa = (_zipf(len(t), rng, n_persons) for t in (given, family, given))
    population = np.array([c.population or 1000 for c in places], dtype=float)
    city = rng.choice(len(places), size=n_persons, p=population / population.sum())
    age, day = rng.integers(12, 70, n_persons), rng.integers(0, 30, n_persons)
    frame = pd.DataFrame({"unique_id": np.arange(n_records).astype(str), "truth": person,
                          "source": rng.choice(["network", "ngo", "media", "verified"], n_records)})
    frame["given_name"] = _typos(_render(given, g[person], rng), rng)
    frame["family_name"] = _typos(_render(family, f[person], rng), rng)
    swap = rng.random(n_records) < 0.03
    frame.loc[swap, ["given_name", "family_name"]] = frame.loc[swap, ["family_name", "given_name"]].to_numpy()
    frame["father_name"] = np.where(rng.random(n_records) < 0.5, None, _render(given, fa[person], rng))
    frame["sex"] = np.where(given["sex"].to_numpy()[g[person]] == "f", "female", "male")
    frame["age"] = pd.array(age[person] + rng.choice([0, 0, 0, 0, 1, -1], n_records), dtype="Int64")
    frame.loc[rng.random(n_records) < 0.2, "age"] = pd.NA
    dates = START + day[person] + rng.choice([0, 0, 0, 0, 0, 1, -1], n_records)
    frame["date_of_death"] = pd.Series(dates.astype("datetime64[ns]")).where(rng.random(n_records) > 0.05)
    frame["date_precision"] = "day"
    frame["province_code"] = [places[i].province_code for i in city[person]]
    frame["city_code"] = pd.Series([places[i].id for i in city[person]]).where(rng.random(n_records) > 0.1)
    return frame


def pair_counts(found: pd.Series, truth: pd.Series) -> tuple[int, int, int]:
    """(found pairs, true pairs, pairs both found and true), from cluster labels without listing pairs."""
    def pairs(sizes: pd.Series) -> int:
        return int((sizes * (sizes - 1) // 2).sum())

    both = pd.DataFrame({"f": found.to_numpy(), "t": truth.to_numpy()})
    return (pairs(both.groupby("f").size()), pairs(both.groupby("t").size()),
            pairs(both.groupby(["f", "t"]).size()))


def quality(found: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of clusters against the truth."""
    n_found, n_true, hits = pair_counts(found, truth)
    precision, recall = hits / max(n_found, 1), hits / max(n_true, 1)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if hits else 0.0}


def run_tollbook(records: pd.DataFrame, seed: int) -> dict[str, float]:
    """Tollbook's full linkage step (keys, training, scoring, clustering) on the records."""
    from tollbook.link.api import link_frame

    started = time.perf_counter()
    result = link_frame(records.drop(columns=["truth"]), seed=seed,
                        progress=lambda m: print(f"  [{time.perf_counter() - started:6.1f} s] {m}", flush=True))
    labels = records["unique_id"].map(result.assignment)
    return {"seconds": result.seconds["total"], "comparisons": result.comparisons, "persons": result.clusters,
            **quality(labels, records["truth"])}


def run_plain_splink(records: pd.DataFrame, seed: int) -> dict[str, float]:
    """Splink as a new user would set it up, with tight blocking, on the same records."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    table = records.drop(columns=["truth", "date_precision"]).copy()
    for column in ("given_name", "family_name", "father_name"):
        table[column] = table[column].str.lower()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("given_name"), cl.NameComparison("family_name"),
                     cl.NameComparison("father_name"), cl.ExactMatch("age"), cl.ExactMatch("date_of_death"),
                     cl.ExactMatch("city_code"), cl.ExactMatch("sex")],
        blocking_rules_to_generate_predictions=[block_on("given_name", "family_name"),
                                                block_on("family_name", "date_of_death", "city_code")])
    api = DuckDBAPI(connection=duckdb.connect(":memory:"))
    linker = Linker(api.register(table), settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in settings.blocking_rules_to_generate_predictions:  # looser EM blocks exhaust memory at 1M
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    compared = linker.misc.query_sql(f"select count(*) as n from {predictions.physical_name}", "pandas")["n"][0]
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    labels = records["unique_id"].map(dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True)))
    return {"seconds": seconds, "comparisons": int(compared), "persons": int(clusters["cluster_id"].nunique()),
            **quality(labels, records["truth"])}


def one(engine: str, size: int, seed: int) -> None:
    """Child process: generate, link with one engine, print a JSON line with figures and peak memory."""
    records = synthetic_records(size, seed)
    print(f"  {size:,} records of {records['truth'].nunique():,} true persons generated", flush=True)
    figures = (run_tollbook if engine == "tollbook" else run_plain_splink)(records, seed)
    figures["peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    figures["true_persons"] = int(records["truth"].nunique())
    print("RESULT " + json.dumps(figures), flush=True)


def measure(engine: str, size: int, seed: int) -> dict[str, float]:
    """Run one configuration in a fresh process (so peak memory is its own) and read its figures."""
    command = [sys.executable, __file__, "--one", engine, "--sizes", str(size), "--seed", str(seed)]
    print(f"{engine}, {size:,} records:", flush=True)
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in process.stdout.splitlines():
        if not line.startswith("RESULT "):
            print(line, flush=True)
    results = [json.loads(line[7:]) for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if not results:
        print(f"  {engine} at {size:,} failed: {process.stderr[-1500:]}", flush=True)
        return {}
    print(f"  {results[0]}", flush=True)
    return results[0]


def main() -> None:
    """Measure each size with both engines and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", choices=["tollbook", "splink"], help=argparse.SUPPRESS)
    parser.add_argument("--engines", nargs="+", default=["tollbook", "splink"])
    args = parser.parse_args()
    if args.one:
        one(args.one, args.sizes[0], args.seed)
        return
    rows = []
    for size in args.sizes:
        for engine in args.engines:
            r = measure(engine, size, args.seed)
            if not r:
                rows.append((f"{size:,}", engine, "failed", "", "", "", "", "", "", ""))
                continue
            rows.append((f"{size:,}", engine, f"{r['seconds']:.1f}", f"{r['peak_gib']:.2f}", f"{r['comparisons']:,}",
                         f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['f1']:.4f}", f"{r['persons']:,}",
                         f"{r['true_persons']:,}"))
    print_table("Linkage at scale (dedupe, DuckDB, whole step incl. keys and training)",
                ("records", "engine", "seconds", "peak GiB", "pairs compared", "precision", "recall", "F1", "persons",
                 "true persons"), rows,
                ("splink", "duckdb"))


if __name__ == "__main__":
    main()
