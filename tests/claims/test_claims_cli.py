"""`tollbook claims …` in process: the commands are thin over the library and each speaks JSON too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from conftest import EXAMPLE_CLAIMS
from sqlalchemy import Engine
from typer.testing import CliRunner

from tollbook.cli.claims import register


@pytest.fixture
def cli(engine: Engine) -> tuple[typer.Typer, str]:
    """An app holding only the claims commands, and the URL of a migrated database."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app, str(engine.url)


def run(cli: tuple[typer.Typer, str], *args: str) -> tuple[int, str]:
    """Exit code and output of one command on the test database."""
    app, url = cli
    result = CliRunner().invoke(app, ["claims", *args, "--db", url])
    return result.exit_code, result.output


def test_import_list_check_and_timeline_as_json(cli: tuple[typer.Typer, str], tmp_path: Path) -> None:
    code, out = run(cli, "import", str(EXAMPLE_CLAIMS), "--json")
    assert code == 0 and json.loads(out)["added"] == 36
    code, out = run(cli, "list", "--area", "IR-23", "--json")
    assert [row["claim_key"] for row in json.loads(out)] == [
        "2019-12-15-mek-killed-IR-23",
        "2020-01-01-shamkhani-killed-share-IR-23",
    ]
    estimates = tmp_path / "estimates.json"
    estimates.write_text(json.dumps([{"stratum": "IR-23", "estimate": 500, "lower": 420, "upper": 640}]))
    code, out = run(cli, "check", "--estimates", str(estimates), "--json")
    kinds = {f["kind"]: f for f in json.loads(out)}
    assert kinds["breakdown_short_of_total"]["numbers"]["difference"] == 50
    assert kinds["share_implied_counts"]["numbers"]["under:estimate"] == 425.0
    code, out = run(cli, "timeline", "--metric", "killed", "--area", "IR", "--json")
    assert [p["value"] for p in json.loads(out)["series"]["NCRI"]] == [200, 300, 750, 1000, 1500, 1500]
    code, out = run(cli, "timeline", "--from", "2019-11-16", "--to", "2019-11-17", "--json")
    series = json.loads(out)["series"]
    assert {source: [p["value"] for p in points] for source, points in series.items()} == {
        "Amnesty International": [220]
    }


def test_add_refuses_a_bad_claim_in_one_line_and_accepts_a_good_one(cli: tuple[typer.Typer, str]) -> None:
    code, out = run(
        cli, "add", "--source", "X", "--date", "2019-12-01", "--metric", "deaths", "--value", "-2"
    )
    assert code == 1 and "metric = 'deaths'" in out and "negative" in out
    code, out = run(
        cli,
        "add",
        "--source",
        "X",
        "--date",
        "2019-12-01",
        "--metric",
        "killed",
        "--value",
        "7",
        "--key",
        "x1",
        "--json",
    )
    assert code == 0 and json.loads(out)["claim_key"] == "x1"
    code, out = run(cli, "annotate", "x1", "checked against the list")
    assert code == 0 and "annotated claim x1" in out
    code, out = run(cli, "add", "--source", "X", "--date", "2019-12-01", "--metric", "killed", "--value", "7")
    assert code == 1 and "already in the ledger as 'x1'" in out


def test_import_with_a_bad_row_keeps_the_good_ones_and_exits_non_zero(
    cli: tuple[typer.Typer, str], tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("source,date_stated,metric,value\nA,2019-12-01,killed,5\nB,2019-12-01,killed,-5\n")
    code, out = run(cli, "import", str(path))
    assert code == 1 and "1 added" in out and "row(s) refused" in out
    code, out = run(cli, "list", "--json")
    assert [row["source"] for row in json.loads(out)] == ["A"]
