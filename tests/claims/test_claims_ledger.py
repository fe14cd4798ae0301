"""Claims are added, superseded and annotated — never edited into truth — and every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import verify_chain
from tollbook.claims import (
    ClaimDraft,
    add_claim,
    add_claim_fields,
    annotate_claim,
    get_claim,
    list_claims,
    supersede_claim,
)
from tollbook.claims.fields import claim_row, extra
from tollbook.enums import ClaimMetric, Qualifier
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import AuditEvent

DRAFT = ClaimDraft(
    source="Reuters",
    date_stated=dt.date(2019, 12, 23),
    metric=ClaimMetric.KILLED,
    value=1500,
    quote="1,500 people had been killed",
    date_inferred=True,
    date_basis="the day before",
    subset="cause=gunshot_head",
)


def actions(session: Session) -> list[str]:
    """Audit actions in order."""
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_add_gives_a_readable_key_keeps_every_field_and_audits(session: Session) -> None:
    claim = add_claim(session, DRAFT, actor="ana")
    again = add_claim(session, DRAFT)
    assert (claim.claim_key, again.claim_key) == (
        "2019-12-23-reuters-killed-IR",
        "2019-12-23-reuters-killed-IR-2",
    )
    row = claim_row(get_claim(session, claim.claim_key))
    assert (row["date_basis"], row["subset"], row["quote"], row["value"]) == (
        "the day before",
        "cause=gunshot_head",
        "1,500 people had been killed",
        1500,
    )
    assert actions(session) == ["claim.add", "claim.add"]


def test_supersede_keeps_the_old_claim_and_hides_it_from_the_default_list(session: Session) -> None:
    old = add_claim(session, DRAFT)
    new = supersede_claim(
        session,
        old.claim_key,
        DRAFT.__class__(**{**DRAFT.__dict__, "value": 1400}),
        reason="misread",
        actor="ana",
    )
    assert new.supersedes_id == old.id and old.value == 1500
    assert [c.claim_key for c in list_claims(session)] == [new.claim_key]
    assert len(list_claims(session, include_superseded=True)) == 2
    with pytest.raises(TollbookError, match="already superseded"):
        supersede_claim(session, old.claim_key, DRAFT, reason="again")
    assert actions(session) == ["claim.add", "claim.add", "claim.supersede"]
    assert verify_chain(session).ok


def test_annotations_append_and_leave_the_claim_as_it_was(session: Session) -> None:
    claim = add_claim(session, DRAFT)
    annotate_claim(session, claim.claim_key, "Jamaran attributes this to the MEK", "ana", dt.date(2020, 1, 2))
    annotate_claim(session, claim.claim_key, "second remark", "bo", dt.date(2020, 1, 3))
    row = claim_row(claim)
    assert row["annotations"] == [
        "[2020-01-02 ana] Jamaran attributes this to the MEK",
        "[2020-01-03 bo] second remark",
    ]
    assert (row["value"], extra(claim, "subset")) == (1500, "cause=gunshot_head")
    assert actions(session)[-2:] == ["claim.annotate", "claim.annotate"]


def test_add_from_text_fields_refuses_with_every_reason(session: Session) -> None:
    with pytest.raises(TollbookError) as caught:
        add_claim_fields(
            session, {"source": "X", "date_stated": "2019-12-01", "metric": "dead", "value": "-1"}
        )
    assert "metric = 'dead'" in str(caught.value) and "value = '-1'" in str(caught.value)
    claim = add_claim_fields(
        session,
        {
            "source": "X",
            "date_stated": "2019-12-01",
            "metric": "killed",
            "value": "1,000",
            "qualifier": "more than",
        },
    )
    assert (claim.value, claim.qualifier) == (1000, Qualifier.MORE_THAN)


def test_unknown_key_says_how_to_find_keys(session: Session) -> None:
    with pytest.raises(NotFoundError, match="tollbook claims list"):
        get_claim(session, "nope")
