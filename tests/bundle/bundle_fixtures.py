"""Keys, a collector's working folder and a sealed bundle, as the bundle tests use them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tollbook.bundle import add_records, attach_evidence, new_workdir, seal_workdir
from tollbook.keys import CollectorKey, ProjectKey, new_collector_key, new_project_key, write_keypair

FIELD_LIST = (
    "record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,status,place_detail\n"
    "m1,نوید,بهبودی,علی,مرد,۲۲,۱۳۹۸/۰۸/۲۵,تهران,تهران,killed,خیابان ۱۷ شهریور کوچه ۴\n"
    "m2,Sara,Ahmadi,,female,31,2019-11-17,Khuzestan,Mahshahr,killed,\n"
    "m3,Mehdi,Nekouei,Hassan,M,19,1398-08-26,Fars,Shiraz,injured,\n"
)
MORE = "m4,Farzad,Ansari,,male,27,2019-11-18,Khuzestan,Mahshahr,killed,\n"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@dataclass(frozen=True)
class Keys:
    """The project's and one collector's keys, and where their files are."""

    project: ProjectKey
    collector: CollectorKey
    folder: Path

    @property
    def project_pub(self) -> Path:
        return self.folder / "project.pub"

    @property
    def collector_key(self) -> Path:
        return self.folder / "maryam.key"


def make_keys(folder: Path) -> Keys:
    """Fresh project and collector keys written to `folder`."""
    keys = Keys(new_project_key(), new_collector_key("Maryam Hidden-Name"), folder)
    write_keypair(folder, "project", keys.project)
    write_keypair(folder, "maryam", keys.collector)
    return keys


def sealed_bundle(keys: Keys, folder: Path, name: str = "field", rows: str = FIELD_LIST,
                  evidence: bool = True) -> Path:
    """A bundle of `rows` (and a photo for record m1), sealed to the project; returns the .tbundle path."""
    workdir = folder / f"{name}-work"
    new_workdir(workdir, keys.collector_key)
    records = folder / f"{name}.csv"
    records.write_text(rows, encoding="utf-8")
    add_records(workdir, records)
    if evidence:
        photo = folder / f"{name}-photo.jpg"
        photo.write_bytes(JPEG)
        attach_evidence(workdir, photo, "m1", "photo")
    return seal_workdir(workdir, keys.project_pub, folder / f"{name}.tbundle").path
