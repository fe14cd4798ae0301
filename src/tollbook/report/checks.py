"""The checks a statistician reads beside an estimate: pairwise list dependence, the sensitivity of the estimate
to the analyst's choices, and LCMCR's posterior predictive checks. Each is read from a saved run's diagnostics
and every number registered in the `NumberBook`; a check the run did not save is `None`, never an empty table."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tollbook.report.facts import PersonFacts
from tollbook.report.numbers import NumberBook, number_id

CHECKS = ("list_dependence", "sensitivity", "posterior_predictive")
DEPENDENCE_CELLS = (("both", "on both lists"), ("first_only", "on the first list only"),
                    ("second_only", "on the second list only"), ("neither", "on neither list but on another"))
PREDICTIVE_PARTS = (("observed", "observed count"), ("median", "posterior predictive median"),
                    ("lo", "lower end of the 95% posterior predictive interval"),
                    ("hi", "upper end of the 95% posterior predictive interval"),
                    ("p", "two-sided posterior predictive p-value, 2 min(P(replicated >= observed), "
                          "P(replicated <= observed))"))
P_LIMIT = 0.01  # below it a check fails, unless the run saved its own limit
_CHOICE_VALUE = re.compile(r"^(?P<value>\d+(?:\.\d+)?)(?: \((?P<persons>[\d,]+) persons\))?$")


def _where(stratum: str) -> str:
    return "the whole population" if stratum == "total" else f"stratum {stratum}"


def _lists(names: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    """List names as the report shows them (public mode renames lists that could name a person)."""
    return [labels.get(name, name) for name in names]


def behind(members: Sequence[PersonFacts] | None, value: Any, on: Sequence[str], off: Sequence[str] = (),
           ) -> tuple[tuple[str, ...], str]:
    """The persons of a stratum on every list of `on` and none of `off` (by independence group, as the estimate
    counts lists), when the current data give the count the run saved; else none, and a note saying why."""
    if members is None:
        return (), ""
    found = tuple(f.public_id for f in members if set(on) <= set(f.groups) and not set(off) & set(f.groups))
    if value is None or len(found) == value:
        return found, ""
    return (), f" (the current data give {len(found):,} such persons: the data changed since this run)"


def dependence_table(book: NumberBook, key: str, rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                     members: Sequence[PersonFacts] | None = None) -> list[dict[str, Any]]:
    """Each pair of lists: the four cells of its 2×2 table (with the persons in each, from `members`, the
    stratum's persons), the co-capture odds ratio and its 95% interval."""
    out = []
    for row in rows:
        lists = _lists(row["lists"], labels)
        base = ("dependence", key, "+".join(lists))
        pair = f"lists {lists[0]} and {lists[1]} in {_where(key)}"
        (a, b), ids = lists, {}
        for (cell, how), (on, off) in zip(DEPENDENCE_CELLS, (([a, b], []), ([a], [b]), ([b], [a]), ([], [a, b])),
                                          strict=True):
            persons, note = behind(members, row.get(cell), on, off)
            ids[cell] = book.add(number_id(*base, cell), row.get(cell), f"persons {how}: {pair}{note}", persons).id
        ids["odds_ratio"] = book.add(number_id(*base, "odds_ratio"), row.get("odds_ratio"),
                                     f"co-capture odds ratio both×neither / (first only×second only), 0.5 added to "
                                     f"every cell when one is empty: {pair}").id
        for end, word in (("lower", "lower"), ("upper", "upper")):
            ids[end] = book.add(number_id(*base, end), row.get(end),
                                f"{word} end of the 95% interval (Woolf's log method) of the odds ratio: {pair}").id
        out.append({"lists": lists, "odds_ratio": row.get("odds_ratio"), "ids": ids})
    return out


def _choice_numbers(book: NumberBook, base: tuple[str, ...], choice: str, value: str) -> tuple[dict[str, str], int]:
    """The value a sensitivity row tried, when a number (K, δ, a threshold), and the persons a linkage at that
    threshold forms, registered; their ids and the decimals the value was written with."""
    found = _CHOICE_VALUE.match(value)
    if found is None:
        return {}, 0
    decimals = len(found["value"].partition(".")[2])
    ids = {"value": book.add(number_id(*base, "value"), float(found["value"]), f"{choice} tried in this row",
                             grouped=False).id}
    if found["persons"]:
        ids["persons"] = book.add(number_id(*base, "persons"), int(found["persons"].replace(",", "")),
                                  f"persons a linkage at threshold {found['value']} forms from the current records "
                                  "and reviewers' decisions (nothing written)").id
    return ids, decimals


def sensitivity_table(book: NumberBook, key: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each choice changed from the defaults: the value tried, its estimate, interval, and change from the
    default's point (%)."""
    out = []
    for row in rows:
        choice, value = str(row.get("choice")), str(row.get("value"))
        base = ("sensitivity", key, choice, value.split(" (")[0])
        what = f"{row.get('method', '')} estimate of {_where(key)} with {choice} = {value}".strip()
        shown = f"{row['threshold']:g} ({row['persons_formed']:,} persons)" if "persons_formed" in row else value
        tried, decimals = _choice_numbers(book, base, choice, shown)
        change = row.get("change")
        ids = {"estimate": book.add(number_id(*base), row.get("estimate"), f"{what} (point)").id,
               "lower": book.add(number_id(*base, "lower"), row.get("lower"), f"{what}: lower end of the 95% "
                                                                              "interval").id,
               "upper": book.add(number_id(*base, "upper"), row.get("upper"), f"{what}: upper end of the 95% "
                                                                              "interval").id,
               "change": book.add(number_id(*base, "change"), None if change is None else 100 * change,
                                  f"{what}: change of the point from the default choice's, in percent").id, **tried}
        out.append({"choice": choice, "value": value, "decimals": decimals, "default": bool(row.get("default")),
                    "converged": row.get("converged"), "ids": ids})
    return out


def predictive_table(book: NumberBook, key: str, rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                     limit: float = P_LIMIT, members: Sequence[PersonFacts] | None = None) -> list[dict[str, Any]]:
    """Each posterior predictive check (a list's margin, a pair's overlap): observed count against the
    replicated counts' median and 95% interval, its p-value, and whether it fails (p below `limit`)."""
    out = []
    for row in rows:
        lists, check = _lists(row.get("lists", []), labels), str(row.get("check"))
        base = ("check", key, check, "+".join(lists))
        counted = f"persons on {' and '.join(lists)}" if check == "pair" else f"persons on {', '.join(lists)}"
        persons, note = behind(members, row.get("observed"), lists)
        ids = {part: book.add(number_id(*base, part) if part != "observed" else number_id(*base), row.get(part),
                              f"{how} of {counted} in {_where(key)} (LCMCR posterior predictive check, {check})"
                              + (note if part == "observed" else ""), persons if part == "observed" else ()).id
               for part, how in PREDICTIVE_PARTS}
        p = row.get("p")
        out.append({"check": check, "lists": lists, "p": p, "failed": p is not None and p < limit, "ids": ids})
    return out


def failures(book: NumberBook, key: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Ids of how many of a stratum's posterior predictive checks fail, and of how many there are."""
    failed = sum(1 for row in rows if row["failed"])
    return {"failed": book.add(number_id("check", key, "failed"), failed, f"posterior predictive checks of "
                               f"{_where(key)} whose p-value is below the run's limit").id,
            "total": book.add(number_id("check", key, "count"), len(rows), f"posterior predictive checks of "
                              f"{_where(key)} (each list's size and each pair's overlap)").id}


def checks_of(book: NumberBook, diagnostics: Mapping[str, Any], key: str, labels: Mapping[str, str],
              members: Sequence[PersonFacts] | None = None) -> dict[str, Any]:
    """The three checks of one saved stratum, each `None` when the run did not save it; `members` are the
    stratum's persons (None when the report cannot tell them), named behind each count."""
    saved = {name: diagnostics.get(name) for name in CHECKS}
    predictive = None if saved["posterior_predictive"] is None else predictive_table(
        book, key, saved["posterior_predictive"], labels, diagnostics.get("posterior_predictive_p_limit") or P_LIMIT,
        members)
    return {
        "list_dependence": None if saved["list_dependence"] is None
        else dependence_table(book, key, saved["list_dependence"], labels, members),
        "sensitivity": None if saved["sensitivity"] is None else sensitivity_table(book, key, saved["sensitivity"]),
        "posterior_predictive": None if predictive is None else {"rows": predictive,
                                                                 "ids": failures(book, key, predictive)},
    }
