"""Block pairing: the shortcuts that skip the similarity matrix choose what the matrix would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.model import Paragraph, Run
from policydiff.core.pairing import _pair_by_similarity, block_key, pair_blocks, pair_gap

CLAUSES = [
    "ให้ส่วนราชการจัดทำแผนบริหารความเสี่ยงและรายงานผลต่อคณะกรรมการภายในสามสิบวัน",
    "ให้ผู้บริหารทุกระดับเปิดเผยข้อมูลข่าวสารเกี่ยวกับการจัดซื้อจัดจ้างอย่างโปร่งใส",
    "สำนักงานต้องประเมินความพึงพอใจของผู้รับบริการและนำผลไปปรับปรุงการให้บริการ",
    "ผู้ปฏิบัติงานต้องหลีกเลี่ยงผลประโยชน์ทับซ้อนและรายงานต่อผู้บังคับบัญชาทันที",
]


def para(text: str) -> Paragraph:
    return Paragraph(runs=(Run(text),))


WORDS = ["", "ทุกระดับ", "และ", "ไม่", "ประชาชน", "คณะกรรมการตรวจสอบและประเมินผลภาคราชการ"]


@st.composite
def edited(draw, text: str) -> str:
    """``text`` with a few changes, small or large (a middle rewritten keeps both ends)."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.sampled_from([0, 2, 8, 30, 60]))
        text = text[:at] + draw(st.sampled_from(WORDS)) + text[at + cut:]
    return text


@st.composite
def gaps(draw):
    """n old clauses; new ones each derived from some old clause (the same, a neighbour, any)."""
    n = draw(st.integers(1, 4))
    m = draw(st.sampled_from([n, n, n, max(1, n - 1), n + 1]))
    old = [para(draw(st.sampled_from(CLAUSES)) + draw(st.sampled_from(["", "ทั้งนี้", f" {k}"])))
           for k in range(n)]
    sources = [draw(st.sampled_from([min(k, n - 1), min(k + 1, n - 1), max(k - 1, 0)])) for k in range(m)]
    new = [para(draw(edited(old[k].text))) for k in sources]
    return old, new


@settings(max_examples=300, deadline=None)
@given(gaps())
def test_a_gap_is_paired_as_the_similarity_matrix_pairs_it(gap):
    old, new = gap
    okeys, nkeys = [block_key(b) for b in old], [block_key(b) for b in new]
    ii, jj = list(range(len(old))), list(range(len(new)))
    assert pair_gap(old, new, okeys, nkeys, ii, jj) == _pair_by_similarity(old, new, okeys, nkeys, ii, jj)


def test_two_edited_clauses_in_a_row_pair_in_order():
    old = [para(CLAUSES[0]), para(CLAUSES[1])]
    new = [para(CLAUSES[0].replace("สามสิบ", "หกสิบ")), para(CLAUSES[1].replace("โปร่งใส", "เป็นธรรม"))]
    assert pair_blocks(old, new) == [(0, 0), (1, 1)]


def test_a_rewritten_clause_is_deleted_and_inserted_not_paired():
    old = [para(CLAUSES[0]), para(CLAUSES[2])]
    new = [para(CLAUSES[0] + "ทุกระดับ"), para("ข้อความใหม่ทั้งหมดที่ไม่เหมือนข้อเดิมเลยแม้แต่น้อย")]
    assert pair_blocks(old, new) == [(0, 0), (1, None), (None, 1)]


def test_a_closer_match_across_the_gap_beats_two_weak_pairs_in_order():
    # Each pair in order shares 47% (its ends); old 0 and new 1 differ by one letter. Pairing
    # in order scores 0.94, the one close pair 0.995: that pair wins, as the matrix decides.
    same = "a" * 23 + "b" * 54 + "c" * 23
    old = [para(same), para("a" * 23 + "d" * 54 + "c" * 23)]
    new = [para("a" * 23 + "e" * 54 + "c" * 23), para("a" * 23 + "x" + "b" * 53 + "c" * 23)]
    assert pair_blocks(old, new) == [(None, 0), (0, 1), (1, None)]
