"""Script-aware tokens: exact round trip, whole grapheme clusters, Thai words."""

from pathlib import Path

import nlpo3
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.tokens import GOVERNANCE_TERMS, tokenize

_SETTINGS = settings(derandomize=True, deadline=None, max_examples=300)

# Characters that stress grapheme-cluster rules: Thai letters, vowels, tone marks and
# digits; Latin and combining marks; CR/LF; ZWJ/ZWNJ/ZWSP; regional indicators; emoji
# and skin tones; Prepend characters (Arabic number sign, Malayalam dot reph); U+2139 (an
# emoji that is also a letter); Hangul jamo; punctuation that numbers and พ.ศ. use.
_TRICKY = (
    "กขคงจฉชซญดตถทนบปผพฟมยรลวศษสหอฮ" "ะัาำิีึืฺุูเแโใไๅ็่้๊๋์ํ๎ฯๆ" "๐๑๒๓๔๕"
    "aZé\u0301\u0300 \t\r\n\u200d\u200c\u200b" "\U0001F1F9\U0001F1ED\U0001F468\U0001F3FD"
    "\u0600\u0d4e\u2139\u1100\u1161\u11a8" "0129.,/-()“”"
)
_THAI_COMBINING = regex.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _cluster_starts(text):
    return {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


def _token_starts(tokens):
    starts, pos = set(), 0
    for token in tokens:
        starts.add(pos)
        pos += len(token)
    return starts


def _assert_whole_clusters(text):
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens), "no empty tokens"
    assert _token_starts(tokens) <= _cluster_starts(text)


@_SETTINGS
@given(st.text())
def test_any_text_round_trips_in_whole_clusters(text):
    _assert_whole_clusters(text)


@_SETTINGS
@given(st.text(alphabet=_TRICKY, max_size=40))
def test_cluster_edge_cases_round_trip_in_whole_clusters(text):
    _assert_whole_clusters(text)


def test_empty_text_has_no_tokens():
    assert tokenize("") == []


def test_governance_terms_stay_whole_in_a_sentence():
    text = "ส่วนราชการต้องปฏิบัติราชการตามหลักธรรมาภิบาลโดยคำนึงถึงผู้มีส่วนได้ส่วนเสีย"
    assert tokenize(text) == [
        "ส่วนราชการ", "ต้อง", "ปฏิบัติราชการ", "ตาม", "หลักธรรมาภิบาล", "โดย", "คำนึงถึง",
        "ผู้มีส่วนได้ส่วนเสีย",
    ]


def test_each_governance_term_is_one_token():
    split = [term for term in GOVERNANCE_TERMS if tokenize(term) != [term]]
    assert split == []


def test_head_of_agency_is_one_token():
    assert tokenize("ให้หัวหน้าส่วนราชการรายงาน") == ["ให้", "หัวหน้าส่วนราชการ", "รายงาน"]


def test_committee_member_keeps_its_kan():
    # The stock entry การคน would give กรรม|การคน|หนึ่ง.
    assert tokenize("กรรมการคนหนึ่ง") == ["กรรมการ", "คน", "หนึ่ง"]


def test_buddhist_era_abbreviation_and_year_are_whole():
    assert tokenize("พ.ศ. ๒๕๖๗") == ["พ.ศ.", " ", "๒๕๖๗"]


def test_numbers_keep_inner_separators_between_digits():
    assert tokenize("ข้อ ๕/๑ วงเงิน 2,500.50 บาท") == [
        "ข้อ", " ", "๕/๑", " ", "วงเงิน", " ", "2,500.50", " ", "บาท",
    ]


def test_trailing_full_stop_after_a_number_is_punctuation():
    assert tokenize("(1.) 3/") == ["(", "1", ".", ")", " ", "3", "/"]


def test_digits_and_thai_letters_are_separate_tokens():
    assert tokenize("ข้อ๕") == ["ข้อ", "๕"]


def test_whitespace_runs_are_one_token():
    assert tokenize("ก  \t\nข") == ["ก", "  \t\n", "ข"]


def test_each_punctuation_mark_is_its_own_token():
    assert tokenize("((“ร่าง”))") == ["(", "(", "“", "ร่าง", "”", ")", ")"]


def test_latin_words_split_at_hyphens_and_from_thai():
    assert tokenize("ระบบe-Service (KPI)") == ["ระบบ", "e", "-", "Service", " ", "(", "KPI", ")"]


def test_leading_vowels_stay_with_the_following_syllable():
    text = "เจ้าหน้าที่ของรัฐแจ้งให้ไปใช้โปรแกรมเป็นประจำ"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert not any(token[-1] in "เแโใไ" for token in tokens)


def test_no_thai_token_starts_with_a_combining_mark_in_real_text():
    text = "ให้ผู้ใต้บังคับบัญชาปฏิบัติตามประมวลจริยธรรมของข้าราชการที่กำหนดไว้ในระเบียบนี้"
    assert not any(_THAI_COMBINING.match(token) for token in tokenize(text))


def test_space_with_a_tone_mark_is_one_cluster_token():
    assert tokenize("ก \u0e48ข") == ["ก", " \u0e48", "ข"]


def test_emoji_sequences_and_flags_are_single_tokens():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    flag = "\U0001F1F9\U0001F1ED"
    assert tokenize(family + flag + flag) == [family, flag, flag]


def test_prepend_letter_joins_the_following_digit():
    # U+0D4E MALAYALAM LETTER DOT REPH is a letter that forms one cluster with the
    # character after it (GB9b), so a word must not end right after it.
    text = "ก\u0d4e1 2"
    assert tokenize(text) == ["ก", "\u0d4e1", " ", "2"]


def test_letter_emoji_joined_by_zwj_is_one_token():
    text = "a\u2139\u200d\U0001F600b"
    _assert_whole_clusters(text)
    assert any("\u2139\u200d\U0001F600" in token for token in tokenize(text))



ROOT = Path(__file__).resolve().parents[2]
_THAI_RUN = regex.compile(r"[\u0e01-\u0e3a\u0e40-\u0e4e]+")


def _shipped_thai_runs():
    """Every Thai run of the shipped drafts' sources and the divisions' comments."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "drafts" / "src").glob("*.txt"))]
    texts.append((ROOT / "comments" / "src" / "round1.json").read_text(encoding="utf-8"))
    return sorted({run for text in texts for run in _THAI_RUN.findall(text)})


def test_nlpo3_splits_real_thai_as_pythainlps_newmm_does():
    # nlpo3 is the Rust port of newmm; with the same word list it gives newmm's words on real
    # text (it differs on a full stop inside a word, which policy text does not have).
    from pythainlp.tokenize import newmm
    from pythainlp.util import Trie

    from policydiff.core.tokens import _dictionary, _words

    runs = _shipped_thai_runs()
    assert len(runs) > 300
    trie = Trie(_words())
    differ = [run for run in runs if nlpo3.segment(run, _dictionary()) != newmm.segment(run, custom_dict=trie)]
    assert differ == []


def test_the_dictionary_is_loaded_once_per_word_list():
    from policydiff.core.tokens import _dictionary, _words
    from policydiff.wordlist import dictionary_name

    assert dictionary_name(sorted(_words(), reverse=True)) == _dictionary()
    other = dictionary_name(["การ", "เมือง"])
    assert other != _dictionary()
    assert nlpo3.segment("การเมือง", other) == ["การ", "เมือง"]
    assert nlpo3.segment("การเมือง", _dictionary()) == ["การเมือง"]
