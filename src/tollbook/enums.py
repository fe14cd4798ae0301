"""Controlled vocabularies of the data model (DESIGN.md, "Data model").

Values are lower-case snake case, stored as text so that both SQLite and PostgreSQL hold the same thing and
a new value needs no type migration.
"""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    """What kind of publisher a source is."""

    ACTIVIST_NETWORK = "activist_network"
    NGO = "ngo"
    MEDIA = "media"
    OFFICIAL = "official"
    FAMILY = "family"
    FIELD_COLLECTOR = "field_collector"
    OTHER = "other"


class Status(StrEnum):
    """What happened to the person, as the report states it."""

    KILLED = "killed"
    INJURED = "injured"
    DETAINED = "detained"
    DISAPPEARED = "disappeared"


class Cause(StrEnum):
    """Cause of death or injury."""

    GUNSHOT_HEAD = "gunshot_head"
    GUNSHOT_TORSO = "gunshot_torso"
    GUNSHOT_OTHER = "gunshot_other"
    BEATING = "beating"
    TEAR_GAS = "tear_gas"
    OTHER = "other"
    UNKNOWN = "unknown"


class Perpetrator(StrEnum):
    """The force said to be responsible."""

    IRGC = "irgc"
    BASIJ = "basij"
    POLICE = "police"
    UNKNOWN = "unknown"
    OTHER = "other"


class Sex(StrEnum):
    """Sex as reported; unknown when the source does not say."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Verification(StrEnum):
    """How well a person's death is established, from one report up to reviewed evidence."""

    REPORTED = "reported"
    CORROBORATED = "corroborated"
    VERIFIED = "verified"
    CONTESTED = "contested"
    DISCOUNTED = "discounted"


class DatePrecision(StrEnum):
    """How much of a date the source gave; partial dates are never invented into full ones."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class ClaimMetric(StrEnum):
    """What a public claim counts."""

    KILLED = "killed"
    INJURED = "injured"
    ARRESTED = "arrested"
    CITIES_AFFECTED = "cities_affected"
    NAMES_RELEASED = "names_released"
    VICTIMS_IDENTIFIED = "victims_identified"


class Qualifier(StrEnum):
    """How a claim qualifies its number."""

    EXACTLY = "exactly"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    ABOUT = "about"
    UP_TO = "up_to"


class Verdict(StrEnum):
    """A reviewer's decision on a candidate pair of records."""

    MATCH = "match"
    NON_MATCH = "non_match"
    UNSURE = "unsure"


class Role(StrEnum):
    """What a user may do; confidential fields are shown only to roles that may see them."""

    ADMIN = "admin"
    DOCUMENTER = "documenter"
    REVIEWER = "reviewer"
    STATISTICIAN = "statistician"
    VIEWER = "viewer"


class EvidenceKind(StrEnum):
    """What an evidence file is."""

    VIDEO = "video"
    PHOTO = "photo"
    DEATH_CERTIFICATE = "death_certificate"
    BURIAL_RECORD = "burial_record"
    TESTIMONY = "testimony"
    OTHER = "other"


class VictimRole(StrEnum):
    """What a victim was doing or was, as someone asserts it (never one overwritten field)."""

    PROTESTER = "protester"
    BYSTANDER = "bystander"
    SECURITY_FORCE = "security_force"
    OTHER = "other"
    UNKNOWN = "unknown"


class AsserterKind(StrEnum):
    """Who makes a classification assertion: a source (list), a public claim, or a reviewer."""

    SOURCE = "source"
    CLAIM = "claim"
    REVIEWER = "reviewer"
