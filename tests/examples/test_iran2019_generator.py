"""The synthetic Iran 2019 generator: deterministic, consistent with its manifest, calibrated."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import read_csv
from openpyxl import load_workbook

from tollbook.examples import _iran2019_people as people
from tollbook.examples._iran2019_data import PROVINCES
from tollbook.examples.iran2019 import FILES, GeneratedExample, generate

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "iran-2019"
GENERATED = ("network_fa.csv", "ngo_verified.xlsx", "media_export.json", "verified_cases.csv", "truth.csv",
             "truth_persons.csv", "MANIFEST.json", "media.mapping.toml")
# The 15 December 2019 breakdown (deadlock article in the sources): deaths per province of 1,500.
ARTICLE_PROVINCES = {"Tehran": 400, "Kermanshah": 320, "Fars": 270, "Khuzestan": 240, "Isfahan": 120,
                     "Alborz": 100}


NAME_COLUMNS = {"نام", "نام خانوادگی", "نام پدر", "First name", "Last name", "Father's name", "name.first",
                "name.last", "given_name", "family_name", "father_name", "given_name_fa", "family_name_fa"}
STRUCTURE_FILES = ("truth.csv", "MANIFEST.json", "media.mapping.toml")  # no names in them


def table(path: Path) -> list[dict[str, object]]:
    """The data rows of a list file as dicts by column (JSON records flattened to dotted names)."""
    if path.suffix == ".xlsx":
        rows = list(load_workbook(path)["Victims"].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    if path.suffix == ".json":
        return [flat(record) for record in json.loads(path.read_text(encoding="utf-8"))["records"]]
    return list(read_csv(path))


def flat(record: dict, prefix: str = "") -> dict[str, object]:
    """A nested JSON object with dotted names for its leaves."""
    out: dict[str, object] = {}
    for key, value in record.items():
        out |= flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value}
    return out


def data_rows(example: GeneratedExample, source: str) -> list[list[object]]:
    """The data rows of one list file as lists of cells, in column order."""
    return [list(row.values()) for row in table(example.files[source])]


def without_names(path: Path) -> list[dict[str, object]]:
    """A list file's rows with the name columns left out."""
    return [{k: v for k, v in row.items() if k not in NAME_COLUMNS} for row in table(path)]


def test_same_seed_gives_identical_bytes(example: GeneratedExample, tmp_path: Path) -> None:
    generate(tmp_path)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (example.out_dir / name).read_bytes(), name


def test_another_seed_gives_other_lists(example: GeneratedExample, tmp_path: Path) -> None:
    other = generate(tmp_path, seed=7)
    assert other.files["network"].read_bytes() != example.files["network"].read_bytes()


def test_other_name_data_changes_only_the_names(example: GeneratedExample, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits to the package's name data must not move rows, broken rows or any other field."""
    monkeypatch.setattr(people, "_read_names", people._fallback_names)
    other = generate(tmp_path)
    for name in STRUCTURE_FILES:
        assert (tmp_path / name).read_bytes() == (example.out_dir / name).read_bytes(), name
    for source, path in example.files.items():
        assert without_names(other.files[source]) == without_names(path), source
    assert table(other.files["network"]) != table(example.files["network"])


def test_committed_example_is_the_generators_output(example: GeneratedExample) -> None:
    """examples/iran-2019 cannot drift from the generator: everything but the names must match exactly.

    Names follow the package's name data; after an edit to it, regenerate with
    `python -m tollbook.examples.iran2019 examples/iran-2019`.
    """
    for name in STRUCTURE_FILES:
        assert (EXAMPLE_DIR / name).read_bytes() == (example.out_dir / name).read_bytes(), name
    for name in ("network_fa.csv", "ngo_verified.xlsx", "media_export.json", "verified_cases.csv",
                 "truth_persons.csv"):
        assert without_names(EXAMPLE_DIR / name) == without_names(example.out_dir / name), name


def test_row_counts_match_manifest_and_result(example: GeneratedExample, manifest: dict) -> None:
    for source, file_name in FILES.items():
        counted = len(data_rows(example, source))
        assert counted == example.rows[source] == manifest["files"][file_name]["rows"], source
        assert manifest["files"][file_name]["valid"] == example.expected_valid(source)


def test_list_sizes_are_realistic(example: GeneratedExample, manifest: dict) -> None:
    total = manifest["total"]
    persons = {source: manifest["files"][name]["persons"] for source, name in FILES.items()}
    assert 0.42 * total <= persons["network"] <= 0.60 * total  # the largest list, about half
    assert 250 <= persons["ngo"] <= 360  # about 304 verified by the organisation
    assert 40 <= persons["verified"] <= 90
    assert max(persons.values()) < manifest["documented_persons"] < total


def test_truth_names_every_row_once(example: GeneratedExample, persons: list[dict[str, str]]) -> None:
    truth = read_csv(example.truth)
    keys = [(row["source"], row["record_id"]) for row in truth]
    assert len(keys) == len(set(keys)) == sum(example.rows.values())
    for source in FILES:
        ids = {row[0] for row in data_rows(example, source)}
        assert ids == {record_id for s, record_id in keys if s == source}, source
    assert {row["person_id"] for row in truth} <= {p["person_id"] for p in persons}


def test_within_list_duplicates_are_few(manifest: dict) -> None:
    for name, entry in manifest["files"].items():
        assert 0 <= entry["duplicate_rows"] <= 8, name
    assert manifest["files"]["network_fa.csv"]["duplicate_rows"] > 0


def test_province_counts_follow_the_15_december_breakdown(persons: list[dict[str, str]]) -> None:
    counts = Counter(p["province"] for p in persons)
    for province, count in ARTICLE_PROVINCES.items():
        assert counts[province] == count * len(persons) // 1500, province
    assert sum(counts.values()) - sum(counts[p] for p in ARTICLE_PROVINCES) == 50


def test_province_shares_scale_with_total(tmp_path: Path) -> None:
    result = generate(tmp_path, total=600, seed=3)
    counts = Counter(p["province"] for p in read_csv(result.persons))
    assert counts["Tehran"] == 160 and counts["Kermanshah"] == 128 and counts["Alborz"] == 40


def test_most_deaths_on_16_and_17_november(example: GeneratedExample, persons: list[dict[str, str]]) -> None:
    true_share = sum(p["date_of_death"] in ("2019-11-16", "2019-11-17") for p in persons) / len(persons)
    assert true_share == pytest.approx(220 / 304, abs=0.04)
    media = json.loads(example.files["media"].read_text(encoding="utf-8"))["records"]
    dated = [r["died"] for r in media if r["died"]]
    media_share = sum(d in ("2019-11-16", "2019-11-17") for d in dated) / len(dated)
    assert media_share == pytest.approx(220 / 304, abs=0.08)


def test_nearly_all_shot_a_few_beaten_or_gassed(persons: list[dict[str, str]]) -> None:
    causes = Counter(p["cause"] for p in persons)
    assert (causes["gunshot_head"] + causes["gunshot_torso"]) / len(persons) > 0.85
    assert 0 < causes["beating"] + causes["tear_gas"] <= 0.03 * len(persons)


def test_mostly_young_men(persons: list[dict[str, str]]) -> None:
    assert sum(p["sex"] == "male" for p in persons) / len(persons) > 0.9
    assert sum(15 <= int(p["age"]) <= 45 for p in persons) / len(persons) > 0.75


def test_lists_overlap_with_correlated_chances(persons: list[dict[str, str]]) -> None:
    """More visible people are on more lists (the lists correlate through visibility); Tehran cases more so."""
    on = [set(p["lists"].split(";")) - {""} for p in persons]
    lists_per_class = {level: [len(x) for p, x in zip(persons, on, strict=True) if p["visibility"] == level]
                       for level in ("high", "mid", "low")}
    means = [sum(counts) / len(counts) for counts in lists_per_class.values()]
    assert means[0] > means[1] > means[2]
    tehran = [len(lists) for p, lists in zip(persons, on, strict=True) if p["province"] == "Tehran"]
    elsewhere = [len(lists) for p, lists in zip(persons, on, strict=True) if p["province"] != "Tehran"]
    assert sum(tehran) / len(tehran) > sum(elsewhere) / len(elsewhere)


def test_every_file_says_synthetic(example: GeneratedExample, manifest: dict) -> None:
    assert all("SYNTHETIC" in row["توضیحات"] for row in read_csv(example.files["network"]))
    assert all(row["notes"] == "SYNTHETIC" for row in read_csv(example.files["verified"]))
    book = load_workbook(example.files["ngo"])
    assert book["About"]["A1"].value == "SYNTHETIC"
    assert all("SYNTHETIC" in row[-1] for row in data_rows(example, "ngo"))
    media = json.loads(example.files["media"].read_text(encoding="utf-8"))
    assert media["synthetic"] is True and all("synthetic" in r["source_url"] for r in media["records"])
    assert manifest["synthetic"] is True and "SYNTHETIC" in example.mapping.read_text(encoding="utf-8")


def test_malformed_rows_are_where_the_manifest_says(example: GeneratedExample, manifest: dict) -> None:
    per_file = Counter(entry["file"] for entry in manifest["malformed"])
    assert all(3 <= per_file[name] <= 6 for name in FILES.values())
    rows = {source: data_rows(example, source) for source in FILES}
    for entry in manifest["malformed"]:
        row = rows[entry["source"]][entry["index"]]
        assert row[0] == entry["record_id"]
        assert entry["value"] in row or (entry["field"] == "name" and row[1] in ("", None)), entry


def test_rejects_a_total_too_small_for_four_lists(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 100"):
        generate(tmp_path, total=20)


def test_article_provinces_are_in_the_calibration_table() -> None:
    table = {p.en: p.count_at_1500 for p in PROVINCES}
    assert {name: table[name] for name in ARTICLE_PROVINCES} == ARTICLE_PROVINCES
    assert sum(table.values()) == 1500


def test_readme_tables_match_the_manifest() -> None:
    """The README's figures are the committed example's: row counts and every malformed row."""
    readme = (EXAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    committed = json.loads((EXAMPLE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    for name, entry in committed["files"].items():
        assert f"| {entry['rows']} | {entry['valid']} | {entry['persons']} |" in readme, name
    for entry in committed["malformed"]:
        assert f"| {entry['file']} | {entry['row']} | {entry['record_id']} | {entry['column']} |" in readme
    assert f"name {committed['documented_persons']:,} of the" in readme
