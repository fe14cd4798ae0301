"""Role and force as competing assertions: from the lists' own columns and added by hand; never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tollbook.claims.ledger import add_claim_fields
from tollbook.errors import TollbookError
from tollbook.evidence import classify, person_assertions
from tollbook.evidence.assertions import summary
from tollbook.store import session_scope


def test_lists_disagreeing_on_role_are_both_kept(people: Engine) -> None:
    with session_scope(people) as session:
        found = person_assertions(session, "P-2")
    roles = summary(found, "role")
    assert roles == {"bystander": ["NGO"], "protester": ["Network"]}
    assert summary(found, "force") == {"basij": ["NGO"]}  # the network's "unknown" asserts nothing
    ngo = next(a for a in found if a.asserted_by == "NGO" and a.aspect == "role")
    assert ngo.asserted_on == dt.date(2019, 12, 1) and ngo.basis == "list NGO, record R2"


def test_classify_adds_without_overwriting(people: Engine) -> None:
    with session_scope(people) as session:
        classify(session, "P-1", "role", "bystander", "rev Layla", "reviewer", "two witnesses: was buying bread",
                 dt.date(2020, 2, 1), actor="layla")
        classify(session, "P-1", "force", "Basij", "NGO", basis="video 3")
        again = classify(session, "P-1", "force", "basij", "NGO", basis="video 3")
        found = person_assertions(session, "P-1")
    assert summary(found, "role") == {"protester": ["Network", "Network Mirror"], "bystander": ["rev Layla"]}
    assert summary(found, "force") == {"irgc": ["Network", "Network Mirror"], "basij": ["NGO"]}
    assert again.id is not None and sum(a.assertion_id is not None for a in found) == 2


def test_a_claim_can_assert(people: Engine) -> None:
    with session_scope(people) as session:
        add_claim_fields(session, {"source": "State TV", "date_stated": "2019-12-01", "metric": "killed",
                                   "value": "1", "quote": "a rioter", "claim_key": "state-1"})
        classify(session, "P-3", "role", "other", "state-1", "claim")
        found = person_assertions(session, "P-3")
    claimed = next(a for a in found if a.asserter_kind == "claim")
    assert claimed.asserted_by == "State TV" and "state-1" in claimed.basis


@pytest.mark.parametrize(("args", "message"), [
    (("role", "rioter", "NGO"), "unknown role"), (("mood", "x", "NGO"), "unknown aspect"),
    (("role", "protester", "Nobody"), "no source named"), (("role", "protester", " "), "who asserts"),
    (("force", "army", "NGO"), "irgc, basij")])
def test_refusals(people: Engine, args: tuple, message: str) -> None:
    with session_scope(people) as session, pytest.raises(TollbookError, match=message):
        classify(session, "P-1", *args)


def test_classification_table_by_claimant(people: Engine) -> None:
    from tollbook.evidence import classification_table

    with session_scope(people) as session:
        table = classification_table(session, "role", "IR-23")
        everywhere = classification_table(session, "force")
    assert table["persons"] == 2 and table["disputed"] == 1 and table["unclassified"] == 0
    assert table["rows"] == [{"claimant": "NGO", "role": "bystander", "persons": 1},
                             {"claimant": "Network", "role": "protester", "persons": 2},
                             {"claimant": "Network Mirror", "role": "protester", "persons": 1}]
    assert everywhere["persons"] == 3 and everywhere["disputed"] == 0 and everywhere["unclassified"] == 0
