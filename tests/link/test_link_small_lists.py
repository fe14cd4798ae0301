"""A team's first day: three hand-made lists of a few rows (Latin and Persian script), linked untrained.

Two men named Reza of one province whose family names differ (Ahmadi of Fardis, Karimi of Karaj, a day and a
year apart) are two people; a month-only date of death ("آبان ۱۳۹۸") agrees, within its precision, with a day
inside that month and disagrees with a day outside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from link_fixtures import import_lists
from sqlalchemy import Engine, select

from tollbook.link import link_database
from tollbook.link.keys import build_keys, records_frame
from tollbook.link.train import score
from tollbook.model import Person, Record, Source
from tollbook.store import session_scope

HEADER = "id,given name,family name,father,sex,age,date of death,province,city\n"
LISTS = {
    "list_a": HEADER + "A1,Reza,Ahmadi,,male,23,2019-11-16,Alborz,Fardis\n"
                       "A2,Mohammad,Hosseini,Ali,male,30,2019-11-17,Tehran,Tehran\n"
                       "A3,Sara,Rahimi,,female,19,2019-11-16,Isfahan,Isfahan\n"
                       "A4,Amir,Fallah,,male,32,2019-11-18,Isfahan,Shahin Shahr\n"
                       "A5,Mehdi,Hassani,,male,55,2019-11-16,Isfahan,Isfahan\n"
                       "A6,Pouya,Bakhtiari,Manouchehr,male,27,2019-11-16,Alborz,Karaj\n",
    "list_b": HEADER + "B1,Reza,Karimi,,male,24,2019-11-16,Alborz,Karaj\n"
                       "B2,Mohammad,Hosseini,,male,30,2019-11-17,Tehran,Tehran\n"
                       "B3,Amir,Falah,,male,33,2019-11-18,Isfahan,Shahin Shahr\n"
                       "B4,Pooya,Bakhtiari,,male,27,2019-11-16,Alborz,Karaj\n"
                       "B5,Ali,Mousavi,,male,40,2019-11-19,Fars,Shiraz\n",
    "list_c": "شناسه,نام,نام خانوادگی,نام پدر,جنسیت,سن,تاریخ فوت,استان,شهر\n"
              "C1,رضا,احمدی,,مرد,۲۳,آبان ۱۳۹۸,البرز,فردیس\n"
              "C2,مهدی,حسنی,,مرد,55,1398/08/25,اصفهان,اصفهان\n"
              "C3,سارا,رحیمی,,زن,۱۹,۲۵ آبان ۱۳۹۸,اصفهان,اصفهان\n"
              "C4,پویا,بختیاری,منوچهر,مرد,۲۷,آبان ۱۳۹۸,البرز,کرج\n"
              "C5,علی,موسوی,,مرد,۴۰,۲۸ آبان ۱۳۹۸,فارس,شیراز\n",
}
PERSONS = [{"A1", "C1"}, {"B1"}, {"A2", "B2"}, {"A3", "C3"}, {"A4", "B3"}, {"A5", "C2"}, {"A6", "B4", "C4"},
           {"B5", "C5"}]


def test_first_day_lists_link_into_their_persons_and_the_two_rezas_stay_apart(engine: Engine,
                                                                                 tmp_path: Path) -> None:
    files = []
    for name, text in LISTS.items():
        files.append(tmp_path / f"{name}.csv")
        files[-1].write_text(text, encoding="utf-8")
    import_lists(engine, files)
    with session_scope(engine) as session:
        run = link_database(session)
        rows = session.execute(select(Record.source_record_id, Person.public_id)
                               .join(Source, Source.id == Record.source_id)
                               .join(Person, Person.id == Record.person_id)).all()
    assert not run.trained
    groups: dict[str, set[str]] = {}
    for record, person in rows:
        groups.setdefault(person, set()).add(record)
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, PERSONS))
    assert run.persons == len(PERSONS)


def _date_terms(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The date comparison's level and match weight of every pair the untrained model scores."""
    keys = build_keys(records_frame(rows))
    pairs = score(keys, lowest=0.0).pairs
    return pairs.set_index(["unique_id_l", "unique_id_r"])[["gamma_date_of_death", "mw_date_of_death"]]


def _reza(uid: str, date: str, end: str, precision: str) -> dict[str, object]:
    return {"unique_id": uid, "source": uid, "given_name": "Reza", "family_name": "Ahmadi", "sex": "male",
            "age": 23, "date_of_death": date, "date_of_death_end": end, "date_precision": precision}


def test_a_month_only_date_agrees_with_a_day_inside_its_month_and_not_with_one_outside() -> None:
    aban = ("2019-10-23", "2019-11-21", "month")  # Aban 1398
    terms = _date_terms([_reza("m", *aban), _reza("in", "2019-11-16", "2019-11-16", "day"),
                         _reza("out", "2019-11-25", "2019-11-25", "day"), _reza("none", "", "", "")])
    inside, outside = terms.loc[("in", "m")], terms.loc[("m", "out")]
    assert inside["gamma_date_of_death"] == 1 and inside["mw_date_of_death"] > 0  # within the month, agreeing
    assert outside["gamma_date_of_death"] == 0 and outside["mw_date_of_death"] <= -3  # outside it, disagreeing
    assert (terms.loc[[p for p in terms.index if "none" in p], "gamma_date_of_death"] == -1).all()
    assert terms.loc[("in", "out"), "gamma_date_of_death"] == 0  # two days 9 days apart: the day levels as before


def test_a_partial_date_without_its_last_day_is_unknown_not_a_disagreement() -> None:
    rows = [_reza("m", "2019-10-23", "", "month"), _reza("d", "2019-11-25", "2019-11-25", "day")]
    assert _date_terms(rows).loc[("d", "m"), "gamma_date_of_death"] == -1
