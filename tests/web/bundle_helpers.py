"""Helpers of the bundle tests: real keys registered in the app's database and real sealed bundles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fastapi import FastAPI

from tollbook.bundle import add_records, attach_evidence, new_workdir, seal_workdir
from tollbook.keys import new_collector_key, new_project_key, register_key, write_keypair
from tollbook.store import session_scope
from tollbook.web.bundles import BundleSetup

ROWS = ("record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,status\n"
        "b1,نوید,بهبودی,علی,مرد,۲۲,۱۳۹۸/۰۸/۲۵,تهران,تهران,کشته\n"
        "b2,Sara,Ahmadi,,female,31,2019-11-17,Khuzestan,Mahshahr,killed\n")
PHOTO = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def field_setup(app: FastAPI, tmp_path: Path) -> dict[str, Path]:
    """Project and collector keys registered in the app's database, the server holding the project key, and
    one sealed bundle of two records and a photo."""
    project, collector = new_project_key(), new_collector_key("Collector Hidden-Name")
    keys = tmp_path / "keys"
    write_keypair(keys, "project", project)
    write_keypair(keys, "collector", collector)
    with session_scope(app.state.engine) as session:
        register_key(session, project.public(), "lead")
        register_key(session, collector.public(), "lead")
    app.state.bundles = BundleSetup(project, tmp_path / "quarantine", tmp_path / "checkpoints")
    rows, photo = tmp_path / "rows.csv", tmp_path / "photo.jpg"
    rows.write_text(ROWS, encoding="utf-8")
    photo.write_bytes(PHOTO)
    sealed = seal(tmp_path / "work", keys / "collector.key", keys / "project.pub", rows, tmp_path / "field.tbundle",
                  photo)
    return {"bundle": sealed, "quarantine": tmp_path / "quarantine", "checkpoints": tmp_path / "checkpoints",
            "keys": keys, "rows": rows, "collector": collector.public().fingerprint,
            "project": project.public().fingerprint}


def seal(work: Path, collector_key: Path, project_pub: Path, rows: Path, out: Path, photo: Path | None = None,
         swap_rows: str | None = None) -> Path:
    """A sealed bundle of `rows` (and `photo`, attached to record b1). `swap_rows` replaces the records file
    after it passed the collector's checks, hash mended in the manifest: what a faulty or hostile collecting
    tool could send."""
    new_workdir(work, collector_key)
    entry = add_records(work, rows)
    if photo is not None:
        attach_evidence(work, photo, "b1", "photo")
    if swap_rows is not None:
        (work / entry["file"]).write_text(swap_rows, encoding="utf-8")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        manifest["records"][0]["sha256"] = hashlib.sha256(swap_rows.encode("utf-8")).hexdigest()
        (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return seal_workdir(work, project_pub, out).path
