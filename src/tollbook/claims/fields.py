"""Between a `ClaimDraft` and a stored `Claim`: building rows, reading them back, and plain dicts for output.

The notes that came with a claim are kept as a `note: …` line of its annotation; later annotations follow.
"""

from __future__ import annotations

from typing import Any

from tollbook.claims.rows import ClaimDraft
from tollbook.model import Claim
from tollbook.records import plain_value

NOTE_PREFIX = "note: "


def _annotation_lines(claim: Claim) -> list[str]:
    """The claim's annotation split into lines (none when empty)."""
    return (claim.annotation or "").splitlines()


def extra(claim: Claim, name: str) -> str | None:
    """`date_basis` or `subset` of a stored claim."""
    return getattr(claim, name)


def notes(claim: Claim) -> str | None:
    """The notes that came with the claim when it was added."""
    found = [line[len(NOTE_PREFIX) :] for line in _annotation_lines(claim) if line.startswith(NOTE_PREFIX)]
    return found[0] if found else None


def annotations(claim: Claim) -> list[str]:
    """Annotations added after the claim was stored (everything but its notes)."""
    return [line for line in _annotation_lines(claim) if not line.startswith(NOTE_PREFIX)]


def new_claim(draft: ClaimDraft, supersedes_id: int | None = None) -> Claim:
    """An unsaved Claim row holding the draft."""
    lines = [f"{NOTE_PREFIX}{draft.notes}"] if draft.notes else []
    return Claim(
        claim_key=draft.claim_key,
        source=draft.source,
        date_stated=draft.date_stated,
        date_inferred=draft.date_inferred,
        metric=draft.metric,
        qualifier=draft.qualifier,
        value=draft.value,
        value_high=draft.value_high,
        share_percent=draft.share_percent,
        scope_area=draft.scope_area,
        scope_start=draft.scope_start,
        scope_end=draft.scope_end,
        quote=draft.quote,
        citation=draft.citation,
        url=draft.url,
        annotation="\n".join(lines) or None,
        supersedes_id=supersedes_id,
        date_basis=draft.date_basis,
        subset=draft.subset,
    )


def draft_of(claim: Claim) -> ClaimDraft:
    """The draft a stored claim was made from, for comparing content."""
    return ClaimDraft(
        source=claim.source,
        date_stated=claim.date_stated,
        metric=claim.metric,
        qualifier=claim.qualifier,
        value=claim.value,
        value_high=claim.value_high,
        share_percent=claim.share_percent,
        scope_area=claim.scope_area,
        scope_start=claim.scope_start,
        scope_end=claim.scope_end,
        subset=extra(claim, "subset"),
        date_inferred=claim.date_inferred,
        date_basis=extra(claim, "date_basis"),
        quote=claim.quote,
        citation=claim.citation,
        url=claim.url,
        notes=notes(claim),
        claim_key=claim.claim_key,
    )


def claim_row(claim: Claim) -> dict[str, Any]:
    """A stored claim as a plain, JSON-ready dict."""
    draft = draft_of(claim)
    row = {"id": claim.id, "claim_key": claim.claim_key}
    row |= {
        name: plain_value(getattr(draft, name))
        for name in ClaimDraft.__dataclass_fields__
        if name != "claim_key"
    }
    return row | {"annotations": annotations(claim), "supersedes_id": claim.supersedes_id}


def place_label(code: str) -> str:
    """A scope code with its name, as people read it: "Tehran (IR-23)", "Iran (IR)"; unknown codes as given."""
    from tollbook.places import province_by_code

    if code.upper() == "IR":
        return "Iran (IR)"
    try:
        return f"{province_by_code(code.upper()).name_en} ({code.upper()})"
    except KeyError:
        return code


def figure(claim: Claim) -> str:
    """The claim's number as said: "more than 1,500", "200–225", "85% of …"."""
    words = claim.qualifier.value.replace("_", " ")
    if claim.value is None:
        return f"{words} {claim.share_percent:g}% (no total)"
    number = f"{claim.value:,.0f}" + (f"–{claim.value_high:,.0f}" if claim.value_high is not None else "")
    return number if claim.qualifier.value == "exactly" else f"{words} {number}"
