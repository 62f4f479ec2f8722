"""The benchmark generator (benchmarks/generate.py) at its smallest size: the same seed gives the same files,
the recorded edits are exactly the differences between its two drafts, and their redline is exact; the
word-like flavour (benchmarks/wordlike.py) cuts runs as Word does without changing any text."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
import regex
from lxml import etree
from openxml_audit import OpenXmlValidator

from policydiff.workflows import compare, drafts
from policydiff.core.structure import outline
from policydiff.docx.ns import nsmap, qn
from policydiff.docx.reader import read_docx
from policydiff.workflows.sources import import_sources
from tests.paths import REPO, script

ROOT = REPO
CLAUSES = 30


def _load_generator():
    return script(ROOT / "benchmarks" / "generate.py", "policydiff_bench_generate")


gen = _load_generator()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The 30-clause set, generated twice into two folders, and its ground truth."""
    a, b = tmp_path_factory.mktemp("bench-a"), tmp_path_factory.mktemp("bench-b")
    truth = gen.generate(a, CLAUSES, seed="1", copies=20)
    gen.generate(b, CLAUSES, seed="1", copies=20)
    return a, b, truth


def shown(path, view="accept"):
    return [p.shown for p in read_docx(path, view=view).paragraphs()]


def test_the_same_seed_gives_the_same_files(made):
    a, b, truth = made
    names = ["base.docx", "edited.docx", "base.txt", "edited.txt", "edits.json"] + truth["reviews"]["files"]
    assert len(truth["reviews"]["files"]) == 20
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_another_seed_gives_another_draft(made, tmp_path):
    a, _, _ = made
    gen.generate(tmp_path, CLAUSES, seed="2", copies=1)
    assert (tmp_path / "base.txt").read_text(encoding="utf-8") != (a / "base.txt").read_text(encoding="utf-8")


def test_the_draft_has_the_asked_clauses_in_thai_structure(made):
    a, _, _ = made
    clauses = outline(read_docx(a / "base.docx"))
    kinds = [c.kind for c in clauses]
    assert kinds.count("clause") == CLAUSES
    assert {"chapter", "item", "table", "title"} <= set(kinds)
    labels = [c.label for c in clauses if c.kind == "clause"]
    assert labels[:3] == ["ข้อ ๑", "ข้อ ๒", "ข้อ ๓"] and labels[-1] == "ข้อ ๓๐"
    with zipfile.ZipFile(a / "base.docx") as z:
        document, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    assert 'w:val="thaiDistribute"' in document
    assert 'w:cs="TH SarabunPSK"' in styles and 'w:bidi="th-TH"' in styles


def test_recorded_edits_turn_the_base_into_the_edited_draft(made):
    a, _, truth = made
    assert gen.apply_edits(shown(a / "base.docx"), truth["edits"]) == shown(a / "edited.docx")


def test_recorded_edits_cover_every_kind_of_change(made):
    a, _, truth = made
    assert set(truth["counts"]) == {"word", "insert", "delete", "renumber", "cell", "bold", "delete_para",
                                    "insert_para", "move"}
    assert truth["counts"]["delete_para"] == truth["counts"]["insert_para"] == truth["counts"]["move"] == 1
    assert truth["paragraphs"]["base"] == len(shown(a / "base.docx"))


def test_true_characters_count_whole_words_and_whole_paragraphs(made):
    _, _, truth = made
    for e in truth["edits"]:
        if e["op"] == "replace":
            assert gen.true_chars(e) == len(e["old"]) + len(e["new"])
        elif e["op"] == "move_para":
            assert gen.true_chars(e) == len(e["old"]) + len(e["new"]) and e["old"] != e["new"]
        elif e["op"] == "bold":
            assert gen.true_chars(e) == 0
    assert truth["true_chars"] == sum(gen.true_chars(e) for e in truth["edits"])
    renumbered = [e for e in truth["edits"] if e["kind"] == "renumber"]
    assert renumbered and all(e["at"] == len("ข้อ ") for e in renumbered)


def test_the_bold_edit_changes_formatting_only(made):
    a, _, truth = made
    (edit,) = [e for e in truth["edits"] if e["op"] == "bold"]
    base_para = read_docx(a / "base.docx").paragraphs()[edit["para"]]
    edited = [p for p in read_docx(a / "edited.docx").paragraphs() if p.text == base_para.text]
    assert len(edited) == 1
    pos, bold = 0, []
    for run in edited[0].text_runs:
        bold += [run.fmt.bold] * len(run.text)
        pos += len(run.text)
    assert bold == [edit["at"] <= k < edit["end"] for k in range(pos)]
    assert not any(r.fmt.bold for r in base_para.text_runs)


def test_replaced_words_share_no_two_adjacent_letters():
    for word, choices in gen.SYNONYMS.items():
        for other in choices:
            assert word != other
            if not word.isdigit():
                assert not gen.shares_bigram(word, other), (word, other)


def test_the_redline_of_the_pair_is_exact_under_our_reader(made, tmp_path):
    a, _, _ = made
    old, new = drafts.load(a / "base.docx"), drafts.load(a / "edited.docx")
    compare.write_redline(compare.redline(old, new, date="2024-04-10T10:30:00Z"), new, tmp_path / "red.docx", old=old)
    assert shown(tmp_path / "red.docx", "accept") == shown(a / "edited.docx")
    assert shown(tmp_path / "red.docx", "reject") == shown(a / "base.docx")


def test_every_comment_and_proposal_of_the_reviewed_copies_is_imported_and_anchored(made):
    a, _, truth = made
    base = drafts.load(a / "base.docx")
    imported = import_sources(base, [a / "reviews"])
    assert not imported.problems
    assert len(imported.annotations) == truth["reviews"]["annotations"]
    kinds = [x.kind for x in imported.annotations]
    assert kinds.count("comment") == truth["reviews"]["comments"]
    assert kinds.count("proposal") == truth["reviews"]["proposals"]
    assert all(x.anchor.clause for x in imported.annotations)
    assert len({x.division for x in imported.annotations}) == 20


def test_generated_sets_are_reused_only_when_they_match(made, tmp_path):
    a, _, truth = made
    assert gen.ensure(a, CLAUSES, seed="1", copies=20) == json.loads((a / "edits.json").read_text(encoding="utf-8"))
    again = gen.ensure(tmp_path, CLAUSES, seed="1", copies=2)
    assert again["copies"] == 2 and len(list((tmp_path / "reviews").glob("*.docx"))) == 2


# ---------------------------------------------------------------- the word-like flavour (benchmarks/wordlike.py)

W14_PARA_ID = "{%s}paraId" % nsmap["w14"]
THAI_COMBINING = {0x0E31, *range(0x0E33, 0x0E3B), *range(0x0E47, 0x0E4F)}


def _load_wordlike():
    return script(ROOT / "benchmarks" / "wordlike.py", "policydiff_bench_wordlike_test")


wl = _load_wordlike()


@pytest.fixture(scope="module")
def word(made, tmp_path_factory):
    """The 30-clause set's base, edited and a reviewed copy with comments and proposals, made word-like."""
    a, _, truth = made
    out = tmp_path_factory.mktemp("bench-word")
    review = next(f for f in truth["reviews"]["files"] if _has_tracked_changes_and_comments(a / f))
    names = {"base": "base.docx", "edited": "edited.docx", "review": review}
    for key, name in names.items():
        (out / f"{key}.docx").write_bytes(wl.wordlike((a / name).read_bytes(), "1"))
    return {key: (a / name, out / f"{key}.docx") for key, name in names.items()}


def _has_tracked_changes_and_comments(path) -> bool:
    xml = _document(path)
    return xml.find(qn("w:body")).find(f".//{qn('w:ins')}") is not None and xml.find(
        f".//{qn('w:commentRangeStart')}") is not None


def _document(path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _paragraph_xml(path):
    """Each paragraph's serialized XML, keyed by its text (paragraphs whose text occurs once)."""
    paras = {}
    for p in _document(path).iter(qn("w:p")):
        text = "".join(p.itertext())
        paras[text] = None if text in paras else etree.tostring(p)
    return {t: x for t, x in paras.items() if x is not None}


def test_wordlike_keeps_every_paragraph_text_in_every_view(word):
    for key, (clean, wordlike) in word.items():
        for view in ("accept", "reject", "all"):
            want = [(p.label, p.text) for p in drafts.load(clean, view=view).doc.paragraphs()]
            assert [(p.label, p.text) for p in drafts.load(wordlike, view=view).doc.paragraphs()] == want, (key, view)


def test_wordlike_cuts_paragraphs_into_several_runs_with_thai_properties(word):
    clean, base = word["base"]
    assert wl.runs_per_paragraph(clean.read_bytes()) == 1.0
    assert 2.5 <= wl.runs_per_paragraph(base.read_bytes()) <= 6
    runs = list(_document(base).iter(qn("w:r")))
    fonts = [r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for r in runs]
    assert all(f is not None and f.get(qn("w:cs")) == "TH SarabunPSK" for f in fonts)
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:szCs')}").get(qn("w:val")) == "32" for r in runs)
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:bidi")) == "th-TH" for r in runs)


def test_wordlike_runs_and_paragraphs_carry_rsids_listed_in_settings_and_unique_paragraph_ids(word):
    _, base = word["base"]
    doc = _document(base)
    with zipfile.ZipFile(base) as z:
        settings = etree.fromstring(z.read("word/settings.xml"))
    listed = {el.get(qn("w:val")) for el in settings.find(qn("w:rsids"))}
    used = {v for el in doc.iter(qn("w:p"), qn("w:r")) for k, v in el.attrib.items() if "rsid" in k}
    assert used and used <= listed and all(re.fullmatch("[0-9A-F]{8}", v) for v in listed)
    assert sum(1 for r in doc.iter(qn("w:r")) if r.get(qn("w:rsidR"))) > len(list(doc.iter(qn("w:p"))))
    ids = [p.get(W14_PARA_ID) for p in doc.iter(qn("w:p"))]
    assert len(set(ids)) == len(ids) and all(re.fullmatch("[0-7][0-9A-F]{7}", i) for i in ids)
    assert "w14" in doc.get(qn("mc:Ignorable")).split()


def test_wordlike_keeps_an_unchanged_paragraph_byte_identical_and_recuts_an_edited_one(word):
    clean_base, clean_edited = _paragraph_xml(word["base"][0]), _paragraph_xml(word["edited"][0])
    base, edited = _paragraph_xml(word["base"][1]), _paragraph_xml(word["edited"][1])
    unchanged = [t for t in clean_base if clean_edited.get(t) == clean_base[t]]
    assert len(unchanged) > 40
    assert all(base[t] == edited[t] for t in unchanged)
    # The paragraph whose formatting changed (a word made bold) has the same text and other runs.
    bolded = [t for t in clean_base if t in clean_edited and clean_edited[t] != clean_base[t]]
    assert bolded and all(base[t] != edited[t] for t in bolded)


def test_wordlike_never_cuts_inside_a_grapheme_cluster(word):
    for key, (_, path) in word.items():
        for p in _document(path).iter(qn("w:p")):
            pieces = [el.text or "" for el in p.iter(qn("w:t"), qn("w:delText"))]
            text = "".join(pieces)
            starts = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
            cuts = {sum(map(len, pieces[:k])) for k in range(1, len(pieces))}
            assert cuts <= starts, (key, text)
            assert not any(piece and ord(piece[0]) in THAI_COMBINING for piece in pieces), (key, pieces)


def test_wordlike_keeps_bold_on_the_bolded_word(made, word):
    a, _, truth = made
    (edit,) = [e for e in truth["edits"] if e["op"] == "bold"]
    text = read_docx(a / "base.docx").paragraphs()[edit["para"]].text
    (para,) = [p for p in read_docx(word["edited"][1]).paragraphs() if p.text == text]
    assert len(para.text_runs) > 1
    bold = [r.fmt.bold for r in para.text_runs for _ in r.text]
    assert bold == [edit["at"] <= k < edit["end"] for k in range(len(text))]


@pytest.mark.parametrize("key", ["base", "review"])
def test_word_like_drafts_pass_the_schema_check(word, key):
    # One validator per file: its cross-part caches are keyed by id(package).
    errors = [str(e) for e in OpenXmlValidator().validate(str(word[key][1])).errors]
    assert errors == []


def test_the_redline_of_the_word_like_pair_is_exact(word, tmp_path):
    (clean_base, base), (clean_edited, edited) = word["base"], word["edited"]
    old, new = drafts.load(base), drafts.load(edited)
    compare.write_redline(compare.redline(old, new, date="2024-04-10T10:30:00Z"), new, tmp_path / "red.docx", old=old)
    assert shown(tmp_path / "red.docx", "accept") == shown(edited) == shown(clean_edited)
    assert shown(tmp_path / "red.docx", "reject") == shown(base) == shown(clean_base)


def test_word_flavour_is_recorded_and_regenerated_when_the_flavour_changes(made, tmp_path):
    a, _, truth = made
    assert truth["flavour"] == "clean" and truth["runs_per_paragraph"] == 1.0
    got = gen.ensure(tmp_path, CLAUSES, seed="1", copies=2, flavour="word")
    assert got["flavour"] == "word" and 2.5 <= got["runs_per_paragraph"] <= 6
    assert got["edits"] == truth["edits"]
    assert (tmp_path / "base.docx").read_bytes() == wl.wordlike((a / "base.docx").read_bytes(), "1")
    again = gen.ensure(tmp_path, CLAUSES, seed="1", copies=2, flavour="clean")
    assert again["flavour"] == "clean" and (tmp_path / "base.docx").read_bytes() == (a / "base.docx").read_bytes()


# ---------------------------------------------------------------- the real flavour (objects)

def test_the_real_flavour_has_what_a_ministry_draft_has_and_redlines_exactly(tmp_path):
    out = tmp_path / "real"
    truth = gen.generate(out, 60, seed=3, copies=2, flavour="real")
    base, edited = zipfile.ZipFile(out / "base.docx"), zipfile.ZipFile(out / "edited.docx")
    body = base.read("word/document.xml").decode()
    assert "w:footnoteReference" in body and "<w:hyperlink" in body and "w:bookmarkStart" in body
    assert base.read("word/media/image1.png") != edited.read("word/media/image1.png")  # the emblem replaced
    assert base.read("word/footer1.xml") != edited.read("word/footer1.xml")
    assert truth["runs_per_paragraph"] > 2  # Word-like too
    old, new = drafts.load(out / "base.docx"), drafts.load(out / "edited.docx")
    stories = compare.write_redline(compare.redline(old, new, date="2024-04-10T10:30:00Z"), new, tmp_path / "red.docx", old=old)
    assert shown(tmp_path / "red.docx", "accept") == shown(out / "edited.docx")
    assert shown(tmp_path / "red.docx", "reject") == shown(out / "base.docx")
    names = [name for name, _ in stories]
    assert "footnote 1" in names and "header (first page), section 1" in names and "footer (default), section 1" in names


def test_rewriting_results_keeps_the_sections_other_scripts_wrote(tmp_path):
    from benchmarks import run

    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Benchmarks\nold figures\n{run.KEPT}\n\n## The web page\n0.69 s\n", encoding="utf-8")
    assert run.kept_sections(results) == f"\n{run.KEPT}\n\n## The web page\n0.69 s\n"
    assert run.kept_sections(tmp_path / "missing.md") == ""
    committed = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    assert committed.index(run.KEPT) < committed.index("## The redline as a web page")
