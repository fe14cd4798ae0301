"""The new-record form, retraction, review undo with the score waterfall, and persons merge/split through the
app: each calls the tollbook library function the CLI calls, is audited, and reads Persian input; validation
messages are the library's own, beside their fields."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from markupsafe import escape
from sqlalchemy import func, select

from tollbook.audit.verify import verify_audit
from tollbook.enums import Role
from tollbook.link.review import review_queue
from tollbook.model import AuditEvent, Person, Record, RecordRetraction, ReviewDecision, Source
from tollbook.records import check_input
from tollbook.store import session_scope
from web.web_helpers import token_of

NEW = {"source": "شاهدان محلی", "given_name": "پویا", "family_name": "بختیاری", "father_name": "حسین",
       "sex": "مرد", "age": "۲۷", "date_of_death": "۱۳۹۸/۰۸/۲۵", "province": "تهران", "city": "تهران",
       "status": "کشته", "record_id": "L-1", "place_detail": "SECRET-ADDRESS خیابان ۱۲", "notes": "",
       "reason": "گزارش تلفنی خانواده"}


def _counts(app: FastAPI) -> tuple[int, int, int]:
    """(records, sources, audit events)."""
    with session_scope(app.state.engine) as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Record, Source, AuditEvent))


def _audit_ok(app: FastAPI) -> None:
    with session_scope(app.state.engine) as session:
        report = verify_audit(session)
        assert report.ok, report.problems()


def _last_event(app: FastAPI) -> AuditEvent:
    with session_scope(app.state.engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        session.expunge(event)
        return event


def test_new_record_form_adds_an_audited_record_from_persian_input(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    form = client.get("/records/new?lang=fa").text
    assert 'dir="rtl"' in form and 'list="provinces"' in form and 'list="cities"' in form and "خورشیدی" in form
    response = client.post("/records/new", data=NEW | {"csrf_token": token_of(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    record_id = int(response.headers["location"].split("/")[2].split("?")[0])
    with session_scope(app.state.engine) as session:
        record = session.get(Record, record_id)
        assert (record.given_name, record.age, record.date_of_death) == ("پویا", 27, dt.date(2019, 11, 16))
        assert (record.province_code, record.source.name, record.created_by) == ("IR-23", "شاهدان محلی",
                                                                              "web:documenter-user")
        assert record.raw["date_of_death"] == "۱۳۹۸/۰۸/۲۵" and record.family_name_key == "bakhtiari"
    event = _last_event(app)
    assert (event.action, event.actor, event.object_id) == ("record.add", "web:documenter-user", str(record_id))
    _audit_ok(app)
    page = client_for(Role.VIEWER).get(f"/records/{record_id}")
    assert "بختیاری" in page.text and "SECRET" not in page.text


def test_gregorian_date_and_latin_place_are_read_too(app: FastAPI, client_for) -> None:
    client = client_for(Role.ADMIN)
    values = NEW | {"given_name": "Pouya", "family_name": "Bakhtiari", "date_of_death": "2019-11-17",
                    "province": "Fars", "city": "Shiraz", "record_id": "L-2", "csrf_token": token_of(client)}
    response = client.post("/records/new", data=values, follow_redirects=False)
    assert response.status_code == 303, response.text
    with session_scope(app.state.engine) as session:
        record = session.scalars(select(Record).where(Record.source_record_id == "L-2")).one()
        assert (record.date_of_death, record.province_code) == (dt.date(2019, 11, 17), "IR-07")


@pytest.mark.parametrize(("field", "value"), [
    ("date_of_death", "۱۳۹۸/۱۳/۴۰"),
    ("given_name", ""),
    ("status", "زنده"),
])
def test_bad_persian_input_stays_beside_its_field_with_the_librarys_message(app: FastAPI, client_for, field: str,
                                                                            value: str) -> None:
    client = client_for(Role.DOCUMENTER)
    values = NEW | {field: value} | ({"family_name": ""} if field == "given_name" else {})
    entered = {k: v for k, v in values.items() if k not in ("source", "reason") and v}
    parsed, issues = check_input(entered)  # what the library says of these values
    assert parsed is None
    before = _counts(app)
    response = client.post("/records/new", data=values | {"csrf_token": token_of(client)})
    assert response.status_code == 400
    for issue in issues:
        assert f'id="issue-{issue.field}"' in response.text and str(escape(issue.reason)) in response.text
    assert 'value="پویا"' in response.text or field == "given_name"  # what was typed is kept in the form
    assert _counts(app) == before


def test_a_value_kept_as_unknown_is_shown_first_and_saved_only_when_accepted(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    values = NEW | {"age": "جوان", "csrf_token": token_of(client)}
    before = _counts(app)
    first = client.post("/records/new", data=values)
    assert first.status_code == 400 and 'id="issue-age"' in first.text and 'name="confirm"' in first.text
    assert _counts(app) == before
    saved = client.post("/records/new", data=values | {"confirm": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    with session_scope(app.state.engine) as session:
        record = session.scalars(select(Record).where(Record.source_record_id == "L-1")).one()
        assert record.age is None and record.raw["age"] == "جوان"  # nothing typed is lost


def test_new_record_needs_a_source_and_refuses_a_duplicate_id(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    before = _counts(app)
    assert client.post("/records/new", data=NEW | {"source": " ", "csrf_token": token_of(client)}).status_code == 400
    s1 = NEW | {"source": "witnesses", "record_id": "s1", "csrf_token": token_of(client)}
    duplicate = client.post("/records/new", data=s1)
    assert duplicate.status_code == 400 and "already has record id" in duplicate.text
    fresh = client.post("/records/new", data=s1 | {"source": "منبع تازه", "record_id": "s1"}, follow_redirects=False)
    assert fresh.status_code == 303
    assert _counts(app)[:2] == (before[0] + 1, before[1] + 1)


def test_retraction_needs_a_reason_keeps_the_record_and_is_audited(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    with session_scope(app.state.engine) as session:
        record_id = max(session.scalars(select(Record.id).where(Record.source_record_id == "s2")))
    assert f'action="/records/{record_id}/retract"' in client.get(f"/records/{record_id}").text
    before = _counts(app)
    empty = client.post(f"/records/{record_id}/retract", data={"reason": " ", "csrf_token": token_of(client)})
    assert empty.status_code == 400 and _counts(app) == before
    done = client.post(f"/records/{record_id}/retract", data={"reason": "تکراری است", "csrf_token": token_of(client)},
                       follow_redirects=False)
    assert done.status_code == 303
    with session_scope(app.state.engine) as session:
        retraction = session.scalars(select(RecordRetraction).where(RecordRetraction.record_id == record_id)).one()
        assert (retraction.reason, retraction.retracted_by) == ("تکراری است", "web:documenter-user")
    assert _counts(app)[0] == before[0]  # nothing deleted
    assert _last_event(app).action == "record.retract"
    page = client.get(f"/records/{record_id}?lang=fa").text
    assert "تکراری است" in page and f'href="/records/{record_id}/correct"' not in page
    again = client.post(f"/records/{record_id}/retract", data={"reason": "x", "csrf_token": token_of(client)})
    assert again.status_code == 400 and "retracted" in again.text
    _audit_ok(app)


def test_review_page_shows_the_score_waterfall_beside_the_pair(app: FastAPI, client_for) -> None:
    from tollbook.link.waterfall import link_waterfall

    with session_scope(app.state.engine) as session:
        link = review_queue(session)[0]
        steps = link_waterfall(session, link)
    assert steps is not None
    total = steps.prior + sum(step.weight for step in steps.steps)
    assert total == pytest.approx(steps.match_weight, abs=1e-3)  # the bars add up to the pair's weight
    page = client_for(Role.VIEWER).get("/review").text
    assert 'class="waterfall"' in page and f"{steps.match_weight:+.2f}" in page
    assert page.count('<svg class="bar"') == len(steps.steps) + 1
    for step in steps.steps:
        assert f"{step.weight:+.2f}" in page
    assert "/review/undo" not in page  # a viewer may not undo


def test_reviewer_undoes_a_decision_and_the_pair_returns_to_the_queue(app: FastAPI, client_for) -> None:
    client = client_for(Role.REVIEWER)
    with session_scope(app.state.engine) as session:
        queue = [link.id for link in review_queue(session)]
    client.post("/review/decide", data={"link_id": queue[0], "verdict": "match", "note": "همان نفر",
                                        "csrf_token": token_of(client)})
    page = client.get("/review").text
    assert 'action="/review/undo"' in page and "همان نفر" in page
    with session_scope(app.state.engine) as session:
        decision_id = session.scalars(select(ReviewDecision.id)).one()
        assert queue[0] not in [link.id for link in review_queue(session)]
    undone = client.post("/review/undo", data={"decision": decision_id, "csrf_token": token_of(client)},
                         follow_redirects=False)
    assert undone.status_code == 303
    with session_scope(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0
        assert queue[0] in [link.id for link in review_queue(session)]
    event = _last_event(app)
    assert (event.action, event.actor) == ("review.undo", "web:reviewer-user")
    nothing = client.post("/review/undo", data={"csrf_token": token_of(client)})
    assert nothing.status_code == 400 and "no decision to undo" in nothing.text
    _audit_ok(app)


def _person_with_records(app: FastAPI, at_least: int) -> tuple[str, list[int]]:
    with session_scope(app.state.engine) as session:
        for person in session.scalars(select(Person).where(Person.records.any()).order_by(Person.id)):
            ids = sorted(r.id for r in person.records)
            if len(ids) >= at_least:
                return person.public_id, ids
    raise AssertionError("no person with enough records")


def test_split_then_merge_a_person_with_a_persian_reason(app: FastAPI, client_for) -> None:
    client = client_for(Role.REVIEWER)
    public_id, ids = _person_with_records(app, 2)
    page = client.get(f"/persons/{public_id}").text
    assert 'id="split-form"' in page and 'id="merge-form"' in page
    no_reason = client.post(f"/persons/{public_id}/split", data={"record": str(ids[-1]), "reason": "",
                                                                  "csrf_token": token_of(client)})
    assert no_reason.status_code == 400 and "give a reason" in no_reason.text
    split = client.post(f"/persons/{public_id}/split", data={"record": str(ids[-1]), "reason": "پدرها متفاوت‌اند",
                                                              "csrf_token": token_of(client)}, follow_redirects=False)
    assert split.status_code == 303
    new_id = split.headers["location"].split("/")[2].split("?")[0]
    assert new_id != public_id
    with session_scope(app.state.engine) as session:
        moved = session.get(Record, ids[-1])
        assert moved.person.public_id == new_id
    assert _last_event(app).action == "persons.split"
    assert f'<option value="{new_id}">' in client.get(f"/persons/{public_id}").text  # offered as a namesake
    merged = client.post(f"/persons/{public_id}/merge", data={"other": new_id, "reason": "همان فرد است",
                                                               "csrf_token": token_of(client)}, follow_redirects=False)
    assert merged.status_code == 303
    with session_scope(app.state.engine) as session:
        assert session.get(Record, ids[-1]).person.public_id == public_id
    event = _last_event(app)
    assert (event.action, event.actor) == ("persons.merge", "web:reviewer-user")
    refused = client_for(Role.DOCUMENTER).post(f"/persons/{public_id}/merge",
                                               data={"other": new_id, "reason": "x", "csrf_token": "forged"})
    assert refused.status_code == 403
    _audit_ok(app)


def test_the_api_adds_retracts_undoes_splits_and_merges_through_the_same_library(app: FastAPI, client_for) -> None:
    documenter, reviewer = client_for(Role.DOCUMENTER), client_for(Role.REVIEWER)
    headers = {"X-CSRF-Token": token_of(documenter)}
    values = {k: v for k, v in NEW.items() if k not in ("source", "reason")} | {"age": "جوان"}
    added = documenter.post("/api/records", json={"source": "شاهدان", "values": values}, headers=headers)
    assert added.status_code == 201 and added.json()["warnings"][0].startswith("age:")  # as `records add` warns
    bad = documenter.post("/api/records", json={"source": "شاهدان", "values": {"date_of_death": "۱۳۹۸/۱۳/۴۰"}},
                          headers=headers)
    assert bad.status_code == 400 and "month 13" in bad.json()["detail"]
    record_id = added.json()["id"]
    gone = documenter.post(f"/api/records/{record_id}/retraction", json={"reason": "تکراری"}, headers=headers)
    assert gone.status_code == 201 and gone.json()["by"] == "web:documenter-user"
    public_id, ids = _person_with_records(app, 2)
    headers = {"X-CSRF-Token": token_of(reviewer)}
    split = reviewer.post(f"/api/persons/{public_id}/split", json={"records": [ids[-1]], "reason": "دو نفر"},
                          headers=headers)
    assert split.status_code == 200, split.text
    new_id = split.json()["persons"][1]
    merged = reviewer.post(f"/api/persons/{public_id}/merge", json={"other": new_id, "reason": "یک نفر"},
                           headers=headers)
    assert merged.status_code == 200 and merged.json()["records_moved"] == [ids[-1]]
    undone = reviewer.post("/api/review/undo", json={}, headers=headers)  # the merge's own must-link decision
    assert undone.status_code == 200 and undone.json()["verdict"] == "match"
    _audit_ok(app)
