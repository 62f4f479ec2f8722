"""The shipped drafts carry what a real ministry draft has besides its words: the emblem in the
first-page header, a page-number field in the footer, footnotes citing laws, a hyperlink, a
bookmark and a cross-reference field; and the revisions change some of them. Read at XML level."""

import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import pytest
from lxml import etree

from policydiff.docx.ns import nsmap, qn
from tests.paths import REPO, script

ROOT = REPO
SCRIPT = ROOT / "scripts" / "build_example.py"
DRAFTS = {v: ROOT / "drafts" / f"{v}.docx" for v in ("v1", "v2", "v3", "v4")}
REVIEW_COPIES = sorted((ROOT / "comments" / "round1").glob("*.docx"))
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

NOTE_DECREE = "ราชกิจจานุเบกษา เล่ม ๑๒๐ ตอนที่ ๑๐๐ ก หน้า ๑ วันที่ ๙ ตุลาคม ๒๕๔๖"
NOTE_ACT = "ราชกิจจานุเบกษา เล่ม ๑๐๘ ตอนที่ ๒๐๔ ฉบับพิเศษ หน้า ๑ วันที่ ๔ กันยายน ๒๕๓๔"
NOTE_ACT_V2 = NOTE_ACT + " และที่แก้ไขเพิ่มเติม"
NOTE_INFO = ("พระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. ๒๕๔๐ ราชกิจจานุเบกษา เล่ม ๑๑๔ ตอนที่ ๔๖ ก "
             "หน้า ๑ วันที่ ๑๐ กันยายน ๒๕๔๐")


class Package:
    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}

    def xml(self, name):
        return etree.fromstring(self.parts[name])

    def rels(self, part):
        """{rId: (type, absolute target, target mode)} of a part."""
        folder, name = part.rsplit("/", 1)
        root = self.xml(f"{folder}/_rels/{name}.rels")
        out = {}
        for rel in root.iter(f"{PR}Relationship"):
            target = rel.get("Target")
            if rel.get("TargetMode") != "External":
                target = str(PurePosixPath(folder, target))
            out[rel.get("Id")] = (rel.get("Type"), target, rel.get("TargetMode"))
        return out

    def section_part(self, tag, kind):
        """The header or footer part the final section uses for pages of ``kind``."""
        sect = self.xml("word/document.xml").find(f"{qn('w:body')}/{qn('w:sectPr')}")
        refs = [r for r in sect.findall(qn(f"w:{tag}Reference")) if r.get(qn("w:type")) == kind]
        assert len(refs) == 1, (tag, kind)
        rel_type, target, _ = self.rels("word/document.xml")[refs[0].get(qn("r:id"))]
        assert rel_type == REL + tag
        return target

    def emblem(self):
        """(the image bytes, the w:drawing) in the first-page header."""
        header = self.section_part("header", "first")
        drawings = list(self.xml(header).iter(qn("w:drawing")))
        assert len(drawings) == 1
        blip = drawings[0].find(f".//{{{A}}}blip")
        rel_type, target, _ = self.rels(header)[blip.get(qn("r:embed"))]
        assert rel_type == REL + "image"
        return self.parts[target], drawings[0]

    def footnotes(self):
        """{id: text} of the footnotes, separators included (their text is "")."""
        root = self.xml("word/footnotes.xml")
        return {int(n.get(qn("w:id"))): "".join(t.text for t in n.iter(qn("w:t"))).strip()
                for n in root.iter(qn("w:footnote"))}

    def body_paragraphs(self):
        return list(self.xml("word/document.xml").find(qn("w:body")).iter(qn("w:p")))


def text_of(p):
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


@pytest.fixture(scope="module")
def packages():
    return {v: Package(path) for v, path in DRAFTS.items()}


# ---------------------------------------------------------------- emblem, headers, footers


@pytest.mark.parametrize("version", DRAFTS)
def test_every_draft_has_the_emblem_centred_in_its_first_page_header(packages, version):
    pkg = packages[version]
    sect = pkg.xml("word/document.xml").find(f"{qn('w:body')}/{qn('w:sectPr')}")
    assert sect.find(qn("w:titlePg")) is not None
    assert pkg.section_part("header", "first") == "word/header1.xml"
    image, drawing = pkg.emblem()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    inline = drawing.find(f"{{{WP}}}inline")
    assert inline is not None, "an inline picture, in the line of the header paragraph"
    extent = inline.find(f"{{{WP}}}extent")
    assert 1000000 <= int(extent.get("cx")) == int(extent.get("cy")) <= 1150000  # about 3 cm square
    p = drawing.getparent().getparent()
    assert p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "center"
    types = pkg.xml("[Content_Types].xml")
    assert any(d.get("Extension") == "png" and d.get("ContentType") == "image/png"
               for d in types.iter(f"{{{nsmap['ct']}}}Default"))


def test_v2_replaces_the_emblem_and_later_drafts_keep_the_new_one(packages):
    images = {v: pkg.emblem()[0] for v, pkg in packages.items()}
    assert images["v1"] != images["v2"]
    assert images["v2"] == images["v3"] == images["v4"]


@pytest.mark.parametrize("version", DRAFTS)
def test_the_other_pages_have_the_short_title_in_their_header(packages, version):
    pkg = packages[version]
    header = pkg.xml(pkg.section_part("header", "default"))
    assert text_of(header) == "นโยบายการกำกับดูแลองค์การที่ดี"
    assert not list(header.iter(qn("w:drawing")))


def page_field(footer):
    """(text before the field, instruction, cached result) of the footer's complex field."""
    state, before, instr, result = "before", "", "", ""
    for el in footer.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if el.tag == qn("w:fldChar"):
            state = {"begin": "instr", "separate": "result", "end": "after"}[el.get(qn("w:fldCharType"))]
        elif el.tag == qn("w:instrText"):
            assert state == "instr"
            instr += el.text
        elif state == "before":
            before += el.text
        elif state == "result":
            result += el.text
    assert state == "after", "the field is closed"
    return before, instr.strip(), result


@pytest.mark.parametrize("version", DRAFTS)
@pytest.mark.parametrize("pages", ["first", "default"])
def test_the_footer_numbers_the_pages_with_a_page_field(packages, version, pages):
    pkg = packages[version]
    footer = pkg.xml(pkg.section_part("footer", pages))
    assert page_field(footer) == ("หน้า ", "PAGE", "๑")


def footer_line(pkg):
    paragraphs = list(pkg.xml(pkg.section_part("footer", "default")).iter(qn("w:p")))
    return text_of(paragraphs[-1])


def test_v3_edits_the_footer_line(packages):
    lines = {v: footer_line(pkg) for v, pkg in packages.items()}
    assert lines["v1"] == lines["v2"] == "กลุ่มพัฒนาระบบบริหาร สำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ"
    assert lines["v3"] == lines["v4"] == (
        "กลุ่มพัฒนาระบบบริหาร สำนักบริหารกลาง สำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ")


# ---------------------------------------------------------------- footnotes


def note_references(pkg):
    """(footnote id, text of the paragraph before the reference) in document order."""
    out = []
    for p in pkg.body_paragraphs():
        before = ""
        for el in p.iter(qn("w:t"), qn("w:footnoteReference")):
            if el.tag == qn("w:t"):
                before += el.text
            else:
                out.append((int(el.get(qn("w:id"))), before))
    return out


def test_v1_cites_the_decree_and_the_act_in_two_footnotes(packages):
    pkg = packages["v1"]
    assert pkg.footnotes() == {-1: "", 0: "", 1: NOTE_DECREE, 2: NOTE_ACT}
    refs = note_references(pkg)
    assert [fid for fid, _ in refs] == [1, 2]
    assert refs[0][1].endswith("วิธีการบริหารกิจการบ้านเมืองที่ดี พ.ศ. ๒๕๔๖")
    assert refs[1][1].endswith("มาตรา ๓๒ แห่งพระราชบัญญัติระเบียบบริหารราชการแผ่นดิน พ.ศ. ๒๕๓๔")
    rels = pkg.rels("word/document.xml").values()
    assert (REL + "footnotes", "word/footnotes.xml", None) in rels
    settings = pkg.xml("word/settings.xml")
    assert [n.get(qn("w:id")) for n in settings.iter(qn("w:footnote"))] == ["-1", "0"]


def test_v2_edits_one_footnote_and_adds_a_third(packages):
    notes = packages["v2"].footnotes()
    assert notes == {-1: "", 0: "", 1: NOTE_DECREE, 2: NOTE_ACT_V2, 3: NOTE_INFO}
    refs = note_references(packages["v2"])
    assert [fid for fid, _ in refs] == [1, 2, 3]
    assert refs[2][1].endswith("ข้อ ๑๓ สำนักงานจะเปิดเผยข้อมูลข่าวสารของราชการตามกฎหมายว่าด้วยข้อมูลข่าวสารของราชการ")
    separators = etree.fromstring(packages["v2"].parts["word/footnotes.xml"])
    kinds = {n.get(qn("w:id")): n.get(qn("w:type")) for n in separators.iter(qn("w:footnote"))}
    assert kinds["-1"] == "separator" and kinds["0"] == "continuationSeparator"


# ---------------------------------------------------------------- hyperlink, bookmark, field


@pytest.mark.parametrize("version", DRAFTS)
def test_the_preamble_links_the_opdc_to_its_web_site(packages, version):
    pkg = packages[version]
    links = list(pkg.xml("word/document.xml").iter(qn("w:hyperlink")))
    assert len(links) == 1
    assert text_of(links[0]) == "สำนักงานคณะกรรมการพัฒนาระบบราชการ"
    assert pkg.rels("word/document.xml")[links[0].get(qn("r:id"))] == (
        REL + "hyperlink", "http://www.opdc.go.th", "External")


def paragraph_with(pkg, start):
    found = [p for p in pkg.body_paragraphs() if text_of(p).startswith(start)]
    assert len(found) == 1, start
    return found[0]


@pytest.mark.parametrize("version, committee, powers, shown", [
    ("v1", "ข้อ ๒๔ ให้มีคณะทำงาน", "ข้อ ๒๕ ให้คณะทำงานตาม", "ข้อ ๒๔"),
    ("v2", "ข้อ ๒๔ ให้มีคณะทำงาน", "ข้อ ๒๕ ให้คณะทำงานตาม", "ข้อ ๒๔"),
    ("v3", "ให้มีคณะทำงาน", "ให้คณะทำงานตาม", "ข้อ ๒๕"),  # automatic numbering: no typed label
    ("v4", "ข้อ ๒๕ ให้มีคณะทำงาน", "ข้อ ๒๖ ให้คณะทำงานตาม", "ข้อ ๒๕"),
])
def test_the_working_group_clause_is_bookmarked_and_cross_referenced(packages, version, committee, powers, shown):
    pkg = packages[version]
    doc = pkg.xml("word/document.xml")
    assert [b.get(qn("w:name")) for b in doc.iter(qn("w:bookmarkStart"))] == ["committee"]
    target = paragraph_with(pkg, committee)
    starts = target.findall(qn("w:bookmarkStart"))
    assert len(starts) == 1
    bid = starts[0].get(qn("w:id"))
    ends = [e for e in target.iter(qn("w:bookmarkEnd")) if e.get(qn("w:id")) == bid]
    assert len(ends) == 1
    if version != "v3":  # a typed label: the bookmark holds just the label, what a REF shows
        marked = "".join(t.text for t in target.iter(qn("w:t"))
                         if starts[0] in t.getparent().itersiblings(preceding=True)
                         and ends[0] in t.getparent().itersiblings())
        assert marked == shown
    before, instr, result = page_field(paragraph_with(pkg, powers))
    assert instr.split()[:2] == ["REF", "committee"]
    assert result == shown and before.endswith("ให้คณะทำงานตาม")


# ---------------------------------------------------------------- text unchanged, copies, build


def test_objects_add_no_text_to_the_paragraphs():
    """Each body paragraph's w:t text is the source paragraph's text: the objects are additions."""
    builder = script(SCRIPT, "build_example_objects")
    for version in ("v1", "v2", "v4"):  # typed numbering: the label is text too
        draft = builder.parse_draft(ROOT / "drafts" / "src" / f"{version}.txt")
        want = [p.text for p in builder.iter_paras(draft.blocks)]
        assert [text_of(p) for p in Package(DRAFTS[version]).body_paragraphs()] == want


@pytest.mark.parametrize("path", REVIEW_COPIES, ids=lambda p: p.name)
def test_reviewed_copies_carry_the_objects_of_v1(packages, path):
    copy, v1 = Package(path), packages["v1"]
    assert copy.emblem()[0] == v1.emblem()[0]
    assert copy.footnotes() == v1.footnotes()
    assert footer_line(copy) == footer_line(v1)
    assert [b.get(qn("w:name")) for b in copy.xml("word/document.xml").iter(qn("w:bookmarkStart"))] == ["committee"]


def test_the_committed_example_is_what_the_sources_build():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
