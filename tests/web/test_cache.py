"""The page caches: a cached page carries each session's own CSRF token, never crosses accounts or roles, and a
write through the app shows at once (the data version is looked up again after every unsafe request)."""

from __future__ import annotations

from fastapi import FastAPI

from tollbook.enums import Role
from web.web_helpers import csrf_of, token_of

NEW = {"source": "تلفنی", "given_name": "کاوه", "family_name": "یزدان‌پناه", "date_of_death": "۱۳۹۸/۰۸/۲۶",
       "province": "اصفهان", "status": "killed"}


def test_each_session_gets_its_own_token_in_a_cached_page(client_for) -> None:
    first, second = client_for(Role.VIEWER), client_for(Role.VIEWER)  # one account, two sessions
    for path in ("/records?per_page=10", "/"):
        pages = [client.get(path).text for client in (first, second, first, second)]
        assert pages[0].replace(csrf_of(pages[0]), "") == pages[1].replace(csrf_of(pages[1]), "")
        assert csrf_of(pages[0]) == csrf_of(pages[2]) == token_of(first)
        assert csrf_of(pages[1]) == csrf_of(pages[3]) == token_of(second) != token_of(first)


def test_a_cached_page_never_crosses_roles(client_for) -> None:
    viewer, documenter = client_for(Role.VIEWER), client_for(Role.DOCUMENTER)
    for _ in range(2):
        assert 'href="/records/new"' not in viewer.get("/records").text
        assert 'href="/records/new"' in documenter.get("/records").text
        assert "viewer-user" in viewer.get("/").text and "viewer-user" not in documenter.get("/").text


def test_a_write_through_the_app_shows_at_once(app: FastAPI, client_for) -> None:
    documenter = client_for(Role.DOCUMENTER)
    before = documenter.get("/records", params={"name": "کاوه"}).text
    assert "یزدان‌پناه" not in before
    dashboard = documenter.get("/").text
    added = documenter.post("/records/new", data=NEW | {"csrf_token": token_of(documenter)}, follow_redirects=False)
    assert added.status_code == 303
    assert "یزدان‌پناه" in documenter.get("/records", params={"name": "کاوه"}).text  # no wait, no stale page
    assert documenter.get("/").text != dashboard  # the counts moved
