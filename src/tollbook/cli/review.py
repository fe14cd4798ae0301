"""`tollbook review` (the queue, --unsure, undo, decisions, why) and the hand decisions on persons
(`persons merge`, `persons split`, `persons find`): thin commands over tollbook.link.review and .persons."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    fail,
    handled_errors,
    open_session,
    print_json,
    print_table,
)

review_app = typer.Typer(help="Decide uncertain pairs; list, undo and explain decisions.",
                         invoke_without_command=True)
KEYS = {"m": "match", "n": "non_match", "u": "unsure"}
ReviewerOption = Annotated[str, typer.Option("--reviewer", help="Your name, stored with every decision.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: stored with the decision and audited.")]


def _pair_table(index: int, total: int, link: object, rows: list) -> Table:
    """The two records side by side (names with their Latin keys, each record's person); rows that differ
    are highlighted and marked ≠ (for terminals without colour)."""
    table = Table(title=f"pair {index} of {total}: match probability {link.match_probability:.3f}")  # type: ignore
    table.add_column("")
    table.add_column("field")
    table.add_column(f"record {link.record_a_id}")  # type: ignore[attr-defined]
    table.add_column(f"record {link.record_b_id}")  # type: ignore[attr-defined]
    for row in rows:
        table.add_row("≠" if row.differs else "", row.field, row.left, row.right,
                      style="bold yellow" if row.differs else None)
    return table


def _ask_key() -> str:
    """One of m, n, u, s, q from the reviewer; anything else asks again."""
    while (key := str(typer.prompt("m = match, n = not a match, u = unsure, s = skip, q = quit")).strip().lower()) \
            not in {"m", "n", "u", "s", "q"}:
        console.print(f"[red]{key!r} is not a key:[/] type m, n, u, s or q")
    return key


def _show_pair(session: object, index: int, total: int, link: object) -> None:
    """The side-by-side table and the waterfall of match weights behind the score."""
    from tollbook.link.review import side_by_side
    from tollbook.link.waterfall import link_waterfall

    console.print(_pair_table(index, total, link, side_by_side(session, link)))  # type: ignore[arg-type]
    steps = link_waterfall(session, link)  # type: ignore[arg-type]
    if steps is not None:
        console.print("\n".join(steps.bars()), highlight=False)


@review_app.callback()
def review_command(
    ctx: typer.Context,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Your name, stored with every decision.")]
    = None,
    limit: Annotated[int, typer.Option(help="At most this many pairs (0 = the whole queue).")] = 0,
    unsure: Annotated[bool, typer.Option("--unsure", help="Revisit the pairs last decided 'unsure'.")] = False,
    db: DbOption = "",
) -> None:
    """Decide queued pairs one by one (m = match, n = not a match, u = unsure, s = skip, q = quit), each shown
    side by side with the match weight of every comparison."""
    if ctx.invoked_subcommand is not None:
        return
    if not reviewer:
        raise fail("give your name with --reviewer NAME: every decision is stored with it")
    from tollbook.link.review import decide, review_queue

    with open_session(db) as session:
        queue = review_queue(session, limit or None, unsure=unsure)
        decided = 0
        for index, link in enumerate(queue, start=1):
            _show_pair(session, index, len(queue), link)
            key = _ask_key()
            if key == "q":
                break
            if key in KEYS:
                with handled_errors():
                    decide(session, link.record_a_id, link.record_b_id, KEYS[key], reviewer)
                session.commit()
                decided += 1
    console.print(f"{decided} decision(s) stored; {len(queue) - decided} pair(s) left undecided or skipped")


@review_app.command("decisions")
def decisions_command(limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 50,
                      reviewer: Annotated[str | None, typer.Option(help="Only this reviewer's.")] = None,
                      db: DbOption = "", as_json: JsonOption = False) -> None:
    """Stored decisions, the newest first, with the persons their records belong to now."""
    from tollbook.link.review import decision_rows

    with open_session(db) as session:
        rows = decision_rows(session, limit or None, reviewer)
    print_json(rows) if as_json else print_table("Review decisions", rows)


@review_app.command("undo")
def undo_command(reviewer: ReviewerOption,
                 decision: Annotated[int | None, typer.Option(help="This decision's id (default: your latest).")]
                 = None,
                 db: DbOption = "") -> None:
    """Withdraw a decision: the pair goes back to its earlier decision or to the model (audited)."""
    from tollbook.link.review import undo_decision

    with open_session(db) as session, handled_errors():
        gone = undo_decision(session, reviewer, decision)
        console.print(f"withdrew decision {gone.id}: {gone.verdict.value} on records {gone.record_a_id} and "
                      f"{gone.record_b_id}; run `tollbook link` to re-link with it gone")


@review_app.command("why")
def why_command(record_a: Annotated[int, typer.Argument(help="One record id of the pair.")],
                record_b: Annotated[int, typer.Argument(help="The other record id.")],
                db: DbOption = "", as_json: JsonOption = False) -> None:
    """Why the latest run scored a pair as it did: the prior and each comparison's match weight."""
    from tollbook.link.review import stored_link
    from tollbook.link.waterfall import link_waterfall

    with open_session(db) as session, handled_errors():
        link = stored_link(session, record_a, record_b)
        steps = link_waterfall(session, link)
        if steps is None:
            raise fail("this pair was stored before Tollbook kept match weights: run `tollbook link` again")
        if as_json:
            print_json(steps.to_dict())
            return
        _show_pair(session, 1, 1, link)


def persons_merge(keep: Annotated[str, typer.Argument(help="The person who stays (public id P-…).")],
                  other: Annotated[str, typer.Argument(help="The person merged into it.")],
                  reason: ReasonOption, reviewer: ReviewerOption, db: DbOption = "") -> None:
    """Merge two persons into one, binding on every later `tollbook link`."""
    from tollbook.link.persons import merge_persons

    with open_session(db) as session, handled_errors():
        done = merge_persons(session, keep, other, reason, reviewer)
    console.print(f"merged {other} into {keep}: records {list(done.records_moved)} moved, "
                  f"{done.decisions} binding decision(s) stored")


def persons_split(public_id: Annotated[str, typer.Argument(help="The person to split (public id P-…).")],
                  records: Annotated[list[int], typer.Option("--records", help="Record ids that form the new person.")],
                  reason: ReasonOption, reviewer: ReviewerOption, db: DbOption = "") -> None:
    """Split records off a person into a new person, binding on every later `tollbook link`."""
    from tollbook.link.persons import split_person

    with open_session(db) as session, handled_errors():
        done = split_person(session, public_id, records, reason, reviewer)
    console.print(f"split records {list(done.records_moved)} off {public_id} into {done.persons[1]}; "
                  f"{done.decisions} binding decision(s) stored")


def persons_find(text: Annotated[str, typer.Argument(help="A name in Persian or Latin script (quote two words).")],
                 limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 50,
                 db: DbOption = "", as_json: JsonOption = False) -> None:
    """Persons whose records carry the name, in either script or any romanisation."""
    from tollbook.link.person_view import person_rows
    from tollbook.link.persons import find_persons

    with open_session(db) as session, handled_errors():
        found = find_persons(session, text, limit or None)
        rows = person_rows(session, None, public_ids=found)
    print_json(rows) if as_json else print_table(f"Persons named {text!r}", rows)


def register(app: typer.Typer, persons_app: typer.Typer) -> None:
    """Attach `review` and the hand decisions on persons."""
    app.add_typer(review_app, name="review")
    persons_app.command("merge")(persons_merge)
    persons_app.command("split")(persons_split)
    persons_app.command("find")(persons_find)
