"""Word diff over Thai-aware tokens: exact reconstruction, word-level edits, offset mapping."""

import os
import subprocess
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import policydiff.core.diff as diff_module
from policydiff.core.offsets import OffsetMap
from policydiff.core.diff import (
    edit_distance_chars,
    new_text,
    old_text,
    word_diff,
)

_SETTINGS = settings(derandomize=True, deadline=None, max_examples=200)
_THAI_COMBINING = regex.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")

# Words and syllables with every kind of Thai mark: above/below vowels, tone marks,
# thanthakhat, sara am, leading vowels, mai yamok and paiyannoi; plus digits, Latin,
# spaces, punctuation and line breaks.
_PIECES = (
    "ส่วนราชการ", "ประสิทธิภาพ", "ประสิทธิผล", "ที่", "น้ำ", "ได้", "ผู้", "ก็", "ทั้ง", "เป็น", "ใน",
    "ไม่", "สำนัก", "กำหนด", "ฯลฯ", "ๆ", "กรุงเทพฯ", "ศึกษา", "ฤทธิ์", "พันธุ์", "ดื่ม", "ปี่", "กั้น",
    "เกี๊ยว", "แก้ไข", "โปร่งใส", "ให้", "และ", "ของ", "คณะรัฐมนตรี", "ธรรมาภิบาล", "ข้อ", "วรรค",
    "พ.ศ.", "๒๕๖๗", "๕/๑", "2,500.50", "KPI", "e-Service", " ", "  ", "\n", "(", ")", ",",
    "“", "”", ".", "-", "/", "ก", "ท", "ที", "ก่",
)
_REPLACEMENTS = ("มาตรการ", "ผู้รับบริการ", "ความรับผิดชอบ", "ปี", "ก่อน", "ไป", "๓", "B", " ", "ร่าง")


@st.composite
def _texts_and_edits(draw):
    words = draw(st.lists(st.sampled_from(_PIECES), max_size=30))
    new_words = list(words)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(("insert", "delete", "replace")))
        if kind == "insert" or not new_words:
            at = draw(st.integers(0, len(new_words)))
            new_words.insert(at, draw(st.sampled_from(_REPLACEMENTS + _PIECES)))
        else:
            at = draw(st.integers(0, len(new_words) - 1))
            if kind == "delete":
                del new_words[at]
            else:
                new_words[at] = draw(st.sampled_from(_REPLACEMENTS))
    return "".join(words), "".join(new_words)


def _changed(ops):
    return [(op, text) for op, text in ops if op != "="]


def _edit_bounds(ops):
    """(side text, start, end) of every deletion (in old) and insertion (in new)."""
    old, new = old_text(ops), new_text(ops)
    bounds, pos_old, pos_new = [], 0, 0
    for op, text in ops:
        if op == "-":
            bounds.append((old, pos_old, pos_old + len(text)))
        elif op == "+":
            bounds.append((new, pos_new, pos_new + len(text)))
        pos_old += len(text) if op != "+" else 0
        pos_new += len(text) if op != "-" else 0
    return bounds


def _assert_well_formed(ops, old, new):
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(text for _, text in ops), "no empty ops"
    kinds = [op for op, _ in ops]
    assert all(a != b for a, b in zip(kinds, kinds[1:])), "adjacent ops of one kind are merged"
    assert ("+", "-") not in list(zip(kinds, kinds[1:])), "deletion comes before insertion"
    for side, start, end in _edit_bounds(ops):
        clusters = {m.start() for m in regex.finditer(r"\X", side)} | {len(side)}
        assert start in clusters and end in clusters, (side, start, end)
        assert not _THAI_COMBINING.match(side, start), "edit starts with a combining mark"
        assert not _THAI_COMBINING.match(side, end), "edit ends before a combining mark"


@_SETTINGS
@given(_texts_and_edits())
def test_word_diff_rebuilds_both_texts_and_never_splits_a_cluster(case):
    old, new = case
    _assert_well_formed(word_diff(old, new), old, new)


@_SETTINGS
@given(_texts_and_edits())
def test_one_word_for_another_is_what_the_full_token_diff_finds(case):
    # _token_diff answers a one-token replacement without diff-match-patch; the full path
    # (diff, chatter, sliding, trimming) must give the same ops for every such edit.
    old, new = case
    from policydiff.core.tokens import tokenize

    full = diff_module._merge_ops(diff_module._diff_of_tokens(tokenize(old), tokenize(new)))
    assert diff_module._merge_ops(diff_module._token_diff(old, new)) == full


@_SETTINGS
@given(st.text(max_size=60), st.text(max_size=60))
def test_word_diff_rebuilds_any_two_texts(old, new):
    ops = word_diff(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new


_SENTENCE = ("ส่วนราชการต้องปฏิบัติราชการตามหลักธรรมาภิบาล โดยยึดหลักความโปร่งใส ความรับผิดชอบ "
             "และประสิทธิภาพในการบริหารงานของหน่วยงาน")


def test_one_word_replaced_in_a_long_thai_sentence_marks_only_that_word():
    assert len(_SENTENCE) >= 100
    ops = word_diff(_SENTENCE, _SENTENCE.replace("ประสิทธิภาพ", "ประสิทธิผล"))
    assert _changed(ops) == [("-", "ประสิทธิภาพ"), ("+", "ประสิทธิผล")]


@pytest.mark.parametrize(
    "old, new, changed",
    [
        ("ข้อ ๕ ให้ส่วนราชการรายงาน", "ข้อ ๕ ให้ส่วนราชการทุกแห่งรายงาน", [("+", "ทุกแห่ง")]),
        ("รายงานผลต่อคณะรัฐมนตรีภายในหกสิบวัน", "รายงานผลต่อคณะรัฐมนตรีภายในวัน", [("-", "หกสิบ")]),
        ("ภายในหกสิบวันนับแต่วันสิ้นปีงบประมาณ", "ภายในสามสิบวันนับแต่วันสิ้นปีงบประมาณ",
         [("-", "หกสิบ"), ("+", "สามสิบ")]),
        ("วงเงิน 2,500 บาท", "วงเงิน 3,000 บาท", [("-", "2,500"), ("+", "3,000")]),
        ("ข้อ ๕/๑ ให้ใช้บังคับ", "ข้อ ๕/๒ ให้ใช้บังคับ", [("-", "๕/๑"), ("+", "๕/๒")]),
    ],
)
def test_single_word_edits_are_marked_at_word_level(old, new, changed):
    assert _changed(word_diff(old, new)) == changed


def test_word_split_differently_by_context_is_trimmed_to_the_true_edit():
    # As one token หัวหน้าส่วนราชการ; without หัวหน้า the segmenter sees only ส่วนราชการ.
    old = "ให้หัวหน้าส่วนราชการรายงาน"
    ops = word_diff(old, "ให้ส่วนราชการรายงาน")
    assert _changed(ops) == [("-", "หัวหน้า")]


def test_trimming_never_cuts_between_a_consonant_and_its_tone_mark():
    # The new side has a word boundary after ก, but in the old side ก่ is one cluster.
    assert word_diff("ก่", "ก ") == [("-", "ก่"), ("+", "ก ")]


def test_abbreviation_deleted_between_spaces_leaves_the_spaces_unmarked():
    ops = word_diff("ตั้งแต่ พ.ศ. ๒๕๖๗", "ตั้งแต่  ๒๕๖๗")
    assert _changed(ops) == [("-", "พ.ศ.")]


def test_two_edits_separated_by_one_space_become_one_replacement():
    ops = word_diff("นโยบาย ข้อมูล", "มาตรการ สารสนเทศ")
    assert ops == [("-", "นโยบาย ข้อมูล"), ("+", "มาตรการ สารสนเทศ")]


def test_two_edits_separated_by_punctuation_and_space_become_one_replacement():
    assert word_diff("ก, ข", "ค, ง") == [("-", "ก, ข"), ("+", "ค, ง")]


def test_short_word_between_two_long_edits_is_folded_in():
    ops = word_diff("ให้ยุทธศาสตร์ชาติและแผนแม่บทมีผล", "ให้นโยบายรัฐบาลและแผนปฏิบัติการมีผล")
    assert ops == [("=", "ให้"), ("-", "ยุทธศาสตร์ชาติและแผนแม่บท"),
                   ("+", "นโยบายรัฐบาลและแผนปฏิบัติการ"), ("=", "มีผล")]


def test_a_whole_word_between_two_edits_stays_unmarked():
    ops = word_diff("นโยบาย ประสิทธิภาพ ข้อมูล", "มาตรการ ประสิทธิภาพ สารสนเทศ")
    assert ops == [("-", "นโยบาย"), ("+", "มาตรการ"), ("=", " ประสิทธิภาพ "),
                   ("-", "ข้อมูล"), ("+", "สารสนเทศ")]


def test_two_word_edits_in_one_sentence_stay_separate():
    ops = word_diff("รายงานผลต่อคณะรัฐมนตรีภายในหกสิบวัน", "รายงานผลต่อนายกรัฐมนตรีภายในสามสิบวัน")
    assert _changed(ops) == [("-", "คณะรัฐมนตรี"), ("+", "นายกรัฐมนตรี"),
                             ("-", "หกสิบ"), ("+", "สามสิบ")]


def test_inserted_word_takes_the_space_after_it():
    assert word_diff("A B C", "A B X C") == [("=", "A B "), ("+", "X "), ("=", "C")]


def test_identical_texts_are_one_equality():
    assert word_diff(_SENTENCE, _SENTENCE) == [("=", _SENTENCE)]


def test_empty_texts():
    assert word_diff("", "") == []
    assert word_diff("", "ร่าง") == [("+", "ร่าง")]
    assert word_diff("ร่าง", "") == [("-", "ร่าง")]


def test_edit_distance_counts_deleted_and_inserted_characters():
    ops = word_diff(_SENTENCE, _SENTENCE.replace("ประสิทธิภาพ", "ประสิทธิผล"))
    assert edit_distance_chars(ops) == (len("ประสิทธิภาพ"), len("ประสิทธิผล"))


def test_long_text_with_lines_is_diffed_line_then_word(monkeypatch):
    calls = []
    line_diff = diff_module._line_then_word_diff
    monkeypatch.setattr(diff_module, "_line_then_word_diff",
                        lambda old, new: calls.append(1) or line_diff(old, new))
    lines = [f"ข้อ {i} ให้ส่วนราชการจัดทำแผนปฏิบัติราชการให้สอดคล้องกับยุทธศาสตร์ชาติ\n"
             for i in range(400)]
    old = "".join(lines)
    lines[10] = lines[10].replace("จัดทำ", "ทบทวน")
    lines[200:201] = []
    lines.insert(300, "ข้อ ๓๐๐/๑ ให้มีคณะกรรมการ\n")
    new = "".join(lines)
    ops = word_diff(old, new)
    assert calls == [1]
    _assert_well_formed(ops, old, new)
    assert _changed(ops) == [
        ("-", "จัดทำ"), ("+", "ทบทวน"),
        ("-", "ข้อ 200 ให้ส่วนราชการจัดทำแผนปฏิบัติราชการให้สอดคล้องกับยุทธศาสตร์ชาติ\n"),
        ("+", "ข้อ ๓๐๐/๑ ให้มีคณะกรรมการ\n"),
    ]


def test_more_distinct_tokens_than_code_points_still_rebuilds_both_texts(monkeypatch):
    monkeypatch.setattr(diff_module, "_CODE_RANGES", ((0xF0000, 0xF0004),))
    old = "ก ข ค ง จ ฉ"
    new = "ก ข ช ง จ ฉ"
    ops = word_diff(old, new)
    assert ops == [("=", "ก ข "), ("-", "ค"), ("+", "ช"), ("=", " ง จ ฉ")]


def test_same_inputs_give_same_ops_in_a_fresh_process_with_another_hash_seed():
    old = _SENTENCE + " ข้อ ๕ ให้คณะกรรมการพิจารณา"
    new = _SENTENCE.replace("ความโปร่งใส", "ความเป็นธรรม") + " ข้อ ๕/๑ ให้คณะอนุกรรมการพิจารณา"
    code = ("import sys; from policydiff.core.diff import word_diff; "
            "print(repr(word_diff(sys.argv[1], sys.argv[2])))")
    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-c", code, old, new], env=env,
                                capture_output=True, text=True, check=True)
        outputs.add(result.stdout)
    assert outputs == {repr(word_diff(old, new)) + "\n"}


# --- offsets ----------------------------------------------------------------------------

_INSERTED = [("=", "A "), ("+", "Y "), ("=", "X B")]  # "A X B" -> "A Y X B"
_REPLACED = [("=", "the "), ("-", "cat"), ("+", "tiger"), ("=", " sat")]  # cat -> tiger


@pytest.mark.parametrize("offset, start, end", [(0, 0, 0), (1, 1, 1), (2, 4, 2), (3, 5, 5), (5, 7, 7)])
def test_offsets_through_an_insertion_keep_it_outside_the_span(offset, start, end):
    # "A X B" -> "A Y X B": a span starting at X starts after Y; a span ending before X ends before Y.
    m = OffsetMap(_INSERTED)
    assert (m.start(offset), m.end(offset)) == (start, end)


@pytest.mark.parametrize("offset, start, end", [(4, 4, 4), (5, 4, 4), (7, 9, 4), (8, 10, 10), (11, 13, 13)])
def test_deleted_text_maps_to_where_it_was_cut(offset, start, end):
    m = OffsetMap(_REPLACED)
    assert (m.start(offset), m.end(offset)) == (start, end)


def test_a_span_never_ends_before_it_starts():
    assert OffsetMap(_INSERTED).span(2, 2) == (4, 4)
    assert OffsetMap(_REPLACED).span(7, 7) == (9, 9)
    assert OffsetMap(_REPLACED).span(0, 11) == (0, 13)


def test_offsets_map_thai_text_after_a_changed_word():
    new = _SENTENCE.replace("ประสิทธิภาพ", "ประสิทธิผล")
    m = OffsetMap.between(_SENTENCE, new)
    at = _SENTENCE.index("ในการบริหาร")
    # The changed word is replaced whole: a span starting after it starts after its replacement;
    # a span ending right after it ends where it was cut (the replacement is new text).
    assert m.start(at) == new.index("ในการบริหาร")
    assert m.end(at) == new.index("ประสิทธิผล")
    assert m.deleted_in(0, len(_SENTENCE)) == len("ประสิทธิภาพ")


def test_ops_that_do_not_give_the_new_text_are_refused():
    with pytest.raises(ValueError):
        OffsetMap(_REPLACED, "the cat sat")
    with pytest.raises(ValueError):
        OffsetMap([("?", "x")])


def test_other_old_text_is_told_from_the_quoted_words():
    m = OffsetMap([("=", "aa "), ("-", "bb"), ("+", "cc"), ("=", " aa")])  # "aa bb aa" -> "aa cc aa"
    assert m.is_other_old_text(6, 8, 3, 5)  # the second "aa": unchanged, clear of "bb"
    assert not m.is_other_old_text(3, 5, 3, 5)  # "cc" is inserted text


def test_a_compound_splits_only_at_a_glued_function_word():
    # มี|ประสิทธิภาพ: the edit marks the changed word alone ...
    text = "ให้ตรวจสอบได้อย่างมีประสิทธิภาพ"
    assert word_diff(text, text.replace("ประสิทธิภาพ", "ประสิทธิผล"))[1:] == [
        ("-", "ประสิทธิภาพ"), ("+", "ประสิทธิผล")]
    # ... but a month name is one word: กรกฎา|คม is not a place to cut.
    assert word_diff("ประกาศ ณ วันที่ กรกฎาคม พ.ศ. ๒๕๕๒", "ประกาศ ณ วันที่ สิงหาคม พ.ศ. ๒๕๕๒")[1:3] == [
        ("-", "กรกฎาคม"), ("+", "สิงหาคม")]
