"""Public copies: images lose their EXIF/GPS, the stored original and the user's file stay byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from tollbook.errors import TollbookError
from tollbook.evidence import EvidenceStore, add_evidence
from tollbook.evidence.items import EvidenceInput
from tollbook.evidence.public import publish_evidence
from tollbook.store import session_scope

GPS_TAG, MAKE_TAG = 0x8825, 0x010F


def _photo_with_gps(path: Path) -> bytes:
    """A JPEG whose EXIF names the camera and a GPS position (the kind of thing that gets a witness found)."""
    exif = Image.Exif()
    exif[MAKE_TAG] = "WitnessPhone"
    exif[GPS_TAG] = {1: "N", 2: (35.0, 41.0, 0.0), 3: "E", 4: (51.0, 25.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 30, 30)).save(out, format="JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def test_public_copy_of_a_photo_has_no_exif(people: Engine, store: EvidenceStore, tmp_path: Path) -> None:
    original = _photo_with_gps(tmp_path / "p.jpg")
    assert Image.open(tmp_path / "p.jpg").getexif().get(MAKE_TAG) == "WitnessPhone"
    with session_scope(people) as session:
        item = add_evidence(session, store, tmp_path / "p.jpg", EvidenceInput("photo"), public_id="P-1")
        public = publish_evidence(session, store, item.id, tmp_path / "public")
        stored = store.path_of(item.sha256).read_bytes()
    with Image.open(public) as image:
        assert dict(image.getexif()) == {} and image.size == (8, 8)
    assert b"WitnessPhone" not in public.read_bytes()
    assert stored == original == (tmp_path / "p.jpg").read_bytes()


def test_no_public_copy_of_a_video_nor_into_the_store(people: Engine, store: EvidenceStore, files: dict) -> None:
    with session_scope(people) as session:
        video = add_evidence(session, store, files["video"], EvidenceInput("video"), public_id="P-1")
        text = add_evidence(session, store, files["testimony"], EvidenceInput("testimony"), public_id="P-1")
        with pytest.raises(TollbookError, match="cannot strip its metadata"):
            publish_evidence(session, store, video.id, store.root.parent / "public")
        with pytest.raises(TollbookError, match="inside the evidence store"):
            publish_evidence(session, store, text.id, store.root / "ab")
