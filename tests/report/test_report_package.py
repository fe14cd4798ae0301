"""The demo works from an installed wheel: the example's claims, the templates and the base map ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tollbook.demo import CLAIMS_FILE

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_claims_are_the_examples() -> None:
    assert CLAIMS_FILE.read_bytes() == (ROOT / "examples" / "iran-2019" / "claims.csv").read_bytes()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel, once for this module."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(folder), str(ROOT)], check=True, capture_output=True)
    (built,) = folder.glob("tollbook-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_the_demo_and_report_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tollbook/examples/data/iran2019_claims.csv", "tollbook/report/templates/report.html.j2",
                   "tollbook/report/templates/style.css", "tollbook/report/data/iran_provinces.geojson",
                   "tollbook/report/data/public_policy.toml", "tollbook/places/data/provinces.csv"):
        assert needed in names, needed


@pytest.mark.slow
def test_demo_runs_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel alone (no checkout on the path), the demo builds the example and its report."""
    target, out = tmp_path / "site", tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import sys, tollbook; print(tollbook.__file__); from tollbook.cli import main; "
            f"sys.argv = ['tollbook', 'demo', '--out', {str(out)!r}]; main()")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TOLLBOOK_DB")} | {
        "PYTHONPATH": str(target)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0].startswith(str(target))  # the wheel's code, not the checkout's
    assert f"Report: {out / 'report' / 'index.html'}" in done.stdout
    page = (out / "report" / "index.fa.html").read_text(encoding="utf-8")
    assert 'data-id="estimate.total"' in page and 'id="model-checks"' in page
