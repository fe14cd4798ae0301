"""The demo works from an installed wheel: the example's claims, the templates and the base map ship inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tollbook.demo import CLAIMS_FILE

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_claims_are_the_examples() -> None:
    assert CLAIMS_FILE.read_bytes() == (ROOT / "examples" / "iran-2019" / "claims.csv").read_bytes()


@pytest.mark.slow
def test_wheel_carries_the_demo_and_report_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("tollbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tollbook/examples/data/iran2019_claims.csv", "tollbook/report/templates/report.html.j2",
                   "tollbook/report/templates/style.css", "tollbook/report/data/iran_provinces.geojson",
                   "tollbook/report/data/public_policy.toml", "tollbook/places/data/provinces.csv"):
        assert needed in names, needed
