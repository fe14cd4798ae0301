"""Calibration constants of the synthetic Iran 2019 example (see examples/iran-2019/README.md for sources).

Province counts are the 15 December 2019 breakdown quoted in the articles (Tehran 400, Kermanshah 320,
Fars 270, Khuzestan 240, Isfahan 120, Alborz 100 of 1,500); the split of the remaining 50 over other
provinces, the cities and their weights are illustrative choices, not published figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A city: usual English name, Persian name and other Latin spellings people write."""

    en: str
    fa: str
    weight: float
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Province:
    """A province: deaths at a true total of 1,500, names, and its cities with relative weights."""

    en: str
    fa: str
    count_at_1500: int
    cities: tuple[City, ...]
    variants: tuple[str, ...] = ()


PROVINCES: tuple[Province, ...] = (
    Province("Tehran", "تهران", 400, (
        City("Tehran", "تهران", 0.35), City("Shahriar", "شهریار", 0.15, ("Shahriyar",)),
        City("Eslamshahr", "اسلامشهر", 0.12, ("Islamshahr",)), City("Qods", "قدس", 0.10, ("Shahr-e Qods",)),
        City("Nasimshahr", "نسیم‌شهر", 0.10, ("Nasim Shahr",)), City("Malard", "ملارد", 0.08),
        City("Robat Karim", "رباط‌کریم", 0.05, ("Robat-Karim",)), City("Pakdasht", "پاکدشت", 0.05))),
    Province("Kermanshah", "کرمانشاه", 320, (
        City("Kermanshah", "کرمانشاه", 0.55), City("Javanrud", "جوانرود", 0.20, ("Javanrood",)),
        City("Eslamabad-e Gharb", "اسلام‌آباد غرب", 0.10, ("Islamabad-e Gharb",)),
        City("Ravansar", "روانسر", 0.08), City("Sahneh", "صحنه", 0.07))),
    Province("Fars", "فارس", 270, (
        City("Shiraz", "شیراز", 0.60), City("Sadra", "صدرا", 0.10),
        City("Kazerun", "کازرون", 0.10, ("Kazeroon",)),
        City("Fasa", "فسا", 0.10), City("Jahrom", "جهرم", 0.10))),
    Province("Khuzestan", "خوزستان", 240, (
        City("Mahshahr", "ماهشهر", 0.35, ("Bandar-e Mahshahr", "Bandar Mahshahr")),
        City("Ahvaz", "اهواز", 0.25),
        City("Behbahan", "بهبهان", 0.15), City("Shadegan", "شادگان", 0.10),
        City("Khorramshahr", "خرمشهر", 0.08), City("Abadan", "آبادان", 0.07)), ("Khouzestan",)),
    Province("Isfahan", "اصفهان", 120, (
        City("Isfahan", "اصفهان", 0.45, ("Esfahan",)),
        City("Shahin Shahr", "شاهین‌شهر", 0.20, ("Shahinshahr",)),
        City("Najafabad", "نجف‌آباد", 0.15), City("Khomeini Shahr", "خمینی‌شهر", 0.10, ("Khomeinishahr",)),
        City("Fuladshahr", "فولادشهر", 0.10)), ("Esfahan",)),
    Province("Alborz", "البرز", 100, (
        City("Karaj", "کرج", 0.65), City("Kamal Shahr", "کمال‌شهر", 0.20, ("Kamalshahr",)),
        City("Mohammadshahr", "محمدشهر", 0.08),
        City("Nazarabad", "نظرآباد", 0.07))),
    Province("Kerman", "کرمان", 10, (City("Sirjan", "سیرجان", 0.7), City("Kerman", "کرمان", 0.3))),
    Province("Kurdistan", "کردستان", 10, (City("Marivan", "مریوان", 0.5), City("Sanandaj", "سنندج", 0.5)),
             ("Kordestan",)),
    Province("Bushehr", "بوشهر", 5, (City("Bushehr", "بوشهر", 1.0),)),
    Province("Markazi", "مرکزی", 4, (City("Arak", "اراک", 1.0),)),
    Province("Razavi Khorasan", "خراسان رضوی", 4, (City("Mashhad", "مشهد", 1.0),), ("Khorasan Razavi",)),
    Province("Lorestan", "لرستان", 4, (City("Khorramabad", "خرم‌آباد", 1.0),)),
    Province("Mazandaran", "مازندران", 3, (City("Sari", "ساری", 1.0),)),
    Province("Kohgiluyeh and Boyer-Ahmad", "کهگیلویه و بویراحمد", 3,
             (City("Yasuj", "یاسوج", 1.0, ("Yasouj",)),)),
    Province("Hamadan", "همدان", 3, (City("Hamadan", "همدان", 1.0),)),
    Province("Qazvin", "قزوین", 2, (City("Qazvin", "قزوین", 1.0),)),
    Province("Golestan", "گلستان", 2, (City("Gorgan", "گرگان", 1.0),)),
)

# Day of death (November 2019 unless the day exceeds 30) -> weight. 16-17 November carry 72%, as in the
# verified list (220 of 304); the tail after 20 November stands for those who died later of their wounds.
DAY_WEIGHTS: dict[int, float] = {
    15: 0.05, 16: 0.40, 17: 0.32, 18: 0.13, 19: 0.06, 20: 0.02, 21: 0.01, 25: 0.005, 29: 0.005,
}

# Cause -> weight: all but a handful shot in the head or torso; four beaten, two by tear gas of 304.
CAUSE_WEIGHTS: dict[str, float] = {"gunshot_head": 0.52, "gunshot_torso": 0.40, "gunshot_other": 0.06,
                                   "beating": 0.013, "tear_gas": 0.007}
PERPETRATOR_WEIGHTS: dict[str, float] = {"irgc": 0.30, "basij": 0.20, "police": 0.25, "unknown": 0.25}
MALE_SHARE = 0.94

# Latent visibility class -> chance of appearing on each list. Tehran cases are more often highly visible, so the
# lists are correlated through visibility; within a class they are independent, as latent-class MSE assumes
# (a direct dependence between two lists, e.g. media copying the network, biases every estimator downward).
VISIBILITY_SHARES = {"tehran": (0.25, 0.40, 0.35), "other": (0.12, 0.33, 0.55)}  # (high, mid, low)
CAPTURE = {  # list -> (high, mid, low)
    "network": (0.65, 0.55, 0.48),
    "ngo": (0.30, 0.22, 0.17),
    "media": (0.33, 0.26, 0.20),
    "verified": (0.08, 0.05, 0.03),
}

PERSIAN_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
CAUSE_FA = {"gunshot_head": "شلیک به سر", "gunshot_torso": "شلیک به سینه", "gunshot_other": "شلیک",
            "beating": "ضرب و شتم", "tear_gas": "گاز اشک‌آور", "unknown": "نامعلوم"}
CAUSE_EN = {"gunshot_head": ("Gunshot to head", "gunshot - head", "Shot in the head"),
            "gunshot_torso": ("Gunshot to chest", "gunshot - torso", "Shot in the chest"),
            "gunshot_other": ("Gunshot", "Gunshot wound"),
            "beating": ("Beating", "Beaten to death"), "tear_gas": ("Tear gas",), "unknown": ("Unknown",)}
CAUSE_MEDIA = {"gunshot_head": "shot in the head", "gunshot_torso": "shot in the chest",
               "gunshot_other": "gunshot wound", "beating": "beaten to death", "tear_gas": "tear gas",
               "unknown": "unknown"}
PERPETRATOR_EN = {"irgc": "IRGC", "basij": "Basij", "police": "Police", "unknown": "Unknown"}
EVIDENCE = ("video of shooting", "photo of body", "death certificate", "burial record", "family testimony",
            "witness testimony", "hospital record")
PLACE_DETAIL = ("main square", "highway junction", "outside the governor's office", "near a petrol station",
                "bazaar entrance", "outside a bank branch")

# A small fallback name table, used only when tollbook.text's name data cannot be read.
FALLBACK_GIVEN = (
    ("mohammad", "محمد", "m"), ("ali", "علی", "m"), ("hossein", "حسین", "m"), ("reza", "رضا", "m"),
    ("mehdi", "مهدی", "m"), ("amirhossein", "امیرحسین", "m"), ("fatemeh", "فاطمه", "f"),
    ("maryam", "مریم", "f"),
)
FALLBACK_FAMILY = (("hosseini", "حسینی"), ("mohammadi", "محمدی"), ("ahmadi", "احمدی"), ("rezaei", "رضایی"),
                   ("karimi", "کریمی"), ("moradi", "مرادی"))

# Deliberately malformed rows, per list: (field, value, reason, severity). "name" empties both given and
# family name. An "error" keeps the row out of the database; a "warning" (an unknown place, an unreadable age)
# imports the row with the field flagged and left unresolved.
MALFORMED: dict[str, tuple[tuple[str, object, str, str], ...]] = {
    "network": (
        ("date_of_death", "۱۳۹۸/۱۳/۴۰", "date does not exist (month 13, day 40)", "error"),
        ("province", "آتلانتیس", "unknown province (Atlantis)", "warning"),
        ("age", "-3", "negative age (kept, age unknown)", "warning"),
        ("name", "", "empty name (no given or family name)", "error"),
        ("age", "بیست", "age is not a number (kept, age unknown)", "warning"),
    ),
    "ngo": (
        ("date_of_death", "31/02/2019", "date does not exist (31 February)", "error"),
        ("province", "Atlantis", "unknown province", "warning"),
        ("age", -4, "negative age (kept, age unknown)", "warning"),
        ("age", "twenty-two", "age is not a number (kept, age unknown)", "warning"),
    ),
    "media": (
        ("date_of_death", "2019-02-30", "date does not exist (30 February)", "error"),
        ("province", "Atlantis", "unknown province", "warning"),
        ("age", "twenty", "age is not a number (kept, age unknown)", "warning"),
        ("name", "", "empty name (no given or family name)", "error"),
    ),
    "verified": (
        ("date_of_death", "1398/13/40", "date does not exist (month 13, day 40)", "error"),
        ("province", "Atlantis", "unknown province", "warning"),
        ("age", "-1", "negative age (kept, age unknown)", "warning"),
    ),
}
DUPLICATES_AT_1500 = {"network": 6, "ngo": 2, "media": 5, "verified": 0}

# The victims' roles, for the role assertions of the example (synthetic weights). Who the dead were is disputed
# in the sources: the state said more than 85% in Tehran Province were not protesters; the opposition called
# them protesters. The network list calls many bystanders protesters; the verified list says what it established.
ROLE_WEIGHTS: dict[str, float] = {"protester": 0.60, "bystander": 0.32, "security_force": 0.03, "other": 0.05}
ROLE_FA = {"protester": "معترض", "bystander": "رهگذر", "security_force": "مامور", "other": "سایر"}
NETWORK_ROLE = {  # true role -> (word the network writes, chance); otherwise the cell is left empty
    "protester": (("protester", 0.9),),
    "bystander": (("protester", 0.45), ("bystander", 0.35)),
    "security_force": (("security_force", 0.5),),
    "other": (("protester", 0.3),),
}
VERIFIED_ROLE_STATED = 0.85  # the verified list states the established role this often, else leaves it empty

# Evidence description (verified list) -> evidence kind; the example's files are SYNTHETIC placeholders.
EVIDENCE_KIND = {"video of shooting": "video", "photo of body": "photo", "death certificate": "death_certificate",
                 "burial record": "burial_record", "family testimony": "testimony", "witness testimony": "testimony",
                 "hospital record": "other"}
# Report (publication) date of each list, given at import with --reported-on (synthetic: the dates on which the
# sources of the articles released names and verified cases).
REPORTED_ON = {"network": "2019-12-15", "ngo": "2020-05-20", "media": "2019-12-23", "verified": "2020-05-20"}
