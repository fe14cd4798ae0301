"""The claims ledger: add, find, list, supersede and annotate claims; every change is audited.

A claim records what someone said. It is never edited into truth: a correction is a new claim that supersedes
it, and a remark is an annotation appended to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.claims.fields import draft_of, new_claim
from tollbook.claims.rows import ClaimDraft, parse_metric, parse_row
from tollbook.enums import ClaimMetric
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import Claim


def default_key(draft: ClaimDraft) -> str:
    """A readable key from date, source, metric and scope, e.g. 2019-12-15-mek-killed-IR-23."""
    who = "".join(ch if ch.isalnum() else "-" for ch in draft.source.lower()).strip("-")[:40]
    parts = [draft.date_stated.isoformat(), who, draft.metric.value, draft.scope_area]
    return "-".join(p for p in parts if p)[:100]


def _unique_key(session: Session, key: str) -> str:
    """`key`, or `key-2`, `key-3`… when it is taken."""
    taken = set(session.scalars(select(Claim.claim_key).where(Claim.claim_key.like(f"{key}%"))))
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    return candidate


def find_claim(session: Session, key: str) -> Claim | None:
    """The claim with this key, or None."""
    return session.scalar(select(Claim).where(Claim.claim_key == key))


def get_claim(session: Session, key: str) -> Claim:
    """The claim with this key (or numeric id), or a NotFoundError saying how to find keys."""
    claim = find_claim(session, key)
    if claim is None and key.isdigit():
        claim = session.get(Claim, int(key))
    if claim is None:
        raise NotFoundError(f"no claim with key {key!r}: list keys with `tollbook claims list`")
    return claim


def add_claim(
    session: Session, draft: ClaimDraft, actor: str = "system", supersedes: Claim | None = None
) -> Claim:
    """Store a validated draft (giving it a key when it has none) and audit the addition."""
    if draft.claim_key and find_claim(session, draft.claim_key) is not None:
        raise TollbookError(f"claim key {draft.claim_key!r} is taken: pick another, or correct that claim with "
                            f"`tollbook claims supersede {draft.claim_key} --reason …`")
    if not draft.claim_key:
        draft = replace(draft, claim_key=_unique_key(session, default_key(draft)))
    claim = new_claim(draft, supersedes.id if supersedes else None)
    session.add(claim)
    session.flush()
    details = {
        "key": claim.claim_key,
        "source": claim.source,
        "metric": claim.metric.value,
        "value": claim.value,
    }
    if supersedes is not None:
        details["supersedes"] = supersedes.claim_key
    record_event(session, actor, "claim.add", "claim", claim.id, details, wrote=[claim])
    return claim


def superseded_ids(session: Session) -> set[int]:
    """Ids of claims that a later claim supersedes."""
    return set(session.scalars(select(Claim.supersedes_id).where(Claim.supersedes_id.is_not(None))))


def supersede_claim(
    session: Session, key: str, draft: ClaimDraft, reason: str, actor: str = "system"
) -> Claim:
    """Replace a claim by a new one that points back at it; the old claim stays as it was."""
    old = get_claim(session, key)
    if old.id in superseded_ids(session):
        raise TollbookError(f"claim {key!r} was already superseded: supersede its newest version instead")
    if not reason.strip():
        raise TollbookError("say why the claim is superseded (reason)")
    new = add_claim(session, draft, actor, supersedes=old)
    record_event(
        session,
        actor,
        "claim.supersede",
        "claim",
        old.id,
        {"key": old.claim_key, "by": new.claim_key, "reason": reason},
    )
    return new


def annotate_claim(
    session: Session, key: str, text: str, actor: str = "system", when: dt.date | None = None
) -> Claim:
    """Append a dated, signed remark to a claim; earlier annotations and the claim itself are kept."""
    claim = get_claim(session, key)
    if not text.strip():
        raise TollbookError("an annotation needs some text")
    line = f"[{(when or dt.date.today()).isoformat()} {actor}] {' '.join(text.split())}"
    claim.annotation = f"{claim.annotation}\n{line}" if claim.annotation else line
    session.flush()
    record_event(session, actor, "claim.annotate", "claim", claim.id, {"key": claim.claim_key, "text": text},
                 wrote=[claim])
    return claim


def claims_query(
    metric: ClaimMetric | str | None = None, source: str | None = None, area: str | None = None
) -> Select:
    """A query for claims, oldest statement first, optionally of one metric, source and scope area."""
    query = select(Claim).order_by(Claim.date_stated, Claim.id)
    if metric:
        query = query.where(Claim.metric == parse_metric(metric))
    if source:
        query = query.where(Claim.source == source)
    return query.where(Claim.scope_area == area.upper()) if area else query


def list_claims(
    session: Session,
    metric: ClaimMetric | str | None = None,
    source: str | None = None,
    area: str | None = None,
    include_superseded: bool = False,
) -> list[Claim]:
    """Claims in date order; superseded ones only when asked for."""
    claims = list(session.scalars(claims_query(metric, source, area)))
    if include_superseded:
        return claims
    gone = superseded_ids(session)
    return [claim for claim in claims if claim.id not in gone]


def same_content(session: Session, draft: ClaimDraft) -> Claim | None:
    """A stored claim saying exactly what the draft says (ignoring keys), if any."""
    candidates = session.scalars(
        select(Claim).where(
            Claim.source == draft.source, Claim.date_stated == draft.date_stated, Claim.metric == draft.metric
        )
    )
    return next((claim for claim in candidates if draft_of(claim).content() == draft.content()), None)


def add_claim_fields(
    session: Session, raw: dict[str, Any], actor: str = "system", today: dt.date | None = None
) -> Claim:
    """Validate one claim given as text fields (as on the command line) and store it, or list every error."""
    parsed = parse_row(raw, "command line", 1, today)
    if isinstance(parsed, list):
        problems = "; ".join(f"{error.field} = {error.value!r}: {error.reason}" for error in parsed)
        raise TollbookError(f"claim refused: {problems}")
    existing = same_content(session, parsed)
    if existing is not None:
        raise TollbookError(f"the same claim is already in the ledger as {existing.claim_key!r}: remark on it with "
                            f"`tollbook claims annotate {existing.claim_key} TEXT` or correct it with "
                            f"`tollbook claims supersede {existing.claim_key} --reason …` instead of adding it again")
    return add_claim(session, parsed, actor)


def _as_text(value: Any) -> str:
    """A draft's value as the text a row would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def supersede_claim_fields(session: Session, key: str, changes: dict[str, str], reason: str,
                           actor: str = "system", today: dt.date | None = None) -> Claim:
    """Correct a claim: a new claim with the old one's fields and the given changes (text, as on the command
    line), pointing back at it; the old claim stays as it was. The new claim gets a key of its own."""
    old = draft_of(get_claim(session, key))
    raw = {name: _as_text(getattr(old, name)) for name in ClaimDraft.__dataclass_fields__} | {"claim_key": ""}
    raw |= {name: value for name, value in changes.items() if value is not None}
    parsed = parse_row(raw, "command line", 1, today)
    if isinstance(parsed, list):
        problems = "; ".join(f"{error.field} = {error.value!r}: {error.reason}" for error in parsed)
        raise TollbookError(f"correction refused: {problems}")
    if parsed.content() == old.content():
        raise TollbookError(f"the correction says exactly what {key!r} says: change a field, or annotate it")
    return supersede_claim(session, key, parsed, reason, actor)
