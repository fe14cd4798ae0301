"""Partial dates downstream: a month-only death is shown with its precision, falls in no week or day stratum, and
counts as dead by a date only when its whole month ends before that date. Retracted records do not count."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tollbook.claims.timeline import documented_count
from tollbook.enums import ClaimMetric
from tollbook.link.histories import stratum_of
from tollbook.model import Person
from tollbook.records import add_record, record_value, retract_record
from tollbook.store import session_scope


def test_partial_dates_keep_their_precision_downstream(engine: Engine) -> None:
    with session_scope(engine) as session:
        month = add_record(session, "a", {"given_name": "Ali", "date_of_death": "آبان ۱۳۹۸"}, actor="t").record
        day = add_record(session, "a", {"given_name": "Reza", "date_of_death": "۲۵ آبان ۱۳۹۸"}, actor="t").record
        gone = add_record(session, "a", {"given_name": "Sara", "date_of_death": "2019-11-01"}, actor="t").record
        for number, record in enumerate((month, day, gone), start=1):
            person = Person(public_id=f"P-{number}")
            session.add(person)
            session.flush()
            record.person_id = person.id
        retract_record(session, gone.id, actor="t", reason="not a death")
        month_value = record_value(month, "date_of_death")
        assert (stratum_of("period", month_value), stratum_of("day", month_value)) == ("unknown", "unknown")
        assert stratum_of("period", record_value(day, "date_of_death")) == "2019-W46"
        assert str(month_value.describe()) == "Aban 1398 (month)"
        inside, after = dt.date(2019, 11, 18), dt.date(2019, 11, 22)  # Aban 1398 = 23 Oct to 21 Nov 2019
        assert documented_count(session, ClaimMetric.KILLED, "IR", inside) == 1  # the dated death only
        assert documented_count(session, ClaimMetric.KILLED, "IR", after) == 2
