"""The Iran 2019 claims file against a list of figures written independently from the two articles.

The articles are `iran-2019-deadlock-death-toll.txt` (Hamideh Taati, "Iran Regime's Deadlock in Announcing
Death Toll of November Protests") and `iran-2019-amnesty-304.txt` ("Amnesty International Once Again
Highlights Iranian Regime's Unprovoked Killing of Protesters", PMOI/MEK Iran), kept in the project's shared
sources folder beside the checkout. The quote test needs them and is skipped where they are absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLAIMS
from sqlalchemy.orm import Session

from tollbook.claims import import_claims, run_checks

SENTENCE_BREAK = re.compile(r"(?<!\bU\.S)[.!?]\s+[A-Z]")  # a full stop inside the quote, "U.S." aside
SHARED_SOURCES = Path(__file__).parents[3] / "shared" / "sources"

# (who, date, metric, number, scope, share) for every figure, re-read from the articles. A figure repeated by
# another outlet (Alef repeating the NCRI's 1,000 and 1,500, Jamaran repeating Reuters' 1,500) is one claim.
EXPECTED = {
    # "Deadlock" article
    ("IRGC", "2019-11-17", "arrested", 1000, "IR", None),  # tweet: "#IRGC said 1,000 had been arrested"
    ("NCRI", "2019-11-19", "killed", 200, "IR", None),  # "More than 200 protesters have been killed"
    ("NCRI", "2019-11-19", "injured", 2000, "IR", None),  # "Thousands have been wounded"
    ("NCRI", "2019-11-23", "killed", 300, "IR", None),  # "Four days later ... over 300"
    ("MEK", "2019-11-26", "killed", 450, "IR", None),  # "casualties had surpassed 450"
    ("MEK", "2019-11-26", "cities_affected", 176, "IR", None),  # "engulfed 176 cities"
    ("NCRI", "2019-12-03", "killed", 750, "IR", None),  # Alef: Statement No-43 "over 750", a day before 1,000
    ("NCRI", "2019-12-04", "killed", 1000, "IR", None),  # "risen to above 1,000"
    ("NCRI", "2019-12-04", "cities_affected", 189, "IR", None),  # "swept across 189 cities"
    ("Brian Hook (US Special Representative for Iran)", "2019-12-05", "killed", 1000, "IR", None),
    ("MEK", "2019-12-15", "killed", 1500, "IR", None),  # "confirmed that over 1,500"
    ("MEK", "2019-12-15", "killed", 400, "IR-23", None),  # Tehran
    ("MEK", "2019-12-15", "killed", 320, "IR-05", None),  # Kermanshah
    ("MEK", "2019-12-15", "killed", 270, "IR-07", None),  # Fars
    ("MEK", "2019-12-15", "killed", 240, "IR-06", None),  # Khuzestan
    ("MEK", "2019-12-15", "killed", 120, "IR-10", None),  # Isfahan
    ("MEK", "2019-12-15", "killed", 100, "IR-30", None),  # Alborz (Karaj)
    ("NCRI", "2019-12-15", "killed", 1500, "IR", None),  # tweet "Over 1,500 Killed"
    ("NCRI", "2019-12-15", "names_released", 504, "IR", None),  # "Names of 504 Martyrs Released"
    ("Reuters", "2019-12-23", "killed", 1500, "IR", None),
    ("NCRI", "2019-12-30", "killed", 1500, "IR", None),  # tweet "over 1500 martyrs"
    ("NCRI", "2019-12-30", "injured", 4000, "IR", None),
    ("NCRI", "2019-12-30", "arrested", 12000, "IR", None),
    ("MEK", "2020-01-01", "killed", 1500, "IR", None),  # "killed at least 1,500 people"
    ("MEK", "2020-01-01", "injured", 4000, "IR", None),  # "wounded at 4,000"
    ("MEK", "2020-01-01", "arrested", 12000, "IR", None),  # "some 12,000 protesters were detained"
    (
        "MEK",
        "2020-01-01",
        "victims_identified",
        620,
        "IR",
        None,
    ),  # "more than 620 victims had been identified"
    ("Ali Shamkhani (Supreme National Security Council)", "2020-01-01", "killed", None, "IR-23", 85),
    # "Amnesty 304" article
    ("MEK", "2020-05-20", "cities_affected", 190, "IR", None),  # "more than 190 cities"
    ("Amnesty International", "2020-05-20", "killed", 304, "IR", None),
    ("Amnesty International", "2020-05-20", "killed", 220, "IR", None),  # 16th and 17th November
    ("Amnesty International", "2020-05-20", "killed", 4, "IR", None),  # beaten
    ("Amnesty International", "2020-05-20", "killed", 2, "IR", None),  # tear gas
    ("MEK", "2020-05-20", "killed", 1500, "IR", None),  # "the killing of 1,500 protesters"
    ("MEK", "2020-05-20", "arrested", 12000, "IR", None),  # "the arrest of more than 12,000"
    ("MEK", "2020-05-20", "killed", 2000, "IR", None),  # "a massive crackdown that killed thousands"
}


def _rows() -> list[dict[str, str]]:
    """The example's claim rows."""
    with EXAMPLE_CLAIMS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _figure(row: dict[str, str]) -> tuple:
    """A row in the shape of EXPECTED."""
    number = lambda text: int(float(text)) if text else None  # noqa: E731
    return (
        row["source"],
        row["date_stated"],
        row["metric"],
        number(row["value"]),
        row["scope_area"],
        number(row["share_percent"]),
    )


def test_every_figure_of_the_articles_is_a_claim_and_nothing_else() -> None:
    rows = _rows()
    figures = [_figure(row) for row in rows]
    assert len(rows) == len(EXPECTED) == 36
    assert set(figures) == EXPECTED
    assert len({row["claim_key"] for row in rows}) == len(rows)


def test_inferred_dates_say_what_they_were_inferred_from() -> None:
    inferred = [row for row in _rows() if row["date_inferred"] == "true"]
    assert {row["claim_key"] for row in inferred} >= {"2019-11-23-ncri-killed", "2019-12-05-hook-killed"}
    assert all(row["date_basis"] for row in inferred)
    assert all(not row["date_basis"] for row in _rows() if row["date_inferred"] == "false")


@pytest.mark.skipif(
    not SHARED_SOURCES.is_dir(), reason="the two source articles are not beside this checkout"
)
def test_quotes_are_verbatim_single_sentences_of_the_articles() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SHARED_SOURCES.glob("iran-2019-*.txt"))
    for row in _rows():
        assert row["quote"] in text, row["claim_key"]
        assert not SENTENCE_BREAK.search(row["quote"]), row["claim_key"]


def test_example_imports_once_and_checks_find_what_is_there(session: Session) -> None:
    first = import_claims(session, EXAMPLE_CLAIMS, today=dt.date(2026, 1, 1))
    again = import_claims(session, EXAMPLE_CLAIMS, today=dt.date(2026, 1, 1))
    assert (len(first.added), first.errors, len(again.added), len(again.unchanged)) == (36, [], 0, 36)
    findings = run_checks(session)
    breakdowns = [f for f in findings if f.kind.startswith("breakdown")]
    assert len(breakdowns) == 1
    assert breakdowns[0].kind == "breakdown_short_of_total"
    assert breakdowns[0].numbers == {"total": 1500, "parts_sum": 1450, "difference": 50, "parts": 6}
    assert not [f for f in findings if f.kind == "series_down"]
    shares = [f for f in findings if f.kind == "share_implied_counts"]
    assert [s.numbers["under:2019-12-15-mek-killed-IR-23"] for s in shares] == [340.0]
