"""Anchoring division comments to clause text and re-anchoring them on a later version."""

import difflib

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core import anchors
from policydiff.core.anchors import (
    ANCHORED,
    DELETED,
    FUZZY,
    FUZZY_THRESHOLD,
    MOVED,
    ORPHAN,
    Anchor,
    anchor_clause,
    anchor_quote,
    anchor_span,
    reanchor,
)

try:  # the lead's token-level diff, once it exists
    from policydiff.core.diff import word_diff as diff_ops
except ImportError:

    def diff_ops(old, new):
        """Character-level stand-in for ``core.diff.word_diff``: ("=" | "-" | "+", text) pairs."""
        ops = []
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                ops.append(("=", old[i1:i2]))
                continue
            if i2 > i1:
                ops.append(("-", old[i1:i2]))
            if j2 > j1:
                ops.append(("+", new[j1:j2]))
        return ops


REPORT = "ส่วนราชการต้องรายงานผลการดำเนินงานต่อคณะกรรมการภายในสามสิบวันนับแต่วันสิ้นปีงบประมาณ และต้องเปิดเผยรายงานดังกล่าวให้ประชาชนทราบ"
PLAN = "ให้ส่วนราชการจัดทำแผนปฏิบัติราชการระยะห้าปีให้สอดคล้องกับยุทธศาสตร์ชาติ และเสนอต่อคณะรัฐมนตรีภายในเก้าสิบวันนับแต่วันที่พระราชกฤษฎีกานี้ใช้บังคับ"
EVALUATION = "การประเมินผลสัมฤทธิ์ของงานให้เป็นไปตามหลักเกณฑ์ที่สำนักงานคณะกรรมการพัฒนาระบบราชการกำหนด โดยคำนึงถึงหลักธรรมาภิบาลและความคุ้มค่า"
DISCIPLINE = "เจ้าหน้าที่ผู้ใดฝ่าฝืนหรือไม่ปฏิบัติตามระเบียบนี้ ให้ถือว่าเป็นการกระทำผิดวินัย และให้ผู้บังคับบัญชาดำเนินการทางวินัยตามกฎหมายว่าด้วยระเบียบข้าราชการพลเรือน"
PRIVACY = "ข้อมูลส่วนบุคคลที่หน่วยงานเก็บรวบรวมไว้ ให้ใช้ได้เฉพาะตามวัตถุประสงค์ที่แจ้งไว้แก่เจ้าของข้อมูล เว้นแต่ได้รับความยินยอมเป็นหนังสือ"


def occurrences(text, quote):
    """Start of every occurrence of ``quote`` in ``text``, overlapping ones included."""
    return [i for i in range(len(text)) if text.startswith(quote, i)]


def deleted_share(ops, anchor):
    """Share of the anchor's old characters that ``ops`` delete."""
    deleted, pos = 0, 0
    for op, text in ops:
        if op == "+":
            continue
        if op == "-":
            deleted += max(0, min(anchor.end, pos + len(text)) - max(anchor.start, pos))
        pos += len(text)
    return deleted / len(anchor.exact)


def clusters_boundaries(text):
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


def on_clusters(text, start, end):
    bounds = clusters_boundaries(text)
    return start in bounds and end in bounds


def anchored(clause_text, quote, key="ข้อ 5"):
    anchor = anchor_quote(key, clause_text, quote)
    assert anchor is not None and anchor.exact == quote
    return anchor


def place(anchor, old, new, **flags):
    return reanchor(anchor, anchor.clause, new, diff_ops(old, new), **flags)


# --- anchoring on the base draft -------------------------------------------------------


def test_quote_anchor_records_offsets_and_32_characters_of_context():
    quote = "ภายในสามสิบวัน"
    anchor = anchor_quote("ข้อ 5", REPORT, quote)
    start = REPORT.index(quote)
    assert (anchor.start, anchor.end) == (start, start + len(quote))
    assert anchor.prefix == REPORT[start - 32 : start]
    assert anchor.suffix == REPORT[anchor.end : anchor.end + 32]
    assert anchor.clause == "ข้อ 5" and not anchor.whole_clause


def test_context_is_cut_at_the_clause_edges():
    anchor = anchor_quote("ข้อ 5", REPORT, "ส่วนราชการต้อง")
    assert anchor.prefix == ""
    assert anchor.suffix == REPORT[len("ส่วนราชการต้อง") : len("ส่วนราชการต้อง") + 32]


def test_context_never_begins_or_ends_inside_a_cluster():
    # 32 characters either side of "รัฐมนตรี" would cut a "ให้" between "ห" and its tone mark.
    filler = "ส่วนราชการจัดทำแผนและเสนอต่อคณะ"
    text = "ให้" + filler[:31] + "รัฐมนตรี" + filler[:30] + "ให้"
    start, end = 34, 34 + len("รัฐมนตรี")
    assert text[start - 32] == text[end + 32] == "\u0e49"
    anchor = anchor_span("ข้อ 1", text, start, end)
    assert anchor.exact == "รัฐมนตรี"
    assert anchor.prefix == text[start - 31 : start]
    assert anchor.suffix == text[end : end + 31]


def test_repeated_quote_takes_the_occurrence_nearest_the_hint():
    first = REPORT.index("รายงาน")
    second = REPORT.index("รายงาน", first + 1)
    assert anchor_quote("ข้อ 5", REPORT, "รายงาน").start == first
    assert anchor_quote("ข้อ 5", REPORT, "รายงาน", hint_start=second - 3).start == second


@pytest.mark.parametrize(
    "pasted",
    [
        "ภายใน สามสิบ วัน",  # spaces typed between Thai words
        "ภายใน\u00a0สามสิบ\u00a0วัน",  # NBSP from a web page
        "ภายใน\u200bสามสิบ\u200bวัน",  # zero-width spaces from a word-breaking editor
        " ภายในสามสิบวัน\n",  # stray whitespace around the quote
    ],
)
def test_quote_pasted_with_extra_spacing_still_anchors_on_the_clause_text(pasted):
    anchor = anchor_quote("ข้อ 5", REPORT, pasted)
    assert anchor.exact == "ภายในสามสิบวัน"
    assert REPORT[anchor.start : anchor.end] == "ภายในสามสิบวัน"


def test_quote_missing_a_space_the_clause_has_still_anchors():
    anchor = anchor_quote("ข้อ 5", REPORT, "สิ้นปีงบประมาณและต้อง")
    assert anchor.exact == "สิ้นปีงบประมาณ และต้อง"


def test_quote_with_sara_am_spelled_as_nikhahit_and_sara_aa_anchors():
    # PDFs often give "ํา" (U+0E4D U+0E32) for "ำ" (U+0E33).
    anchor = anchor_quote("ข้อ 5", REPORT, "การด\u0e4d\u0e32เนินงาน")
    assert anchor.exact == "การดำเนินงาน"


def test_absent_or_blank_quote_does_not_anchor():
    assert anchor_quote("ข้อ 5", REPORT, "ภายในหกสิบวัน") is None
    assert anchor_quote("ข้อ 5", REPORT, " \u200b ") is None


def test_span_inside_a_cluster_widens_to_whole_clusters():
    start = DISCIPLINE.index("เจ้าหน้าที่")
    # Start between "จ" and "้", end between "ท" and "ี่": both move out to whole clusters.
    anchor = anchor_span("ข้อ 9", DISCIPLINE, start + 2, start + len("เจ้าหน้าท"))
    assert anchor.exact == "จ้าหน้าที่"
    assert (anchor.start, anchor.end) == (start + 1, start + len("เจ้าหน้าที่"))


def test_quote_cut_inside_a_cluster_widens_to_the_whole_cluster():
    anchor = anchor_quote("ข้อ 9", DISCIPLINE, "เจ้าหน้าท")
    assert anchor.exact == "เจ้าหน้าที่"


def test_span_outside_the_clause_is_refused():
    with pytest.raises(ValueError):
        anchor_span("ข้อ 9", DISCIPLINE, 5, len(DISCIPLINE) + 1)


def test_clause_anchor_covers_the_whole_clause():
    anchor = anchor_clause("ข้อ 9", DISCIPLINE)
    assert anchor == Anchor("ข้อ 9", DISCIPLINE, "", "", 0, len(DISCIPLINE), whole_clause=True)


# --- re-anchoring ----------------------------------------------------------------------


def test_unchanged_clause_keeps_the_anchor_where_it_was():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    p = place(anchor, REPORT, REPORT)
    assert (p.status, p.start, p.end, p.exact_new) == (ANCHORED, anchor.start, anchor.end, "ภายในสามสิบวัน")
    assert p.score == 1.0 and p.clause == "ข้อ 5"


def test_renumbered_clause_with_the_quote_intact_is_moved_with_the_exact_span():
    old = "ข้อ ๕ " + REPORT
    new = "ข้อ ๕/๑ " + REPORT.replace("ส่วนราชการ", "หน่วยงานของรัฐ", 1)
    anchor = anchored(old, "ภายในสามสิบวัน")
    p = place(anchor, old, new, renumbered=True)
    assert p.status == MOVED
    assert (p.start, p.end) == (new.index("ภายในสามสิบวัน"), new.index("ภายในสามสิบวัน") + len("ภายในสามสิบวัน"))
    assert new[p.start : p.end] == "ภายในสามสิบวัน" and p.start != anchor.start


def test_quote_in_a_moved_clause_is_moved():
    anchor = anchored(PRIVACY, "ได้รับความยินยอมเป็นหนังสือ", key="หมวด 2/ข้อ 8")
    p = reanchor(anchor, "หมวด 2/ข้อ 8", PRIVACY, diff_ops(PRIVACY, PRIVACY), moved=True)
    assert (p.status, p.start, p.end) == (MOVED, anchor.start, anchor.end)


def test_quote_with_one_word_changed_is_fuzzy_over_the_changed_words():
    anchor = anchored(REPORT, "รายงานผลการดำเนินงานต่อคณะกรรมการภายในสามสิบวัน")
    new = REPORT.replace("สามสิบ", "หกสิบ")
    p = place(anchor, REPORT, new)
    assert p.status == FUZZY
    assert p.exact_new == "รายงานผลการดำเนินงานต่อคณะกรรมการภายในหกสิบวัน"
    assert new[p.start : p.end] == p.exact_new
    assert FUZZY_THRESHOLD <= p.score < 1.0
    assert p.score == pytest.approx((50 * (1 - 3 / len(anchor.exact)) + 20 + 20 + 2) / 92, abs=1e-4)


def test_quote_whose_words_were_deleted_is_deleted_at_the_cut():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    new = REPORT.replace("ภายในสามสิบวัน", "")
    p = place(anchor, REPORT, new)
    assert p.status == DELETED
    assert p.start == p.end == new.index("นับแต่วันสิ้นปี")
    assert p.exact_new == ""


def test_quote_deleted_with_the_words_after_it_is_still_deleted():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    new = REPORT.replace("ภายในสามสิบวันนับแต่วันสิ้นปีงบประมาณ", "")
    p = place(anchor, REPORT, new)
    assert p.status == DELETED and p.start == new.index(" และต้องเปิดเผย")


def test_quote_in_an_entirely_rewritten_clause_is_an_orphan():
    anchor = anchored(PLAN, "แผนปฏิบัติราชการระยะห้าปี")
    p = place(anchor, PLAN, EVALUATION)
    assert (p.status, p.start, p.end, p.exact_new) == (ORPHAN, None, None, "")
    assert p.score < FUZZY_THRESHOLD


def test_rewritten_clause_diffed_as_one_replacement_is_an_orphan():
    anchor = anchored(PLAN, "แผนปฏิบัติราชการระยะห้าปี")
    p = reanchor(anchor, "ข้อ 5", EVALUATION, [("-", PLAN), ("+", EVALUATION)])
    assert p.status == ORPHAN


def test_deleted_clause_deletes_its_quotes_and_its_whole_clause_comments():
    quote = anchored(PLAN, "แผนปฏิบัติราชการระยะห้าปี")
    assert reanchor(quote, None, "", [("-", PLAN)]).status == DELETED
    whole = anchor_clause("ข้อ 5", PLAN)
    assert reanchor(whole, None, "").status == DELETED


def test_whole_clause_comment_follows_its_clause_through_any_rewrite():
    anchor = anchor_clause("ข้อ 5", PLAN)
    p = reanchor(anchor, "ข้อ 5", EVALUATION, [("-", PLAN), ("+", EVALUATION)], renumbered=True)
    assert (p.status, p.start, p.end, p.exact_new) == (MOVED, 0, len(EVALUATION), EVALUATION)


def test_repeated_quote_is_found_by_its_context_when_offsets_are_unknown():
    old = "ให้คณะกรรมการกำหนดหลักเกณฑ์การรายงาน และให้คณะกรรมการติดตามผลการดำเนินงานของส่วนราชการ"
    new = "เพื่อประโยชน์ในการกำกับดูแล " + old
    anchor = anchor_quote("ข้อ 3", old, "คณะกรรมการ", hint_start=old.rindex("คณะกรรมการ"))
    # Without ops the old offset is only a hint, and it now lies nearer the first occurrence.
    assert abs(anchor.start - new.index("คณะกรรมการ")) < abs(anchor.start - new.rindex("คณะกรรมการ"))
    p = reanchor(anchor, "ข้อ 3", new)
    assert (p.status, p.start) == (ANCHORED, new.rindex("คณะกรรมการ"))


def test_repeated_quote_with_equal_context_takes_the_nearest_occurrence():
    old = "ให้ส่วนราชการรายงาน ให้ส่วนราชการรายงาน ให้ส่วนราชการรายงาน"
    new = "โดย" + old
    anchor = anchor_span("ข้อ 3", old, old.index("ส่วนราชการ", 10), old.index("ส่วนราชการ", 10) + 10)
    p = reanchor(anchor, "ข้อ 3", new)
    assert p.start == new.index("ส่วนราชการ", 14)


def test_edited_quote_does_not_jump_to_another_unchanged_occurrence():
    old = "ให้ส่วนราชการจัดทำรายงาน และให้ส่วนราชการเปิดเผยรายงานดังกล่าวต่อประชาชน"
    new = "ให้ส่วนราชการจัดทำรายงาน และให้เปิดเผยรายงานดังกล่าวต่อประชาชน"
    anchor = anchor_quote("ข้อ 3", old, "ส่วนราชการ", hint_start=old.rindex("ส่วนราชการ"))
    p = reanchor(anchor, "ข้อ 3", new, diff_ops(old, new))
    assert (p.status, p.start) == (DELETED, new.index("เปิดเผย"))


def test_quote_moved_within_its_clause_is_found_in_the_inserted_text():
    old = "ให้เจ้าหน้าที่ตรวจสอบเอกสารโดยเร็ว และแจ้งผลต่อผู้ขออนุญาต"
    new = "ให้เจ้าหน้าที่ตรวจสอบเอกสาร และแจ้งผลต่อผู้ขออนุญาตโดยเร็ว"
    anchor = anchored(old, "โดยเร็ว")
    p = reanchor(anchor, "ข้อ 5", new, [("=", "ให้เจ้าหน้าที่ตรวจสอบเอกสาร"), ("-", "โดยเร็ว"),
                                       ("=", " และแจ้งผลต่อผู้ขออนุญาต"), ("+", "โดยเร็ว")])
    assert (p.status, p.start, p.end) == (ANCHORED, len(new) - len("โดยเร็ว"), len(new))


def test_quote_whose_last_cluster_gained_a_tone_mark_is_fuzzy_over_the_whole_cluster():
    # The draft's typo "เจ้าหน้าที" (no mai ek) is quoted, then corrected to "เจ้าหน้าที่".
    old = "เจ้าหน้าที ผู้ใดฝ่าฝืนระเบียบนี้ ให้ถือว่าเป็นการกระทำผิดวินัย"
    new = old.replace("เจ้าหน้าที", "เจ้าหน้าที่")
    anchor = anchored(old, "เจ้าหน้าที")
    p = place(anchor, old, new)
    # new[0:10] still spells the quote, but it ends inside the cluster "ที่".
    assert new[:10] == "เจ้าหน้าที"
    assert (p.status, p.start, p.end, p.exact_new) == (FUZZY, 0, 11, "เจ้าหน้าที่")


def test_fuzzy_placement_is_accepted_exactly_from_the_threshold(monkeypatch):
    anchor = anchored(REPORT, "รายงานผลการดำเนินงานต่อคณะกรรมการภายในสามสิบวัน")
    new = REPORT.replace("สามสิบ", "หกสิบ")
    score = place(anchor, REPORT, new).score
    monkeypatch.setattr(anchors, "FUZZY_THRESHOLD", score)
    assert place(anchor, REPORT, new).status == FUZZY
    monkeypatch.setattr(anchors, "FUZZY_THRESHOLD", score + 0.0001)
    below = place(anchor, REPORT, new)
    assert (below.status, below.score) == (ORPHAN, score)


def test_near_quote_in_an_unrelated_sentence_scores_below_the_threshold():
    # "คณะกรรมการภายใน…วัน" survives in a clause about something else: close, but not enough.
    anchor = anchored(REPORT, "คณะกรรมการภายในสามสิบวัน")
    new = "ให้สำนักงานเสนอต่อคณะกรรมการภายในเจ็ดวันนับแต่วันที่ได้รับคำขอ"
    p = reanchor(anchor, "ข้อ 5", new, [("-", REPORT), ("+", new)])
    assert p.status == ORPHAN and 0.5 < p.score < FUZZY_THRESHOLD


def test_near_quote_with_its_context_kept_scores_above_the_threshold():
    anchor = anchored(REPORT, "คณะกรรมการภายในสามสิบวัน")
    new = REPORT.replace("คณะกรรมการภายในสามสิบวัน", "คณะรัฐมนตรีภายในสามสิบวัน")
    p = place(anchor, REPORT, new)
    assert p.status == FUZZY and p.exact_new == "คณะรัฐมนตรีภายในสามสิบวัน"
    assert FUZZY_THRESHOLD < p.score < 1.0


def test_without_ops_a_shifted_quote_is_found_by_exact_search():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    new = "ภายใต้บังคับมาตรา ๑๒ " + REPORT
    p = reanchor(anchor, "ข้อ 5", new)
    assert (p.status, p.start) == (ANCHORED, new.index("ภายในสามสิบวัน"))


def test_without_ops_a_deleted_quote_is_an_orphan():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    assert reanchor(anchor, "ข้อ 5", REPORT.replace("ภายในสามสิบวัน", "")).status == ORPHAN


def test_ops_that_do_not_produce_the_new_text_are_refused():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    with pytest.raises(ValueError):
        reanchor(anchor, "ข้อ 5", REPORT + "ด้วย", diff_ops(REPORT, REPORT))


def test_unknown_diff_op_is_refused():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    with pytest.raises(ValueError):
        reanchor(anchor, "ข้อ 5", REPORT, [("~", REPORT)])


def test_ops_of_another_base_text_serve_only_as_a_hint():
    anchor = anchored(REPORT, "ภายในสามสิบวัน")
    other_base = PLAN
    p = reanchor(anchor, "ข้อ 5", REPORT, [("-", other_base), ("+", REPORT)])
    assert (p.status, p.start) == (ANCHORED, anchor.start)


def test_zero_width_comment_keeps_its_mapped_point():
    point = REPORT.index("ภายใน")
    anchor = anchor_span("ข้อ 5", REPORT, point, point)
    new = "ทั้งนี้ " + REPORT
    p = reanchor(anchor, "ข้อ 5", new, diff_ops(REPORT, new))
    assert (p.status, p.start, p.end) == (ANCHORED, point + len("ทั้งนี้ "), point + len("ทั้งนี้ "))


# --- approximate matching --------------------------------------------------------------


def _levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


short_thai = st.text(alphabet="กขคงนมราิีุ่้ เ", max_size=14)


@given(short_thai, short_thai)
def test_bit_parallel_distance_equals_levenshtein(a, b):
    assert anchors._distance(a, b) == _levenshtein(a, b)


@given(short_thai.filter(bool), short_thai)
def test_bit_parallel_search_finds_the_closest_substring_ending_at_each_position(pattern, text):
    found = anchors._myers(text, pattern, anchored=False)
    expected = [min(_levenshtein(pattern, text[i : j + 1]) for i in range(j + 2)) for j in range(len(text))]
    assert found == expected


# --- properties ------------------------------------------------------------------------

VOCAB = [
    "ส่วนราชการ", "ต้อง", "รายงาน", "ผล", "การ", "ดำเนินงาน", "ต่อ", "คณะกรรมการ", "ภายใน",
    "สามสิบ", "วัน", "นับแต่", "ให้", "หน่วยงาน", "ของ", "รัฐ", "ระเบียบ", "นี้", "เจ้าหน้าที่",
    "ที่", "ผู้บังคับบัญชา", "กำหนด", "หลักเกณฑ์", "และ", "วิธีการ", "ข้อมูล", "ข่าวสาร",
    "เปิดเผย", "ประชาชน", " ", "ปีงบประมาณ", "๓๐", "(๑)", "ไม่", "เกิน", "ธรรมาภิบาล",
]
words = st.lists(st.sampled_from(VOCAB), max_size=14)


@st.composite
def edited(draw, original):
    """``original`` (a word list) after a few random word insertions, deletions and replacements."""
    out = list(original)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "insert" or not out:
            out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(VOCAB)))
            continue
        i = draw(st.integers(0, len(out) - 1))
        if kind == "delete":
            del out[i]
        else:
            out[i] = draw(st.sampled_from(VOCAB))
    return out


@settings(max_examples=300, deadline=None)
@given(st.data(), words, st.lists(st.sampled_from(VOCAB), min_size=1, max_size=5), words)
def test_quote_untouched_by_edits_around_it_stays_anchored(data, before, quote_words, after):
    quote = "".join(quote_words)
    if not quote.strip():
        return
    old = "".join(before) + quote + "".join(after)
    new_before, new_after = data.draw(edited(before)), data.draw(edited(after))
    new = "".join(new_before) + quote + "".join(new_after)
    anchor = anchor_span("ข้อ 1", old, len("".join(before)), len("".join(before)) + len(quote))
    p = reanchor(anchor, "ข้อ 1", new, diff_ops(old, new))
    if len(occurrences(old, quote)) > 1 and p.status != ANCHORED:
        # "ต้องให้ต้อง" → "ต้อง": which copy went is undecidable, and the diff chose the quoted one.
        assert deleted_share(diff_ops(old, new), anchor) > 0.5
        return
    assert p.status == ANCHORED
    assert new[p.start : p.end] == quote == p.exact_new
    if len(occurrences(new, quote)) == 1:
        assert p.start == len("".join(new_before))


@settings(max_examples=200, deadline=None)
@given(st.data(), words, st.lists(st.sampled_from(VOCAB), min_size=1, max_size=5), words)
def test_every_placed_span_lies_on_cluster_boundaries(data, before, quote_words, after):
    quote = "".join(quote_words)
    old = "".join(before) + quote + "".join(after)
    new = "".join(data.draw(edited(before + quote_words + after)))
    if not quote.strip():
        return
    anchor = anchor_span("ข้อ 1", old, len("".join(before)), len("".join(before)) + len(quote))
    p = reanchor(anchor, "ข้อ 1", new, diff_ops(old, new))
    if p.status != ORPHAN:
        assert on_clusters(new, p.start, p.end)
        assert new[p.start : p.end] == p.exact_new
        assert 0.0 <= p.score <= 1.0
