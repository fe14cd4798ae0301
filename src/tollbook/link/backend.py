"""The one place where the linkage engine is chosen: DuckDB (embedded, default) or Spark (optional extra).

A backend knows two things only: how to make Splink's database API, and how to hand it a pandas key table.
Everything else (settings, training, clustering) is the same on both.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tollbook.errors import TollbookError

DATE_KEYS = ("dod", "dod_from", "dod_to")  # key columns holding dates

BACKENDS = ("duckdb", "spark")


class BackendError(TollbookError):
    """A backend that was asked for cannot be used here."""


@dataclass
class Backend:
    """A Splink database API plus the way to register a pandas table with it."""

    name: str
    api: Any
    _spark: Any = field(default=None, repr=False)
    connection: Any = field(default=None, repr=False)  # DuckDB's connection (None on Spark)

    def register(self, frame: pd.DataFrame, table_name: str) -> Any:
        """Register the key table with the database API and return Splink's handle to it (on Spark replacing a
        previous linkage's table of that name: a session outlives one linkage)."""
        if self.name == "spark":
            self._spark.catalog.dropTempView(table_name)
            return self.api.register(_spark_frame(self._spark, frame), table_name=table_name)
        return self.api.register(frame, table_name=table_name)


def make_backend(name: str = "duckdb", threads: int | None = None) -> Backend:
    """A fresh backend by name: 'duckdb' (in memory) or 'spark' (local mode unless a session is active)."""
    if name == "duckdb":
        return _duckdb_backend(threads)
    if name == "spark":
        return _spark_backend()
    raise BackendError(f"unknown linkage backend {name!r}: use one of {', '.join(BACKENDS)}")


SPILL_PREFIX = "tollbook-duckdb-"
# DuckDB's own working memory; it spills to disk beyond (TOLLBOOK_DUCKDB_MEMORY_GIB). At 4 GiB a linkage of 1M
# realistic records peaked at 9.6 GiB, at 2 GiB at 7.8 GiB and no slower (docs/benchmarks.md).
DEFAULT_MEMORY_GIB = 2.0


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_spills(folder: str | None = None) -> list[str]:
    """Remove the DuckDB spill folders that runs killed before cleaning up left behind (their process is gone);
    returns the folders removed."""
    root = folder or tempfile.gettempdir()
    removed = []
    for name in os.listdir(root):
        if not name.startswith(SPILL_PREFIX):
            continue
        pid = name[len(SPILL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
            removed.append(name)
    return removed


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit: TOLLBOOK_DUCKDB_MEMORY_GIB, else DEFAULT_MEMORY_GIB or half the machine if less."""
    chosen = os.environ.get("TOLLBOOK_DUCKDB_MEMORY_GIB")
    if chosen:
        return f"{float(chosen):.2f}GB"
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{min(DEFAULT_MEMORY_GIB, total / 2):.2f}GB"


def _duckdb_backend(threads: int | None) -> Backend:
    """DuckDB in memory with a memory limit; `threads` caps its worker threads (None: DuckDB's own choice).
    It spills to a folder of its own named by the process id, so the next run can remove it if this one dies."""
    import duckdb
    from splink import DuckDBAPI

    remove_stale_spills()
    connection = duckdb.connect(":memory:")
    spill = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
    connection.execute(f"SET temp_directory = '{spill.replace(chr(39), chr(39) * 2)}'")  # SET takes no parameters
    connection.execute(f"SET memory_limit = '{duckdb_memory_limit()}'")
    weakref.finalize(connection, shutil.rmtree, spill, True)
    if threads:
        connection.execute(f"SET threads TO {int(threads)}")
    return Backend("duckdb", DuckDBAPI(connection=connection), connection=connection)


def spark_session() -> Any:
    """The active Spark session, or a small local one made for linkage."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise BackendError("the spark backend needs pyspark and Java 17 or later: install Tollbook's spark extra "
                           "or run `pip install pyspark`") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    from splink.backends.spark import similarity_jar_location

    cores = os.environ.get("TOLLBOOK_SPARK_CORES", "2")
    return (SparkSession.builder.master(f"local[{cores}]").appName("tollbook-link")
            .config("spark.jars", similarity_jar_location())  # Splink's Jaro-Winkler and friends
            .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "4")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate())


def _spark_backend() -> Backend:
    """Splink's Spark API on the active or a local session: a local session keeps intermediate tables in memory,
    a cluster writes them under the checkpoint directory (a temporary one when none is set)."""
    session = spark_session()
    from splink import SparkAPI

    context = session.sparkContext
    if context.getCheckpointDir() is None:
        context.setCheckpointDir(tempfile.mkdtemp(prefix="tollbook-spark-"))
    lineage = "persist" if context.master.startswith("local") else None
    return Backend("spark", SparkAPI(spark_session=session, break_lineage_method=lineage), session)


def _spark_frame(session: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame of a pandas table with an explicit schema (nullable ints and dates survive; integer
    columns, such as record ids as ranks, stay integers)."""
    from pyspark.sql import types as T

    numbers = [c for c in frame.columns if c == "age" or pd.api.types.is_integer_dtype(frame[c])]
    kinds = dict.fromkeys(numbers, T.LongType()) | dict.fromkeys(DATE_KEYS, T.DateType())
    schema = T.StructType([T.StructField(c, kinds.get(c, T.StringType()), True) for c in frame.columns])
    rows = [tuple(_spark_value(kinds.get(c), v) for c, v in zip(frame.columns, row, strict=True))
            for row in frame.itertuples(index=False, name=None)]
    return session.createDataFrame(rows, schema=schema)


def _spark_value(kind: Any, value: Any) -> Any:
    """One cell as the plain Python value Spark expects for its column's kind (None: text)."""
    from pyspark.sql import types as T

    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(kind, T.DateType):
        return value.date() if isinstance(value, pd.Timestamp | dt.datetime) else value
    if isinstance(kind, T.LongType):
        return int(value)
    return str(value)
