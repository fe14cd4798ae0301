"""What each role may see and do: the one table the whole web app (pages and API) checks against.

A route names one permission; `allowed` answers from TABLE alone, and tests walk every route × every role.
`None` stands for a visitor who is not signed in: only PUBLIC is open to them.
"""

from __future__ import annotations

from enum import StrEnum

from tollbook.enums import Role


class Perm(StrEnum):
    """Things a route lets someone see or do."""

    PUBLIC = "public"  # published pages: public list, claims timeline, report; never a confidential value
    SIGNED_IN = "signed_in"  # one's own session: sign out, language
    READ = "read"  # dashboard, sources, records, persons, review queue, claims, jobs (no confidential value)
    CONFIDENTIAL = "confidential"  # raw rows, place detail, notes, who entered a record, source contacts
    EDIT_RECORDS = "edit_records"  # new records, corrections, retractions
    IMPORT = "import"  # upload lists, dry runs
    REVIEW = "review"  # decide review pairs, undo, merge and split persons
    EVIDENCE = "evidence"  # attach evidence
    VERIFY = "verify"  # grade verification with evidence
    RUN_JOBS = "run_jobs"  # start linkage and estimation
    AUDIT = "audit"  # read the audit log
    ADMIN = "admin"  # accounts


ALL = frozenset(Role)
TABLE: dict[Perm, frozenset[Role]] = {
    Perm.PUBLIC: ALL,
    Perm.SIGNED_IN: ALL,
    Perm.READ: ALL,
    Perm.CONFIDENTIAL: frozenset({Role.ADMIN, Role.DOCUMENTER, Role.REVIEWER}),
    Perm.EDIT_RECORDS: frozenset({Role.ADMIN, Role.DOCUMENTER}),
    Perm.IMPORT: frozenset({Role.ADMIN, Role.DOCUMENTER}),
    Perm.REVIEW: frozenset({Role.ADMIN, Role.REVIEWER}),
    Perm.EVIDENCE: frozenset({Role.ADMIN, Role.DOCUMENTER, Role.REVIEWER}),
    Perm.VERIFY: frozenset({Role.ADMIN, Role.REVIEWER}),
    Perm.RUN_JOBS: frozenset({Role.ADMIN, Role.STATISTICIAN}),
    Perm.AUDIT: frozenset({Role.ADMIN, Role.REVIEWER}),
    Perm.ADMIN: frozenset({Role.ADMIN}),
}


def allowed(role: Role | None, perm: Perm) -> bool:
    """Whether a role (None: not signed in) holds a permission, by TABLE only."""
    if role is None:
        return perm is Perm.PUBLIC
    return role in TABLE[perm]
