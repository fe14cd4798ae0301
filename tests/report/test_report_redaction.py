"""The redaction policy: confidential fields cannot be asked for; coarsening is as the policy says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tollbook.errors import TollbookError
from tollbook.report.redaction import age_band, coarse_date, load_policy


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy() -> None:
    policy = load_policy()
    assert policy.rule("father_name") == "drop" and policy.rule("age") == "band"
    assert policy.rule("place") == "city" and "field_collector" in policy.hidden_kinds


@pytest.mark.parametrize("key", ["notes", "place_detail", "contact", "witness", "captured_by", "evidence_refs",
                                 "raw", "created_by", "collector_key"])
def test_a_policy_cannot_ask_for_a_confidential_field(tmp_path: Path, key: str) -> None:
    with pytest.raises(TollbookError, match=rf"{key}.*confidential.*never exported"):
        load_policy(write(tmp_path, f'[fields]\n{key} = "keep"\n'))


@pytest.mark.parametrize(("text", "message"), [
    ('[fields]\nshoe_size = "keep"\n', "unknown field 'shoe_size'"),
    ('[fields]\nage = "decade"\n', "age = 'decade': use one of keep, band, drop"),
    ("[age]\nbands = [18, 0]\n", "increasing whole numbers"),
    ("[fields\n", "not valid TOML"),
])
def test_bad_policies_are_one_line_errors_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TollbookError, match="policy.toml") as caught:
        load_policy(write(tmp_path, text))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(TollbookError, match="cannot read policy"):
        load_policy(tmp_path / "nope.toml")


def test_age_bands() -> None:
    bands = (0, 12, 18, 25, 35, 50, 65)
    assert [age_band(a, bands) for a in (0, 11, 12, 17, 18, 24, 64, 65, 97, None)] == [
        "0-11", "0-11", "12-17", "12-17", "18-24", "18-24", "50-64", "65+", "65+", None]
    assert age_band(5, (10, 20)) is None


def test_dates_are_never_finer_than_the_source_gave() -> None:
    assert coarse_date("2019-11-16", "day") == "2019-11-16"
    assert coarse_date("2019-11-16", "month") == "2019-11"
    assert coarse_date("2019-11-16", "year") == "2019"
    assert coarse_date("2019-11-01", "day", precision="month") == "2019-11"
    assert coarse_date("2019-11-16", "drop") is None and coarse_date(None, "day") is None
