"""`policydiff merge` on the example round: the consolidated copy and the committee package."""

import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from policydiff.cli import main
from policydiff.core.labels import to_arabic
from policydiff.core.model import CommentMark, Run
from policydiff.core.objects import visible
from policydiff.docx.ns import qn
from policydiff.docx.reader import read_docx

ROUND = ["--round-from", "2009-06-30", "--round-to", "2009-07-14"]


@pytest.fixture(scope="module")
def annotations(repo_root):
    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--json", *ROUND])
    return json.loads(result.stdout)["annotations"]


@pytest.fixture(scope="module")
def committee(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("committee")
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--revised",
                                       str(repo_root / "drafts" / "v2.docx"), *ROUND,
                                       "--write-dispositions", str(out / "d.csv"), "-o", str(out / "c.docx")])
    assert result.exit_code == 0, result.output
    return out / "c.docx", out / "d.csv", result.output


@pytest.fixture(scope="module")
def consolidated(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("consolidated") / "m.docx"
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), *ROUND, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def comment_ranges(path):
    """{comment id: text between its range start and end} read back with our reader (all runs)."""
    doc = read_docx(path, view="all")
    open_, text = set(), {}
    for p in doc.paragraphs():
        for r in p.runs:
            if isinstance(r, CommentMark):
                if r.kind == "start":
                    open_.add(r.id)
                    text.setdefault(r.id, "")
                else:
                    open_.discard(r.id)
            elif isinstance(r, Run):
                for cid in open_:
                    text[cid] += r.text
        for cid in open_:
            text[cid] += "\n"  # the range runs on into the next paragraph
    return doc, text


def top_level(doc):
    return [c for c in doc.comments if not c.parent_id]


def test_readme_main_command_writes_the_committee_package(repo_root, tmp_path):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    command = re.search(r"policydiff merge .*?(?=\n\n|\n#)", block, re.S).group(0).replace("\\\n", " ")
    shutil.copytree(repo_root / "drafts", tmp_path / "drafts")
    shutil.copytree(repo_root / "comments", tmp_path / "comments")
    args = shlex.split(command)[1:]
    result = subprocess.run([sys.executable, "-m", "policydiff", *args], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "committee.docx").exists() and (tmp_path / "dispositions.csv").exists()
    assert result.stdout.startswith("wrote committee.docx:")


def test_every_imported_comment_is_a_word_comment_on_its_quoted_words(consolidated, annotations):
    doc, ranges = comment_ranges(consolidated)
    comments = [a for a in annotations if a["kind"] == "comment"]
    notes = [c for c in top_level(doc) if not c.text.startswith(("[ข้อเสนอที่ขัดกัน]", "[ข้อเสนอซ้ำ]"))]
    assert len(notes) == len(comments)
    by_text = {c.text: c for c in notes}
    for a in comments:
        c = by_text[a["text"]]
        assert c.author == a["division"] and c.date == (a["date"] or "")
        assert ranges[c.id] == a["quote"]


def test_replies_and_resolved_state_survive_the_merge(consolidated, spec):
    doc, _ = comment_ranges(consolidated)
    finance = next(d for d in spec["divisions"] if d["code"] == "finance")
    asked = next(c for c in finance["comments"] if c.get("replies"))
    parent = next(c for c in doc.comments if c.text == asked["text"])
    replies = [c for c in doc.comments if c.parent_id == parent.id]
    assert [(r.author, r.text) for r in replies] == [(r["author"], r["text"]) for r in asked["replies"]]
    audit = next(d for d in spec["divisions"] if d["code"] == "audit")
    done = next(c for c in audit["comments"] if c.get("done"))
    assert next(c for c in doc.comments if c.text == done["text"]).done


def test_proposals_are_tracked_changes_in_their_divisions_name(consolidated, annotations, repo_root):
    root = etree.fromstring(zipfile.ZipFile(consolidated).read("word/document.xml"))
    by_author = {}
    for tag, text_tag in (("w:ins", "w:t"), ("w:del", "w:delText")):
        for el in root.iter(qn(tag)):
            text = "".join(t.text or "" for t in el.iter(qn(text_tag)))
            if text:
                by_author.setdefault(el.get(qn("w:author")), []).append((tag, text))
    proposals = [a for a in annotations if a["kind"] == "proposal"]
    # The second proposal for the same words becomes a comment: a conflict, and a duplicate.
    second = {("กลุ่มพัฒนาระบบบริหาร", "เจ็ดวันทำการ"), ("สำนักนโยบายและแผน", "อย่างน้อยปีละหนึ่งครั้ง")}
    tracked = [a for a in proposals if (a["division"], a["text"]) not in second]
    for division in {a["division"] for a in tracked}:
        mine = [a for a in tracked if a["division"] == division]
        changes = by_author[division]
        # Only the words a proposal changes are marked, each inside that division's proposals.
        assert all(any(text in a["text"] for a in mine) for tag, text in changes if tag == "w:ins"), division
        assert all(any(text in a["quote"] for a in mine) for tag, text in changes if tag == "w:del"), division
    accepted = "\n".join(p.shown for p in read_docx(consolidated).paragraphs())
    for a in tracked:
        assert a["text"] in accepted, a
    assert "ภายในสิบห้าวันทำการ" in accepted and "เจ็ดวันทำการ" not in accepted
    # Rejecting every proposal gives ร่าง ๑ back exactly.
    assert [p.shown for p in read_docx(consolidated, view="reject").paragraphs()] == \
        [p.shown for p in read_docx(repo_root / "drafts" / "v1.docx").paragraphs()]


def test_a_form_proposal_marks_only_the_words_it_changes(consolidated):
    root = etree.fromstring(zipfile.ZipFile(consolidated).read("word/document.xml"))
    legal = sorted("".join(t.text for t in el.iter(qn(text_tag)))
                   for tag, text_tag in (("w:ins", "w:t"), ("w:del", "w:delText"))
                   for el in root.iter(qn(tag)) if el.get(qn("w:author")) == "กองกฎหมาย")
    # ข้อ ๓: "ทั้งที่จัดตั้ง…และที่จัดตั้ง…" → "ไม่ว่าจะจัดตั้ง…หรือจัดตั้ง…"
    assert {"ทั้งที่", "ไม่ว่าจะ"} <= set(legal) and not any("กฎกระทรวง" in t for t in legal)


def test_a_conflicting_proposal_becomes_a_comment_naming_the_alternative(consolidated):
    doc, ranges = comment_ranges(consolidated)
    (note,) = [c for c in doc.comments if c.text.startswith("[ข้อเสนอที่ขัดกัน]")]
    assert note.author == "กลุ่มพัฒนาระบบบริหาร" and "“เจ็ดวันทำการ”" in note.text and "กลุ่มตรวจสอบภายใน" in note.text
    assert ranges[note.id] == "สามสิบวัน"
    (same,) = [c for c in doc.comments if c.text.startswith("[ข้อเสนอซ้ำ]")]
    assert same.author == "สำนักนโยบายและแผน" and "กองคลัง" in same.text and ranges[same.id] == "ตามความเหมาะสม"


def section_ends(path):
    """(index of the cover's section-break paragraph, number of paragraphs from the appendix's
    section break to the end); both parts carry no tracked changes, so these hold in every view."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    paragraphs = list(root.find(qn("w:body")).iter(qn("w:p")))
    breaks = [k for k, p in enumerate(paragraphs) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    return breaks[0], len(paragraphs) - breaks[1]


def test_committee_package_accepts_to_the_revision_and_rejects_to_the_base(committee, repo_root):
    path = committee[0]
    first, tail = section_ends(path)
    for view, draft in (("accept", "v2"), ("reject", "v1")):
        paragraphs = [p.shown for p in read_docx(path, view=view).paragraphs()]
        assert paragraphs[first + 1: len(paragraphs) - tail] == \
            [p.shown for p in read_docx(repo_root / "drafts" / f"{draft}.docx").paragraphs()], view


@pytest.mark.libreoffice
def test_libreoffice_opens_the_committee_package_and_agrees(committee, repo_root, lo):
    path = committee[0]
    first, tail = section_ends(path)
    for result, draft in ((lo.accept_all(path), "v2"), (lo.reject_all(path), "v1")):
        # LibreOffice turns the two empty section-break paragraphs into page-style changes:
        # they are not in its paragraph list.
        got = [to_arabic(p) for p in result.paragraphs[first: len(result.paragraphs) - (tail - 1)]]
        assert got == [to_arabic(visible(p.shown)) for p in read_docx(repo_root / "drafts" / f"{draft}.docx").paragraphs()]
        assert result.redlines_before > 0 and result.redlines_after == 0
    comments = lo.comments(path)
    assert len(comments) == len(read_docx(path).comments)
    assert {c["author"] for c in comments} >= {"กองคลัง", "กลุ่มตรวจสอบภายใน", "กองกฎหมาย"}


def test_committee_comments_sit_on_the_words_of_the_revision(committee, annotations):
    doc, ranges = comment_ranges(committee[0])
    comments = [a for a in annotations if a["kind"] == "comment"]
    assert len(top_level(doc)) == len(comments)
    c = next(c for c in doc.comments if c.text.startswith("การรายงานทุกสามเดือนอาจเป็นภาระ"))
    assert ranges[c.id] in ("ทุกสามเดือน", "ทุกหกเดือน", "ทุกสามเดือนทุกหกเดือน")
    moved = next(c for c in doc.comments if c.text.startswith("เรื่องการพัฒนาบุคลากร"))
    assert ranges[moved.id] == "จัดทำแผนพัฒนาบุคลากรเป็นประจำทุกปี"


def test_changes_that_carry_out_a_proposal_are_in_the_divisions_name(committee):
    root = etree.fromstring(zipfile.ZipFile(committee[0]).read("word/document.xml"))
    deleted = {"".join(t.text for t in el.iter(qn("w:delText"))): el.get(qn("w:author")) for el in root.iter(qn("w:del"))}
    assert deleted["ถัดจากวัน"] == "กองกฎหมาย"  # ข้อ ๒ took the legal division's wording
    inserted = {"".join(t.text for t in el.iter(qn("w:t"))): el.get(qn("w:author")) for el in root.iter(qn("w:ins"))}
    item = next(t for t in inserted if t.startswith("(๔) จัดให้มีระบบรักษาความมั่นคงปลอดภัย"))
    assert inserted[item] == "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"  # the item ร่าง ๒ took from ศทส.
    assert inserted["สิบห้าวันทำการ"] == "กลุ่มตรวจสอบภายใน"  # the winner of the conflict on ข้อ ๑๔
    authors = {el.get(qn("w:author")) for el in root.iter(qn("w:ins"))}
    assert "ฝ่ายเลขานุการ" in authors  # the editor's own changes


def test_disposition_table_has_one_row_per_comment_or_proposal_with_suggestions(committee, annotations):
    import csv

    with open(committee[1], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert len(rows) == len(annotations)
    result = {r[7]: r[5] for r in rows}
    assert result["legal-form.csv#5"] == "รับ"  # ตั้งแต่วันประกาศเป็นต้นไป: wording now in ร่าง ๒
    # ร่าง ๒ took กลุ่มตรวจสอบภายใน's wording for the same words: the other proposal was not taken
    loser = next(r for r in rows if r[1] == "กลุ่มพัฒนาระบบบริหาร" and r[3] == "ข้อเสนอแก้ไข")
    assert (loser[5], loser[6]) == ("ไม่รับ", "รับตามข้อเสนอของกลุ่มตรวจสอบภายใน")
    item = next(r for r in rows if r[1] == "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร" and r[3] == "ข้อเสนอแก้ไข")
    assert item[5] == "รับ"  # the new item (๔), added word for word
    # comments: รับ where ร่าง ๒ changed, moved or cut the words commented on, รับทราบ elsewhere
    comments = {r[7]: (r[5], r[6]) for r in rows if r[3] == "ความเห็น"}
    assert comments["audit.docx#1"][0] == "รับ" and "ปรับถ้อยคำแล้ว" in comments["audit.docx#1"][1]
    assert comments["pdg.docx#1"][0] == "รับ" and "ตัดข้อ ๒๐" in comments["pdg.docx#1"][1]
    assert comments["audit.docx#2"] == ("รับทราบ", "รับทราบความเห็น")  # ข้อ ๒๘ kept ทุกสามเดือน
    doc = read_docx(committee[0])
    table = doc.blocks[[type(b).__name__ for b in doc.blocks].index("Table", len(doc.blocks) - 10)]
    assert len(table.rows) == len(annotations) + 1


def test_cover_page_names_both_versions_with_buddhist_era_dates(committee):
    cover = [p.shown for p in read_docx(committee[0]).paragraphs()[:15]]
    text = "\n".join(cover)
    # the drafts by the name their Subject property gives them, not by file name
    assert "ร่างเดิม: ร่างที่ ๑ (๒๖ มิถุนายน ๒๕๕๒)" in text and "ร่างที่แก้ไข: ร่างที่ ๒ (๒๑ กรกฎาคม ๒๕๕๒)" in text
    assert "v1.docx" not in text
    assert "๓๐ มิถุนายน ๒๕๕๒ ถึง ๑๔ กรกฎาคม ๒๕๕๒" in text


def test_the_editor_names_the_drafts_on_the_cover(repo_root, tmp_path):
    out = tmp_path / "c.docx"
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--revised",
                                       str(repo_root / "drafts" / "v2.docx"), "--old-title", "ร่างฉบับเวียน",
                                       "--new-title", "ร่างฉบับเสนอคณะกรรมการ", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.shown for p in read_docx(out).paragraphs()[:15])
    assert "ร่างเดิม: ร่างฉบับเวียน (๒๖ มิถุนายน ๒๕๕๒)" in text
    assert "ร่างที่แก้ไข: ร่างฉบับเสนอคณะกรรมการ (๒๑ กรกฎาคม ๒๕๕๒)" in text


def test_python_docx_reads_the_committee_comments(committee):
    import docx

    document = docx.Document(str(committee[0]))
    authors = {c.author for c in document.comments}
    assert {"กองคลัง", "กองการเจ้าหน้าที่", "สำนักนโยบายและแผน"} <= authors


def test_a_failure_midway_leaves_no_output_and_keeps_an_existing_file(repo_root, tmp_path, monkeypatch):
    import policydiff.docx.writer as writer

    out = tmp_path / "c.docx"

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "zip_parts", boom)
    args = ["merge", str(repo_root / "drafts" / "v1.docx"), str(repo_root / "comments" / "round1"),
            "--revised", str(repo_root / "drafts" / "v2.docx"), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and not out.exists()
    out.write_bytes(b"the editor's earlier package")
    CliRunner().invoke(main, args)
    assert out.read_bytes() == b"the editor's earlier package"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.docx"]


def test_draft_names_without_a_revised_draft_are_refused(repo_root, tmp_path):
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--old-title", "ร่างที่ ๑",
                                       "-o", str(tmp_path / "m.docx")])
    assert result.exit_code == 2 and "--old-title and --new-title need --revised" in result.output
    assert not (tmp_path / "m.docx").exists()
