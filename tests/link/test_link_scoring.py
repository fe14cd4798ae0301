"""Scoring in two passes: every candidate pair as ids and scores only, then the kept pairs again with each
comparison's terms. The kept pairs, their scores and terms must equal what one full prediction gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link.api import DEFAULT_REVIEW_LOWER, link_frame
from tollbook.link.keys import build_keys
from tollbook.link.train import numbered, score
from tollbook.synth import realistic_lists


def test_record_ids_become_ranks_that_keep_the_order_of_the_text_ids() -> None:
    keys = pd.DataFrame({"unique_id": ["ngo-9", "ngo-10", "media-2", "شبکه-1", "Ngo-1"], "age": [1, 2, 3, 4, 5]})
    ranked, ids = numbered(keys)
    assert list(ids[ranked["unique_id"]]) == list(keys["unique_id"])
    assert list(ranked["age"]) == [1, 2, 3, 4, 5]
    for a in range(5):  # rank order is the text order, so a pair's smaller id stays on the left
        for b in range(5):
            assert (ranked["unique_id"][a] < ranked["unique_id"][b]) == (keys["unique_id"][a] < keys["unique_id"][b])


@pytest.mark.slow
def test_kept_pairs_carry_the_scores_and_terms_of_one_full_prediction() -> None:
    records = realistic_lists(1_500, 3).records.drop(columns=["truth"])
    result = link_frame(records)
    assert result.trained and len(result.pairs) > 100
    assert result.pairs["unique_id_l"].map(type).eq(str).all()
    assert (result.pairs["unique_id_l"] < result.pairs["unique_id_r"]).all()
    # the settled prior; low enough to hold every kept pair (the list-aware terms move pairs across the band)
    full = score(build_keys(records), 1e-9, model=result.model).pairs
    ours = result.pairs.set_index(["unique_id_l", "unique_id_r"]).sort_index()
    theirs = full.set_index(["unique_id_l", "unique_id_r"]).sort_index()
    assert (ours["match_probability"] >= DEFAULT_REVIEW_LOWER).all() and set(ours.index) <= set(theirs.index)
    theirs = theirs.loc[ours.index]
    splink_weight = ours["match_weight"] - ours["mw_lists"].astype(float) - ours["mw_competition"].astype(float)
    assert np.allclose(splink_weight, theirs["match_weight"], atol=1e-5)  # the list-aware terms are float32
    terms = [c for c in theirs.columns if c.startswith(("gamma_", "mw_"))]
    listed = ["gamma_lists", "mw_lists", "gamma_competition", "mw_competition"]
    assert len(terms) >= 14 and sorted(terms + listed) == sorted(c for c in ours.columns
                                                                 if c.startswith(("gamma_", "mw_")))
    for column in terms:
        assert (ours[column].to_numpy() == theirs[column].to_numpy()).all(), column


def test_spill_folders_of_dead_runs_go_and_a_finished_linkage_leaves_none(tmp_path) -> None:
    import gc
    import os
    import subprocess
    import sys
    import tempfile

    from tollbook.link.backend import SPILL_PREFIX, remove_stale_spills

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (tmp_path / f"{SPILL_PREFIX}{dead}-abc").mkdir()
    (tmp_path / f"{SPILL_PREFIX}{dead}-abc" / "duckdb_temp_block-1.block").write_bytes(b"x")
    (tmp_path / f"{SPILL_PREFIX}{os.getpid()}-def").mkdir()  # this process: alive
    (tmp_path / "unrelated").mkdir()
    assert remove_stale_spills(str(tmp_path)) == [f"{SPILL_PREFIX}{dead}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{SPILL_PREFIX}{os.getpid()}-def", "unrelated"]

    def ours() -> set[str]:
        return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith(f"{SPILL_PREFIX}{os.getpid()}-")}

    before = ours()
    messages: list[str] = []
    link_frame(realistic_lists(1_200, 4).records.drop(columns=["truth"]), progress=messages.append)
    gc.collect()
    assert ours() <= before  # the training and the scoring databases each removed their folder
    assert messages[0].startswith("building keys for") and any("scored at or above" in m for m in messages)
    assert messages[-1].startswith("clustering")
