"""`tollbook evidence …` and `tollbook persons verify|classify|levels`: thin commands over :mod:`tollbook.evidence`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli.common import DbOption, JsonOption, console, fail, open_session, print_json, print_table

evidence_app = typer.Typer(help="Evidence files (video, photo, certificates, testimony), kept content-addressed.",
                           no_args_is_help=True)

StoreOption = Annotated[Path | None, typer.Option(
    "--store", envvar="TOLLBOOK_EVIDENCE", show_default=False,
    help="Folder of evidence files (env TOLLBOOK_EVIDENCE; default: beside a SQLite database, "
         "NAME-evidence/).")]
ConfidentialOption = Annotated[bool, typer.Option("--confidential", help="Also show who captured each item.")]
LIST_COLUMNS = ["id", "kind", "media_type", "file_name", "record_id", "person_id", "size_bytes", "description"]


def _store(db: str, store: Path | None):  # noqa: ANN202 - an EvidenceStore
    """The evidence store for this database."""
    from tollbook.cli.common import resolve_db
    from tollbook.evidence import store_for

    return store_for(resolve_db(db), store)


@evidence_app.command("add")
def add(file: Annotated[Path, typer.Argument(help="The file; it is copied into the store, never changed.")],
        kind: Annotated[str, typer.Option(help="video, photo, death_certificate, burial_record, testimony, other")],
        record: Annotated[int | None, typer.Option("--record", help="Attach to this record id.")] = None,
        person: Annotated[str | None, typer.Option("--person", help="Or attach to this person (P-…).")] = None,
        description: Annotated[str | None, typer.Option(help="What the file shows.")] = None,
        captured_at: Annotated[dt.datetime | None, typer.Option("--captured-at", help="When it was captured.")]
        = None,
        captured_by: Annotated[str | None, typer.Option("--captured-by",
                                                        help="Who captured it (CONFIDENTIAL: never published).")]
        = None,
        actor: Annotated[str, typer.Option("--actor", help="Your name, kept in the audit log.")] = "cli",
        store: StoreOption = None, db: DbOption = "", as_json: JsonOption = False) -> None:
    """Keep a copy of FILE (sha256, media type detected) and attach it to one record or person."""
    from tollbook.evidence import add_evidence, evidence_row
    from tollbook.evidence.items import EvidenceInput

    info = EvidenceInput(kind, description, captured_at.replace(tzinfo=dt.UTC) if captured_at and
                         captured_at.tzinfo is None else captured_at, captured_by)
    with open_session(db) as session:
        row = evidence_row(add_evidence(session, _store(db, store), file, info, record, person, actor))
    if as_json:
        print_json(row)
        return
    console.print(f"evidence {row['id']}: {row['kind']} {row['media_type']} sha256 {row['sha256'][:16]}…")


@evidence_app.command("list")
def list_(record: Annotated[int | None, typer.Option("--record", help="Only this record's items.")] = None,
          person: Annotated[str | None, typer.Option("--person", help="Only this person's (and its records').")]
          = None,
          limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 0,
          confidential: ConfidentialOption = False, db: DbOption = "", as_json: JsonOption = False) -> None:
    """Evidence items, oldest first."""
    from tollbook.evidence import evidence_row, list_evidence

    with open_session(db) as session:
        rows = [evidence_row(item, confidential) for item in list_evidence(session, record, person, limit or None)]
    columns = LIST_COLUMNS + (["captured_by"] if confidential else [])
    print_json(rows) if as_json else print_table("Evidence", rows, columns)


@evidence_app.command("show")
def show(evidence_id: Annotated[int, typer.Argument(help="The item's id.")], confidential: ConfidentialOption = False,
         store: StoreOption = None, db: DbOption = "", as_json: JsonOption = False) -> None:
    """One item: its file's hash and where the store keeps it, what it shows, when it was captured."""
    from tollbook.evidence import evidence_row
    from tollbook.evidence.items import get_evidence

    with open_session(db) as session:
        item = get_evidence(session, evidence_id)
        evidence_store = _store(db, store)
        row = evidence_row(item, confidential) | {"stored_at": str(evidence_store.path_of(item.sha256)),
                                                  "file_check": evidence_store.check(item.sha256)}
    if as_json:
        print_json(row)
        return
    print_table(f"Evidence {evidence_id}", [{"field": k, "value": v} for k, v in row.items()])


@evidence_app.command("verify")
def verify(store: StoreOption = None, db: DbOption = "", as_json: JsonOption = False) -> None:
    """Re-hash every stored file; name any that changed or went missing (exit 1 if so)."""
    from tollbook.evidence import verify_store

    with open_session(db) as session:
        report = verify_store(session, _store(db, store))
    if as_json:
        print_json(report.as_dict())
    else:
        for problem, items in (("CHANGED", report.changed), ("MISSING", report.missing)):
            for item in items:
                graded = f"; verified on it: {', '.join(item['verified_persons'])}" if item["verified_persons"] else ""
                console.print(f"[bold red]{problem}[/] evidence {item['id']} ({item['file_name']}): {item['path']}"
                              f"{graded}")
        console.print(f"{report.checked} stored file(s) re-hashed: {report.ok} intact, {len(report.changed)} "
                      f"changed, {len(report.missing)} missing")
    if not report.intact:
        raise fail("the evidence store does not match its hashes")


def verify_person(public_id: Annotated[str, typer.Argument(help="The person's public id (P-…).")],
                  level: Annotated[str, typer.Option(
                      help="verified (needs --evidence), contested, discounted, or computed (withdraw a grade).")],
                  reason: Annotated[str, typer.Option(help="Why: kept with the change and in the audit log.")],
                  reviewer: Annotated[str, typer.Option("--reviewer", envvar="TOLLBOOK_REVIEWER",
                                                        help="Who reviews (env TOLLBOOK_REVIEWER).")],
                  evidence: Annotated[list[int] | None, typer.Option(
                      "--evidence", help="Evidence item id the grade rests on (repeatable).")] = None,
                  db: DbOption = "", as_json: JsonOption = False) -> None:
    """Grade a person: verified on evidence, or contested / discounted with a reason. Audited."""
    from tollbook.evidence import set_level

    with open_session(db) as session:
        change = set_level(session, public_id, level, reviewer, reason, evidence or ())
        row = {"person": public_id, "level": change.level.value,
               "previous": change.previous.value if change.previous else None, "evidence_ids": change.evidence_ids}
    print_json(row) if as_json else console.print(f"{public_id}: {row['previous']} → {row['level']}")


def classify_person(public_id: Annotated[str, typer.Argument(help="The person's public id (P-…).")],
                    by: Annotated[str, typer.Option("--by", help="Who asserts it: a source name, a claim key "
                                                                 "(--kind claim) or a reviewer (--kind reviewer).")],
                    role: Annotated[str | None, typer.Option(
                        help="protester, bystander, security_force, other, unknown")] = None,
                    force: Annotated[str | None, typer.Option(
                        help="The force responsible: irgc, basij, police, other, unknown")] = None,
                    kind: Annotated[str, typer.Option("--kind", help="source, claim or reviewer")] = "source",
                    basis: Annotated[str | None, typer.Option(help="On what basis (a witness, a video, …).")] = None,
                    on: Annotated[dt.datetime | None, typer.Option("--on", formats=["%Y-%m-%d"],
                                                                   help="When it was asserted.")] = None,
                    actor: Annotated[str, typer.Option("--actor", help="Your name, for the audit log.")] = "cli",
                    db: DbOption = "") -> None:
    """Add an assertion of a person's role or responsible force; competing assertions are all kept."""
    from tollbook.evidence import classify

    if (role is None) == (force is None):
        raise fail("give --role or --force (one assertion at a time)")
    aspect, value = ("role", role) if role is not None else ("force", force)
    with open_session(db) as session:
        row = classify(session, public_id, aspect, value or "", by, kind, basis, on.date() if on else None, actor)
        console.print(f"{public_id}: {row.asserted_by} asserts {aspect} = {row.value}")


def person_extras(session, public_id: str) -> dict:  # noqa: ANN001 - a Session
    """What the person view adds from evidence: level history, evidence items, classification assertions."""
    from tollbook.evidence import evidence_row, person_assertions, verification_history
    from tollbook.evidence.items import evidence_of_person, find_person

    person = find_person(session, public_id)
    return {"verification_history": [vars(change) for change in verification_history(session, public_id)],
            "evidence": [evidence_row(item) for item in evidence_of_person(session, person)],
            "assertions": [item.as_dict() for item in person_assertions(session, public_id)]}


def print_person_extras(extras: dict) -> None:
    """The assertions, evidence and history of a person as tables."""
    columns = ["aspect", "value", "asserted_by", "asserter_kind", "asserted_on", "basis"]
    print_table("Classification assertions (competing; none overwrites another)", extras["assertions"], columns)
    print_table("Evidence", extras["evidence"], ["id", "kind", "media_type", "file_name", "record_id", "description"])
    print_table("Verification history", extras["verification_history"])


def register(app: typer.Typer, persons_app: typer.Typer) -> None:
    """Attach `tollbook evidence …` and the persons commands verify and classify."""
    app.add_typer(evidence_app, name="evidence")
    persons_app.command("verify")(verify_person)
    persons_app.command("classify")(classify_person)


def level_line(session) -> str:  # noqa: ANN001 - a Session
    """'By level: 812 reported, 270 corroborated, …' for the foot of a persons list, and the documented deaths
    as the report and the estimate count them, with whom they leave out."""
    from tollbook.documented import documented_count
    from tollbook.evidence import level_counts

    documented, left_out = documented_count(session)
    return ("By level: " + ", ".join(f"{count:,} {level}" for level, count in level_counts(session).items())
            + f"\nDocumented deaths: {documented:,}; {left_out.line()}")


def persons_by_level(level: str | None, by: str | None, limit: int, source: str | None, db: str,
                     as_json: bool) -> None:
    """`persons list --level L [--by cause|perpetrator|date|province]`: the persons of a level, or their table."""
    from tollbook.evidence import subset_table
    from tollbook.evidence.tables import persons_at_level
    from tollbook.link.person_view import person_rows

    if by in ("role", "force"):
        return _classifications(by, level, db, as_json)
    with open_session(db) as session:
        if by:
            table = subset_table(session, level, by)
        else:
            wanted = {p.public_id for p in persons_at_level(session, level)}
            rows = [row for row in person_rows(session, None, source) if row["public_id"] in wanted]
            rows = rows[:limit] if limit else rows
        counts = level_line(session)
    if by:
        print_json(table) if as_json else print_table(
            f"{table['total']:,} persons ({table['level']}) by {by}", table["rows"])
        if table.get("busiest") and not as_json:
            most = table["busiest"]
            console.print(f"{most['persons']:,} of {most['of']:,} on {most['from']} to {most['to']}")
        return
    print_json(rows) if as_json else (print_table(f"Persons ({level})", rows), console.print(counts))


@evidence_app.command("publish")
def publish(evidence_id: Annotated[int, typer.Argument(help="The item's id.")],
            out: Annotated[Path, typer.Option("--out", help="Folder for the public copy (not the store).")],
            actor: Annotated[str, typer.Option("--actor", help="Your name, kept in the audit log.")] = "cli",
            store: StoreOption = None, db: DbOption = "") -> None:
    """Make a copy fit to publish (images without EXIF, GPS or thumbnails); the original is never altered."""
    from tollbook.evidence.public import publish_evidence

    with open_session(db) as session:
        path = publish_evidence(session, _store(db, store), evidence_id, out, actor)
    console.print(f"public copy of evidence {evidence_id}: {path}")


def _classifications(aspect: str, level: str | None, db: str, as_json: bool) -> None:
    """`persons list --by role|force`: who classifies how many persons how."""
    from tollbook.evidence import classification_table

    with open_session(db) as session:
        table = classification_table(session, aspect, level=level)
    if as_json:
        print_json(table)
        return
    print_table(f"{aspect} of {table['persons']:,} persons ({table['level']}), by who asserts it", table["rows"])
    console.print(f"{table['unclassified']:,} classified by nobody; the claimants disagree on {table['disputed']:,}")
