"""The whole check behind `tollbook audit verify`: the chain, every row against it, and signed checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from tollbook.audit.chain import ChainReport, verify_chain
from tollbook.audit.checkpoint import Checkpoint, checkpoint_problems, read_checkpoint
from tollbook.audit.rows import RowFinding, row_findings
from tollbook.errors import TollbookError


@dataclass(frozen=True)
class AuditReport:
    """What verification found: the chain walk, row findings and each checkpoint's problems."""

    chain: ChainReport
    rows_checked: int
    findings: list[RowFinding]
    checkpoints: list[tuple[Path, Checkpoint, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain, every row and every checkpoint check out."""
        return self.chain.ok and not self.findings and not any(p for _, _, p in self.checkpoints)

    def problems(self) -> list[str]:
        """One line per problem, the chain first."""
        lines = [] if self.chain.ok else [f"audit chain broken at event {self.chain.broken_at}: {self.chain.reason}"]
        lines += [finding.message() for finding in self.findings]
        lines += [f"checkpoint {path}: {problem}" for path, _, problems in self.checkpoints for problem in problems]
        return lines

    def to_dict(self) -> dict:
        """The report as JSON-ready data."""
        return {"ok": self.ok, "events": self.chain.events, "head_event": self.chain.head_id,
                "head_hash": self.chain.head_hash, "rows_checked": self.rows_checked, "problems": self.problems(),
                "checkpoints": [{"file": str(path), "event_id": c.event_id, "signer": c.signer, "ok": not problems}
                                for path, c, problems in self.checkpoints]}


def verify_audit(session: Session, checkpoints: list[Path] | tuple[Path, ...] = ()) -> AuditReport:
    """Walk the chain, re-hash every covered row, and hold the log against each checkpoint file."""
    read = [(path, read_checkpoint(path)) for path in checkpoints]
    chain = verify_chain(session)
    checked, findings = row_findings(session)
    held = [(path, checkpoint, checkpoint_problems(session, checkpoint)) for path, checkpoint in read]
    return AuditReport(chain, checked, findings, held)


def baseline(session: Session, actor: str) -> int:
    """Cover the rows no event wrote (a database from before row coverage) with one `audit.baseline` event;
    rows that differ from the chain or are missing are never blessed. Returns how many rows it covered."""
    from tollbook.audit.chain import record_event

    _, findings = row_findings(session)
    tampered = [f for f in findings if f.problem != "uncovered"]
    if tampered:
        raise TollbookError(f"{len(tampered)} row(s) differ from the chain or are missing (first: "
                            f"{tampered[0].message()}); a baseline would hide that, so none was made")
    uncovered: dict[str, list[int]] = {}
    for finding in findings:
        uncovered.setdefault(finding.table, []).append(finding.row_id)
    if uncovered:
        record_event(session, actor, "audit.baseline", "database", None,
                     {name: len(ids) for name, ids in uncovered.items()}, wrote=uncovered)
    return sum(map(len, uncovered.values()))
