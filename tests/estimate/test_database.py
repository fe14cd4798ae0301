"""Estimates from the database: the pending-review warning with the range of persons it implies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from labelled_lists import import_labelled
from sqlalchemy import func, select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.estimate.database import load_run, pending_review, with_pending_review
from tollbook.link import decide, link_database, review_queue
from tollbook.model import Estimate, Person, Record
from tollbook.store import open_engine, session_scope


def _linked(tmp_path: Path, url: str, threshold: float = 0.999) -> int:
    """The hand-labelled linkage lists, imported one file per source and linked (by default with a strict
    threshold so that some pairs wait in the review queue); returns the persons the run formed."""
    engine, _ = import_labelled(tmp_path, url)
    with session_scope(engine) as session:
        formed = link_database(session, threshold=threshold, review_lower=min(0.5, threshold)).persons
    engine.dispose()
    return formed


def test_pending_pairs_give_the_range_of_persons(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    engine = open_engine(url)
    with session_scope(engine) as session:
        pending = pending_review(session)
        persons = session.scalar(select(func.count()).select_from(Person).where(Person.records.any()))
        assert pending is not None and pending.pairs >= 1
        assert pending.persons_now == persons
        assert persons - pending.pairs <= pending.persons_if_all_merged < persons
        for link in review_queue(session):  # every pair decided: nothing pending any more
            decide(session, link.record_a_id, link.record_b_id, "non_match", "reviewer")
        assert pending_review(session) is None
    engine.dispose()
    text = pending.warning()
    assert f"{pending.pairs:,} pairs await review" in text and "all merged / none merged" in text


def test_estimate_from_the_database_warns_of_pending_pairs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    result = CliRunner().invoke(app, ["estimate", "--method", "loglinear", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all("pending review" in row["warnings"][0] for row in rows)
    assert rows[0]["diagnostics"]["pending_review"]["pairs"] >= 1


def test_nothing_pending_changes_nothing() -> None:
    assert with_pending_review([], None) == []


def test_saved_runs_keep_their_draws_and_versions_and_combine(tmp_path: Path) -> None:
    """Two runs saved with their draws (compressed), read back as results, pooled by `estimate combine`."""
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    runner = CliRunner()
    run_ids = []
    for seed in ("1", "2"):
        result = runner.invoke(app, ["estimate", "--method", "dga", "--db", url, "--seed", seed, "--json"])
        assert result.exit_code == 0, result.output
        run_ids.append(result.stderr.split("saved as run ")[1].split()[0])
    engine = open_engine(url)
    with session_scope(engine) as session:
        (first,) = load_run(session, run_ids[0])
        (second,) = load_run(session, run_ids[1])
        stored = session.scalars(select(Estimate)).first()
        assert stored.draws is not None and len(stored.draws) < first.draws.nbytes  # compressed
        assert stored.result["versions"]["numpy"] == np.__version__ and "PCG64" in stored.result["versions"][
            "generator"]
    engine.dispose()
    assert len(first.draws) == 4000 and not np.array_equal(first.draws, second.draws)
    assert first.estimate == second.estimate  # dga's summary is exact; only its draws are random
    combined = runner.invoke(app, ["estimate", "combine", *run_ids, "--db", url, "--json"])
    assert combined.exit_code == 0, combined.output
    (row,) = json.loads(combined.stdout)
    assert row["settings"]["combined_from"] == run_ids and "verdata" in row["settings"]["combine_rule"]
    refused = runner.invoke(app, ["estimate", "combine", run_ids[0], "nope", "--db", url])
    assert refused.exit_code == 1 and "no saved estimates with run id 'nope'" in refused.output


def test_linkage_threshold_sensitivity_writes_nothing(tmp_path: Path) -> None:
    """Persons re-formed at other thresholds by the linkage engine, without touching the saved persons: the rows
    centre on the threshold the database was linked with, and there the same persons come back."""
    from tollbook.estimate.database import histories_at_threshold, histories_from_database
    from tollbook.estimate.sensitivity import linkage_rows, thresholds_around

    url = f"sqlite:///{tmp_path}/pending.db"
    formed = _linked(tmp_path, url)
    engine = open_engine(url)
    with session_scope(engine) as session:
        saved = histories_from_database(session, None)[None]
        persons_before = session.scalar(select(func.count()).select_from(Person))
        same = histories_at_threshold(session, 0.999)
        looser = histories_at_threshold(session, 0.5)
        assert same.observed == saved.observed and looser.observed <= same.observed
        rows = linkage_rows(session, seed=1, lcmcr={"burnin": 100, "samples": 50, "thinning": 1, "chains": 1})
        assert [r["threshold"] for r in rows] == list(thresholds_around(0.999)) == [0.99601, 0.999, 0.99975]
        assert [r["default"] for r in rows] == [False, True, False] and rows[1]["change"] == 0
        assert rows[1]["persons_formed"] == formed and "the saved run's" in rows[1]["value"]
        assert session.scalar(select(func.count()).select_from(Person)) == persons_before
        for link in review_queue(session):  # decided since the run: re-linking now merges them, and says so
            decide(session, link.record_a_id, link.record_b_id, "match", "reviewer")
        (now,) = linkage_rows(session, seed=1, lcmcr={"burnin": 100, "samples": 50, "thinning": 1, "chains": 1},
                              thresholds=(0.999,))
        assert now["persons_formed"] < formed and f"the saved run formed {formed:,}" in now["value"]
    engine.dispose()


def test_the_used_threshold_row_reproduces_the_link_runs_persons(tmp_path: Path) -> None:
    """Linked at the default threshold (0.15): rows at 0.0423, 0.15, 0.414 (2 match weight either side), the
    middle one forming exactly the persons `tollbook link` formed; a looser threshold never forms more."""
    from tollbook.estimate.sensitivity import linkage_rows

    url = f"sqlite:///{tmp_path}/default.db"
    formed = _linked(tmp_path, url, threshold=0.15)
    engine = open_engine(url)
    with session_scope(engine) as session:
        rows = linkage_rows(session, seed=1, lcmcr={"burnin": 100, "samples": 50, "thinning": 1, "chains": 1})
    engine.dispose()
    assert [r["threshold"] for r in rows] == [0.0423, 0.15, 0.414]
    assert rows[1]["default"] and rows[1]["persons_formed"] == rows[1]["persons_counted"] == formed
    assert rows[0]["persons_formed"] <= formed <= rows[2]["persons_formed"]
    assert f"0.15 (the saved run's; {formed:,} persons formed" in rows[1]["value"]


def test_linkage_uncertainty_draws_alternative_clusterings(tmp_path: Path) -> None:
    from tollbook.estimate.uncertainty import alternative_histories, linkage_uncertainty

    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    engine = open_engine(url)
    with session_scope(engine) as session:  # every queued pair set to 0.5
        owner = {record: person for record, person in session.execute(select(Record.id, Record.person_id))}
        queued = list(review_queue(session))
        for link in queued:
            link.match_probability = 0.5
        apart = sum(owner[link.record_a_id] != owner[link.record_b_id] for link in queued)
    assert apart >= 2
    with session_scope(engine) as session:
        pending = pending_review(session)
        counts = [h.observed for h in alternative_histories(session, 400, seed=3)]
        assert min(counts) == pending.persons_if_all_merged and max(counts) == pending.persons_now
        unmerged = counts.count(pending.persons_now) / len(counts)  # every pair left apart: 0.5 ** pairs
        expected = 0.5**apart
        assert abs(unmerged - expected) < 4 * (expected * (1 - expected) / 400) ** 0.5
        result = linkage_uncertainty(session, draws=4, seed=3,
                                     lcmcr={"burnin": 200, "samples": 100, "thinning": 1, "chains": 1})
    engine.dispose()
    assert result.model == "linkage uncertainty" and len(result.diagnostics["persons_per_draw"]) == 4
    assert result.lower <= result.estimate <= result.upper


def test_linkage_draws_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    result = CliRunner().invoke(app, ["estimate", "--db", url, "--linkage-draws", "3", "--burnin", "100",
                                      "--samples", "50", "--thinning", "1", "--chains", "1", "--seed", "4",
                                      "--no-save", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[-1]["model"] == "linkage uncertainty" and rows[-1]["settings"]["linkage_draws"] == 3


def _grouped(url: str) -> None:
    """Sources "network" and "ngo" declared one independence group below the app (as an edited database would)."""
    from tollbook.model import Source

    engine = open_engine(url)
    with session_scope(engine) as session:
        for source in session.scalars(select(Source).where(Source.name.in_(["network", "ngo"]))):
            source.independence_group = "one network"
    engine.dispose()


def test_sources_of_one_independence_group_are_merged_or_named(tmp_path: Path) -> None:
    """By default the group is one list and the merge is recorded; kept apart, every estimate names both sources
    and says the independence assumption is at risk (and the plain-language block repeats it)."""
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    _grouped(url)
    runner = CliRunner()
    merged = runner.invoke(app, ["estimate", "--method", "loglinear", "--db", url, "--no-save", "--json"])
    assert merged.exit_code == 0, merged.output
    rows = json.loads(merged.stdout)
    assert rows[0]["diagnostics"]["independence_groups_merged"] == {"one network": ["network", "ngo"]}
    assert not any("independence group ('one network')" in w for row in rows for w in row["warnings"])
    apart = runner.invoke(app, ["estimate", "--method", "loglinear", "--db", url, "--separate-groups", "--json"])
    assert apart.exit_code == 0, apart.output
    rows = json.loads(apart.stdout)
    warning = "lists network and ngo are sources of one independence group ('one network')"
    assert all(any(w.startswith(warning) and "assumption" in w and "at risk" in w for w in row["warnings"])
               for row in rows)
    assert all(any(warning in line for line in row["plain_language"]) for row in rows)
    shown = runner.invoke(app, ["estimate", "--method", "loglinear", "--db", url, "--separate-groups", "--no-save"])
    assert warning in " ".join(shown.stdout.split())
    refused = runner.invoke(app, ["estimate", "--db", url, "--group", "g=a,b"])
    assert refused.exit_code == 1 and "--group is for --patterns" in refused.output


def test_sensitivity_and_list_dependence_are_saved_with_the_estimate(tmp_path: Path) -> None:
    """`estimate --sensitivity` from the database stores the table it prints with every saved result."""
    url = f"sqlite:///{tmp_path}/pending.db"
    _linked(tmp_path, url)
    result = CliRunner().invoke(app, ["estimate", "--db", url, "--sensitivity", "--burnin", "100", "--samples", "50",
                                      "--thinning", "1", "--chains", "1", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout[result.stdout.index('{\n  "sensitivity"'):])["sensitivity"]
    run_id = result.stderr.split("saved as run ")[1].split()[0]
    engine = open_engine(url)
    with session_scope(engine) as session:
        (saved,) = load_run(session, run_id)
        stored = session.scalars(select(Estimate).where(Estimate.run_id == run_id)).one().result
    engine.dispose()
    assert saved.diagnostics["sensitivity"] == printed == stored["diagnostics"]["sensitivity"]
    assert {r["choice"] for r in printed} == {"LCMCR K", "LCMCR alpha prior", "dga delta", "linkage threshold"}
    assert set(printed[0]) == {"choice", "value", "method", "estimate", "lower", "upper", "converged", "change",
                               "default"}
    pairs = stored["diagnostics"]["list_dependence"]
    assert len(pairs) == 3 and {"odds_ratio", "lower", "upper", "both"} <= set(pairs[0])
    assert len(stored["diagnostics"]["posterior_predictive"]) == 3 + 3
