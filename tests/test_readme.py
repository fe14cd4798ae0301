"""The README cannot drift: its two commands are the Makefile's, and every tour command runs on the demo."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tollbook.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S)


def test_first_block_is_exactly_the_two_commands() -> None:
    lines = [line for line in BLOCKS[0].splitlines() if line.strip()]
    assert lines == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile


def tour_commands() -> list[list[str]]:
    """The `tollbook …` lines of the tour block, without comments, as argument lists."""
    commands = []
    for line in BLOCKS[1].splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("tollbook ") and "postgresql" not in line:
            commands.append(shlex.split(line)[1:])
    return commands


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("tour") / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return f"sqlite:///{out}/tollbook.db"


@pytest.mark.slow
@pytest.mark.parametrize("args", tour_commands(), ids=" ".join)
def test_tour_command_runs_on_the_demo(args: list[str], demo_db: str) -> None:
    result = CliRunner().invoke(app, args, env={"TOLLBOOK_DB": demo_db})
    assert result.exit_code == 0, result.output
