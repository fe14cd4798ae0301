"""A team's places.toml: spellings and places added without touching code, every entry checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.places import resolve_city, resolve_province
from tollbook.places.extra import PlacesFileError
from tollbook.places.gazetteer import reset_places, use_places_file

PLACES = """
[[province]]
name = "Khuzestan"
variants = ["Arabistan"]

[[city]]
name = "Mahshahr"
province = "خوزستان"
variants = ["Bandar Mashahr"]

[[city]]
name = "Kuy-e Nasr"
name_fa = "کوی نصر"
province = "Tehran"
"""


@pytest.fixture
def places(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "places.toml"
    path.write_text(PLACES, encoding="utf-8")
    yield path
    reset_places()


def test_spellings_and_new_places_resolve(places: Path) -> None:
    assert resolve_province("Arabistan") is None and resolve_city("Kuy-e Nasr").status == "unknown"
    use_places_file(places)
    assert resolve_province("Arabistan").code == "IR-06"
    match = resolve_city("Bandar Mashahr", province_hint="Khuzestan")
    assert match.status == "ok" and match.city.name_en in ("Mahshahr", "Bandar-e Mahshahr")
    added = resolve_city("کوی نصر", province_hint="تهران")
    assert added.status == "ok" and added.city.province_code == "IR-23" and added.city.id.startswith("user:")
    reset_places()
    assert resolve_city("Kuy-e Nasr").status == "unknown"


def test_bad_entries_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    for text, says in (('[[city]]\nname = "X"\nprovince = "Atlantis"\n', "city.*number 1.*unknown province"),
                       ('[[city]]\nname = "X"\n', "needs province"),
                       ('[[city]]\nname = "X"\nprovince = "Fars"\ncolour = "red"\n', r"unknown key\(s\) \['colour'\]"),
                       ('[[town]]\nname = "X"\n', "unknown table")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PlacesFileError, match=says):
            use_places_file(path)
    reset_places()


def test_import_takes_a_places_file(places: Path, tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text("given_name,family_name,city,province\nAli,Rezaei,Kuy-e Nasr,Tehran\n", encoding="utf-8")
    without = CliRunner().invoke(app, ["inspect", str(listed), "--json"])
    assert "unknown city" in without.stdout
    result = CliRunner().invoke(app, ["inspect", str(listed), "--places", str(places), "--json"])
    assert result.exit_code == 0, result.output
    assert "unknown city" not in result.stdout and '"city_code": "user:' in result.stdout
