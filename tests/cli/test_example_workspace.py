"""The shipped example workspace: drafts v1-v4 and comment round 1, read straight from the zips."""

import datetime as dt
import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import defaultdict

import openpyxl
import pytest
from lxml import etree

from policydiff.docx.ns import qn
from policydiff.thaidate import to_be_short
from tests.paths import REPO, script

ROOT = REPO
SCRIPT = ROOT / "scripts" / "build_example.py"
DRAFTS = [ROOT / "drafts" / f"v{n}.docx" for n in range(1, 5)]
ROUND = json.loads((ROOT / "comments" / "src" / "round1.json").read_text(encoding="utf-8"))
DIVISIONS = {d["code"]: d for d in ROUND["divisions"]}
DOCX_DIVISIONS = [d for d in ROUND["divisions"] if d["form"] == "docx"]
REVIEW_COPIES = [ROOT / "comments" / "round1" / f"{d['code']}.docx" for d in DOCX_DIVISIONS]
ALL_DOCX = DRAFTS + REVIEW_COPIES
ROUND_START, ROUND_END = "2009-06-30T00:00:00Z", "2009-07-14T23:59:59Z"
LABEL = re.compile(r"^(ข้อ [๐-๙]+(?:/[๐-๙]+)?|\([๐-๙]+\)|\([ก-ฮ]\)) ")


def part(path, name):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def body(path):
    return part(path, "word/document.xml").find(qn("w:body"))


def shown_text(p):
    """A paragraph's text as it stands in the file (inserted text in, deleted text out)."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def paragraphs(path):
    return list(body(path).iter(qn("w:p")))


def para_style(p):
    el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return el.get(qn("w:val")) if el is not None else ""


def label_level(label):
    if label.startswith("ข้อ"):
        return 0
    return 1 if label[1] in "๐๑๒๓๔๕๖๗๘๙" else 2


def ends_clauses(p, text):
    """Headings, centred lines and the signature block close the clause above them."""
    jc = p.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    return bool(para_style(p)) or (jc is not None and jc.get(qn("w:val")) == "center") or text.startswith("ประกาศ ณ")


def clause_keys(path):
    """(key, text) for every paragraph of a typed draft, the key naming its clause as round1.json does."""
    out, levels = [], [None, None, None]
    for block in body(path):
        key = " ".join(l for l in levels if l)
        if block.tag == qn("w:tbl"):
            out += [(key, shown_text(p)) for p in block.iter(qn("w:p"))]
            continue
        if block.tag != qn("w:p"):
            continue
        text = shown_text(block)
        m = LABEL.match(text)
        if m:
            level = label_level(m.group(1))
            levels[level:] = [m.group(1)] + [None] * (2 - level)
        elif ends_clauses(block, text):
            levels = [None, None, None]
        out.append((" ".join(l for l in levels if l), text))
    return out


def comment_ranges(path):
    """Comment id -> the text between its commentRangeStart and commentRangeEnd."""
    open_ids, text = set(), defaultdict(str)
    for el in body(path).iter():
        if el.tag == qn("w:commentRangeStart"):
            open_ids.add(el.get(qn("w:id")))
        elif el.tag == qn("w:commentRangeEnd"):
            open_ids.discard(el.get(qn("w:id")))
        elif el.tag == qn("w:t"):
            for cid in open_ids:
                text[cid] += el.text or ""
    return text


def comments_of(path):
    """Comment id -> (author, date, text, paraId)."""
    out = {}
    for c in part(path, "word/comments.xml").iter(qn("w:comment")):
        p = c.find(qn("w:p"))
        out[c.get(qn("w:id"))] = (c.get(qn("w:author")), c.get(qn("w:date")), shown_text(p),
                                  p.get(qn("w14:paraId")))
    return out


def comment_id(path, author, text):
    ids = [cid for cid, (a, _, t, _) in comments_of(path).items() if a == author and t == text]
    assert len(ids) == 1, (path.name, text)
    return ids[0]


def review_copy(division):
    return ROOT / "comments" / "round1" / f"{division['code']}.docx"


def revision_text(el):
    return "".join(t.text or "" for t in el.iter(qn("w:t"), qn("w:delText")))


# ---------------------------------------------------------------- build


def build_into(tmp):
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp)], check=True, capture_output=True)
    return {p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted(tmp.rglob("*")) if p.is_file()}


def test_building_twice_gives_identical_bytes(tmp_path):
    first = build_into(tmp_path / "a")
    second = build_into(tmp_path / "b")
    assert sorted(first) == sorted(second)
    assert len(first) == 4 + len(ROUND["divisions"])
    assert first == second


def test_committed_files_match_a_fresh_build():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("up to date: 12 files")


def test_zip_entries_have_fixed_timestamps_and_sorted_names():
    for path in ALL_DOCX:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


# ---------------------------------------------------------------- OOXML hygiene


@pytest.fixture(scope="module")
def audit_results():
    """openxml-audit's JSON report per file, one process per file.

    One process for many files (``-r``) reuses a validator whose cross-part caches are keyed by
    ``id(package)``; a later file can then be checked against an earlier file's comments part.
    """
    runs = {p.name: subprocess.Popen(["openxml-audit", "-o", "json", str(p)], stdout=subprocess.PIPE, text=True)
            for p in ALL_DOCX}
    return {name: json.loads(proc.communicate()[0])[0] for name, proc in runs.items()}


@pytest.mark.parametrize("path", ALL_DOCX, ids=lambda p: p.name)
def test_openxml_audit_finds_no_errors(audit_results, path):
    result = audit_results[path.name]
    assert result["error_count"] == 0, result["errors"]
    assert result["valid"] is True


@pytest.mark.parametrize("path", ALL_DOCX, ids=lambda p: p.name)
def test_every_text_element_preserves_space(path):
    names = ["word/document.xml"] + (["word/comments.xml"] if path in REVIEW_COPIES else [])
    for name in names:
        texts = list(part(path, name).iter(qn("w:t"), qn("w:delText")))
        assert texts
        assert all(t.get(qn("xml:space")) == "preserve" for t in texts), name


@pytest.mark.parametrize("path", ALL_DOCX, ids=lambda p: p.name)
def test_text_uses_thai_digits_only(path):
    text = "".join(shown_text(p) for p in paragraphs(path))
    assert re.search("[๐-๙]", text)
    assert not re.search("[0-9]", text)


def test_styles_set_thai_font_size_and_language_by_default():
    styles = part(DRAFTS[0], "word/styles.xml")
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")} == {"TH SarabunPSK"}
    assert rpr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    ids = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    assert {"Normal", "Title", "Heading1", "Heading2", "CommentText", "CommentReference"} <= ids


def test_clauses_are_justified_thai_distributed_on_a4():
    doc = body(DRAFTS[0])
    clause = next(p for p in doc.iter(qn("w:p")) if shown_text(p).startswith("ข้อ ๕ "))
    assert clause.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "thaiDistribute"
    size = doc.find(f"{qn('w:sectPr')}/{qn('w:pgSz')}")
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")


# ---------------------------------------------------------------- versions


def core(path, tag):
    return part(path, "docProps/core.xml").find(qn(tag)).text


def test_versions_are_dated_across_the_drafting_months():
    assert [core(p, "dcterms:modified")[:10] for p in DRAFTS] == [
        "2009-06-26", "2009-07-21", "2009-07-28", "2009-08-19"]
    assert core(DRAFTS[0], "dcterms:created")[:10] == "2009-06-26"


def clause_count(path):
    return sum(1 for p in paragraphs(path) if re.match(r"ข้อ [๐-๙]+(/[๐-๙]+)? ", shown_text(p)))


def bold_texts(path):
    return {"".join(t.text for t in r.iter(qn("w:t"))) for r in body(path).iter(qn("w:r"))
            if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None}


def table_rows(path):
    tbl = body(path).find(qn("w:tbl"))
    return [[shown_text(tc) for tc in tr.iter(qn("w:tc"))] for tr in tbl.iter(qn("w:tr"))]


def texts(path):
    return [shown_text(p) for p in paragraphs(path)]


def index_of(lines, fragment):
    hits = [i for i, line in enumerate(lines) if fragment in line]
    assert len(hits) == 1, fragment
    return hits[0]


def test_v2_moves_the_training_clause_to_the_workers_part_unchanged():
    moved = "สำนักงานจะส่งเสริมให้ผู้ปฏิบัติงานได้รับการพัฒนาความรู้ ทักษะ และสมรรถนะ"
    v1, v2 = texts(DRAFTS[0]), texts(DRAFTS[1])
    assert index_of(v1, moved) < v1.index("ด้านผู้ปฏิบัติงาน")
    assert index_of(v2, moved) > v2.index("ด้านผู้ปฏิบัติงาน")
    assert v1[index_of(v1, moved)].split(" ", 2)[2] == v2[index_of(v2, moved)].split(" ", 2)[2]
    assert v1[index_of(v1, moved)].startswith("ข้อ ๑๘ ") and v2[index_of(v2, moved)].startswith("ข้อ ๒๑ ")


def test_v2_deletes_one_clause_and_inserts_another_with_renumbering():
    v1, v2 = texts(DRAFTS[0]), texts(DRAFTS[1])
    deleted = "การทบทวนโครงสร้างและกระบวนงานภายใน"
    inserted = "ระบบรับและติดตามเรื่องร้องเรียนทางอิเล็กทรอนิกส์"
    assert index_of(v1, deleted) >= 0 and not any(deleted in t for t in v2)
    assert v2[index_of(v2, inserted)].startswith("ข้อ ๑๖ ") and not any(inserted in t for t in v1)
    assert clause_count(DRAFTS[0]) == clause_count(DRAFTS[1]) == 29


def test_v2_bolds_a_phrase_without_changing_its_words():
    phrase = "ไม่ยอมรับการทุจริตและประพฤติมิชอบทุกรูปแบบ"
    assert phrase not in bold_texts(DRAFTS[0])
    assert phrase in bold_texts(DRAFTS[1])
    v1, v2 = texts(DRAFTS[0]), texts(DRAFTS[1])
    assert v1[index_of(v1, phrase)] == v2[index_of(v2, phrase)]


def test_v2_edits_a_table_cell_and_inserts_a_row():
    rows1, rows2 = table_rows(DRAFTS[0]), table_rows(DRAFTS[1])
    assert rows1[0] == rows2[0] == ["หน่วยงาน", "หน้าที่ความรับผิดชอบ"]
    assert len(rows1) == 7 and len(rows2) == 8
    assert [r[0] for r in rows2 if r not in rows1] == ["ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", "กลุ่มตรวจสอบภายใน"]
    audit1 = dict(rows1)["กลุ่มตรวจสอบภายใน"]
    audit2 = dict(rows2)["กลุ่มตรวจสอบภายใน"]
    assert audit1 != audit2 and audit2.endswith("และรายงานผลการตรวจสอบต่อเลขาธิการ")


def test_v2_takes_some_proposals_verbatim_and_chooses_one_of_the_conflicting_wordings():
    v2 = "\n".join(texts(DRAFTS[1]))
    assert "ภายในสิบห้าวันทำการนับแต่วันที่ได้รับเรื่อง" in v2
    assert "เจ็ดวันทำการ" not in v2
    assert "ผู้มีส่วนได้ส่วนเสียอย่างน้อยปีละหนึ่งครั้ง" in v2
    assert "(๔) จัดให้มีระบบรักษาความมั่นคงปลอดภัยของระบบสารสนเทศตามมาตรฐานที่ทางราชการกำหนด" in v2


def numbering_levels(path):
    numbering = part(path, "word/numbering.xml")
    return {lvl.get(qn("w:ilvl")): (lvl.find(qn("w:numFmt")).get(qn("w:val")),
                                    lvl.find(qn("w:lvlText")).get(qn("w:val")))
            for lvl in numbering.iter(qn("w:lvl"))}


def test_v3_numbers_clauses_and_items_automatically_in_thai():
    assert numbering_levels(DRAFTS[2]) == {"0": ("thaiNumbers", "ข้อ %1"), "1": ("thaiNumbers", "(%2)"),
                                           "2": ("thaiLetters", "(%3)")}
    assert not any(LABEL.match(t) for t in texts(DRAFTS[2]))
    with zipfile.ZipFile(DRAFTS[0]) as z:
        assert "word/numbering.xml" not in z.namelist()


def num_pr(p):
    numpr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    if numpr is None:
        return None
    return numpr.find(qn("w:numId")).get(qn("w:val")), int(numpr.find(qn("w:ilvl")).get(qn("w:val")))


def render_labels(path):
    """Labels Word shows for v3: counters per w:num, items restarting through startOverride."""
    counters, labels = defaultdict(lambda: [0, 0, 0]), []
    for p in paragraphs(path):
        num = num_pr(p)
        if num is None:
            continue
        num_id, level = num
        counters[num_id][level] += 1
        counters[num_id][level + 1:] = [0] * (2 - level)
        n = counters[num_id][level]
        digits = "".join("๐๑๒๓๔๕๖๗๘๙"[int(c)] for c in str(n))
        labels.append(f"ข้อ {digits}" if level == 0 else f"({digits})" if level == 1 else f"({'กข'[n - 1]})")
    return labels


def typed_labels(source):
    body_lines = source.read_text(encoding="utf-8").split("\n---\n", 1)[1].splitlines()
    return [m.group(1) for m in map(LABEL.match, body_lines) if m]


def test_v3_automatic_labels_match_the_labels_typed_in_its_source():
    labels = render_labels(DRAFTS[2])
    assert labels == typed_labels(ROOT / "drafts" / "src" / "v3.txt")
    clause_labels = [l for l in labels if l.startswith("ข้อ")]
    assert clause_labels[-1] == "ข้อ ๓๑" and len(clause_labels) == 31


def test_v3_clauses_share_one_list_and_each_item_list_restarts():
    nums = [num_pr(p) for p in paragraphs(DRAFTS[2]) if num_pr(p)]
    assert {n for n, level in nums if level == 0} == {"1"}
    numbering = part(DRAFTS[2], "word/numbering.xml")
    item_nums = {n for n, level in nums if level > 0}
    for num in numbering.iter(qn("w:num")):
        if num.get(qn("w:numId")) in item_nums:
            start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
            assert start.get(qn("w:val")) == "1"
    assert len(item_nums) == 5  # the items of ข้อ ๖, ๗, ๙, ๑๘ and ๒๖


def test_v3_adds_the_lecture_points():
    v2, v3 = "\n".join(texts(DRAFTS[1])), "\n".join(texts(DRAFTS[2]))
    for added in ("“ผู้มีส่วนได้ส่วนเสีย” หมายความว่า", "หลักปรัชญาของเศรษฐกิจพอเพียง",
                  "รายงานผลการดำเนินงานตามนโยบายต่อสาธารณะ", "ตัวชี้วัดและค่าเป้าหมาย"):
        assert added in v3 and added not in v2
    assert "ให้คณะทำงานตามข้อ ๒๕" in v3 and "ให้คณะทำงานตามข้อ ๒๔" in v2


def test_v4_is_the_signed_version_with_an_inserted_slash_clause():
    v4 = texts(DRAFTS[3])
    assert v4[index_of(v4, "ภายในสิบห้าวันนับแต่วันสิ้นสุดรอบการรายงาน")].startswith("ข้อ ๒๘/๑ ")
    assert "ประกาศ ณ วันที่ ๑๙ สิงหาคม พ.ศ. ๒๕๕๒" in v4
    assert not any(t.startswith("(ร่าง") for t in v4)
    assert clause_count(DRAFTS[3]) == 32


# ---------------------------------------------------------------- the comment round


def test_round_has_at_least_six_reviewed_copies_and_two_forms():
    assert len(DOCX_DIVISIONS) >= 6
    assert {d["form"] for d in ROUND["divisions"]} == {"docx", "csv", "xlsx"}
    assert all(p.exists() for p in REVIEW_COPIES)


def quoted_words():
    """(division, clause, words) for every quote, old wording, anchor and form quote in round1.json."""
    for d in ROUND["divisions"]:
        for c in d.get("comments", []):
            yield d["code"], c["clause"], c["quote"]
        for p in d.get("proposals", []):
            if p["old"] or p.get("anchor"):
                yield d["code"], p["clause"], p["old"] or p["anchor"]
        for u in d.get("untracked", []):
            yield d["code"], u["clause"], u["old"]
        for r in d.get("rows", []):
            if r["quote"]:
                yield d["code"], r["clause"], r["quote"]


@pytest.mark.parametrize("code, clause, words", list(quoted_words()))
def test_each_quoted_text_occurs_once_in_its_v1_clause(code, clause, words):
    clause_text = [t for key, t in clause_keys(DRAFTS[0]) if key == clause]
    assert clause_text, clause
    assert sum(t.count(words) for t in clause_text) == 1


@pytest.mark.parametrize("division", DOCX_DIVISIONS, ids=lambda d: d["code"])
def test_each_comment_range_holds_exactly_its_quote(division):
    path = review_copy(division)
    ranges, comments = comment_ranges(path), comments_of(path)
    for c in division["comments"]:
        cid = comment_id(path, division["name"], c["text"])
        assert ranges[cid] == c["quote"]
        assert comments[cid][1] == c["date"]
        for reply in c.get("replies", []):
            assert ranges[comment_id(path, reply["author"], reply["text"])] == c["quote"]


def comments_ex(path):
    """paraId -> w15:commentEx element."""
    return {e.get(qn("w15:paraId")): e for e in part(path, "word/commentsExtended.xml")}


def para_id(path, author, text):
    return comments_of(path)[comment_id(path, author, text)][3]


def test_reply_is_linked_to_its_parent_in_comments_extended():
    finance = DIVISIONS["finance"]
    path, (commented,) = review_copy(finance), [c for c in finance["comments"] if c.get("replies")]
    parent = para_id(path, finance["name"], commented["text"])
    reply = para_id(path, commented["replies"][0]["author"], commented["replies"][0]["text"])
    ex = comments_ex(path)
    assert ex[reply].get(qn("w15:paraIdParent")) == parent
    assert ex[parent].get(qn("w15:paraIdParent")) is None


def test_only_the_resolved_comment_is_marked_done():
    audit = DIVISIONS["audit"]
    path, ex = review_copy(audit), comments_ex(review_copy(audit))
    assert [c.get("done", False) for c in audit["comments"]] == [True, False]
    states = [ex[para_id(path, audit["name"], c["text"])].get(qn("w15:done")) for c in audit["comments"]]
    assert states == ["1", "0"]


def tracked(path, tag, author):
    return [el for el in body(path).iter(qn(tag))
            if el.get(qn("w:author")) == author and el.getparent().tag == qn("w:p")]


def proposals():
    for d in DOCX_DIVISIONS:
        for p in d["proposals"]:
            yield d, p


PROPOSAL_IDS = [f"{d['code']}-{p['clause']}" for d, p in proposals()]


@pytest.mark.parametrize("division, proposal", list(proposals()), ids=PROPOSAL_IDS)
def test_each_proposal_is_a_native_tracked_change_of_exactly_its_words(division, proposal):
    path = review_copy(division)
    if proposal.get("paragraph") == "after":
        new_paras = [p for p in paragraphs(path) if shown_text(p) == proposal["new"]]
        assert len(new_paras) == 1
        ins = new_paras[0].findall(qn("w:ins"))
        assert len(ins) == 1 and revision_text(ins[0]) == proposal["new"] and not new_paras[0].findall(qn("w:r"))
        mark = new_paras[0].getprevious().find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}")
        assert mark.get(qn("w:author")) == division["name"] and mark.get(qn("w:date")) == proposal["date"]
        return
    if proposal["old"]:
        dels = [d for d in tracked(path, "w:del", division["name"]) if revision_text(d) == proposal["old"]]
        assert len(dels) == 1
        assert dels[0].find(f".//{qn('w:t')}") is None
        assert dels[0].get(qn("w:date")) == proposal["date"]
        follower = dels[0].getnext()
        if proposal["new"]:
            assert follower.tag == qn("w:ins") and revision_text(follower) == proposal["new"]
        else:
            assert follower is None or follower.tag != qn("w:ins")
        return
    ins = [i for i in tracked(path, "w:ins", division["name"]) if revision_text(i) == proposal["new"]]
    assert len(ins) == 1
    preceding = list(ins[0].itersiblings(preceding=True))[::-1]
    before = "".join(t.text for el in preceding if el.tag == qn("w:r") for t in el.iter(qn("w:t")))
    assert before.endswith(proposal["anchor"])
    assert ins[0].get(qn("w:date")) == proposal["date"]


def test_dated_things_fall_inside_the_round_except_one_late_comment():
    late, authors = [], set()
    for division in DOCX_DIVISIONS:
        path = review_copy(division)
        marks = [(a, d) for a, d, _, _ in comments_of(path).values()]
        marks += [(el.get(qn("w:author")), el.get(qn("w:date"))) for el in body(path).iter(qn("w:ins"), qn("w:del"))]
        for author, date in marks:
            authors.add(author)
            if not ROUND_START <= date <= ROUND_END:
                late.append((division["code"], date))
    assert late == [("ict", "2009-07-16T09:10:00Z")]
    expected = {d["name"] for d in DOCX_DIVISIONS} | {
        r["author"] for d in DOCX_DIVISIONS for c in d["comments"] for r in c.get("replies", [])}
    assert authors == expected


def test_untracked_edit_silently_differs_from_v1():
    finance = DIVISIONS["finance"]
    (change,) = finance["untracked"]
    copy = [p for p in paragraphs(review_copy(finance)) if change["new"] in shown_text(p)]
    assert len(copy) == 1
    assert copy[0].find(f".//{qn('w:ins')}") is None and copy[0].find(f".//{qn('w:del')}") is None
    original = [t for t in texts(DRAFTS[0]) if change["old"] in t]
    assert len(original) == 1 and shown_text(copy[0]) == original[0].replace(change["old"], change["new"])


def test_round_holds_a_conflict_a_duplicate_and_one_paragraph_insertion():
    by_words = defaultdict(set)
    for division, proposal in proposals():
        if proposal["old"]:
            by_words[(proposal["clause"], proposal["old"])].add((division["code"], proposal["new"]))
    conflicts = [v for v in by_words.values() if len({new for _, new in v}) > 1]
    duplicates = [v for v in by_words.values() if len(v) > 1 and len({new for _, new in v}) == 1]
    assert conflicts == [{("audit", "สิบห้าวันทำการ"), ("pdg", "เจ็ดวันทำการ")}]
    assert duplicates == [{("finance", "อย่างน้อยปีละหนึ่งครั้ง"), ("plan", "อย่างน้อยปีละหนึ่งครั้ง")}]
    assert [p["clause"] for _, p in proposals() if p.get("paragraph") == "after"] == ["ข้อ ๑๖ (๓)"]
    near = [(d["code"], c["quote"]) for d in DOCX_DIVISIONS for c in d["comments"] if c["clause"] == "ข้อ ๒๘"]
    assert near == [("audit", "ทุกสามเดือน"), ("pdg", "ทุกสามเดือน")]


def test_review_copies_keep_v1_text_where_nothing_was_changed():
    v1 = texts(DRAFTS[0])
    for division in DOCX_DIVISIONS:
        copy = [shown_text(p) for p in paragraphs(review_copy(division))
                if p.find(f".//{qn('w:ins')}") is None and p.find(f".//{qn('w:del')}") is None
                and not any(u["new"] in shown_text(p) for u in division.get("untracked", []))]
        assert set(copy) <= set(v1)
        assert len(copy) >= len(v1) - 4


def form_rows(division, day):
    """The form's rows as the JSON gives them: the division's initials and each row's date (``day``)."""
    return [[division["name"], division["initials"], r["ref"], r["quote"], r["text"], r["proposed"], r["type"],
             day(r["date"])] for r in division["rows"]]


def test_csv_form_has_bom_thai_headers_and_the_json_rows():
    legal = DIVISIONS["legal"]
    raw = (ROOT / "comments" / "round1" / "legal-form.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["หน่วยงาน", "อักษรย่อ", "ข้อ", "ข้อความที่อ้างถึง", "ความเห็น", "ข้อความที่เสนอ", "ประเภท",
                       "วันที่"]
    assert rows[1:] == form_rows(legal, to_be_short)  # dates as a Thai office writes them: ๘ ก.ค. ๒๕๕๒
    refs = [r["ref"] for r in legal["rows"]]
    assert any(re.fullmatch(r"[0-9]+", r) for r in refs)
    assert any(r.startswith("หมวด") and "ข้อ" in r for r in refs)
    assert any(not r["quote"] for r in legal["rows"])
    assert {r["type"] for r in legal["rows"]} == {"ทั่วไป", "เชิงเทคนิค", "แก้ไขถ้อยคำ"}


def test_xlsx_form_has_english_headers_and_the_json_rows():
    admin = DIVISIONS["admin"]
    sheet = openpyxl.load_workbook(ROOT / "comments" / "round1" / "admin-form.xlsx").active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Division", "Initials", "Clause", "Quoted text", "Comment", "Proposed wording", "Type", "Date"]
    assert rows[1:] == form_rows(admin, lambda iso: dt.datetime.fromisoformat(iso))  # date cells


def load_builder():
    """The build script as a module (scripts/ is not a package)."""
    return script(SCRIPT, "build_example")


def test_builder_refuses_a_quote_that_is_not_unique_in_its_clause():
    builder = load_builder()
    v1 = builder.parse_draft(ROOT / "drafts" / "src" / "v1.txt")
    para, offset = builder.locate(v1, "ข้อ ๑๕", "ตามความเหมาะสม")
    assert para.text[offset:offset + len("ตามความเหมาะสม")] == "ตามความเหมาะสม"
    with pytest.raises(builder.SourceError, match="occurs 2 times in ข้อ ๑๕"):
        builder.locate(v1, "ข้อ ๑๕", "ผู้")
    with pytest.raises(builder.SourceError, match="no clause"):
        builder.locate(v1, "ข้อ ๙๙", "สำนักงาน")


def test_builder_refuses_a_typed_label_that_automatic_numbering_would_not_show(tmp_path):
    builder = load_builder()
    source = (ROOT / "drafts" / "src" / "v3.txt").read_text(encoding="utf-8")
    bad = tmp_path / "v3.txt"
    bad.write_text(source.replace("ข้อ ๕ ", "ข้อ ๖ ", 1), encoding="utf-8")
    with pytest.raises(builder.SourceError, match="typed label ข้อ ๖ but Word will show ข้อ ๕"):
        builder.build_draft(bad)
