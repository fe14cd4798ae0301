"""Persian normalisation, digit folding and script detection."""

from hypothesis import given
from hypothesis import strategies as st

from tollbook.text import fold_latin, is_persian, normalize_persian, to_ascii_digits

ZWNJ = "\u200c"


def test_arabic_letters_become_persian():
    assert normalize_persian("علي كريمي") == "علی کریمی"
    assert normalize_persian("فاطمة") == "فاطمه"
    assert normalize_persian("رضائی") == "رضایی"
    assert normalize_persian("مؤمن") == "مومن"
    assert normalize_persian("أحمد") == "احمد"


def test_diacritics_tatweel_and_hamza_removed():
    assert normalize_persian("مُحَمَّد") == "محمد"
    assert normalize_persian("محـــمد") == "محمد"
    assert normalize_persian("ضیاء") == "ضیا"


def test_presentation_forms_folded():
    assert normalize_persian("ﻣﺤﻤﺪ") == "محمد"


def test_whitespace_and_zwnj_made_consistent():
    assert normalize_persian("  محمد \u00a0  حسینی\t") == "محمد حسینی"
    assert normalize_persian(f"حسین{ZWNJ}{ZWNJ}زاده") == f"حسین{ZWNJ}زاده"
    assert normalize_persian(f"حسین {ZWNJ} زاده") == "حسین زاده"
    assert normalize_persian(f"{ZWNJ}علی{ZWNJ}") == "علی"
    assert normalize_persian("علی\u200dرضا\u200f") == "علیرضا"


def test_latin_text_passes_through():
    assert normalize_persian("  Mohammad   Hosseini ") == "Mohammad Hosseini"


def test_digits():
    assert to_ascii_digits("۱۳۹۸/۰۸/۲۵") == "1398/08/25"
    assert to_ascii_digits("٢٠١٩-١١-١٦") == "2019-11-16"
    assert to_ascii_digits("age ۲۳ years") == "age 23 years"


def test_is_persian():
    assert is_persian("محمد حسینی")
    assert is_persian("علي")  # Arabic letters are the same script
    assert not is_persian("Mohammad Hosseini")
    assert not is_persian("")
    assert not is_persian("1398")


def test_fold_latin():
    assert fold_latin("Ḥoseynī") == "hoseyni"
    assert fold_latin("Ja'far") == "jafar"
    assert fold_latin("Bandar-e Māhshahr") == "bandar-e mahshahr"


_persianish = st.text(
    alphabet=st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةؤئأإءـ ًٌٍَُِّْ\u200c\u200d\u00a0\t ۰۱۲abc")),
    max_size=40,
)


@given(_persianish)
def test_normalize_is_idempotent(s):
    once = normalize_persian(s)
    assert normalize_persian(once) == once


@given(_persianish)
def test_normalized_text_has_no_arabic_forms_or_stray_space(s):
    out = normalize_persian(s)
    assert not set(out) & set("يكةؤئأإءـ\u200d\u00a0\t")
    assert out == out.strip(" \u200c")
    assert "  " not in out and f" {ZWNJ}" not in out and f"{ZWNJ} " not in out


@given(st.integers(min_value=0, max_value=10**12))
def test_persian_and_arabic_digits_round_trip(n):
    text = str(n)
    persian = text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    arabic = text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert to_ascii_digits(persian) == to_ascii_digits(arabic) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=30))
def test_digits_leave_other_characters_alone(s):
    assert to_ascii_digits(s) == s
