"""`tollbook estimate`: multiple systems estimation from a pattern-count CSV or the database's linked persons."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer

from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    handled_errors,
    open_session,
    print_json,
    print_table,
)
from tollbook.errors import TollbookError

METHOD_HELP = ("lcmcr (Bayesian latent classes), loglinear (Rcapture's closedp.t models), dga (graph averaging), "
               "search (minimum-BIC log-linear model, bootstrap interval), all")
FOR_METHOD = {"K": "lcmcr", "burnin": "lcmcr", "samples": "lcmcr", "thinning": "lcmcr", "chains": "lcmcr",
              "delta": "dga", "ordered": "loglinear", "intervals": "loglinear", "max_order": "search",
              "replicates": "search"}
OPTION = {"K": "--K", "max_order": "--max-order"}


estimate_app = typer.Typer(rich_markup_mode="rich")


@estimate_app.callback(invoke_without_command=True)
def estimate_command(
    ctx: typer.Context,
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "lcmcr",
    by: Annotated[str | None, typer.Option(help="Stratify by this column (e.g. province, period).")] = None,
    patterns: Annotated[Path | None, typer.Option(help="Pattern-count CSV (list columns, count) instead of --db.")]
    = None,
    k: Annotated[int | None, typer.Option("--K", help="LCMCR: maximum number of latent classes (default 10).")]
    = None,
    burnin: Annotated[int | None, typer.Option(help="LCMCR: burn-in iterations (default 10,000).")] = None,
    samples: Annotated[int | None, typer.Option(help="LCMCR: posterior samples kept (default 2,000).")] = None,
    thinning: Annotated[int | None, typer.Option(help="LCMCR: keep every n-th iteration (default 10).")] = None,
    seed: Annotated[int | None, typer.Option(help="Root random seed, for reproducible draws (each stratum gets "
                                             "its own independent stream from it).")] = None,
    chains: Annotated[int | None, typer.Option(help="LCMCR: chains run in parallel (default 4).")] = None,
    delta: Annotated[float | None, typer.Option(help="dga: hyper-Dirichlet parameter (default 1/2^lists).")] = None,
    max_order: Annotated[int | None, typer.Option(help="search: highest order of list interactions (default 3).")]
    = None,
    replicates: Annotated[int | None, typer.Option(help="search: bootstrap resamples for the interval (default "
                                                   "200; each redoes the model search).")] = None,
    ordered: Annotated[bool, typer.Option("--ordered", help="loglinear: the lists are capture occasions in time "
                                          "order, so the behavioural models Mb and Mbh apply.")] = False,
    intervals: Annotated[bool | None, typer.Option("--intervals/--no-intervals", help="loglinear: profile-"
                                                   "likelihood intervals (default); --no-intervals gives the "
                                                   "estimates and standard errors only, as closedp.t, faster.",
                                                   show_default=False)] = None,
    pool_thin: Annotated[bool, typer.Option("--pool-thin/--no-pool-thin", help="Merge strata too thin to estimate "
                                            "into one pooled stratum (default), so their people are estimated "
                                            "too; unpooled thin strata count in the total as documented only.")]
    = True,
    linkage_draws: Annotated[int, typer.Option(help="From --db: also estimate (LCMCR) on this many alternative "
                                               "clusterings drawn from the pending pairs' match probabilities, "
                                               "combined into one estimate.")] = 0,
    sensitivity: Annotated[bool, typer.Option("--sensitivity", help="Also re-estimate with K = 5, 10, 20, three "
                                              "alpha priors (LCMCR) and three dga deltas, and, from --db, at the "
                                              "saved linkage run's threshold and 2 match weight either side "
                                              "(re-linked, nothing written); print the table.")]
    = False,
    plots: Annotated[Path | None, typer.Option(help="LCMCR: write trace and density plots per chain (N, alpha, "
                                               "occupied classes) into this folder.")] = None,
    plot_format: Annotated[str, typer.Option(help="Format of --plots: svg or png.")] = "svg",
    group: Annotated[list[str] | None, typer.Option("--group", help="--patterns: lists of one independence group "
                                                    "(sources of one network), as NAME=LIST,LIST; repeatable. "
                                                    "They are merged into one list unless --separate-groups. From "
                                                    "--db the sources' own groups are used.")] = None,
    separate_groups: Annotated[bool, typer.Option("--separate-groups", help="Keep the lists of one independence "
                                                  "group apart (warned: they are not independent sources).")]
    = False,
    save: Annotated[bool, typer.Option(help="Save results in the database (estimates from --db only).")] = True,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Estimate how many victims no list recorded, with 95% intervals and convergence diagnostics.

    [bold]tollbook estimate combine RUN RUN ...[/] pools saved runs (imputation replicates, linkage alternatives).
    """
    if ctx.invoked_subcommand is not None:
        return
    one_blas_thread(os.environ, sys.modules)
    with handled_errors():
        settings = _settings(method, K=k, burnin=burnin, samples=samples, thinning=thinning, chains=chains,
                             delta=delta, ordered=ordered or None, max_order=max_order, replicates=replicates,
                             intervals=intervals)
        settings |= {"pool": pool_thin, "seed": seed}
        if plots is not None and plots.exists() and not plots.is_dir():
            raise TollbookError(f"--plots {plots}: this is a file, not a folder; give a folder for the plots")
        if patterns is not None:
            results = _from_patterns(patterns, by, method, settings, as_json, (_groups(group), separate_groups))
        elif group:
            raise TollbookError("--group is for --patterns; from --db the groups are the sources' own (set with "
                                "`tollbook sources add NAME --group GROUP`)")
        else:
            results = _from_db(db, by, method, settings, as_json, separate_groups)
        table = _sensitivity(patterns, db, by, settings) if sensitivity else None
        if table is not None:
            from tollbook.estimate.sensitivity import with_sensitivity

            results = with_sensitivity(results, table)
        if patterns is None and save:
            _save(db, results, by)
        if linkage_draws:
            results.append(_linkage_uncertainty(patterns, db, linkage_draws, settings))
        written = _plots(results, plots, plot_format)
    _show(results, as_json)
    if table is not None:
        _show_sensitivity(table, as_json)
    if written and not as_json:
        console.print(f"{len(written)} plots written to {plots}")


def one_blas_thread(environ: MutableMapping[str, str], loaded: Mapping[str, object]) -> None:
    """Ask NumPy's BLAS for one thread unless the user chose: the estimators' matrices are tiny, and idle BLAS
    threads spinning on a second core cost a run up to half its CPU time (docs/benchmarks.md). Only effective
    before NumPy is first imported, so it changes nothing once it is."""
    if "numpy" in loaded:
        return
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environ.setdefault(name, "1")


def _linkage_uncertainty(patterns: Path | None, db: str, draws: int, settings: dict[str, Any]) -> Any:
    """LCMCR combined over alternative clusterings (database only)."""
    from tollbook.estimate.uncertainty import linkage_uncertainty

    if patterns is not None or draws < 2:
        raise TollbookError("--linkage-draws needs --db (linked persons) and at least 2 draws")
    sampler = {k: v for k, v in settings.items() if k in ("K", "burnin", "samples", "thinning", "chains")}
    with open_session(db) as session:
        return linkage_uncertainty(session, draws, settings.get("seed"), sampler)


def _sensitivity(patterns: Path | None, db: str, by: str | None, settings: dict[str, Any]) -> list[dict]:
    """The sensitivity rows for the unstratified population (with the sampler settings given)."""
    from tollbook.estimate.sensitivity import sensitivity

    if by is not None:
        raise TollbookError("--sensitivity runs on the whole population: leave out --by")
    sampler = {k: v for k, v in settings.items() if k in ("burnin", "samples", "thinning", "chains")}
    if patterns is not None:
        return sensitivity(_from_csv(patterns, None)[None], settings.get("seed"), sampler)
    from tollbook.estimate.database import histories_from_database
    from tollbook.estimate.sensitivity import linkage_rows

    with open_session(db) as session:
        histories = histories_from_database(session, None)[None]
        rows = sensitivity(histories, settings.get("seed"), sampler)
        return rows + linkage_rows(session, settings.get("seed"), sampler)


def _show_sensitivity(rows: list[dict], as_json: bool) -> None:
    if as_json:
        print_json({"sensitivity": rows})
        return
    shown = [{"choice": r["choice"], "value": r["value"] + (" (default)" if r["default"] else ""),
              "estimate": f"{r['estimate']:,.0f}", "95% interval": f"{r['lower']:,.0f}–{r['upper']:,.0f}",
              "change": f"{r['change']:+.1%}", "converged": {True: "yes", False: "NO", None: ""}[r["converged"]]}
             for r in rows]  # fmt: skip
    print_table("Sensitivity (one choice changed at a time; from --db the linkage threshold too: the saved run's "
                "and 2 match weight, odds ×1/4 and ×4, either side, each re-linked as `tollbook link` would)", shown)


def _plots(results: list, folder: Path | None, fmt: str) -> list[Path]:
    """Write the per-chain plots when asked; refuse a format that does not exist."""
    if folder is None:
        return []
    from tollbook.estimate.plots import write_plots

    try:
        return write_plots(results, folder, fmt)
    except (ValueError, OSError) as exc:
        raise TollbookError(f"--plots {folder}: {exc}") from exc


def _settings(method: str, **given: Any) -> dict[str, Any]:
    """Only the settings the user gave; one meant for another method is refused, naming the method it is for."""
    settings: dict[str, Any] = {key: value for key, value in given.items() if value is not None}
    for key in settings:
        if method not in ("all", FOR_METHOD[key]):
            flag = OPTION.get(key, "--" + key.replace("_", "-"))
            raise TollbookError(f"{flag} is a setting of --method {FOR_METHOD[key]}, not of {method}; use "
                                f"--method {FOR_METHOD[key]} or all")
    return settings


def _from_csv(path: Path, by: str | None) -> dict:
    """Capture histories per stratum from a pattern-count CSV."""
    from tollbook.estimate import read_pattern_csv

    try:
        return read_pattern_csv(path, strata=[by] if by else None)
    except ValueError as exc:
        raise TollbookError(str(exc)) from exc


def _groups(given: list[str] | None) -> dict[str, list[str]]:
    """--group NAME=LIST,LIST options as {name: lists}; a malformed one is a one-line error."""
    groups: dict[str, list[str]] = {}
    for text in given or []:
        name, _, members = text.partition("=")
        lists = [member.strip() for member in members.split(",") if member.strip()]
        if not name.strip() or len(lists) < 2:
            raise TollbookError(f"--group {text!r}: write NAME=LIST,LIST (a group name and two or more lists)")
        groups[name.strip()] = lists
    return groups


def _from_patterns(path: Path, by: str | None, method: str, settings: dict[str, Any], quiet: bool,
                   grouping: tuple[dict[str, list[str]], bool]) -> list:
    """Estimate from a pattern-count CSV, merging each declared independence group unless kept separate."""
    from tollbook.estimate.dependence import with_groups
    from tollbook.estimate.histories import HistoryError

    groups, separate = grouping
    histories = _from_csv(path, by)
    lists = next(iter(histories.values())).lists
    if groups and not separate:
        try:
            histories = {name: h.merge_lists(groups) for name, h in histories.items()}
        except HistoryError as exc:
            raise TollbookError(f"--group: {exc}") from exc
    return with_groups(_run(histories, method, settings, quiet), groups, lists, merged=not separate)


def _from_db(db: str, by: str | None, method: str, settings: dict[str, Any], quiet: bool, separate: bool) -> list:
    """Estimate from the linked persons in the database (sources of one independence group merged into one list
    unless ``separate``)."""
    from tollbook.estimate.database import (
        documented_histories,
        independence_groups,
        pending_review,
        with_left_out,
        with_pending_review,
    )
    from tollbook.estimate.dependence import with_groups

    with open_session(db) as session:
        try:
            histories, left_out = documented_histories(session, by, merge_groups=not separate)
        except ValueError as exc:  # e.g. fewer than two lists: the estimators' own clear message
            raise TollbookError(str(exc)) from exc
        results = with_pending_review(_run(histories, method, settings, quiet), pending_review(session))
        results = with_left_out(results, left_out)
        lists = next(iter(histories.values())).lists
        return with_groups(results, independence_groups(session), lists, merged=not separate)


def _save(db: str, results: list, by: str | None) -> None:
    """Save the results (with their draws) as one run and say its id."""
    from tollbook.estimate.database import save_results

    with open_session(db) as session:
        run_id = save_results(session, results, by, actor="cli")
    err_console.print(f"saved as run {run_id} (draws kept; `tollbook estimate combine` pools runs)")


@estimate_app.command("combine")
def combine_command(
    run_ids: Annotated[list[str], typer.Argument(help="Run ids of saved estimates (two or more).")],
    save: Annotated[bool, typer.Option(help="Save the combined results as a new run.")] = True,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Pool saved runs — multiple-imputation replicates or linkage alternatives — with the within/between
    variance rule HRDAG's verdata uses; strata and models are matched by name."""
    from tollbook.estimate.combine import combine_runs
    from tollbook.estimate.database import load_run, save_results

    with handled_errors(), open_session(db) as session:
        if len(set(run_ids)) < 2:
            raise TollbookError("give at least two different run ids to combine")
        combined = combine_runs([load_run(session, run_id) for run_id in run_ids], run_ids)
        if not combined:
            raise TollbookError("these runs share no (method, model, stratum) estimated with draws in every run")
        if save:
            run_id = save_results(session, combined, None, actor="cli")
            err_console.print(f"saved as run {run_id}")
    _show(combined, as_json)


def _run(histories: dict, method: str, settings: dict[str, Any], quiet: bool) -> list:
    """Run the estimators, with a progress bar for the sampler unless ``quiet`` (--json)."""
    from tollbook.estimate import estimate

    try:
        if quiet:
            return estimate(histories, method, **settings)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("sampling"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("lcmcr", total=None)
            return estimate(histories, method, progress=lambda done, total: bar.update(task, completed=done,
                                                                                         total=total), **settings)
    except (ValueError, TypeError) as exc:
        raise TollbookError(str(exc)) from exc


def _show(results: list, as_json: bool) -> None:
    """Print the results as a table (R-hat and ESS, or fit statistics, beside the numbers), then the warnings
    and the plain-language block of the headline estimates; or everything as JSON."""
    from tollbook.estimate.explain import headline
    from tollbook.estimate.table import table_rows

    if as_json:
        print_json([result.to_dict() for result in results])
        return
    print_table("Estimates (95% intervals)", table_rows(results))
    left_out = next((r.diagnostics["persons_left_out"] for r in results if "persons_left_out" in r.diagnostics), None)
    if left_out is not None:
        console.print(f"documented persons {left_out['line']}")
    _show_checks(results, headline(results))
    for result in results:
        for warning in result.warnings:
            console.print(f"[yellow]warning[/] {result.label} {result.stratum or 'all'}: {warning}")
    for result in headline(results):
        console.print(f"\n[bold]{result.label}, {result.stratum or 'all'}[/]")
        for line in result.plain_language():
            console.print(line)


FULL_CHECK_TABLE = 21  # up to 6 lists every check is printed; beyond, only the failed ones


def _show_checks(results: list, headlines: list) -> None:
    """The LCMCR posterior predictive checks: all of them for a headline result with few lists, else the failed."""
    from tollbook.estimate.checks import P_LIMIT, failed_checks

    for result in results:
        rows = result.diagnostics.get("posterior_predictive") or []
        shown = rows if result in headlines and len(rows) <= FULL_CHECK_TABLE else failed_checks(rows)
        if not shown:
            continue
        table = [{"check": r["check"], "lists": " & ".join(r["lists"]), "observed": f"{r['observed']:,}",
                  "predicted median": f"{r['median']:,.0f}", "95% predictive": f"{r['lo']:,.0f}–{r['hi']:,.0f}",
                  "p": f"{r['p']:.3f}", "result": "FAIL" if r["p"] < P_LIMIT else "pass"} for r in shown]
        print_table(f"Posterior predictive checks, {result.label} {result.stratum or 'all'} (fail: p < {P_LIMIT})",
                    table)


def register(app: typer.Typer) -> None:
    """Attach the estimate command and its combine subcommand."""
    app.add_typer(estimate_app, name="estimate")
