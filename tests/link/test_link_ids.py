"""Record ids are unique as text: ids that differ only in type become one id once keyed, so link_frame refuses
them at the start and names them."""

from __future__ import annotations

import pandas as pd
import pytest

from tollbook.errors import TollbookError
from tollbook.link import link_frame
from tollbook.synth import realistic_lists


@pytest.mark.parametrize("first, second", [(0, "0"), (float("nan"), "nan"), (7, "7")])
def test_ids_that_are_one_id_as_text_are_refused_and_named(first: object, second: object) -> None:
    records = realistic_lists(40, 2).records.drop(columns=["truth"]).head(6)
    records["unique_id"] = pd.Series([first, second, "a", "b", "c", "d"], index=records.index, dtype=object)
    with pytest.raises(TollbookError, match="unique") as raised:
        link_frame(records)
    assert repr(first) in str(raised.value) and repr(second) in str(raised.value)
