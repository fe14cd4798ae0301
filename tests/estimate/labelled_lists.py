"""Shared set-up for estimates from the database: the hand-labelled linkage lists imported one file per source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from tollbook.ingest import import_file
from tollbook.store import migrate, open_engine, session_scope

LABELLED = Path(__file__).parents[1] / "data" / "link" / "labelled.csv"


def import_labelled(folder: Path, url: str,
                    adjust: Callable[[pd.DataFrame], None] | None = None) -> tuple[Engine, pd.DataFrame]:
    """The labelled lists, `adjust`ed first if given, imported into a migrated database at `url` (one CSV per
    source written under `folder`); returns the engine and the rows as imported."""
    engine = open_engine(url)
    migrate(engine)
    rows = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    if adjust is not None:
        adjust(rows)
    with session_scope(engine) as session:
        for source, part in rows.groupby("source"):
            path = folder / f"{source}.csv"
            part.drop(columns=["source", "truth"]).to_csv(path, index=False)
            import_file(session, path, source)
    return engine, rows
