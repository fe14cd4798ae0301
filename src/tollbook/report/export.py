"""The persons list as files: CSV, JSON and HXL-tagged CSV, public (under a redaction policy) or full (for the
team only, and saying so in every file and every row).

HXL hashtags (hxlstandard.org): #affected for the person, #date+death, #adm1 for the province, #loc+city,
#status, #meta for the export's own columns.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.errors import TollbookError
from tollbook.link.store import current_records_of
from tollbook.model import Person
from tollbook.outputs import neutralise_cell
from tollbook.report.facts import PersonFacts, data_version, person_facts, source_labels
from tollbook.report.redaction import Policy, age_band, coarse_date, load_policy

PUBLIC = "public"
FULL = "FULL - CONFIDENTIAL, for the team only, never publish"
HXL = {
    "public_id": "#affected+id", "given_name": "#affected+name+given", "family_name": "#affected+name+family",
    "father_name": "#affected+name+father", "sex": "#affected+sex", "age": "#affected+age",
    "age_band": "#affected+age+band", "date_of_death": "#date+death", "date_precision": "#date+precision",
    "province": "#adm1+name", "province_code": "#adm1+code", "city": "#loc+city+name", "city_code": "#loc+city+code",
    "status": "#status+affected", "cause": "#affected+cause", "perpetrator": "#affected+perpetrator",
    "verification": "#status+verification", "sources": "#meta+source+list", "source_count": "#meta+source+num",
    "record_ids": "#meta+record+id", "source_record_ids": "#meta+record+source_id",
    "place_detail": "#loc+detail+confidential", "notes": "#meta+notes+confidential",
    "evidence_refs": "#meta+evidence+confidential", "edition": "#meta+edition", "data_version": "#meta+version",
}


@dataclass(frozen=True)
class ExportFiles:
    """What one export wrote."""

    edition: str
    data_version: str
    persons: int
    paths: list[Path]


def public_row(fact: PersonFacts, policy: Policy, labels: dict[str, str]) -> dict[str, Any]:
    """One person's public row under the policy (only the policy's columns, coarsened as it says)."""
    row: dict[str, Any] = {"public_id": fact.public_id}
    for name in ("given_name", "family_name", "father_name", "sex"):
        if policy.rule(name) == "keep":
            row[name] = fact.value(name)
    if policy.rule("age") == "keep":
        row["age"] = fact.value("age")
    elif policy.rule("age") == "band":
        row["age_band"] = age_band(fact.value("age"), policy.age_bands)
    if policy.rule("date_of_death") != "drop":
        row["date_of_death"] = coarse_date(fact.date, policy.rule("date_of_death"),
                                           fact.value("date_precision"))
    if policy.rule("place") != "drop":
        row |= {"province": fact.value("province"), "province_code": fact.value("province_code")}
    if policy.rule("place") == "city":
        row["city"] = fact.value("city")
    for name in ("status", "cause", "perpetrator"):
        if policy.rule(name) == "keep":
            row[name] = fact.value(name)
    row["verification"] = fact.verification
    if policy.rule("sources") == "names":
        row["sources"] = "; ".join(sorted({labels.get(s, s) for s in fact.sources}))
    if policy.rule("sources") != "drop":
        row["source_count"] = len(fact.sources)
    return row


def public_rows(session: Session, policy: Policy | None = None,
                facts: list[PersonFacts] | None = None) -> list[dict[str, Any]]:
    """The published list: every person a reviewer has not discounted, as the policy (default: the shipped one)
    lets them be shown. The web app's public page and the public export both come from here."""
    policy = policy or load_policy()
    labels = source_labels(session, policy.hidden_kinds)
    facts = person_facts(session) if facts is None else facts
    return [public_row(f, policy, labels) for f in facts if f.verification != "discounted"]


def full_rows(session: Session, facts: list[PersonFacts]) -> list[dict[str, Any]]:
    """Every accepted value of every person with the confidential fields of its records (team only)."""
    ids = dict(session.execute(select(Person.public_id, Person.id)).all())
    records = current_records_of(session, [ids[f.public_id] for f in facts])
    rows = []
    for fact in facts:
        mine = records.get(ids[fact.public_id], [])
        joined = {name: " | ".join(f"{r.source.name}: {getattr(r, name)}" for r in mine if getattr(r, name))
                  for name in ("place_detail", "notes", "evidence_refs")}
        rows.append({"public_id": fact.public_id, **fact.accepted, "verification": fact.verification,
                     "sources": "; ".join(fact.sources), "source_count": len(fact.sources),
                     "record_ids": " ".join(str(r) for r in fact.record_ids),
                     "source_record_ids": " ".join(f"{r.source.name}:{r.source_record_id}" for r in mine),
                     **joined})
    return rows


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen |= dict.fromkeys(row)
    return [*(c for c in seen if c not in ("edition", "data_version")), "edition", "data_version"]


def csv_text(rows: list[dict[str, Any]], columns: list[str], tags: bool) -> str:
    """CSV of the rows (with an HXL hashtag row under the header when `tags`); a cell starting like a spreadsheet
    formula (=, +, -, @, tab, CR) is written as text (the JSON keeps the value as given)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    if tags:
        writer.writerow({c: HXL.get(c, f"#meta+{c}") for c in columns})
    writer.writerows({k: "" if v is None else neutralise_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def write_export(session: Session, out: Path, full: bool = False, policy_file: Path | None = None) -> ExportFiles:
    """Write persons.csv, persons.json and persons.hxl.csv (persons.full.* with --full) and a README into `out`."""
    if full and policy_file is not None:
        raise TollbookError("--policy applies to the public export only; the full export redacts nothing")
    policy = load_policy(policy_file)
    facts = person_facts(session)
    version = data_version(session)
    edition = FULL if full else PUBLIC
    rows = full_rows(session, facts) if full else public_rows(session, policy, facts)
    rows = [row | {"edition": edition, "data_version": version} for row in rows]
    check_folder(out, full)
    out.mkdir(parents=True, exist_ok=True)
    stem = "persons.full" if full else "persons"
    columns = _columns(rows)
    meta = {"edition": edition, "data_version": version, "persons": len(rows), "policy": policy.origin if not full
            else None, "columns": columns, "hxl": {c: HXL.get(c, f"#meta+{c}") for c in columns}}
    files = {f"{stem}.csv": csv_text(rows, columns, False), f"{stem}.hxl.csv": csv_text(rows, columns, True),
             f"{stem}.json": json.dumps(meta | {"persons": rows}, ensure_ascii=False, indent=1, default=str),
             "README.txt": readme(edition, version, len(rows), policy, full)}
    paths = []
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
    return ExportFiles(edition, version, len(rows), paths)


def check_folder(out: Path, full: bool) -> None:
    """Refuse a folder that is a file, and a public export into a folder holding a full one (publishing that
    folder would publish the confidential files beside the public ones)."""
    if out.exists() and not out.is_dir():
        raise TollbookError(f"export folder {out} is a file: give a folder with --out")
    if not full and out.is_dir() and any(out.glob("persons.full.*")):
        raise TollbookError(f"{out} holds a FULL (confidential) export: write the public export to another folder")


def readme(edition: str, version: str, persons: int, policy: Policy, full: bool) -> str:
    """What the export folder holds, in words."""
    head = ("FULL EXPORT - CONFIDENTIAL. For the team only: it holds record ids, place detail, notes and evidence "
            "references. Never publish it." if full else
            f"Public export under the redaction policy '{policy.origin}': confidential fields are never included, "
            "nor persons a reviewer discounted.")
    return (f"{head}\nedition: {edition}\npersons: {persons}\ndata version: {version}\n"
            "Files: CSV, JSON, and CSV with an HXL hashtag row (hxlstandard.org) under the header.\n")
