"""The benchmark generator (benchmarks/generate.py) at its smallest size: the same seed gives the same files,
the recorded edits are exactly the differences between its two drafts, and their redline is exact."""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

from policydiff import api
from policydiff.core.structure import outline
from policydiff.docx.reader import read_docx
from policydiff.sources import import_sources

ROOT = Path(__file__).resolve().parent.parent
CLAUSES = 30


def _load_generator():
    spec = importlib.util.spec_from_file_location("policydiff_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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
    old, new = api.load(a / "base.docx"), api.load(a / "edited.docx")
    api.write_redline(api.redline(old, new, date="2024-04-10T10:30:00Z"), new, tmp_path / "red.docx", old=old)
    assert shown(tmp_path / "red.docx", "accept") == shown(a / "edited.docx")
    assert shown(tmp_path / "red.docx", "reject") == shown(a / "base.docx")


def test_every_comment_and_proposal_of_the_reviewed_copies_is_imported_and_anchored(made):
    a, _, truth = made
    base = api.load(a / "base.docx")
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
