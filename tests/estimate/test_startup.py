"""Start-up cost: `tollbook --version` and an estimate from a pattern file load only what they need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KOSOVO = Path(__file__).parent.parent / "data" / "mse" / "kosovo_1999_lcmcr.csv"
PROBE = ("import sys; sys.argv = ['tollbook', *sys.argv[1:]]; from tollbook.cli import main\n"
         "try:\n    main()\nexcept SystemExit:\n    pass\n"
         "print('\\nLOADED', ' '.join(sorted({m.split('.')[0] if not m.startswith('tollbook') else m "
         "for m in sys.modules})))")  # fmt: skip
DATABASE_AND_FRIENDS = {"sqlalchemy", "alembic", "tollbook.link", "tollbook.report", "tollbook.web", "splink",
                        "tollbook.store", "tollbook.model"}  # fmt: skip


def _loaded(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    output, _, loaded = done.stdout.rpartition("\nLOADED ")
    return output, set(loaded.split())


def test_version_loads_no_command() -> None:
    output, loaded = _loaded("--version")
    assert output.startswith("tollbook ")
    assert not loaded & (DATABASE_AND_FRIENDS | {"numpy", "pandas", "tollbook.cli.estimate"})


@pytest.mark.parametrize(("method", "absent"), [("loglinear", {"numba", "scipy.stats", "arviz"}),
                                                 ("dga", {"numba", "arviz"})])
def test_small_estimate_loads_no_database_code(method: str, absent: set[str]) -> None:
    output, loaded = _loaded("estimate", "--patterns", str(KOSOVO), "--method", method, "--json")
    assert json.loads(output)[0]["observed"] == 4_400
    assert not loaded & (DATABASE_AND_FRIENDS | absent)
    assert "tollbook.estimate.lcmcr" not in loaded


def test_the_whole_app_is_still_there() -> None:
    from tollbook.cli import app, command_of
    from tollbook.cli.common import DEFAULT_URL
    from tollbook.store import DEFAULT_URL as STORE_DEFAULT

    names = {group.name for group in app.registered_groups} | {c.name for c in app.registered_commands}
    assert {"estimate", "link", "report", "claims"} <= names
    assert DEFAULT_URL == STORE_DEFAULT
    assert command_of(["--db", "sqlite:///x.db", "--debug", "estimate", "--json"]) == "estimate"
    assert command_of(["--version"]) is None
