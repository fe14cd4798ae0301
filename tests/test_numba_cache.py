"""Numba's cache folder: left to Numba where it can write, a temporary folder of the user's where it cannot."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tollbook import numba_cache


def test_kept_when_the_package_folder_is_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert numba_cache.choose_cache_dir(tmp_path) is None


def test_a_users_choice_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/somewhere/chosen")
    monkeypatch.setattr(numba_cache, "writable", lambda _folder: False)
    assert numba_cache.choose_cache_dir() is None


def test_the_home_cache_when_the_install_is_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed = tmp_path / "site"
    monkeypatch.setattr(numba_cache, "writable", lambda folder: not folder.is_relative_to(installed))
    assert numba_cache.choose_cache_dir(installed) is None  # Numba's own user-wide folder works


def test_a_temporary_folder_without_a_writable_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(numba_cache, "writable", lambda folder: False)
    chosen = numba_cache.choose_cache_dir(tmp_path / "site")
    assert chosen is not None and Path(chosen).parent == Path(tempfile.gettempdir())
    assert chosen.endswith(str(os.getuid()))


def test_writable_looks_at_the_nearest_existing_folder(tmp_path: Path) -> None:
    assert numba_cache.writable(tmp_path / "not" / "yet")
    assert not numba_cache.writable(Path("/proc/1/not-a-folder"))
