"""The bundled Iran 2019 example, built end to end into one folder: `tollbook demo`.

Each stage calls the same library functions as the CLI: generate the synthetic lists, import them, import the
claims, link the records into persons, estimate the total by province, and check the claims against both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine

from tollbook.errors import TollbookError
from tollbook.status import database_status
from tollbook.store import migrate, open_engine, session_scope

TOTAL_NAMES = ("total", "all", None)
CLAIMS_FILE = Path(__file__).resolve().parent / "examples" / "data" / "iran2019_claims.csv"  # package data
NEXT_STEPS = """Next:
  source .venv/bin/activate           # if Tollbook was installed by `make demo`
  export TOLLBOOK_DB=sqlite:///{out}/tollbook.db
  tollbook status                     # what the database holds
  tollbook records list --limit 10    # the imported reports
  tollbook persons list               # linked persons; `tollbook persons show P-…` for one
  tollbook persons list --level verified --by cause   # the verified subset, as a report prints it
  tollbook evidence verify            # re-hash every stored evidence file
  tollbook review --reviewer NAME     # decide the uncertain pairs
  tollbook estimate --method all      # LCMCR, log-linear and dga on the linked persons
  tollbook claims timeline            # who said how many, when, against the documented count
  tollbook claims check               # findings on the claims
  tollbook audit verify               # the hash-chained audit log"""


@dataclass
class DemoSummary:
    """What the demo built, and where."""

    out: Path
    database_url: str
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    report: Path | None = None

    def render(self) -> str:
        """A short human summary ending with what to run next."""
        lines = [f"Demo built in {self.out}/ (SYNTHETIC example data, not real victims)"]
        lines += [f"  - {step}" for step in self.steps]
        lines += ["", "Database:"] + [f"  {key}: {value:,}" for key, value in self.counts.items()]
        lines += ["", NEXT_STEPS.format(out=self.out)]
        return "\n".join(lines + ([f"\nReport: {self.report}"] if self.report else []))


Stage = Callable[[Engine, Path, "DemoSummary"], None]


def stage_lists(total: int, seed: int) -> Stage:
    """Generate the four synthetic lists and import each into its source."""
    def run(engine: Engine, out: Path, summary: DemoSummary) -> None:
        from tollbook.examples.iran2019 import generate
        from tollbook.ingest import import_file, load_mapping
        from tollbook.text.days import full_day

        example = generate(out / "lists", total=total, seed=seed)
        for item in example.list_files():
            mapping = load_mapping(item.mapping) if item.mapping else None
            reported_on = full_day(item.reported_on) if item.reported_on else None
            with session_scope(engine) as session:
                report = import_file(session, item.path, item.source, mapping, actor="demo", source_kind=item.kind,
                                     reported_on=reported_on)
            summary.steps.append(f"imported {item.path.name} into {item.source!r}: {report.imported} records, "
                                 f"{report.failed} bad rows reported, {len(report.warnings)} warnings")
    return run


def stage_claims(engine: Engine, out: Path, summary: DemoSummary) -> None:
    """Import the claims the two articles report."""
    from tollbook.claims.importer import import_claims

    if not CLAIMS_FILE.is_file():
        raise TollbookError(f"the example's claims file is missing at {CLAIMS_FILE}: reinstall Tollbook")
    with session_scope(engine) as session:
        report = import_claims(session, CLAIMS_FILE, actor="demo")
    summary.steps.append(f"imported {len(report.added)} claims from {CLAIMS_FILE.name} "
                         f"({len(report.unchanged)} already present)")


def stage_link(engine: Engine, out: Path, summary: DemoSummary) -> None:
    """Link the imported records into persons and save the trained model beside the database."""
    from tollbook.link import link_database

    with session_scope(engine) as session:
        run = link_database(session, actor="demo")
    (out / "link-model.json").write_text(json.dumps(run.model, indent=2, ensure_ascii=False), encoding="utf-8")
    summary.steps.append(f"linked {run.records:,} records into {run.persons:,} persons "
                         f"({run.review_queue} pairs queued for review; model in link-model.json)")


def stage_evidence(engine: Engine, out: Path, summary: DemoSummary) -> None:
    """Attach the verified list's evidence files to its records and grade their persons verified."""
    from tollbook.evidence import subset_table
    from tollbook.examples._iran2019_verify import attach_and_verify

    with session_scope(engine) as session:
        items, verified, table = attach_and_verify(session, out / "lists", f"sqlite:///{out / 'tollbook.db'}")
        most = subset_table(session, "verified", "date")["busiest"] or {}
    causes = ", ".join(f"{row['persons']} {row['cause']}" for row in table["rows"])
    summary.steps.append(f"attached {items} evidence files to the verified list's records and graded {verified} "
                         f"persons verified (`tollbook persons list --level verified --by cause`: {causes}; "
                         f"{most.get('persons', 0)} of {verified} on {most.get('from')} to {most.get('to')})")


def stage_estimate(seed: int) -> Stage:
    """Estimate the total by province with LCMCR (several chains; thin provinces pooled) and save the results."""
    def run(engine: Engine, out: Path, summary: DemoSummary) -> None:
        from tollbook.estimate import estimate
        from tollbook.estimate.database import documented_histories, save_results, with_left_out

        with session_scope(engine) as session:
            histories, left_out = documented_histories(session, by="province")
            results = with_left_out(estimate(histories, "lcmcr", seed=seed, pool=True), left_out)
            save_results(session, results, "province", actor="demo")
        rows = [result.to_dict() for result in results]
        (out / "estimates.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
        total = next(r for r in rows if r["stratum"] in TOTAL_NAMES)
        flag = "" if total["converged"] else " (NOT converged: see estimates.json)"
        left_out = total["diagnostics"].get("observed_left_out", 0)
        flag += f" ({left_out} documented in strata left out)" if left_out else ""
        summary.steps.append(f"estimated the total with LCMCR by province: {total['estimate']:,.0f} "
                             f"(95% {total['lower']:,.0f}–{total['upper']:,.0f}) from {total['observed']:,} "
                             f"documented{flag}; results in estimates.json")
    return run


def stage_checks(engine: Engine, out: Path, summary: DemoSummary) -> None:
    """Run the claims checks against the documented list and the estimate."""
    from tollbook.claims import run_checks
    from tollbook.estimate.database import saved_estimates

    with session_scope(engine) as session:
        findings = run_checks(session, saved_estimates(session))
    summary.steps.append(f"checked the claims: {len(findings)} findings (`tollbook claims check`)")
    for finding in findings:
        if finding.kind in ("share_implied_counts", "share_vs_documented"):
            summary.steps.append(f"{finding.kind}: {finding.message}")


def stage_report(engine: Engine, out: Path, summary: DemoSummary) -> None:
    """Write the example's report, in English and Persian, to OUT/report/index.html."""
    from tollbook.report import build_report

    with session_scope(engine) as session:
        files = build_report(session, out / "report", note="SYNTHETIC example data: not real victims. "
                                                           "(داده‌های نمونهٔ ساختگی؛ قربانیان واقعی نیستند)")
    summary.report = files.index
    summary.steps.append(f"wrote the report ({len(files.data.book)} traceable numbers, English and Persian) "
                         f"in {files.seconds['total']:.1f} s")


def build_demo(out: Path, total: int = 1500, seed: int = 2019, console: Console | None = None) -> DemoSummary:
    """Create OUT/tollbook.db, build the example into it and return a summary; never blocks on a server."""
    console = console or Console(quiet=True)
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("tollbook.db", "tollbook.db-wal", "tollbook.db-shm"):  # the demo's own database, rebuilt
        (out / stale).unlink(missing_ok=True)
    url = f"sqlite:///{out / 'tollbook.db'}"
    engine = open_engine(url)
    summary = DemoSummary(out=out, database_url=url)
    try:
        migrate(engine)
        stages = [("lists", stage_lists(total, seed)), ("claims", stage_claims), ("link", stage_link),
                  ("evidence", stage_evidence), ("estimate", stage_estimate(seed)), ("checks", stage_checks),
                  ("report", stage_report)]
        for name, stage in stages:
            with console.status(f"demo: {name}"):
                stage(engine, out, summary)
        with session_scope(engine) as session:
            summary.counts = database_status(session)
    finally:
        engine.dispose()
    return summary
