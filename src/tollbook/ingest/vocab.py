"""Controlled values as people type them, in English and Persian, mapped onto the model's enums."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from tollbook.enums import Cause, Perpetrator, Sex, Status, VictimRole

E = TypeVar("E", bound=StrEnum)

WORDS: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    Sex: {
        "male": ("m", "male", "man", "boy", "مرد", "مذکر", "پسر", "آقا"),
        "female": ("f", "female", "woman", "girl", "زن", "مونث", "دختر", "خانم"),
        "unknown": ("unknown", "u", "?", "نامعلوم", "نامشخص"),
    },
    Status: {
        "killed": ("killed", "dead", "died", "death", "کشته", "جانباخته", "جان باخته", "فوت", "کشته شده"),
        "injured": ("injured", "wounded", "زخمی", "مجروح"),
        "detained": ("detained", "arrested", "بازداشت", "دستگیر", "بازداشت شده"),
        "disappeared": ("disappeared", "missing", "ناپدید", "مفقود"),
    },
    Cause: {
        "gunshot_head": ("gunshot head", "gunshot to head", "gunshot to the head", "shot in the head", "head",
                         "gunshot head neck", "شلیک به سر", "گلوله به سر", "اصابت گلوله به سر"),
        "gunshot_torso": ("gunshot torso", "gunshot to torso", "gunshot to the torso", "gunshot chest",
                          "gunshot to chest", "gunshot to the chest", "shot in the chest", "torso", "chest",
                          "شلیک به سینه", "گلوله به سینه", "اصابت گلوله به سینه", "شلیک به قفسه سینه"),
        "gunshot_other": ("gunshot", "gunshot other", "shot", "gunshot wound", "live ammunition", "شلیک",
                          "گلوله", "اصابت گلوله"),
        "beating": ("beating", "beaten", "beaten to death", "ضرب و شتم", "ضرب وشتم", "کتک"),
        "tear_gas": ("tear gas", "teargas", "gas", "گاز اشک آور", "گاز اشک‌آور", "گاز"),
        "other": ("other", "سایر", "دیگر"),
        "unknown": ("unknown", "نامعلوم", "نامشخص"),
    },
    Perpetrator: {
        "irgc": ("irgc", "revolutionary guards", "sepah", "سپاه", "سپاه پاسداران"),
        "basij": ("basij", "بسیج"),
        "police": ("police", "naja", "faraja", "security forces", "پلیس", "نیروی انتظامی", "ناجا", "فراجا"),
        "unknown": ("unknown", "نامعلوم", "نامشخص"),
        "other": ("other", "سایر"),
    },
    VictimRole: {
        "protester": ("protester", "protestor", "demonstrator", "معترض", "تظاهرکننده", "تظاهر کننده", "معترضان"),
        "bystander": ("bystander", "passer-by", "passerby", "not a protester", "رهگذر", "عابر", "غیرمعترض"),
        "security_force": ("security force", "security forces member", "member of the security forces", "officer",
                           "police officer", "basij member", "مامور", "مأمور", "نیروی امنیتی", "مامور امنیتی"),
        "other": ("other", "سایر", "دیگر"),
        "unknown": ("unknown", "نامعلوم", "نامشخص"),
    },
}


def fold_value(text: str) -> str:
    """Lower case, Persian letters unified, punctuation to single spaces."""
    text = text.lower().replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")
    return re.sub(r"[\s_\-–—,;:()/.]+", " ", text).strip()


LOOKUP: dict[type[StrEnum], dict[str, str]] = {
    enum: {fold_value(word): value for value, words in table.items() for word in (value, *words)}
    for enum, table in WORDS.items()
}


@lru_cache(maxsize=4096)
def parse_vocab(enum: type[E], text: str) -> E | None:
    """The enum member a typed value means, or None when it is not a known word."""
    return enum(LOOKUP[enum][fold_value(text)]) if fold_value(text) in LOOKUP[enum] else None


def allowed_words(enum: type[StrEnum]) -> str:
    """The canonical values, for error messages."""
    return ", ".join(member.value for member in enum)
