"""What every benchmark prints first: the machine and the versions it ran with."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def package_version(name: str) -> str:
    """Installed version of a distribution, or 'absent'."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def machine_lines(packages: tuple[str, ...] = ()) -> list[str]:
    """One line each: CPU, cores, memory, Python, and the named packages' versions."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    lines = [f"machine : {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB", f"python  : {sys.version.split()[0]}"]
    lines += [f"{name:8}: {package_version(name)}" for name in ("tollbook", *packages)]
    return lines


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]],
                packages: tuple[str, ...] = ()) -> None:
    """Print the machine block and then an aligned table."""
    print(f"# {title}")
    print("\n".join(machine_lines(packages)))
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))
