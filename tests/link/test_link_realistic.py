"""Linkage on realistic lists (tollbook.synth): the quality targets at 2,500 records, and namesakes kept apart."""

from __future__ import annotations

import pandas as pd
import pytest

from tollbook.link.api import link_frame
from tollbook.link.keys import records_frame
from tollbook.synth import realistic_lists
from tollbook.synth.evaluate import quality

pytestmark = pytest.mark.slow


def test_quality_targets_at_2500_records() -> None:
    records = realistic_lists(2_500, 1).records
    result = link_frame(records.drop(columns=["truth"]))
    found = quality(records["unique_id"].map(result.assignment), records["truth"])
    assert found.f1 >= 0.97
    assert abs(found.person_error) <= 0.03


def test_namesakes_with_different_fathers_ages_and_places_stay_apart() -> None:
    background = realistic_lists(2_000, 7).records.drop(columns=["truth"])
    namesakes = records_frame([
        {"unique_id": f"n{i}", "source": source, "given_name": "محمد", "family_name": "محمدی", "father_name": father,
         "sex": "male", "age": age, "date_of_death": "2019-11-16", "date_precision": "day",
         "province_code": province, "city_code": None}
        for i, (source, father, age, province) in enumerate([
            ("network", "علی", 19, "IR-23"), ("ngo", "Hossein", 41, "IR-10"), ("media", "رضا", 27, "IR-07"),
            ("verified", "Mehdi", 33, "IR-15")])])
    frame = pd.concat([background, namesakes], ignore_index=True)
    result = link_frame(frame)
    assert len({result.assignment[f"n{i}"] for i in range(4)}) == 4
