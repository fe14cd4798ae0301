"""Random streams: one root seed per run, an independent NumPy ``SeedSequence`` child per stratum and per chain.

Strata must not share a stream: summed draws of strata that saw the same random numbers line up rank for rank,
and the total's interval comes out far too wide. Each stratum's child is keyed by its name (not its position),
so a stratum keeps its stream when other strata are added or dropped, and a run is reproduced from the root
seed alone.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Seed", "seed_settings", "root_sequence", "stratum_sequence"]

Seed = int | np.random.SeedSequence | None


def root_sequence(seed: Seed) -> np.random.SeedSequence:
    """The run's root sequence: from the given seed, or fresh entropy (reported, so the run can be repeated)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (int(seed) != seed or seed < 0):
        raise ValueError(f"seed must be a whole number 0 or above; got {seed}")
    return np.random.SeedSequence(None if seed is None else int(seed))


def stratum_sequence(root: np.random.SeedSequence, stratum: str | None) -> np.random.SeedSequence:
    """The stratum's own child of ``root``: spawn key = root's key + four words of the name's SHA-256."""
    digest = hashlib.sha256(str(stratum).encode("utf-8")).digest()
    words = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *words))


def seed_settings(sequence: np.random.SeedSequence) -> dict:
    """The seed as settings: the root entropy and, for a stratum's child, its spawn key."""
    info: dict = {"seed": int(sequence.entropy)}
    if sequence.spawn_key:
        info["seed_stream"] = [int(word) for word in sequence.spawn_key]
    return info
