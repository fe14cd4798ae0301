"""Names keyed in chunks that whichever process is free claims, with other work done meanwhile, give the keys
one process gives; swap-free keys ranked by Python's sort are ranked as pandas ranked them."""

from __future__ import annotations

import os

import keys_oracle
import numpy as np
import pandas as pd
import pytest
from test_link_keys_oracle import HAND_WRITTEN

from tollbook.link import keys as keys_module
from tollbook.link.keys import build_keys, keyed_names, keyed_names_meanwhile, swap_free_key
from tollbook.synth import realistic_lists


@pytest.mark.parametrize("chunk", [1, 7, 10_000])
def test_names_keyed_in_claimed_chunks_are_the_keys_of_one_process(monkeypatch: pytest.MonkeyPatch,
                                                                     chunk: int) -> None:
    monkeypatch.setattr(keys_module, "CHUNK_NAMES", chunk)
    names = [name for name in dict.fromkeys(n.strip() for n in HAND_WRITTEN) if name]
    alone = {name: keys_module.name_keys(name) for name in names}
    for workers in (2, 3):
        keyed, done = keyed_names_meanwhile(names, workers, 0, lambda: "meanwhile")
        assert done == "meanwhile" and list(keyed) == names and keyed == alone
    assert keyed_names([], 2, least=0) == {}


def test_work_done_meanwhile_is_done_once_and_its_error_raised() -> None:
    calls: list[int] = []
    keyed_names_meanwhile(["Ali", "علی"], 2, 0, lambda: calls.append(1))
    assert calls == [1]

    def fails() -> None:
        raise RuntimeError("meanwhile failed")

    with pytest.raises(RuntimeError, match="meanwhile failed"):
        keyed_names_meanwhile(["Ali", "علی"], 2, 0, fails)
    assert keyed_names(["Ali"], 2, least=0) == {"Ali": keys_module.name_keys("Ali")}  # the lock was let go


def test_names_a_dying_worker_claimed_are_keyed_by_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies (killed for memory, say) leaves its chunks to this process: the same keys, no hang."""
    parent, name_keys = os.getpid(), keys_module.name_keys

    def dies_in_a_worker(name: str) -> tuple[str | None, str | None, str | None]:
        if os.getpid() != parent:
            os._exit(1)
        return name_keys(name)

    names = [name for name in dict.fromkeys(n.strip() for n in HAND_WRITTEN) if name]
    monkeypatch.setattr(keys_module, "CHUNK_NAMES", 3)
    monkeypatch.setattr(keys_module, "name_keys", dies_in_a_worker)
    assert keyed_names(names, 3, least=0) == {name: name_keys(name) for name in names}


def test_build_keys_calls_meanwhile_and_gives_the_keys_it_gave_before(monkeypatch: pytest.MonkeyPatch) -> None:
    records = realistic_lists(5_000, 11).records.drop(columns=["truth"])
    monkeypatch.setattr(keys_module, "POOL_NAMES", 0)
    monkeypatch.setattr(keys_module, "CHUNK_NAMES", 50)
    calls: list[int] = []
    new, old = build_keys(records, workers=2, meanwhile=lambda: calls.append(1)), keys_oracle.build_keys(records)
    assert calls == [1]
    for column in old.columns:
        assert new[column].tolist() == old[column].tolist() or new[column].equals(old[column]), column


def test_swap_free_keys_of_adversarial_text_are_ordered_as_pandas_ordered_them() -> None:
    rng = np.random.default_rng(5)
    texts = [*HAND_WRITTEN[:40], "😀", "𝔸", "e\u0301", "\u00e9", "Z", "a", None]
    given = pd.Series([texts[i] for i in rng.integers(len(texts), size=500)])
    family = pd.Series([texts[i] for i in rng.integers(len(texts), size=500)])
    assert swap_free_key(given, family).tolist() == keys_oracle.swap_free_key(given, family).tolist()


@pytest.mark.parametrize("family", [[1, "a", "c", "b", 2.5], [1, 2, 3, 4, 5]])
def test_swap_free_keys_are_text_and_numbers_raise(family: list[object]) -> None:
    with pytest.raises(TypeError):
        swap_free_key(pd.Series(["a", 3, None, 2.5, "b"]), pd.Series(family))
