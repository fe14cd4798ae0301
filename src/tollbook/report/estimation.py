"""The report's estimates: the saved run's strata with their intervals and the diagnostics a statistician
checks (R-hat, effective sample size, and whatever further checks and caveats the estimation saved)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from tollbook.estimate.caveats import saved_lines
from tollbook.estimate.strata import POOLED_LABEL, TOTAL_LABEL
from tollbook.model import Estimate
from tollbook.report.caveats import Caveat, from_coded, register, relabelled
from tollbook.report.checks import CHECKS, checks_of
from tollbook.report.facts import PersonFacts
from tollbook.report.numbers import NumberBook, number_id, registered_setting

TOTAL_NAMES = {TOTAL_LABEL, "all", None}
DIAGNOSTIC_KEYS = ("rhat", "ess_bulk", "ess_tail", "mcse_median")
FURTHER_KEYS = ("gof_p_value", "suggested_iterations")


def stratum_key(stratum: str | None) -> str:
    """A short key of a stratum: its province code, "total", or "pooled"."""
    if stratum in TOTAL_NAMES:
        return "total"
    if stratum.startswith(POOLED_LABEL):
        return "pooled"
    return stratum


def _register(book: NumberBook, row: Estimate, key: str) -> dict[str, str]:
    """Register a stratum's point, interval ends and documented count; return their ids."""
    label = "the whole population" if key == "total" else f"stratum {row.stratum}"
    method = f"{row.method}{' ' + row.model if row.model else ''}"
    ids = {}
    for part, value, how in (
        ("estimate", row.estimate, f"{method} estimate (posterior median or MLE) of {label}"),
        ("lower", row.lower, f"lower end of the 95% interval of the {method} estimate of {label}"),
        ("upper", row.upper, f"upper end of the 95% interval of the {method} estimate of {label}"),
        ("observed", row.observed, f"unique persons the {method} estimate of {label} started from"),
    ):
        ids[part] = book.add(number_id("estimate", key, part) if part != "estimate" else number_id("estimate", key),
                             value, f"{how}; saved run {row.run_id[:12]}").id
    return ids


def stratum_members(facts: Sequence[PersonFacts] | None, row: Estimate) -> list[PersonFacts] | None:
    """The persons a saved stratum counted, as the estimation forms strata: every linked person (whatever their
    status) for an unstratified run, those of the stratum's province (or pooled provinces) by province; None
    when the report cannot tell (no facts, or strata by period or day)."""
    if facts is None or row.stratified_by not in (None, "province"):
        return None
    if row.stratified_by is None:
        return list(facts)
    if row.stratum == TOTAL_LABEL:
        return list(facts)
    codes = set(row.stratum.split(": ", 1)[1].split(", ")) if row.stratum.startswith(POOLED_LABEL) else {row.stratum}
    return [f for f in facts if (f.value("province_code") or "unknown") in codes]


def diagnostics_of(book: NumberBook, row: Estimate, key: str, labels: Mapping[str, str],
                   facts: Sequence[PersonFacts] | None = None) -> dict[str, Any]:
    """R-hat and ESS (registered as numbers; their ids under "ids"), the further figures a row's saved result
    carries (absent ones left out), and its checks under "checks" (see `checks_of`)."""
    result = row.result or {}
    diagnostics = result.get("diagnostics", {})
    found: dict[str, Any] = {"ids": {}}
    where = f"stratum {row.stratum}" if row.stratum else "the whole population"
    for name in DIAGNOSTIC_KEYS:
        if diagnostics.get(name) is not None:
            found[name] = diagnostics[name]
            found["ids"][name] = book.add(number_id("diagnostic", key, name), diagnostics[name],
                                          f"{name} of the {row.method} chains for {where}").id
    for name in FURTHER_KEYS:
        value = result.get(name, diagnostics.get(name))
        if value not in (None, [], {}):
            found[name] = registered_setting(book, number_id("diagnostic", key), name, value,
                                             f"saved by the {row.method} run for {where}")
    found["checks"] = checks_of(book, diagnostics, key, labels, stratum_members(facts, row))
    return found


def relabel_text(text: str, labels: Mapping[str, str]) -> str:
    """A sentence of the estimation with each list that public mode renames written by its label (longest
    names first, so a name inside another is not half-replaced)."""
    for name in sorted((n for n, shown in labels.items() if shown != n), key=len, reverse=True):
        text = text.replace(name, labels[name])
    return text


def saved_caveats(result: Mapping[str, Any], key: str, labels: Mapping[str, str]) -> list[Caveat]:
    """A saved result's warnings or plain-language lines (`key`) as caveats by code (read from their words when
    saved without codes), each list that public mode renames written by its label."""
    relabel = partial(relabel_text, labels=labels)
    return [relabelled(from_coded(line), relabel) for line in saved_lines(result, key)]


def plain_caveats(book: NumberBook, stratum: dict[str, Any]) -> list[Caveat]:
    """A stratum's plain-language lines as coded caveats, the figures of "what it is" tied to its estimate's ids."""
    ids = stratum["ids"]
    known = {"num_estimate": ids["estimate"], "num_lower": ids["lower"], "num_upper": ids["upper"],
             "num_observed": ids["observed"]}
    return [register(book, caveat, stratum["key"], known) for caveat in stratum["plain_caveats"]]


def one_per_stratum(rows: Sequence[Estimate]) -> list[Estimate]:
    """One row per stratum: a run of several models (log-linear) keeps the one it marked preferred, else the
    first it saved."""
    chosen: dict[str, Estimate] = {}
    for row in rows:
        key = stratum_key(row.stratum)
        preferred = bool((row.result or {}).get("diagnostics", {}).get("preferred"))
        if key not in chosen or (preferred and not chosen[key].result.get("diagnostics", {}).get("preferred")):
            chosen[key] = row
    return list(chosen.values())


def estimates_section(book: NumberBook, rows: Sequence[Estimate] | None, labels: Mapping[str, str] | None = None,
                      facts: Sequence[PersonFacts] | None = None) -> dict[str, Any]:
    """The saved run's strata (total last) with ids, diagnostics, checks and warnings; `available` False when
    none. `labels` renames lists as the report names them (public mode); `facts` (the linked persons, lists
    named as `labels` says) name the persons behind the checks' counts."""
    labels = labels or {}
    if not rows:
        return {"available": False, "strata": [], "total": None, "further": {}, "checks": {}}
    strata = []
    for row in one_per_stratum(rows):
        key = stratum_key(row.stratum)
        result = row.result or {}
        strata.append({"key": key, "stratum": row.stratum or "all", "method": row.method, "model": row.model,
                       "estimate": row.estimate, "lower": row.lower, "upper": row.upper, "observed": row.observed,
                       "converged": row.converged, "ids": _register(book, row, key),
                       "diagnostics": diagnostics_of(book, row, key, labels, facts),
                       "warnings": [relabel_text(w, labels) for w in result.get("warnings", [])],
                       "settings": result.get("settings", {}),
                       "plain_language": [relabel_text(line, labels) for line in result.get("plain_language", [])],
                       "plain_caveats": saved_caveats(result, "plain_language", labels),
                       "warning_caveats": saved_caveats(result, "warnings", labels)})
    total = next((s for s in strata if s["key"] == "total"), None)
    for stratum in strata:
        stratum["warning_caveats"] = [register(book, c, stratum["key"]) for c in stratum["warning_caveats"]]
    if total is not None:
        total["caveats"] = plain_caveats(book, total)
        total["settings"] = {key: registered_setting(book, "estimator", key, value, "setting of the saved "
                                                     "estimation run") for key, value in total["settings"].items()
                             if not isinstance(value, dict)}
    strata.sort(key=lambda s: (s["key"] == "total", s["key"] == "pooled", s["key"]))
    further = {key: [(s["key"], s["diagnostics"][key]) for s in strata if key in s["diagnostics"]]
               for key in FURTHER_KEYS}
    checks = {name: [(s["key"], s["diagnostics"]["checks"][name]) for s in strata
                     if s["diagnostics"]["checks"][name] is not None] for name in CHECKS}
    return {"available": True, "strata": strata, "total": total, "run_id": rows[0].run_id, "further": further,
            "checks": checks,
            "stratified_by": rows[0].stratified_by, "created_at": rows[0].created_at.isoformat()}
