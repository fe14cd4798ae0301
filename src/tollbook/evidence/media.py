"""The media type of an evidence file, from its bytes (magic numbers), never from its name."""

from __future__ import annotations

from pathlib import Path

import filetype

SNIFF = 64 * 1024


def detect_media_type(path: Path) -> str:
    """image/jpeg, video/mp4, application/pdf, … from the file's first bytes; text/plain for UTF-8 text
    (testimony written down); application/octet-stream when nothing is recognised."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    return "text/plain" if _is_text(head) else "application/octet-stream"


def _is_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes (a multi-byte letter cut at the sniff limit is allowed)."""
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and len(head) == SNIFF
    return True
