"""The README's field-bundle block runs as written, in a fresh folder and database."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from bundle_fixtures import FIELD_LIST, JPEG
from typer.testing import CliRunner

from tollbook.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### Through a shutdown", 1)[1]
BLOCK = re.findall(r"```[a-z]*\n(.*?)```", SECTION, flags=re.S)[0]


def commands() -> list[list[str]]:
    """The block's `tollbook …` lines as argument lists, comments dropped."""
    lines = (line.split("#", 1)[0].strip() for line in BLOCK.splitlines())
    return [shlex.split(line)[1:] for line in lines if line.startswith("tollbook ")]


def test_the_bundle_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "field.csv").write_text(FIELD_LIST, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(JPEG)
    env = {"TOLLBOOK_DB": f"sqlite:///{tmp_path}/tollbook.db"}
    runner = CliRunner()
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    assert len(commands()) >= 12
    outputs = {}
    for args in commands():
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, f"{' '.join(args)}: {result.output}"
        outputs[args[0] + " " + args[1]] = result.output
    assert "3 record(s) added" in outputs["bundle import"] and "the log holds it" in outputs["audit verify"]
    assert not (tmp_path / "work").exists() and list((tmp_path / "checkpoints").glob("*.json"))
