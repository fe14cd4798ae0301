"""Split a bundle into numbered, checksummed parts for any channel, and join them back.

Each part starts with a header line — MAGIC and canonical JSON naming the whole bundle's SHA-256, the part's
number, the count and the part's own SHA-256 — then its bytes: raw, or base64 text in 76-character lines that a
messaging app can carry. Joining takes parts in any order, with duplicates and damaged copies, and names what is
missing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from tollbook.audit.canonical import canonical_json
from tollbook.bundle.errors import BundleError
from tollbook.newfiles import write_new

MAGIC = b"TOLLBOOK-PART/1 "
HEADER_ROOM = 400  # bytes kept for the header line in each part
LINE = 76
UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}
MIN_SIZE = 1024


def parse_size(text: str) -> int:
    """Bytes from a size such as 60KB, 1.5MB, 64KiB or 50000."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not match or match.group(2).lower() not in UNITS:
        raise BundleError(f"bad size {text!r}: use bytes or KB / MB / KiB / MiB, e.g. 60KB")
    size = int(float(match.group(1)) * UNITS[match.group(2).lower()])
    if size < MIN_SIZE:
        raise BundleError(f"size {text!r} is too small: parts must be at least {MIN_SIZE} bytes")
    return size


def _payload_per_part(size: int, text: bool) -> int:
    """How many bundle bytes fit in a part of `size` bytes."""
    room = size - HEADER_ROOM
    return room // (LINE + 1) * (LINE * 3 // 4) if text else room


def _part_bytes(header: dict, chunk: bytes, text: bool) -> bytes:
    """One part file's content."""
    line = MAGIC + canonical_json(header).encode("ascii") + b"\n"
    if not text:
        return line + chunk
    encoded = base64.b64encode(chunk)
    return line + b"\n".join(encoded[i:i + LINE] for i in range(0, len(encoded), LINE)) + b"\n"


def split_bundle(path: Path, size: int, text: bool = False, out_dir: Path | None = None) -> list[Path]:
    """Write PATH's parts of at most `size` bytes each beside it (or into OUT_DIR); return their paths."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file") from None
    per_part = _payload_per_part(size, text)
    count = max(1, math.ceil(len(data) / per_part))
    digest = hashlib.sha256(data).hexdigest()
    folder = out_dir or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / f"{path.name}.part{i + 1:03d}-of-{count:03d}{'.txt' if text else ''}" for i in range(count)]
    existing = [target.name for target in targets if target.exists()]
    if existing:
        raise BundleError(f"{folder} already holds {existing[0]}: split into an empty folder (--out)")
    for index, target in enumerate(targets):
        chunk = data[index * per_part:(index + 1) * per_part]
        header = {"bundle": digest, "part": index + 1, "of": count, "size": len(data),
                  "sha256": hashlib.sha256(chunk).hexdigest(), "encoding": "base64" if text else "binary"}
        target.write_bytes(_part_bytes(header, chunk, text))
    return targets


@dataclass(frozen=True)
class Part:
    """One intact part: which bundle, which piece, its bytes."""

    bundle: str
    number: int
    count: int
    size: int
    chunk: bytes


def read_part(path: Path) -> Part:
    """A part file checked against its own checksum; a BundleError says why one is unusable."""
    data = path.read_bytes()
    start = data.find(MAGIC, 0, 4096)  # a messaging app may put text before it
    end = data.find(b"\n", start) if start >= 0 else -1
    if start < 0 or end < 0:
        raise BundleError(f"{path}: not a bundle part")
    try:
        header = json.loads(data[start + len(MAGIC):end].decode("ascii"))
        body = data[end + 1:]
        chunk = base64.b64decode(b"".join(body.split()), validate=True) if header["encoding"] == "base64" else body
        part = Part(str(header["bundle"]), int(header["part"]), int(header["of"]), int(header["size"]), chunk)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, binascii.Error):
        raise BundleError(f"{path}: its header or text is damaged") from None
    if hashlib.sha256(chunk).hexdigest() != header.get("sha256") or not 1 <= part.number <= part.count:
        raise BundleError(f"{path}: damaged (its checksum does not match)")
    return part


@dataclass(frozen=True)
class Joined:
    """What joining wrote, and which part files were set aside as damaged."""

    path: Path
    parts: int
    damaged: list[str]


def _gather(paths: list[Path]) -> tuple[dict[str, dict[int, Part]], list[str]]:
    """Intact parts by bundle and number, and the messages about damaged ones."""
    found: dict[str, dict[int, Part]] = {}
    damaged = []
    for path in paths:
        try:
            part = read_part(path)
        except (BundleError, OSError) as exc:
            damaged.append(str(exc))
            continue
        found.setdefault(part.bundle, {})[part.number] = part
    return found, damaged


def join_parts(paths: list[Path], out: Path) -> Joined:
    """Reassemble one bundle from its parts in any order (duplicates and damaged copies are fine if every part
    has one intact copy) and write OUT; a BundleError names the missing parts."""
    found, damaged = _gather(paths)
    note = f" (set aside: {'; '.join(damaged)})" if damaged else ""
    if not found:
        raise BundleError(f"no intact bundle part among the {len(paths)} file(s){note}")
    if len(found) > 1:
        raise BundleError(f"these parts belong to {len(found)} different bundles: join each bundle's parts apart")
    ((digest, parts),) = found.items()
    count = next(iter(parts.values())).count
    missing = [n for n in range(1, count + 1) if n not in parts]
    if missing:
        raise BundleError(f"missing part(s) {', '.join(map(str, missing))} of {count}{note}")
    data = b"".join(parts[n].chunk for n in range(1, count + 1))
    if hashlib.sha256(data).hexdigest() != digest:
        raise BundleError(f"the joined parts do not hash to the bundle they name{note}")
    write_new(out, data, 0o600, BundleError)
    return Joined(out, count, damaged)
