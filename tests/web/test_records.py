"""Records and persons pages: search in either script, paging, confidential values only for the roles that may
see them, and the correction form with Persian input (validation beside the fields, a new audited revision)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from tollbook.audit.verify import verify_audit
from tollbook.enums import Role
from tollbook.model import AuditEvent, Person, Record
from tollbook.records import superseded_ids
from tollbook.store import session_scope
from web.web_helpers import SECRETS, token_of


def _record_id(app: FastAPI, source_record_id: str) -> int:
    """The current record with a source's id."""
    with session_scope(app.state.engine) as session:
        ids = session.scalars(select(Record.id).where(Record.source_record_id == source_record_id)).all()
        return max(ids)


def _counts(app: FastAPI) -> tuple[int, int]:
    """(records, audit events) in the database."""
    with session_scope(app.state.engine) as session:
        return (session.scalar(select(func.count()).select_from(Record)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.mark.parametrize("query", ["محمد حسینی", "Mohammad Hosseini", "hoseini"])
def test_search_finds_names_in_either_script(client_for, query: str) -> None:
    items = client_for(Role.VIEWER).get("/api/records", params={"name": query}).json()["items"]
    names = {(r["given_name"], r["family_name"]) for r in items}
    assert ("محمد", "حسینی") in names and ("Mohammad", "Hosseini") in names


def test_search_by_province_date_and_status(client_for) -> None:
    client = client_for(Role.VIEWER)
    fars = client.get("/api/records", params={"province": "فارس"}).json()
    assert fars["total"] >= 1 and all(r["province_code"] == "IR-07" for r in fars["items"])
    in_days = client.get("/api/records", params={"died_from": "۱۳۹۸/۰۸/۲۶", "died_to": "2019-11-17"}).json()
    assert in_days["total"] >= 2
    assert all("2019-11-17" <= r["date_of_death"] <= "2019-11-17" for r in in_days["items"])
    bad = client.get("/api/records", params={"province": "Atlantis"})
    assert bad.status_code == 400 and "unknown province" in bad.json()["detail"]
    page = client.get("/records", params={"died_from": "1398-13-40"})
    assert page.status_code == 400 and "died from" in page.text


def test_paging_is_the_same_for_page_and_api(client_for) -> None:
    client = client_for(Role.VIEWER)
    first = client.get("/api/records", params={"per_page": 5}).json()
    second = client.get("/api/records", params={"per_page": 5, "page": 2}).json()
    assert first["total"] == second["total"] >= 30 and first["pages"] == -(-first["total"] // 5)
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert client.get("/api/records", params={"per_page": 500}).status_code == 422
    html = client.get("/records", params={"per_page": 5, "page": 2}).text
    assert 'rel="next"' in html and 'rel="prev"' in html


@pytest.mark.parametrize("role", [None, Role.VIEWER, Role.STATISTICIAN])
def test_confidential_values_never_reach_roles_without_the_right(app: FastAPI, client_for, role) -> None:
    client = client_for(role)
    record_id = _record_id(app, "s1")
    with session_scope(app.state.engine) as session:
        public_id = session.get(Record, record_id).person.public_id
    pages = ["/public", "/public/persons", "/public/timeline", "/api/public/persons?per_page=200",
             "/api/public/summary"]
    if role is not None:
        pages += [f"/records/{record_id}", f"/api/records/{record_id}", f"/persons/{public_id}",
                  f"/api/persons/{public_id}", "/records?per_page=200", "/api/records?per_page=200", "/sources",
                  "/api/sources", "/review"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert not any(secret in response.text for secret in SECRETS), page


def test_confidential_roles_see_raw_row_contact_and_history(app: FastAPI, client_for) -> None:
    record_id = _record_id(app, "s1")
    for role in (Role.ADMIN, Role.DOCUMENTER, Role.REVIEWER):
        detail = client_for(role).get(f"/api/records/{record_id}").json()
        assert detail["record"]["place_detail"].startswith("SECRET-ADDRESS")
        assert detail["record"]["raw"]["notes"].startswith("SECRET-NOTE")
        assert detail["source"]["contact"].startswith("SECRET-CONTACT")
        assert [e["action"] for e in detail["audit"]] == [] or detail["audit"][0]["object_type"] == "record"


def test_persian_correction_makes_an_audited_revision(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    record_id = _record_id(app, "s1")
    form = client.get(f"/records/{record_id}/correct").text
    assert 'dir="auto"' in form and 'list="provinces"' in form
    values = {"given_name": "نگین", "family_name": "کریمی‌پور", "father_name": "رضا", "sex": "زن", "age": "۲۰",
              "date_of_death": "۱۳۹۸/۰۸/۲۷", "province": "فارس", "city": "شیراز", "status": "کشته",
              "cause": "", "perpetrator": "", "record_id": "s1", "evidence": "", "place_detail": "SECRET-ADDRESS",
              "notes": "SECRET-NOTE", "reason": "خانواده نام خانوادگی را اصلاح کرد", "csrf_token": token_of(client)}
    response = client.post(f"/records/{record_id}/correct", data=values, follow_redirects=False)
    assert response.status_code == 303, response.text
    new_id = int(response.headers["location"].split("/")[2].split("?")[0])
    with session_scope(app.state.engine) as session:
        new, old = session.get(Record, new_id), session.get(Record, record_id)
        assert (new.supersedes_id, new.revision, new.family_name, new.age) == (record_id, 2, "کریمی‌پور", 20)
        assert new.date_of_death == dt.date(2019, 11, 18) and new.family_name_key == "karimipour"
        assert old.family_name == "کریمی" and record_id in superseded_ids(session)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor, event.object_id) == ("record.revise", "web:documenter-user", str(new_id))
    client.post("/logout", data={"csrf_token": token_of(client)})
    with session_scope(app.state.engine) as session:
        report = verify_audit(session)
        assert report.ok, report.problems()
    page = client_for(Role.VIEWER).get(f"/records/{new_id}?lang=fa")
    assert 'dir="rtl"' in page.text and "کریمی‌پور" in page.text and "SECRET" not in page.text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("date_of_death", "۱۳۹۸/۱۳/۴۰", "month"),
    ("age", "۲۵۰", "is over 120"),
    ("given_name", "", "needs a name"),
    ("status", "زنده", "unknown status"),
])
def test_bad_persian_input_is_shown_beside_its_field_and_nothing_changes(app: FastAPI, client_for, field: str,
                                                                         value: str, message: str) -> None:
    client = client_for(Role.DOCUMENTER)
    record_id = _record_id(app, "s1")
    values = {"given_name": "نگین", "family_name": "", "date_of_death": "۱۳۹۸/۰۸/۲۶", "status": "killed",
              "reason": "اصلاح", "csrf_token": token_of(client)} | {field: value}
    before = _counts(app)
    response = client.post(f"/records/{record_id}/correct", data=values)
    assert response.status_code == 400
    assert f'id="issue-{field}"' in response.text and message in response.text
    assert _counts(app) == before


def test_correction_needs_a_reason_and_a_change(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    record_id = _record_id(app, "s2")
    token = token_of(client)
    no_reason = client.post(f"/api/records/{record_id}/revisions", json={"values": {"age": "32"},
                                                                                 "reason": ""},
                            headers={"X-CSRF-Token": token})
    assert no_reason.status_code == 422
    same = client.post(f"/api/records/{record_id}/revisions", json={"values": {"age": "31"}, "reason": "check"},
                       headers={"X-CSRF-Token": token})
    assert same.status_code == 400 and "changes nothing" in same.json()["detail"]
    done = client.post(f"/api/records/{record_id}/revisions", json={"values": {"age": "۳۲"}, "reason": "typo"},
                       headers={"X-CSRF-Token": token})
    assert done.status_code == 201 and done.json()["changed"] == ["age", "age_high", "age_low"]
    again = client.post(f"/api/records/{record_id}/revisions", json={"values": {"age": "33"}, "reason": "x"},
                        headers={"X-CSRF-Token": token})
    assert again.status_code == 400 and "already revised" in again.json()["detail"]


def test_persons_pages_show_accepted_values_and_sources(app: FastAPI, client_for) -> None:
    client = client_for(Role.VIEWER)
    listing = client.get("/api/persons", params={"per_page": 3}).json()
    assert listing["total"] >= 10 and len(listing["items"]) == 3
    public_id = listing["items"][0]["public_id"]
    person = client.get(f"/api/persons/{public_id}").json()
    assert person["person"]["public_id"] == public_id and person["records"]
    public = client_for(None).get("/api/public/persons", params={"per_page": 200}).json()
    assert public["total"] == listing["total"]
    assert all(not {"lists", "notes", "place_detail", "evidence_refs", "record_ids"} & set(row)
               for row in public["items"])
    with session_scope(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(Person)) >= listing["total"]


def test_public_list_leaves_out_a_discounted_person(app: FastAPI, client_for) -> None:
    """The public page is the public export's list: a person a reviewer discounted is not published."""
    from tollbook.evidence.levels import set_level

    before = client_for(None).get("/api/public/persons", params={"per_page": 200}).json()
    gone = before["items"][0]["public_id"]
    with session_scope(app.state.engine) as session:
        set_level(session, gone, "discounted", "rev", "a duplicate report of a living man")
    after = client_for(None).get("/api/public/persons", params={"per_page": 200}).json()
    assert after["total"] == before["total"] - 1 and gone not in {row["public_id"] for row in after["items"]}
