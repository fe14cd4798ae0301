"""`tollbook estimate` on a pattern-count CSV: table, JSON fields, settings checks and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tollbook.cli import app

runner = CliRunner()
KOSOVO = Path(__file__).parents[1] / "data" / "mse" / "kosovo_1999_lcmcr.csv"


def test_json_has_the_documented_fields() -> None:
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--method", "loglinear", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"method", "model", "estimate", "lower", "upper", "observed", "stratum", "settings"} <= rows[0].keys()
    mth_chao = next(row for row in rows if row["model"].startswith("Mth Chao"))
    assert round(mth_chao["estimate"]) == 8591 and mth_chao["observed"] == 4400


def test_lcmcr_with_sampler_settings_reports_convergence() -> None:
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--K", "5", "--burnin", "200", "--samples",
                                 "100", "--thinning", "2", "--seed", "3", "--chains", "2", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["method"] == "lcmcr" and row["settings"]["K"] == 5 and row["converged"] is False
    assert row["lower"] < row["estimate"] < row["upper"] and row["model"] is None


def test_stratified_csv_table(tmp_path: Path) -> None:
    path = tmp_path / "strata.csv"
    path.write_text("A,B,C,province,count\n1,0,0,x,30\n0,1,0,x,25\n0,0,1,x,20\n1,1,0,x,8\n1,0,1,x,6\n0,1,1,x,5\n"
                    "1,1,1,x,2\n1,0,0,y,40\n0,1,0,y,35\n0,0,1,y,30\n1,1,0,y,10\n1,0,1,y,9\n0,1,1,y,7\n1,1,1,y,3\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["estimate", "--patterns", str(path), "--by", "province", "--method", "dga"])
    assert result.exit_code == 0, result.output
    assert "x" in result.output and "y" in result.output and "dga" in result.output


def test_wrong_settings_are_one_line() -> None:
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--method", "loglinear", "--K", "5"])
    assert result.exit_code == 1 and "--K is a setting of --method lcmcr, not of loglinear" in result.output
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--method", "magic"])
    assert result.exit_code == 1 and "unknown method 'magic'" in result.output


def test_bad_pattern_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,-3\n", encoding="utf-8")
    result = runner.invoke(app, ["estimate", "--patterns", str(path), "--method", "loglinear"])
    assert result.exit_code == 1 and "bad.csv" in result.output and "Traceback" not in result.output


def test_database_with_one_list_is_one_clear_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/one.db"
    path = tmp_path / "only.csv"
    path.write_text("given_name,family_name,date_of_death\nAli,Rezaei,2019-11-16\nReza,Karimi,2019-11-17\n",
                    encoding="utf-8")
    for args in (["init"], ["import", str(path), "--source", "only"], ["link"]):
        assert runner.invoke(app, [*args, "--db", db]).exit_code == 0
    result = runner.invoke(app, ["estimate", "--method", "loglinear", "--db", db])
    assert result.exit_code == 1 and "list" in result.output and "Traceback" not in result.output


def test_plots_are_written_per_chain_and_quantity(tmp_path: Path) -> None:
    out = tmp_path / "plots"
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--burnin", "100", "--samples", "50",
                                 "--thinning", "1", "--chains", "2", "--seed", "1", "--plots", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in out.iterdir())
    assert files == ["lcmcr_all_N.svg", "lcmcr_all_alpha.svg", "lcmcr_all_occupied.svg"]
    assert (out / "lcmcr_all_N.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "R-hat" in result.output and "What it is" in result.output
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("keep me", encoding="utf-8")
    refused = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--plots", str(not_a_folder)])
    assert refused.exit_code == 1 and "not a folder" in refused.output
    assert not_a_folder.read_text(encoding="utf-8") == "keep me"


def test_sensitivity_table_varies_one_choice_at_a_time() -> None:
    result = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--sensitivity", "--burnin", "100",
                                 "--samples", "50", "--thinning", "1", "--chains", "1", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout[result.stdout.index('{\n  "sensitivity"'):])["sensitivity"]
    assert [r["value"] for r in rows if r["choice"] == "LCMCR K"] == ["5", "10", "20"]
    assert [r["default"] for r in rows if r["choice"] == "LCMCR alpha prior"] == [True, False, False]
    dga = {r["value"]: r for r in rows if r["choice"] == "dga delta"}
    assert dga["0.0625"]["estimate"] == 12_595 and dga["0.0625"]["change"] == 0  # dga's default 1/16 on Kosovo
    refused = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--sensitivity", "--by", "x"])
    assert refused.exit_code == 1


def test_declared_independence_group_is_merged_or_warned() -> None:
    """--group on a pattern file: merged into one list by default (3 lists left), or kept apart and named."""
    args = ["estimate", "--patterns", str(KOSOVO), "--method", "loglinear", "--group", "press=EXH,ABA", "--json"]
    merged = json.loads(runner.invoke(app, args).stdout)
    assert merged[0]["diagnostics"]["independence_groups_merged"] == {"press": ["EXH", "ABA"]}
    assert len(merged[0]["diagnostics"]["list_dependence"]) == 3  # press, OSCE, HRW
    apart = json.loads(runner.invoke(app, [*args, "--separate-groups"]).stdout)
    assert len(apart[0]["diagnostics"]["list_dependence"]) == 6
    assert apart[0]["warnings"][0].startswith("lists EXH and ABA are sources of one independence group ('press')")
    for bad, message in (("press=EXH", "NAME=LIST,LIST"), ("press=EXH,NOPE", "list 'NOPE' is not among")):
        refused = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--group", bad])
        assert refused.exit_code == 1 and message in refused.output


def test_groups_outside_the_estimate_are_not_named() -> None:
    from tollbook.estimate.dependence import with_groups
    from tollbook.estimate.result import EstimateResult

    result = EstimateResult("dga", None, 10.0, 9.0, 12.0, 8, None, {}, {}, "hash")
    groups = {"press": ["EXH", "ABA"], "elsewhere": ["X", "Y"]}
    (merged,) = with_groups([result], groups, ["press", "OSCE", "HRW"], merged=True)
    assert merged.diagnostics["independence_groups_merged"] == {"press": ["EXH", "ABA"]}
    (apart,) = with_groups([result], groups, ["EXH", "ABA", "OSCE"], merged=False)
    assert len(apart.warnings) == 1 and "EXH and ABA" in apart.warnings[0]


def test_loglinear_without_intervals_gives_the_same_estimates_and_no_interval() -> None:
    """--no-intervals: closedp.t's output (estimates, standard errors, fit statistics) without the profile
    searches; everything but the interval is as with them."""
    args = ["estimate", "--patterns", str(KOSOVO), "--method", "loglinear", "--seed", "5", "--json"]
    full, bare = (json.loads(runner.invoke(app, args + extra).stdout) for extra in ([], ["--no-intervals"]))
    assert [r["model"] for r in bare] == [r["model"] for r in full]
    for with_ci, without in zip(full, bare, strict=True):
        assert without["estimate"] == with_ci["estimate"]
        assert without["diagnostics"]["se"] == with_ci["diagnostics"]["se"]
        assert without["diagnostics"]["AIC"] == with_ci["diagnostics"]["AIC"]
        assert without["lower"] is None and without["upper"] is None
        assert without["diagnostics"]["interval_method"] == "none (not asked for)"
        assert with_ci["lower"] is None or with_ci["lower"] <= with_ci["estimate"]
    table = runner.invoke(app, args[:-1] + ["--no-intervals"])
    assert table.exit_code == 0 and "8,591" in table.stdout
    refused = runner.invoke(app, ["estimate", "--patterns", str(KOSOVO), "--no-intervals"])
    assert refused.exit_code != 0 and "--intervals is a setting of --method loglinear" in refused.output
