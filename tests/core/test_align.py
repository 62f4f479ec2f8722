"""Clause alignment: identity across renumbering, moves, edits, insertions and deletions."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.align import (
    DELETED,
    EDITED,
    INSERTED,
    MOVED,
    UNCHANGED,
    align,
    move_origins,
    summary,
)
from policydiff.core.similarity import body_similarity
from policydiff.core.labels import to_thai
from policydiff.core.model import Clause

# --- building clause sequences as the structure step does ----------------------------------

_RANK = {"chapter": 1, "part": 2, "clause": 3, "item": 4, "subitem": 5}
_WORD = {"chapter": "หมวด {}", "part": "ส่วน {}", "clause": "ข้อ {}", "item": "({})", "subitem": "({})"}
_TOP = {"title": "ชื่อเรื่อง", "preamble": "อารัมภบท"}


def outline(specs, thai_digits=True):
    """Clauses from (kind, body) or (kind, body, number); numbers default to running counts.

    Clause numbers run through the whole document (as in Thai regulations); items restart
    under each clause.
    """
    out, stack, counters = [], [], {}
    for spec in specs:
        kind, body = spec[0], spec[1]
        if kind in _TOP:
            out.append(Clause(kind, "", "", _TOP[kind], (), body, body, 0, None))
            continue
        rank = _RANK[kind]
        while stack and _RANK[out[stack[-1]].kind] >= rank:
            stack.pop()
        parent = stack[-1] if stack else None
        scope = "doc" if kind in ("chapter", "clause") else parent
        counters[(scope, kind)] = counters.get((scope, kind), 0) + 1
        number = spec[2] if len(spec) > 2 else str(counters[(scope, kind)])
        shown_number = to_thai(number) if thai_digits else number
        label = _WORD[kind].format(shown_number)
        word = _WORD[kind].format(number)
        path = f"{out[parent].path}/{word}" if parent is not None else word
        text = f"{label} {body}"
        out.append(Clause(kind, label, number, path, (), text, body, len(stack), parent))
        stack.append(len(out) - 1)
    return tuple(out)


TITLE = ("title", "ระเบียบกระทรวงการคลังว่าด้วยการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๗")
PREAMBLE = (
    "preamble",
    "โดยที่เป็นการสมควรปรับปรุงระเบียบว่าด้วยการจัดซื้อจัดจ้างให้เหมาะสมยิ่งขึ้น "
    "อาศัยอำนาจตามความในมาตรา ๙๔ แห่งพระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๐ "
    "รัฐมนตรีว่าการกระทรวงการคลังจึงออกระเบียบไว้ ดังต่อไปนี้",
)
C1 = ("clause", "ระเบียบนี้เรียกว่า ระเบียบกระทรวงการคลังว่าด้วยการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๗")
C2 = ("clause", "ระเบียบนี้ให้ใช้บังคับตั้งแต่วันถัดจากวันประกาศในราชกิจจานุเบกษาเป็นต้นไป")
C3 = ("clause", "ให้ยกเลิกระเบียบกระทรวงการคลังว่าด้วยการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๐")
C4 = ("clause", "ในระเบียบนี้ \"หน่วยงานของรัฐ\" หมายความว่า ราชการส่วนกลาง ราชการส่วนภูมิภาค ราชการส่วนท้องถิ่น และรัฐวิสาหกิจ")
C5 = ("clause", "ให้หัวหน้าหน่วยงานของรัฐแต่งตั้งคณะกรรมการพิจารณาผลการประกวดราคา ประกอบด้วยบุคคลดังต่อไปนี้")
C6 = ("clause", "การจัดซื้อจัดจ้างที่มีวงเงินเกินห้าแสนบาท ให้ดำเนินการโดยวิธีประกาศเชิญชวนทั่วไปผ่านระบบอิเล็กทรอนิกส์")
C7 = ("clause", "ให้เจ้าหน้าที่จัดทำรายงานขอซื้อหรือขอจ้างเสนอหัวหน้าหน่วยงานของรัฐเพื่อขอความเห็นชอบ โดยให้มีรายการดังต่อไปนี้")
C8 = ("clause", "ในกรณีที่มีเหตุจำเป็นเร่งด่วนซึ่งไม่อาจดำเนินการตามปกติได้ทัน ให้เจ้าหน้าที่ดำเนินการไปก่อนแล้วรายงานขอความเห็นชอบในภายหลัง")
C9 = ("clause", "ให้คณะกรรมการตรวจรับพัสดุตรวจรับพัสดุ ณ ที่ทำการของผู้ใช้พัสดุนั้น หรือสถานที่ซึ่งกำหนดไว้ในสัญญาหรือข้อตกลง")
C10 = ("clause", "ผู้ขายหรือผู้รับจ้างซึ่งส่งมอบพัสดุล่าช้ากว่ากำหนด ต้องชำระค่าปรับเป็นรายวันในอัตราร้อยละศูนย์จุดหนึ่งของราคาพัสดุที่ยังไม่ได้รับมอบ")
C11 = ("clause", "ให้หน่วยงานของรัฐเก็บรักษาเอกสารการจัดซื้อจัดจ้างไว้ไม่น้อยกว่าสิบปีนับแต่วันสิ้นสุดสัญญา")
C12 = ("clause", "ให้ปลัดกระทรวงการคลังรักษาการตามระเบียบนี้ และให้มีอำนาจตีความและวินิจฉัยปัญหาเกี่ยวกับการปฏิบัติตามระเบียบนี้")
ITEM_CHAIR = ("item", "ประธานกรรมการ หนึ่งคน")
ITEM_MEMBERS = ("item", "กรรมการ อย่างน้อยสองคน")
ITEM_REASON = ("item", "เหตุผลและความจำเป็นที่ต้องซื้อหรือจ้าง")
ITEM_SPEC = ("item", "รายละเอียดของพัสดุที่จะซื้อหรือจ้าง")
ITEM_BUDGET = ("item", "ราคากลางของพัสดุที่จะซื้อหรือจ้าง")
CH1 = ("chapter", "บททั่วไป")
CH2 = ("chapter", "การซื้อและการจ้าง")
CH3 = ("chapter", "การตรวจรับและการบริหารสัญญา")

BASE = [
    TITLE, PREAMBLE,
    CH1, C1, C2, C3, C4,
    CH2, C5, ITEM_CHAIR, ITEM_MEMBERS, C6, C7, ITEM_REASON, ITEM_SPEC, ITEM_BUDGET, C8,
    CH3, C9, C10, C11, C12,
]


def by_status(matches, status):
    return [m for m in matches if m.status == status]


def pairs(matches):
    """(status, old, new, renumbered) per match: the whole alignment at a glance."""
    return [(m.status, m.old, m.new, m.renumbered) for m in matches]


def assert_partition(matches, n_old, n_new):
    olds = sorted(m.old for m in matches if m.old is not None)
    news = sorted(m.new for m in matches if m.new is not None)
    assert olds == list(range(n_old))
    assert news == list(range(n_new))


# --- behaviour ---------------------------------------------------------------------------


def test_identical_documents_are_all_unchanged_with_old_paths_as_keys():
    doc = outline(BASE)
    matches = align(doc, doc)
    assert pairs(matches) == [(UNCHANGED, i, i, False) for i in range(len(doc))]
    assert [m.key for m in matches] == [c.path for c in doc]
    assert all(m.similarity == 1.0 and not m.edited for m in matches)


def test_inserted_clause_renumbers_the_later_clauses_without_changing_them():
    new_clause = ("clause", "หน่วยงานของรัฐต้องเผยแพร่แผนการจัดซื้อจัดจ้างประจำปีในระบบเครือข่ายสารสนเทศของกรมบัญชีกลาง")
    old, new = outline(BASE), outline(BASE[:8] + [new_clause] + BASE[8:])
    matches = align(old, new)
    inserted = by_status(matches, INSERTED)
    assert [(m.new, m.key) for m in inserted] == [(8, "+หมวด 2/ข้อ 5")]
    renumbered = [m for m in matches if m.renumbered]
    # ข้อ ๕ to ข้อ ๑๒ become ข้อ ๖ to ข้อ ๑๓; their items keep (๑), (๒), ...
    assert [old[m.old].number for m in renumbered] == [str(i) for i in range(5, 13)]
    assert [new[m.new].number for m in renumbered] == [str(i) for i in range(6, 14)]
    assert all(m.status == UNCHANGED for m in renumbered)
    assert summary(matches) == {
        "unchanged": len(old), "edited": 0, "inserted": 1, "deleted": 0, "moved": 0, "renumbered": 8,
    }


def test_renumbered_clause_keeps_its_old_path_as_key():
    new_clause = ("clause", "หน่วยงานของรัฐต้องเผยแพร่แผนการจัดซื้อจัดจ้างประจำปีในระบบเครือข่ายสารสนเทศของกรมบัญชีกลาง")
    old, new = outline(BASE), outline(BASE[:8] + [new_clause] + BASE[8:])
    match = next(m for m in align(old, new) if m.new is not None and new[m.new].body == C5[1])
    assert new[match.new].path == "หมวด 2/ข้อ 6"
    assert match.key == "หมวด 2/ข้อ 5"
    item = next(m for m in align(old, new) if m.new is not None and new[m.new].body == ITEM_CHAIR[1])
    assert (item.key, item.renumbered, new[item.new].path) == ("หมวด 2/ข้อ 5/(1)", False, "หมวด 2/ข้อ 6/(1)")


def test_deleted_clause_renumbers_the_later_clauses_down_and_stays_in_place():
    old = outline(BASE)
    new = outline([s for s in BASE if s is not C3])
    matches = align(old, new)
    deleted = by_status(matches, DELETED)
    assert [(m.old, m.key) for m in deleted] == [(5, "หมวด 1/ข้อ 3")]
    # The deletion sits right after ข้อ ๒, its old neighbour.
    at = matches.index(deleted[0])
    assert (matches[at - 1].old, matches[at + 1].old) == (4, 6)
    renumbered = [(old[m.old].number, new[m.new].number) for m in matches if m.renumbered]
    assert renumbered == [(str(i), str(i - 1)) for i in range(4, 13)]
    assert summary(matches)["unchanged"] == len(new)


def test_clause_moved_between_chapters_is_a_move_with_its_old_key():
    moved = ("clause", "ให้หน่วยงานของรัฐเก็บรักษาเอกสารการจัดซื้อจัดจ้างไว้ไม่น้อยกว่าสิบปีนับแต่วันสิ้นสุดสัญญา")
    base = [s for s in BASE if s is not C11]
    old = outline(base[:6] + [moved] + base[6:])  # ข้อ ๔ in หมวด ๑
    new = outline(base + [moved])  # last clause of หมวด ๓
    matches = align(old, new)
    moves = by_status(matches, MOVED)
    assert len(moves) == 1
    m = moves[0]
    assert (m.old, m.new, m.key, m.similarity, m.edited) == (6, len(new) - 1, "หมวด 1/ข้อ 4", 1.0, False)
    assert m.renumbered and new[m.new].path == "หมวด 3/ข้อ 12"
    assert summary(matches)["moved"] == 1
    assert summary(matches)["unchanged"] == len(new) - 1
    # The move is listed where the clause now is: at the end of the new document.
    assert matches[-1] is m


def test_moved_and_slightly_edited_clause_is_a_move_with_its_similarity():
    edited = (C10[0], C10[1].replace("เป็นรายวัน", "เป็นรายสัปดาห์"))
    old = outline(BASE)
    new = outline(BASE[:3] + [edited] + [s for s in BASE[3:] if s is not C10])
    matches = align(old, new)
    moves = by_status(matches, MOVED)
    assert [(m.old, m.new, m.key) for m in moves] == [(19, 3, "หมวด 3/ข้อ 10")]
    assert moves[0].edited
    assert moves[0].similarity == pytest.approx(body_similarity(C10[1], edited[1]))
    assert 0.9 < moves[0].similarity < 1.0
    assert summary(matches) == {
        "unchanged": len(old) - 1, "edited": 0, "inserted": 0, "deleted": 0, "moved": 1,
        "renumbered": 10,  # the moved clause (ข้อ ๑๐ → ข้อ ๑) and ข้อ ๑ to ข้อ ๙ shifted up by one
    }


def test_one_word_edit_is_edited_with_the_same_key():
    edited = (C6[0], C6[1].replace("ห้าแสนบาท", "หนึ่งล้านบาท"))
    old = outline(BASE)
    new = outline([edited if s is C6 else s for s in BASE])
    matches = align(old, new)
    changed = [m for m in matches if m.status != UNCHANGED]
    assert [(m.status, m.old, m.new, m.key, m.renumbered) for m in changed] == [
        (EDITED, 11, 11, "หมวด 2/ข้อ 6", False)
    ]
    assert 0.85 < changed[0].similarity < 1.0


def test_inserted_clause_5_1_leaves_every_number_alone():
    inserted = ("clause", "การจัดซื้อจัดจ้างนวัตกรรมไทยให้ดำเนินการตามหลักเกณฑ์ที่กรมบัญชีกลางกำหนด", "5/1")
    old = outline(BASE)
    specs = BASE[:11] + [inserted] + BASE[11:]
    # Keep the running numbers of the old draft: ข้อ ๕/๑ does not shift ข้อ ๖ onwards.
    numbered, count = [], 0
    for s in specs:
        if s[0] == "clause" and len(s) == 2:
            count += 1
            s = (s[0], s[1], str(count))
        numbered.append(s)
    new = outline(numbered)
    matches = align(old, new)
    ins = by_status(matches, INSERTED)
    assert [(new[m.new].number, new[m.new].label, m.key) for m in ins] == [
        ("5/1", "ข้อ ๕/๑", "+หมวด 2/ข้อ 5/1")
    ]
    assert summary(matches) == {
        "unchanged": len(old), "edited": 0, "inserted": 1, "deleted": 0, "moved": 0, "renumbered": 0,
    }


def test_arabic_digit_labels_do_not_count_as_renumbering():
    old = outline(BASE, thai_digits=True)
    new = outline(BASE, thai_digits=False)
    assert old[3].label == "ข้อ ๑" and new[3].label == "ข้อ 1"
    matches = align(old, new)
    assert pairs(matches) == [(UNCHANGED, i, i, False) for i in range(len(old))]


def test_thai_digits_in_a_number_do_not_count_as_renumbering():
    old = outline([C1, C2])
    new = tuple(replace(c, number=to_thai(c.number)) for c in old)
    assert not any(m.renumbered for m in align(old, new))


def test_duplicate_short_item_follows_its_moved_parent():
    # ข้อ ๑ and ข้อ ๓ both have "(๑) ประธานกรรมการ หนึ่งคน". ข้อ ๓ moves to หมวด ๒ with its
    # items, and ข้อ ๑ loses its item: the surviving item is ข้อ ๓'s, not ข้อ ๑'s.
    old_specs = [CH1, C5, ITEM_CHAIR, ITEM_MEMBERS, C6, C7, ITEM_CHAIR, ITEM_SPEC, CH3, C9, C10]
    new_specs = [CH1, C5, ITEM_MEMBERS, C6, CH3, C9, C10, C7, ITEM_CHAIR, ITEM_SPEC]
    old, new = outline(old_specs), outline(new_specs)
    matches = align(old, new)
    chair = next(m for m in matches if m.new is not None and new[m.new].body == ITEM_CHAIR[1])
    assert (chair.status, chair.old, chair.key) == (MOVED, 6, "หมวด 1/ข้อ 3/(1)")
    gone = by_status(matches, DELETED)
    assert [(m.old, m.key) for m in gone] == [(2, "หมวด 1/ข้อ 1/(1)")]
    assert [old[m.old].path for m in by_status(matches, MOVED)] == [
        "หมวด 1/ข้อ 3", "หมวด 1/ข้อ 3/(1)", "หมวด 1/ข้อ 3/(2)"
    ]


def test_unique_short_item_under_an_unrelated_parent_is_not_paired():
    # "(๑) ประธานกรรมการ หนึ่งคน" leaves ข้อ ๕ and a same-worded item appears under ข้อ ๙:
    # a coincidence of short words, not a move.
    old = outline([CH2, C5, ITEM_CHAIR, ITEM_MEMBERS, CH3, C9, C10])
    new = outline([CH2, C5, ITEM_MEMBERS, CH3, C9, ITEM_CHAIR, C10])
    matches = align(old, new)
    assert [(m.status, m.old, m.new) for m in matches if m.status != UNCHANGED] == [
        (DELETED, 2, None),
        (INSERTED, None, 5),
    ]


def test_duplicate_items_pair_within_their_own_clause():
    # Both clauses list "(๑) ประธานกรรมการ หนึ่งคน"; ข้อ ๕ is reworded and loses its item.
    c5_new = (C5[0], C5[1].replace("คณะกรรมการพิจารณาผล", "คณะกรรมการพิจารณาผลการเสนอราคาและผล"))
    c7_new = (C7[0], C7[1].replace("เพื่อขอความเห็นชอบ", "เพื่อพิจารณาให้ความเห็นชอบ"))
    old = outline([CH2, C5, ITEM_CHAIR, C7, ITEM_CHAIR, ITEM_REASON])
    new = outline([CH2, c5_new, c7_new, ITEM_CHAIR, ITEM_REASON])
    matches = align(old, new)
    assert pairs(matches) == [
        (UNCHANGED, 0, 0, False),
        (EDITED, 1, 1, False),
        (DELETED, 2, None, False),
        (EDITED, 3, 2, False),
        (UNCHANGED, 4, 3, False),
        (UNCHANGED, 5, 4, False),
    ]


def test_output_follows_the_new_document_with_deletions_in_place():
    replacement = ("clause", "ให้หน่วยงานของรัฐจัดให้มีการประเมินผลผู้ประกอบการทุกครั้งที่สิ้นสุดสัญญา")
    old = outline([CH3, C9, C10, C11, C12])
    new = outline([CH3, C9, replacement, C11, C12])
    assert pairs(align(old, new)) == [
        (UNCHANGED, 0, 0, False),
        (UNCHANGED, 1, 1, False),
        (DELETED, 2, None, False),
        (INSERTED, None, 2, False),
        (UNCHANGED, 3, 3, False),
        (UNCHANGED, 4, 4, False),
    ]


def test_deletion_before_a_moved_clause_stays_at_its_in_place_neighbour():
    # Old: ข้อ ๙, ข้อ ๑๐ (moves to the front), ข้อ ๑๑ (deleted), ข้อ ๑๒.
    old = outline([CH3, C9, C10, C11, C12])
    new = outline([C10, CH3, C9, C12])
    assert pairs(align(old, new)) == [
        (MOVED, 2, 0, True),
        (UNCHANGED, 0, 1, False),
        (UNCHANGED, 1, 2, True),
        (DELETED, 3, None, False),
        (UNCHANGED, 4, 3, True),
    ]


def test_moved_from_text_belongs_after_its_old_in_place_neighbour():
    old = outline([CH3, C9, C10, C11, C12])
    new = outline([C10, CH3, C9, C12])
    matches = align(old, new)
    # ข้อ ๑๐ stood after ข้อ ๙ (position 2) and before the deleted ข้อ ๑๑ (position 3).
    assert move_origins(matches) == {2: 2}


def test_clauses_moved_together_share_their_origin():
    old = outline([CH1, C1, C2, C3, CH3, C9, C10])
    new = outline([CH1, C1, CH3, C9, C10, C2, C3])
    matches = align(old, new)
    assert [(m.status, m.old) for m in matches[-2:]] == [(MOVED, 2), (MOVED, 3)]
    assert move_origins(matches) == {2: 1, 3: 1}


def test_deletion_at_the_start_comes_first():
    old = outline([TITLE, PREAMBLE, C1])
    new = outline([PREAMBLE, C1])
    assert pairs(align(old, new))[0] == (DELETED, 0, None, False)


def test_empty_documents():
    doc = outline(BASE)
    assert align((), ()) == []
    assert [m.status for m in align((), doc)] == [INSERTED] * len(doc)
    assert [m.status for m in align(doc, ())] == [DELETED] * len(doc)


def test_rewritten_clause_is_a_deletion_and_an_insertion():
    rewritten = (C8[0], "คณะกรรมการนโยบายอาจกำหนดแนวทางปฏิบัติเพิ่มเติมเพื่อส่งเสริมผู้ประกอบการวิสาหกิจขนาดกลางและขนาดย่อม")
    old = outline(BASE)
    new = outline([rewritten if s is C8 else s for s in BASE])
    assert body_similarity(C8[1], rewritten[1]) < 0.5
    changed = [(m.status, m.old, m.new) for m in align(old, new) if m.status != UNCHANGED]
    assert changed == [(DELETED, 16, None), (INSERTED, None, 16)]


def test_body_similarity_is_one_only_for_equal_bodies():
    assert body_similarity(C1[1], C1[1]) == 1.0
    assert body_similarity(C1[1], C1[1] + " ") < 1.0
    assert body_similarity("", C1[1]) == 0.0
    one_word = C6[1].replace("ห้าแสนบาท", "หนึ่งล้านบาท")
    expected = SequenceMatcher(None, C6[1], one_word, autojunk=False).ratio()
    assert body_similarity(C6[1], one_word) == pytest.approx(expected, abs=0.02)
    assert 0.9 < body_similarity(C6[1], one_word) < 1.0


def test_long_multi_paragraph_bodies_compare_paragraph_by_paragraph():
    para = [C1[1], C2[1], C3[1], C4[1], C6[1], C8[1]] * 20  # ≈ 10,000 characters
    a = "\n".join(para)
    b = "\n".join(p.replace("ระเบียบนี้", "ประกาศนี้") if i % 10 == 0 else p for i, p in enumerate(para))
    started = time.perf_counter()
    sim = body_similarity(a, b)
    assert time.perf_counter() - started < 1.0  # a char-by-char difflib ratio takes minutes here
    assert 0.98 < sim < 1.0


# --- properties --------------------------------------------------------------------------

_WORDS = [
    "การ", "จัดซื้อ", "จัดจ้าง", "หน่วยงาน", "ของรัฐ", "ให้", "คณะกรรมการ", "พัสดุ", "สัญญา", "ราคา", "ตรวจรับ", "ระเบียบ",
]
_body = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8).map("".join)


def _flat(bodies, parents=None):
    out = []
    for i, body in enumerate(bodies):
        parent = parents[i] if parents else None
        level = 0 if parent is None else out[parent].level + 1
        path = f"{out[parent].path}/({i})" if parent is not None else f"ข้อ {i}"
        out.append(Clause("clause", f"ข้อ {i}", str(i), path, (), f"ข้อ {i} {body}", body, level, parent))
    return tuple(out)


def _parents(size):
    """A parent for each clause: none, or any earlier clause."""
    return st.tuples(*[st.one_of(st.none(), st.integers(0, i - 1)) if i else st.none() for i in range(size)])


@st.composite
def _revision(draw, distinct):
    """An old draft and a new one: some clauses dropped, the rest shuffled, some extended, some added."""
    bodies = draw(st.lists(_body, max_size=25, unique=distinct))
    kept = draw(st.permutations(range(len(bodies))))
    kept = [i for i in kept if draw(st.booleans()) or len(bodies) < 3]
    new_bodies = []
    for i in kept:
        b = bodies[i]
        if draw(st.integers(0, 3)) == 0:
            b = b + draw(_body)
        new_bodies.append(b)
    for _ in range(draw(st.integers(0, 4))):
        new_bodies.insert(draw(st.integers(0, len(new_bodies))), draw(_body))
    if distinct:
        return _flat(bodies), _flat(new_bodies)
    return _flat(bodies, draw(_parents(len(bodies)))), _flat(new_bodies, draw(_parents(len(new_bodies))))


def _check_alignment(old, new, matches):
    assert_partition(matches, len(old), len(new))
    # The new side is walked in document order.
    assert [m.new for m in matches if m.new is not None] == list(range(len(new)))
    in_place = [m.old for m in matches if m.old is not None and m.status != MOVED]
    assert in_place == sorted(in_place)
    placed = [(m.old, i) for i, m in enumerate(matches) if m.old is not None and m.status != MOVED]
    for o, at in move_origins(matches).items():
        before = [p for p in placed if p[1] <= at]
        after = [p for p in placed if p[1] > at]
        assert all(p[0] < o for p in before) and all(p[0] > o for p in after)
    keys = [m.key for m in matches]
    assert len(set(keys)) == len(keys)
    for m in matches:
        if m.status == INSERTED:
            assert m.old is None and m.key == "+" + new[m.new].path
        elif m.status == DELETED:
            assert m.new is None and m.key == old[m.old].path
        else:
            assert m.key == old[m.old].path
            assert (m.similarity == 1.0) == (old[m.old].body == new[m.new].body)
            assert (m.status == UNCHANGED) == (m.status != MOVED and m.similarity == 1.0)
            assert m.renumbered == (old[m.old].number != new[m.new].number)


@settings(max_examples=300, deadline=None)
@given(_revision(distinct=True))
def test_every_clause_appears_exactly_once_for_distinct_bodies(revision):
    old, new = revision
    _check_alignment(old, new, align(old, new))


@settings(max_examples=300, deadline=None)
@given(_revision(distinct=False))
def test_every_clause_appears_exactly_once_with_repeated_bodies_and_nesting(revision):
    old, new = revision
    _check_alignment(old, new, align(old, new))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_clauses_kept_in_order_are_unchanged_whatever_is_inserted_or_deleted(data):
    bodies = data.draw(st.lists(_body, min_size=1, max_size=30, unique=True))
    kept = [b for b in bodies if data.draw(st.integers(0, 4))]
    new_bodies = list(kept)
    fresh = st.lists(_body.filter(lambda b: b not in bodies), max_size=5, unique=True)
    for b in data.draw(fresh):
        if b not in new_bodies:
            new_bodies.insert(data.draw(st.integers(0, len(new_bodies))), b)
    old, new = _flat(bodies), _flat(new_bodies)
    matches = align(old, new)
    _check_alignment(old, new, matches)
    survivors = {old[m.old].body: new[m.new].body for m in matches if m.status == UNCHANGED}
    assert survivors == {b: b for b in kept}


@settings(max_examples=100, deadline=None)
@given(st.lists(_body, max_size=30, unique=True))
def test_unchanged_bodies_in_the_same_order_are_all_unchanged(bodies):
    doc = _flat(bodies)
    assert [m.status for m in align(doc, doc)] == [UNCHANGED] * len(doc)


# --- a full-size draft ---------------------------------------------------------------------

_PHRASES = [
    "ให้หน่วยงานของรัฐ", "ดำเนินการจัดซื้อจัดจ้าง", "ตามหลักเกณฑ์ที่กรมบัญชีกลางกำหนด", "โดยคำนึงถึงความคุ้มค่า",
    "และประโยชน์สุขของประชาชน", "ภายในสามสิบวัน", "นับแต่วันที่ได้รับแจ้ง", "เว้นแต่มีเหตุจำเป็น", "ให้คณะกรรมการ",
    "พิจารณาผลการเสนอราคา", "และรายงานต่อหัวหน้าหน่วยงานของรัฐ", "เพื่อพิจารณาสั่งการ", "ในกรณีที่ผู้ยื่นข้อเสนอ",
    "ไม่ปฏิบัติตามเงื่อนไข", "ที่กำหนดไว้ในเอกสารประกวดราคา", "ให้ตัดรายชื่อออกจากการพิจารณา", "ทั้งนี้",
    "ตามวิธีการที่รัฐมนตรีประกาศกำหนด", "ผ่านระบบเครือข่ายสารสนเทศ", "ของกรมบัญชีกลาง", "และให้เผยแพร่",
    "ต่อสาธารณชน", "เพื่อให้เกิดความโปร่งใส", "และตรวจสอบได้", "สำหรับพัสดุที่มีวงเงินไม่เกินหนึ่งแสนบาท",
]
_ITEMS = ["ประธานกรรมการ หนึ่งคน", "กรรมการ อย่างน้อยสองคน", "เลขานุการ หนึ่งคน", "ผู้แทนกรมบัญชีกลาง",
          "ผู้ทรงคุณวุฒิ", "เหตุผลและความจำเป็น", "วงเงินที่จะซื้อหรือจ้าง"]


def _draft_specs(rng, clauses):
    """About ``clauses`` distinct clause bodies in chapters, some with generic short items."""
    seen, specs = set(), [TITLE, PREAMBLE]
    while len(seen) < clauses:
        if len(seen) % 40 == 0:
            specs.append(("chapter", f"บทที่ว่าด้วยเรื่องลำดับ {len(seen) // 40 + 1}"))
        body = " ".join(rng.sample(_PHRASES, 6))
        if body in seen:
            continue
        seen.add(body)
        specs.append(("clause", body))
        for item in rng.sample(_ITEMS, rng.choice((0, 0, 0, 2, 3))):
            specs.append(("item", item))
    return specs


def _leaf_clauses(specs):
    """Positions of clauses without items (safe to delete or move as one block)."""
    out = []
    for i, s in enumerate(specs):
        nxt = specs[i + 1][0] if i + 1 < len(specs) else None
        if s[0] == "clause" and nxt != "item":
            out.append(i)
    return out


def test_three_thousand_clause_draft_aligns_correctly_and_fast():
    rng = random.Random(20240605)
    specs = _draft_specs(rng, 1500)
    assert 3000 <= len(specs) <= 3300
    leaves = _leaf_clauses(specs)
    clause_at = [i for i, s in enumerate(specs) if s[0] == "clause"]
    picked = rng.sample(leaves, 13)
    deleted, moved = set(picked[:10]), picked[10:]
    edited = set(rng.sample([i for i in clause_at if i not in picked], 60))
    new_specs = []
    for i, s in enumerate(specs):
        if i in deleted or i in moved:
            continue
        if i in edited:
            s = (s[0], s[1].replace(" ", " และให้ถือปฏิบัติ ", 1))
        new_specs.append(s)
    # Moves: to ten positions later on... ahead of the last chapter's clauses.
    for k, i in enumerate(moved):
        new_specs.insert(len(new_specs) - 5 - k, specs[i])
    for k in range(10):
        at = rng.randrange(3, len(new_specs))
        while new_specs[at][0] == "item":
            at -= 1
        body = f"ให้ผู้มีอำนาจอนุมัติสั่งการภายในกำหนดเวลา {k} วันทำการ นับแต่วันที่ได้รับรายงานจากเจ้าหน้าที่พัสดุ"
        new_specs.insert(at, ("clause", body))
    old, new = outline(specs), outline(new_specs)
    assert len(old) >= 3000 and len(new) >= 3000

    align(old, new)  # warm up imports and caches outside the measurement
    started = time.perf_counter()
    matches = align(old, new)
    elapsed = time.perf_counter() - started
    print(f"\nalign {len(old)} vs {len(new)} clauses: {elapsed * 1000:.1f} ms")

    counts = summary(matches)
    assert (counts["edited"], counts["inserted"], counts["deleted"], counts["moved"]) == (60, 10, 10, 3)
    assert counts["unchanged"] == len(old) - 60 - 10 - 3
    assert {old[m.old].body for m in by_status(matches, MOVED)} == {specs[i][1] for i in moved}
    assert {old[m.old].body for m in by_status(matches, DELETED)} == {specs[i][1] for i in deleted}
    assert all(m.similarity > 0.8 for m in by_status(matches, EDITED))
    _check_alignment(old, new, matches)
