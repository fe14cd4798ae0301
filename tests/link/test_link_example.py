"""The trained model on the synthetic Iran 2019 example: reproducible, and close to the truth its generator writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from link_fixtures import true_pairs
from sqlalchemy import select

from tollbook.examples.iran2019 import FILES, MAPPING_FILE, SOURCE_KINDS, generate
from tollbook.ingest import import_file, load_mapping
from tollbook.link import link_database
from tollbook.model import Person, Record, Source
from tollbook.store import migrate, open_engine, session_scope

pytestmark = pytest.mark.slow


def _linked(tmp_path: Path, name: str) -> tuple[pd.DataFrame, dict]:
    """Import the example (total 1,000, seed 11) into a fresh database, link it, return records and the model."""
    out = tmp_path / "example"
    if not out.exists():
        generate(out, 1000, 11)
    engine = open_engine(f"sqlite:///{tmp_path}/{name}.db")
    migrate(engine)
    with session_scope(engine) as session:
        for source, file in FILES.items():
            mapping = load_mapping(out / MAPPING_FILE) if source == "media" else None
            import_file(session, out / file, source, mapping=mapping, source_kind=SOURCE_KINDS[source])
        run = link_database(session)
        rows = session.execute(select(Source.name, Record.source_record_id, Person.public_id)
                               .join(Source, Source.id == Record.source_id)
                               .join(Person, Person.id == Record.person_id)).all()
    engine.dispose()
    truth = pd.read_csv(out / "truth.csv", dtype=str).set_index(["source", "record_id"])["person_id"]
    frame = pd.DataFrame(rows, columns=["source", "record_id", "person"])
    frame["truth"] = [truth[(s, r)] for s, r in zip(frame["source"], frame["record_id"], strict=True)]
    assert run.trained
    return frame, run.model


def _parameters(model: dict) -> list[float]:
    """Every m and u of a saved model, in order, and the prior."""
    values = [model["probability_two_random_records_match"]]
    for comparison in model["comparisons"]:
        values += [level.get(k) or 0.0 for level in comparison["comparison_levels"]
                   for k in ("m_probability", "u_probability")]
    return values


def test_trained_linkage_is_reproducible_and_accurate(tmp_path: Path) -> None:
    first, model = _linked(tmp_path, "a")
    second, model_again = _linked(tmp_path, "b")
    assert _parameters(model) == pytest.approx(_parameters(model_again), rel=1e-9)  # DuckDB sums in parallel
    pd.testing.assert_frame_equal(first, second)
    key = first["source"] + ":" + first["record_id"]
    found, true = true_pairs(key, first["person"]), true_pairs(key, first["truth"])
    precision, recall = len(found & true) / len(found), len(found & true) / len(true)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert abs(first["person"].nunique() - first["truth"].nunique()) <= 0.02 * first["truth"].nunique()
