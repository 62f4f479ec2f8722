"""A short deterministic slice of the reader and importer fuzzing (tests/fuzz/), and the crashes it found.

The long campaign is ``python -m tests.fuzz.fuzz_reader``; here hypothesis drives the same
mutators with ``derandomize=True``, so every run tries the same inputs.
"""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.objects import visible

from tests.fuzz import fuzzlib
from tests.fuzz.fuzz_reader import seed_cache
from tests.fuzz.fuzzlib import Crash, E, check_importer, check_reader, with_parts

SEEDS = fuzzlib.seed_files()
CACHE = seed_cache(SEEDS)
SLICE = dict(derandomize=True, deadline=None, database=None, print_blob=True,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=100, **SLICE)
@given(st.randoms(use_true_random=False))
def test_a_mutated_or_generated_package_reads_or_is_refused_in_one_line_and_redlines_exactly(rng):
    name, data = fuzzlib.reader_input(rng, SEEDS)
    seed = "small.docx" if name == "grammar" else name
    check_reader(data, *CACHE[seed])


@settings(max_examples=100, **SLICE)
@given(st.randoms(use_true_random=False))
def test_a_mutated_reviewed_copy_imports_or_is_refused_and_its_merge_rejects_to_the_base(rng):
    kind, base_data, data = fuzzlib.importer_input(rng, SEEDS)
    if kind == "v1.docx":
        base = CACHE["v1-version"]
    else:
        try:
            base = fuzzlib.base_version(base_data, "base.docx", view="reject" if kind == "self" else "accept")
        except Exception as e:  # noqa: BLE001 - only a clear refusal of the base is acceptable
            from policydiff.errors import PolicydiffError

            assert isinstance(e, PolicydiffError), repr(e)
            return
    check_importer(data, base)


def test_the_slice_inputs_are_the_same_every_run():
    import random

    first = [fuzzlib.reader_input(random.Random(f"s:{i}"), SEEDS)[1] for i in range(5)]
    again = [fuzzlib.reader_input(random.Random(f"s:{i}"), SEEDS)[1] for i in range(5)]
    assert first == again


# ---------------------------------------------------------------------------------------------
# Crashes the fuzzer found, kept as regression tests


def _with_body(*paragraphs) -> bytes:
    from lxml import etree

    doc = E("w:document", None, E("w:body", None, *paragraphs))
    return with_parts(fuzzlib.small_seed(), {"word/document.xml": etree.tostring(doc, xml_declaration=True,
                                                                                encoding="UTF-8")})


@pytest.mark.parametrize("code", ["0001", "0000", "001F", "D800", "DFFF", "FFFE", "110000", "zz"])
def test_a_symbol_with_a_control_or_surrogate_code_is_kept_as_the_symbol_it_is(code):
    # Found by the fuzzer: chr() of the code went into the text, and writing the redline failed
    # (lxml refuses control characters; UTF-8 refuses lone surrogates). A w:sym is now an object
    # carried with its XML: no character is made of its code, and the redline writes it back.
    data = _with_body(E("w:p", None, E("w:r", None, E("w:t", text="ข้อ ๑ ก"),
                                      E("w:sym", {"w:font": "Wingdings", "w:char": code}))))
    got, _ = fuzzlib.read_or_refuse(data, "sym.docx")
    pkg, docs = got
    [para] = docs["accept"].paragraphs()
    assert visible(para.text) == "ข้อ ๑ ก"
    [sym] = [r.obj for r in para.text_runs if r.obj is not None]
    assert sym.kind == "symbol" and f'w:char="{code}"' in sym.xml and 'w:font="Wingdings"' in sym.xml
    assert check_reader(data, *CACHE["small.docx"]).kind == "ok"


def test_a_symbol_from_a_symbol_font_is_kept():
    data = _with_body(E("w:p", None, E("w:r", None, E("w:sym", {"w:font": "Wingdings", "w:char": "F0A7"}))))
    got, _ = fuzzlib.read_or_refuse(data, "sym.docx")
    [para] = got[1]["accept"].paragraphs()
    [run] = para.text_runs
    assert run.obj.kind == "symbol" and run.text == run.obj.marker
    assert 'w:font="Wingdings"' in run.obj.xml and 'w:char="F0A7"' in run.obj.xml


def test_a_reply_chain_that_loops_keeps_every_comment():
    # commentsExtended may say A answers B and B answers A; neither may vanish as "a reply".
    from policydiff.core.annotations import from_review_copy
    from policydiff.core.model import Comment, CommentMark, Document, Paragraph, Run

    copy = Document(blocks=(Paragraph(runs=(CommentMark("start", "1"), Run("ข้อ ๑ ก"), CommentMark("end", "1"))),),
                    comments=(Comment("1", "กองคลัง", text="หนึ่ง", parent_id="2"),
                              Comment("2", "กองคลัง", text="สอง", parent_id="1"),
                              Comment("3", "กองคลัง", text="สาม", parent_id="3")))
    base = Document(blocks=(Paragraph(runs=(Run("ข้อ ๑ ก"),)),))
    result = from_review_copy(base, copy, source="c.docx")
    assert [a.text for a in result.value] == ["หนึ่ง", "สอง", "สาม"]
    assert result.value[0].quote == "ข้อ ๑ ก"


def test_a_crash_is_reported_with_its_signature():
    try:
        raise Crash("read", ValueError("x"), b"data")
    except Crash as c:
        assert c.signature.startswith("read:ValueError@") and c.data == b"data"


def test_the_slice_is_fast_enough_for_the_suite():
    import random

    start = time.process_time()  # CPU time: the slice's own cost, not the machine's load
    for i in range(10):
        name, data = fuzzlib.reader_input(random.Random(f"t:{i}"), SEEDS)
        check_reader(data, *CACHE["small.docx" if name == "grammar" else name])
    assert time.process_time() - start < 10.0


def test_a_copy_with_an_inserted_table_row_imports_with_paragraphs_lined_up_with_the_rejected_view():
    # Found by the fuzzer (IndexError in _anchor_before): the importer counted the paragraphs of
    # an inserted table row, which the rejected view does not have, and of every cell joined
    # through an inserted paragraph mark, so its paragraph k was not rejected paragraph k.
    from policydiff.core.annotations import _segments, from_review_copy
    from policydiff.core.model import INSERT, Cell, Change, Document, Paragraph, Row, Run, Table

    ins = Change(INSERT, "กองคลัง", "2009-07-01T00:00:00Z")
    cell = lambda *runs: Cell(blocks=(Paragraph(runs=runs),))  # noqa: E731
    copy = Document(blocks=(
        Paragraph(runs=(Run("ข้อ ๑ ก"),), mark_change=ins),
        Table(rows=(Row(cells=(cell(Run("แถวใหม่", change=ins)),), change=ins), Row(cells=(cell(Run("เดิม")),)))),
        Paragraph(runs=(Run("ย่อหน้าที่เสนอเพิ่ม", change=ins),), mark_change=ins),
        Paragraph(runs=(Run("ข้อ ๒ ข"),)),
    ))
    rejected = copy.view("reject")
    segments = _segments(copy)
    assert ["".join(s.text for s in segs if s.kind != "ins") for segs in segments] == \
        [p.text for p in rejected.paragraphs()] == ["ข้อ ๑ ก", "เดิม", "ข้อ ๒ ข"]
    result = from_review_copy(rejected, copy, source="c.docx")
    assert [(a.action, a.text, a.new_paragraph) for a in result.value] == \
        [("insert", "ย่อหน้าที่เสนอเพิ่ม", True)]
    assert "a table row inserted by กองคลัง was left out (row insertions are not imported)" in result.messages
