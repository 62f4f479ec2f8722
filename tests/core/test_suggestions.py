"""Suggested results from what the revised draft did, checked on drafts made from the example
round: a revised draft that accepts one division's tracked changes, or takes part of a proposal."""

from dataclasses import replace

import pytest

from policydiff.core import disposition as disp
from policydiff.core.annotations import COMMENT, PROPOSAL, reanchor_all
from policydiff.core.diff import word_diff
from policydiff.core.structure import outline
from policydiff.docx.reader import read_docx
from policydiff.workflows.drafts import load
from policydiff.workflows.sources import import_sources

COPIES = ("hr", "finance", "audit", "pdg", "ict", "plan")


@pytest.fixture(scope="module")
def base(repo_root):
    return load(repo_root / "drafts" / "v1.docx")


@pytest.fixture(scope="module")
def round1(repo_root, base):
    return import_sources(base, [repo_root / "comments" / "round1"], workers=1).annotations


def suggestions(round1, base, new_clauses):
    placed = reanchor_all(round1, base.clauses, new_clauses)
    return {p.annotation.id: s for p, s in zip(placed, disp.suggest_all(placed, base.clauses, new_clauses))}


def same_place(a, b):
    return (a.text, a.anchor.clause, a.anchor.start, a.anchor.end) == (b.text, b.anchor.clause, b.anchor.start,
                                                                      b.anchor.end)


@pytest.mark.parametrize("code", COPIES)
def test_a_draft_accepting_one_divisions_changes_accepts_its_proposals_and_no_other(code, repo_root, base, round1):
    copy = read_docx(repo_root / "comments" / "round1" / f"{code}.docx", view="all")
    got = suggestions(round1, base, outline(copy.view("accept")))
    mine = [a for a in round1 if a.source == f"{code}.docx" and a.kind == PROPOSAL]
    assert mine, "every copy in the example proposes something"
    for a in round1:
        if a.kind != PROPOSAL:
            continue
        taken = a in mine or any(same_place(a, b) for b in mine)
        expected = disp.ACCEPTED if taken else disp.NOT_ACCEPTED
        assert got[a.id].result == expected, (a.id, a.clause, a.text, got[a.id])


def test_identical_proposals_of_two_divisions_are_both_accepted(repo_root, base, round1):
    copy = read_docx(repo_root / "comments" / "round1" / "finance.docx", view="all")
    got = suggestions(round1, base, outline(copy.view("accept")))
    twin = next(a for a in round1 if a.source == "plan.docx" and a.text == "อย่างน้อยปีละหนึ่งครั้ง")
    assert got[twin.id].result == disp.ACCEPTED


def test_the_losing_proposal_names_the_division_whose_wording_was_taken(repo_root, base, round1):
    copy = read_docx(repo_root / "comments" / "round1" / "pdg.docx", view="all")
    got = suggestions(round1, base, outline(copy.view("accept")))
    audit = next(a for a in round1 if a.source == "audit.docx" and a.text == "สิบห้าวันทำการ")
    assert got[audit.id] == disp.Suggestion(disp.NOT_ACCEPTED, "รับตามข้อเสนอของกลุ่มพัฒนาระบบบริหาร")


def with_clause_text(clauses, path, text):
    return tuple(replace(c, text=text) if c.path == path else c for c in clauses)


def first_edit_only(old: str, new: str) -> str:
    """``old`` with only the first of the word edits that turn it into ``new``."""
    out, done, ops = [], False, word_diff(old, new)
    for k, (op, chunk) in enumerate(ops):
        in_first = not done and op != "="
        if op == "=" or (op == "-") != in_first:
            out.append(chunk)
        if not in_first and k and ops[k - 1][0] != "=":
            done = True
    return "".join(out)


def edits_in(old: str, new: str) -> int:
    ops = word_diff(old, new)
    return sum(1 for k, (op, _) in enumerate(ops) if op != "=" and (k == 0 or ops[k - 1][0] == "="))


def test_a_draft_taking_part_of_a_proposal_accepts_it_partly(base, round1):
    several = [a for a in round1 if a.kind == PROPOSAL and a.action == "replace" and edits_in(a.quote, a.text) > 1]
    assert several, "the example has proposals changing several words"
    for a in several:
        c = next(c for c in base.clauses if c.path == a.anchor.clause)
        part = first_edit_only(a.quote, a.text)
        assert part not in (a.quote, a.text)
        text = c.text[:a.anchor.start] + part + c.text[a.anchor.end:]
        got = suggestions(round1, base, with_clause_text(base.clauses, c.path, text))[a.id]
        assert got.result == disp.PARTLY and part.strip()[:4] in got.reason, (a.id, part, got)


def test_a_proposed_item_taken_in_other_words_is_accepted_partly(base, round1):
    item = next(a for a in round1 if a.new_paragraph)
    parent = next(i for i, c in enumerate(base.clauses) if c.path == item.anchor.clause)
    reworded = item.text.replace("ตามมาตรฐานที่ทางราชการกำหนด", "ตามมาตรฐานสากล")
    added = replace(base.clauses[parent], path=base.clauses[parent].path + "x", text=reworded)
    clauses = base.clauses[:parent + 1] + (added,) + base.clauses[parent + 1:]
    clauses = tuple(replace(c, parent=None) for c in clauses)
    got = suggestions(round1, base, clauses)[item.id]
    assert got.result == disp.PARTLY and "ตามมาตรฐานสากล" in got.reason
    assert suggestions(round1, base, base.clauses)[item.id].result == disp.NOT_ACCEPTED


def test_a_comment_is_noted_unless_its_words_changed(base, round1):
    unchanged = suggestions(round1, base, base.clauses)
    assert {unchanged[a.id].result for a in round1 if a.kind == COMMENT} == {disp.NOTED}
    a = next(a for a in round1 if a.kind == COMMENT and a.quote == "ยกย่องชมเชย")
    c = next(c for c in base.clauses if c.path == a.anchor.clause)
    changed = with_clause_text(base.clauses, c.path, c.text.replace("ยกย่องชมเชย", "มอบรางวัล"))
    got = suggestions(round1, base, changed)[a.id]
    assert got.result == disp.ACCEPTED and "“ยกย่องชมเชย” เป็น “มอบรางวัล”" in got.reason


def test_a_proposed_item_taken_under_another_number_is_accepted(base, round1):
    item = next(a for a in round1 if a.new_paragraph)
    parent = next(i for i, c in enumerate(base.clauses) if c.path == item.anchor.clause)
    renumbered = item.text.replace("(๔)", "(๕)", 1)
    added = replace(base.clauses[parent], path=base.clauses[parent].path + "x", text=renumbered)
    clauses = base.clauses[:parent + 1] + (added,) + base.clauses[parent + 1:]
    assert suggestions(round1, base, clauses)[item.id] == disp.Suggestion(disp.ACCEPTED, "เพิ่มข้อความตามที่เสนอ")


def test_a_proposed_item_taken_under_another_number_is_credited_to_its_division(tmp_path):
    import zipfile

    from click.testing import CliRunner
    from lxml import etree

    from policydiff.cli import main
    from policydiff.docx.ns import qn
    from tests.docxgen import Ins, Para, write_docx

    head = ["ข้อ ๑ ให้สำนักงานดำเนินการ ดังต่อไปนี้", "(๑) จัดทำแผนงานประจำปี", "(๒) รายงานผลต่อเลขาธิการ"]
    write_docx(tmp_path / "v1.docx", head)
    (tmp_path / "round").mkdir()
    proposed = "เผยแพร่รายงานทางเว็บไซต์ของสำนักงานทุกไตรมาส"
    write_docx(tmp_path / "round" / "finance.docx",
               head + [Para([Ins(f"(๓) {proposed}", author="กองคลัง")], mark="ins", author="กองคลัง")])
    write_docx(tmp_path / "v2.docx", head + ["(๓) จัดทำรายงานการเงินประจำเดือน", f"(๔) {proposed}"])
    out = tmp_path / "c.docx"
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "v1.docx"), str(tmp_path / "round"), "--revised",
                                       str(tmp_path / "v2.docx"), "--write-dispositions", str(tmp_path / "d.csv"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "รับ,เพิ่มข้อความตามที่เสนอ" in (tmp_path / "d.csv").read_text(encoding="utf-8-sig")
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    authors = {"".join(t.text for t in el.iter(qn("w:t"))): el.get(qn("w:author")) for el in root.iter(qn("w:ins"))}
    assert authors[f"(๔) {proposed}"] == "กองคลัง"
    assert authors["(๓) จัดทำรายงานการเงินประจำเดือน"] != "กองคลัง"


def test_a_comment_counts_words_added_right_after_it_but_not_a_footnote_reference(base, round1):
    from policydiff.core.objects import marker

    a = next(a for a in round1 if a.kind == COMMENT and a.quote == "ยกย่องชมเชย")
    c = next(c for c in base.clauses if c.path == a.anchor.clause)
    noted = with_clause_text(base.clauses, c.path, c.text.replace("ยกย่องชมเชย", "ยกย่องชมเชย" + marker("fn")))
    assert suggestions(round1, base, noted)[a.id].result == disp.NOTED  # a footnote added: no word changed
    added = with_clause_text(base.clauses, c.path, c.text.replace("ยกย่องชมเชย", "ยกย่องชมเชยเป็นประจำทุกปี"))
    got = suggestions(round1, base, added)[a.id]
    assert got.result == disp.ACCEPTED and "เป็น “ยกย่องชมเชยเป็นประจำทุกปี”" in got.reason


def test_a_proposal_taken_with_a_footnote_added_inside_it_is_still_taken_word_for_word(base, round1):
    from policydiff.core.objects import marker

    a = next(a for a in round1 if a.text == "ทางเว็บไซต์ของสำนักงาน")
    c = next(c for c in base.clauses if c.path == a.anchor.clause)
    taken = c.text[:a.anchor.start] + "ทางเว็บไซต์" + marker("fn") + "ของสำนักงาน" + c.text[a.anchor.end:]
    assert suggestions(round1, base, with_clause_text(base.clauses, c.path, taken))[a.id].result == disp.ACCEPTED
