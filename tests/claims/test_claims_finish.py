"""claims add with Solar Hijri dates and place names; supersede and annotate; duplicate claims point to them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tollbook.cli import app

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db])
    return result.exit_code, result.output


@pytest.fixture
def ledger(db_url: str) -> str:
    assert run(db_url, "init")[0] == 0
    return db_url


def test_add_reads_solar_hijri_dates_and_place_names(ledger: str) -> None:
    code, out = run(ledger, "claims", "add", "--source", "NCRI", "--date", "۱۳ آذر ۱۳۹۸", "--metric", "killed",
                    "--value", "1000", "--qualifier", "more_than", "--area", "تهران", "--json")
    assert code == 0, out
    row = json.loads(out)
    assert (row["date_stated"], row["scope_area"]) == ("2019-12-04", "IR-23")
    code, out = run(ledger, "claims", "add", "--source", "X", "--date", "Azar 1398", "--metric", "killed",
                    "--value", "1")
    assert code == 1 and "not a day" in out
    code, out = run(ledger, "claims", "add", "--source", "X", "--date", "2019-12-04", "--metric", "killed",
                    "--value", "1", "--area", "Atlantis")
    assert code == 1 and "not IR nor an Iranian province" in out


def test_duplicate_points_to_annotate_and_supersede_which_work(ledger: str) -> None:
    args = ("claims", "add", "--source", "MEK", "--date", "2019-12-15", "--metric", "killed", "--value", "1500",
            "--qualifier", "more_than", "--key", "mek-1500")
    assert run(ledger, *args)[0] == 0
    code, out = run(ledger, *args[:-2])
    assert code == 1 and "tollbook claims annotate mek-1500" in out and "tollbook claims supersede mek-1500" in out
    code, out = run(ledger, "claims", "annotate", "mek-1500", "repeated by Reuters on 23 December")
    assert code == 0
    code, out = run(ledger, "claims", "supersede", "mek-1500", "--reason", "the statement said 'at least'",
                    "--qualifier", "at_least", "--json")
    assert code == 0, out
    new = json.loads(out)
    assert (new["qualifier"], new["value"], new["supersedes_id"] is not None) == ("at_least", 1500, True)
    listed = json.loads(run(ledger, "claims", "list", "--json")[1])
    everything = json.loads(run(ledger, "claims", "list", "--all", "--json")[1])
    assert [c["claim_key"] for c in listed] == [new["claim_key"]] and len(everything) == 2
    old = next(c for c in everything if c["claim_key"] == "mek-1500")
    assert old["qualifier"] == "more_than" and "repeated by Reuters" in old["annotations"][0]
    code, out = run(ledger, "claims", "supersede", "mek-1500", "--reason", "again", "--value", "1600")
    assert code == 1 and "already superseded" in out
    code, out = run(ledger, "claims", "supersede", new["claim_key"], "--reason", "no change")
    assert code == 1 and "exactly what" in out


def test_share_subset_is_validated(ledger: str) -> None:
    base = ("claims", "add", "--source", "Shamkhani", "--date", "2020-01-01", "--metric", "killed", "--share",
            "85", "--qualifier", "more_than", "--area", "IR-23")
    code, out = run(ledger, *base, "--subset", "role!=protester", "--json")
    assert code == 0 and json.loads(out)["subset"] == "role!=protester"
    code, out = run(ledger, *base, "--subset", "role!=rioter")
    assert code == 1 and "bystander" in out
