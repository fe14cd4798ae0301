"""Split and join: any order, duplicates, damaged copies, missing parts named; binary and messaging-app text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tollbook.bundle import BundleError, join_parts, parse_size, split_bundle


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in bundle file of 20,000 random bytes (parts never look inside)."""
    path = tmp_path / "field.tbundle"
    path.write_bytes(random.Random(7).randbytes(20_000))
    return path


@pytest.mark.parametrize("text", [False, True])
def test_shuffled_and_duplicated_parts_join(bundle: Path, tmp_path: Path, text: bool) -> None:
    parts = split_bundle(bundle, parse_size("4KB"), text, tmp_path / "parts")
    assert len(parts) >= 5 and all(p.stat().st_size <= 4000 for p in parts)
    mixed = parts + parts[:2]
    random.Random(1).shuffle(mixed)
    joined = join_parts(mixed, tmp_path / "joined.tbundle")
    assert joined.path.read_bytes() == bundle.read_bytes() and not joined.damaged


def test_text_parts_survive_a_messaging_app(bundle: Path, tmp_path: Path) -> None:
    parts = split_bundle(bundle, parse_size("8KB"), True, tmp_path / "parts")
    for part in parts:  # CRLF line ends, a forwarded-message line before, trailing spaces
        part.write_bytes(b"Forwarded message:\r\n" + part.read_bytes().replace(b"\n", b"  \r\n"))
    assert join_parts(parts, tmp_path / "joined").path.read_bytes() == bundle.read_bytes()


def test_missing_parts_are_named(bundle: Path, tmp_path: Path) -> None:
    parts = split_bundle(bundle, parse_size("4KB"), False, tmp_path / "parts")
    with pytest.raises(BundleError, match=rf"missing part\(s\) 2, 4 of {len(parts)}"):
        join_parts([p for i, p in enumerate(parts, 1) if i not in (2, 4)], tmp_path / "joined")


def test_a_damaged_copy_is_set_aside_when_a_good_one_exists(bundle: Path, tmp_path: Path) -> None:
    parts = split_bundle(bundle, parse_size("4KB"), False, tmp_path / "parts")
    damaged = tmp_path / "copy-of-part-3"
    data = bytearray(parts[2].read_bytes())
    data[-10] ^= 0xFF
    damaged.write_bytes(bytes(data))
    joined = join_parts([damaged, *parts], tmp_path / "joined")
    assert joined.path.read_bytes() == bundle.read_bytes() and "damaged" in joined.damaged[0]
    with pytest.raises(BundleError, match="missing part\\(s\\) 3 .*set aside: .*copy-of-part-3: damaged"):
        join_parts([damaged, *parts[:2], *parts[3:]], tmp_path / "joined-2")


def test_parts_of_two_bundles_are_not_mixed(bundle: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.tbundle"
    other.write_bytes(b"x" * 5000)
    parts = split_bundle(bundle, 4096, False, tmp_path / "a") + split_bundle(other, 4096, False, tmp_path / "b")
    with pytest.raises(BundleError, match="2 different bundles"):
        join_parts(parts, tmp_path / "joined")


@pytest.mark.parametrize("size", ["60KB", "1.5MB", "64KiB", "50000"])
def test_sizes(size: str) -> None:
    assert parse_size(size) >= 50_000


@pytest.mark.parametrize("size", ["60XB", "", "-5KB", "10"])
def test_bad_sizes_are_one_clear_error(size: str) -> None:
    with pytest.raises(BundleError, match="size"):
        parse_size(size)


def test_split_never_overwrites_parts(bundle: Path, tmp_path: Path) -> None:
    split_bundle(bundle, 4096, False, tmp_path / "parts")
    with pytest.raises(BundleError, match="already holds field.tbundle.part001"):
        split_bundle(bundle, 4096, False, tmp_path / "parts")
