"""The data behind each chart and table: pure functions of person facts, each number registered with its
persons."""

from __future__ import annotations

from tollbook.report import sections
from tollbook.report.facts import PersonFacts
from tollbook.report.numbers import NumberBook, number_id


def fact(pid: str, sources: tuple[str, ...], verification: str = "reported", status: str = "killed",
         **accepted: object) -> PersonFacts:
    return PersonFacts(pid, verification, sources, sources, (1,), {"status": status, **accepted})


FACTS = [
    fact("P-1", ("a", "b"), "corroborated", date_of_death="2019-11-16", province_code="IR-23", cause="beating"),
    fact("P-2", ("a",), date_of_death="2019-11-17", province_code="IR-23", cause="gunshot_head"),
    fact("P-3", ("b",), "verified", date_of_death="2019-11-16", province_code="IR-05", perpetrator="irgc"),
    fact("P-4", ("a", "b"), "corroborated", province_code=None),
    fact("P-5", ("a",), "discounted", date_of_death="2019-11-16", province_code="IR-05"),
    fact("P-6", ("b",), status="injured", date_of_death="2019-11-16", province_code="IR-05"),
]


def test_headline_counts_leave_out_discounted_and_not_killed() -> None:
    book = NumberBook()
    assert sections.headline_counts(book, FACTS) == {"documented": 4, "corroborated": 2, "verified": 1,
                                                     "contested": 0}
    assert book["documented"].persons == ("P-1", "P-2", "P-3", "P-4")
    assert book["documented.verified"].persons == ("P-3",)
    assert book["discounted"].persons == ("P-5",)


def test_days_in_order_unknown_last_and_cumulative() -> None:
    book = NumberBook()
    rows = sections.by_day(book, FACTS)
    assert [(r["date"], r["count"]) for r in rows] == [("2019-11-16", 2), ("2019-11-17", 1), ("unknown", 1)]
    assert book["day.2019-11-16"].persons == ("P-1", "P-3")
    assert sections.cumulative(rows) == [{"date": "2019-11-16", "documented": 2},
                                         {"date": "2019-11-17", "documented": 3}]


def test_provinces_largest_first_with_names_and_unknown_last() -> None:
    rows = sections.by_province(NumberBook(), FACTS)
    assert [(r["code"], r["count"], r["name_en"]) for r in rows] == [
        ("IR-23", 2, "Tehran"), ("IR-05", 1, "Kermanshah"), ("unknown", 1, "unknown")]
    assert rows[0]["name_fa"] == "تهران"


def test_cause_and_perpetrator_in_vocabulary_order() -> None:
    book = NumberBook()
    causes = sections.by_field(book, FACTS, "cause")
    assert [(r["value"], r["count"]) for r in causes] == [("gunshot_head", 1), ("beating", 1), ("unknown", 2)]
    forces = sections.by_field(book, FACTS, "perpetrator")
    assert [(r["value"], r["count"]) for r in forces] == [("irgc", 1), ("unknown", 3)]
    assert book["perpetrator.irgc"].persons == ("P-3",)


def test_verification_levels_all_shown_with_zeros() -> None:
    rows = sections.by_verification(NumberBook(), FACTS)
    assert {r["level"]: r["count"] for r in rows} == {"reported": 1, "corroborated": 2, "verified": 1,
                                                      "contested": 0, "discounted": 1}


def test_overlap_partitions_the_documented_and_sizes_count_each_list() -> None:
    book = NumberBook()
    combos, sizes = sections.overlap(book, FACTS)
    assert [(r["lists"], r["count"]) for r in combos] == [(["a", "b"], 2), (["a"], 1), (["b"], 1)]
    assert sum(r["count"] for r in combos) == 4
    assert [(s["list"], s["count"]) for s in sizes] == [("a", 3), ("b", 3)]
    assert book["overlap.a+b"].persons == ("P-1", "P-4")


def test_colliding_ids_get_a_suffix() -> None:
    book = NumberBook()
    book.add(number_id("list", "HRANA"), 1, "one")
    assert book.add(number_id("list", "HRANA!"), 2, "two").id == "list.HRANA~2"
    assert book["list.HRANA"].value == 1 and book["list.HRANA~2"].value == 2
    assert number_id("province", "IR-23") == "province.IR-23"
    assert number_id("overlap", "a b/c") == "overlap.a-b-c"
    assert number_id("list", "هرانا") != number_id("list", "سازمان")
