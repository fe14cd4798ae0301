"""The 85% made checkable: a share claim beside each claimant's assertions about the documented persons."""

from __future__ import annotations

from sqlalchemy import Engine

from tollbook.claims import run_checks
from tollbook.claims.ledger import add_claim_fields
from tollbook.claims.shares import compare_share, parse_subset
from tollbook.evidence import classify
from tollbook.store import session_scope

SHARE = {"source": "Shamkhani", "date_stated": "2020-01-01", "metric": "killed", "qualifier": "more_than",
         "share_percent": "85", "scope_area": "IR-23", "subset": "role!=protester", "claim_key": "share"}


def test_parse_subset() -> None:
    assert str(parse_subset("role!=protester")) == "role!=protester"
    assert parse_subset("perpetrator=irgc").aspect == "force" and parse_subset("age=child") is None
    assert parse_subset("role!=protester").holds("bystander") and not parse_subset("role=protester").holds("other")


def test_share_against_each_claimants_assertions(people: Engine) -> None:
    with session_scope(people) as session:
        claim = add_claim_fields(session, SHARE)
        found = compare_share(session, claim)
        assert found.persons == 2 and found.unclassified == 0  # P-1, P-2 of Tehran; P-3 is in Fars
        shares = {c.claimant: (c.classified, c.in_subset, c.share_percent) for c in found.by_claimant}
        assert shares == {"Network": (2, 0, 0.0), "Network Mirror": (1, 0, 0.0), "NGO": (1, 1, 100.0)}
        assert (found.disputed, found.agreed_out, found.agreed_in) == (1, 1, 0)
        classify(session, "P-1", "role", "bystander", "rev", "reviewer", "witness")
        assert compare_share(session, claim).disputed == 2
        [finding] = [f for f in run_checks(session) if f.kind == "share_vs_documented"]
    assert "Tehran (IR-23)" in finding.message
    assert "Network classifies 2 of them and calls 0 (0%) not protesters" in finding.message
    assert finding.numbers["NGO:share_percent"] == 100.0 and finding.numbers["persons"] == 2


def test_unclassified_persons_are_counted(people: Engine) -> None:
    with session_scope(people) as session:
        claim = add_claim_fields(session, SHARE | {"scope_area": "IR-07", "claim_key": "fars"})
        found = compare_share(session, claim)
    assert (found.persons, found.unclassified) == (1, 1)  # P-3: the NGO names the force (police), not a role
    assert found.by_claimant == []


def test_subset_words() -> None:
    assert parse_subset("role!=protester").words() == "not protesters"
    assert parse_subset("force=irgc").words() == "killed by the IRGC"
    assert parse_subset("cause!=tear_gas").words() == "not killed by tear gas"
