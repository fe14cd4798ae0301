"""Property: no random corruption of a sealed bundle imports, and none crashes: each is refused by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_fixtures import Keys, make_keys, sealed_bundle
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from tollbook.bundle import BundleRefused, import_bundle, open_bundle
from tollbook.evidence import EvidenceStore
from tollbook.keys import register_key
from tollbook.model import AuditEvent, Bundle, Record
from tollbook.store import migrate, open_engine, session_scope

Mutation = tuple[str, float, int, int]
mutations = st.lists(st.tuples(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite", "swap"]),
                               st.floats(0, 1, exclude_max=True), st.integers(1, 255), st.integers(1, 64)),
                     min_size=1, max_size=4)


def corrupt(data: bytes, steps: list[Mutation]) -> bytes:
    """Apply random damage: flipped bits, truncation, inserted, deleted, overwritten or swapped bytes."""
    out = bytearray(data)
    for kind, where, value, length in steps:
        at = int(where * len(out)) if out else 0
        if kind == "flip" and out:
            out[at] ^= value
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = bytes([value]) * length
        elif kind == "delete":
            del out[at:at + length]
        elif kind == "overwrite":
            out[at:at + length] = bytes([value]) * len(out[at:at + length])
        elif kind == "swap" and len(out) > at + 2 * length:
            out[at:at + 2 * length] = out[at + length:at + 2 * length] + out[at:at + length]
    return bytes(out)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Keys, bytes, Engine, Path]]:
    """Keys, one sealed bundle's bytes, and a SQLite database that knows both keys."""
    folder = tmp_path_factory.mktemp("property")
    keys = make_keys(folder / "keys")
    data = sealed_bundle(keys, folder).read_bytes()
    engine = open_engine(f"sqlite:///{folder}/db.sqlite")
    migrate(engine)
    with session_scope(engine) as session:
        register_key(session, keys.project.public())
        register_key(session, keys.collector.public())
    yield keys, data, engine, folder
    engine.dispose()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=mutations)
def test_corrupted_bundles_are_refused_never_crash(world, steps: list[Mutation]) -> None:
    keys, data, _, _ = world
    damaged = corrupt(data, steps)
    assume(damaged != data)
    trusted = {keys.collector.public().fingerprint: keys.collector.public().signing}
    with pytest.raises(BundleRefused):
        open_bundle(damaged, keys.project, trusted)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=mutations)
def test_corrupted_bundles_never_reach_the_database(world, steps: list[Mutation]) -> None:
    keys, data, engine, folder = world
    damaged = corrupt(data, steps)
    assume(damaged != data)
    path = folder / "damaged.tbundle"
    path.write_bytes(damaged)
    with pytest.raises(BundleRefused), session_scope(engine) as session:
        import_bundle(session, path, keys.project, EvidenceStore(folder / "evidence"))
    with session_scope(engine) as session:
        assert [session.scalar(select(func.count()).select_from(m)) for m in (Record, Bundle)] == [0, 0]
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 2  # the two key registrations
