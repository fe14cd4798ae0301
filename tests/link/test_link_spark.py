"""The same linkage on Splink's Spark backend (local mode) gives the same persons as on DuckDB.

Needs pyspark and Java. Outside CI a missing one skips the test with the reason; in CI (CI=true) it fails.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from tollbook.link import link_files

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _require_spark() -> None:
    """Skip (or, in CI, fail) when pyspark or a Java runtime is missing."""
    missing = [name for name, found in (("pyspark", importlib.util.find_spec("pyspark")),
                                        ("java", shutil.which("java"))) if not found]
    if not missing:
        return
    message = f"Spark backend test needs {' and '.join(missing)} (pip install .[spark]; a Java 17+ runtime)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def test_spark_gives_the_same_persons_as_duckdb(list_files: list[Path]) -> None:
    _require_spark()
    on_duckdb = link_files(list_files, threshold=0.9, backend="duckdb")
    on_spark = link_files(list_files, threshold=0.9, backend="spark")
    assert on_spark["person_id"].nunique() == on_duckdb["person_id"].nunique() > 1
    assert on_spark[["source", "record_id", "person_id"]].equals(on_duckdb[["source", "record_id", "person_id"]])


def test_spark_scores_the_same_pairs_with_split_and_residual_rules(monkeypatch) -> None:
    from test_link_blocking import namesakes_and_a_pair_without_province, small_budget

    from tollbook.link.api import link_frame

    _require_spark()
    small_budget(monkeypatch)
    frame = namesakes_and_a_pair_without_province()
    on_duckdb, on_spark = link_frame(frame, backend="duckdb"), link_frame(frame, backend="spark")
    pairs = [sorted(zip(r.pairs["unique_id_l"], r.pairs["unique_id_r"], strict=True)) for r in (on_duckdb, on_spark)]
    assert pairs[0] == pairs[1] and on_spark.comparisons == on_duckdb.comparisons
    assert on_spark.assignment == on_duckdb.assignment and on_spark.assignment["x"] == on_spark.assignment["y"]
