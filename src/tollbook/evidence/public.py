"""Public derivatives of evidence, made only on publication; the stored original is never touched.

An image is re-encoded from its pixels alone, so EXIF (camera, time, GPS position), maker notes, XMP, comments
and embedded thumbnails are left behind. Text is copied as is (a reviewer decides what it may say). Video, audio
and documents carry metadata Tollbook cannot strip reliably, so no derivative is made for them.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy.orm import Session

from tollbook.errors import TollbookError
from tollbook.evidence.files import EvidenceStore, sha256_of
from tollbook.model import Evidence

IMAGE_FORMATS = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}


def _clean_image(data: bytes, image_format: str) -> bytes:
    """The image's pixels in a new file of the same format, without any of the original's metadata."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        pixels = image.convert("RGBA" if image.mode in ("P", "LA", "RGBA") else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if image_format == "JPEG":
        clean = clean.convert("RGB")
    clean.save(out, format=image_format)
    return out.getvalue()


def public_derivative(store: EvidenceStore, item: Evidence, out_dir: Path) -> Path:
    """Write a copy of an item fit to publish into OUT_DIR and return its path; refuse kinds it cannot clean."""
    original = store.path_of(item.sha256)
    if store.check(item.sha256) != "ok":
        raise TollbookError(f"evidence {item.id}: the stored file is {store.check(item.sha256)}; "
                            "run `tollbook evidence verify`")
    if out_dir.resolve() == store.root.resolve() or store.root.resolve() in out_dir.resolve().parents:
        raise TollbookError(f"{out_dir} is inside the evidence store: write public copies elsewhere")
    data = original.read_bytes()
    if item.media_type in IMAGE_FORMATS:
        image_format, suffix = IMAGE_FORMATS[item.media_type]
        body = _clean_image(data, image_format)
    elif item.media_type == "text/plain":
        body, suffix = data, "txt"
    else:
        raise TollbookError(f"evidence {item.id} is {item.media_type}: Tollbook cannot strip its metadata, so it "
                            "makes no public copy; publish a reviewed derivative made with a tool for that format")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"evidence-{item.id}-{item.sha256[:12]}.{suffix}"
    target.write_bytes(body)
    if sha256_of(original)[0] != item.sha256:  # the original must come out exactly as it went in
        raise TollbookError(f"evidence {item.id}: the stored original changed while copying")
    return target


def publish_evidence(session: Session, store: EvidenceStore, evidence_id: int, out_dir: Path,
                     actor: str = "system") -> Path:
    """`public_derivative` of one item, audited with the hashes of the original and of the public copy."""
    from tollbook.audit import record_event
    from tollbook.evidence.items import get_evidence

    item = get_evidence(session, evidence_id)
    path = public_derivative(store, item, out_dir)
    record_event(session, actor, "evidence.publish", "evidence", item.id,
                 {"sha256": item.sha256, "public_sha256": sha256_of(path)[0], "file": path.name})
    return path
