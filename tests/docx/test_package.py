"""Opening untrusted .docx packages: the hostile corpus, the limits, hardened XML, relationships."""

import atexit
import io
import os
import shutil
import tempfile
import time
import zipfile
import zlib

import pytest
from lxml import etree

import docx as python_docx
from policydiff.docx import ns, opc, package, safexml, sniff
from policydiff.docx.package import Limits, open_package
from policydiff.docx.safexml import parse_xml
from policydiff.errors import InputError, NotADocxError, UnsafeDocumentError
from tests.docxgen import Commented, write_docx
from tests.hostile.make_corpus import (
    MB,
    GB,
    document,
    docx_parts,
    make_corpus,
    nested_tables,
    para,
    raw_zip,
    small_parts,
    stored,
    write_zip,
)

TIME_LIMIT = 5.0  # seconds any one hostile file may take to open or refuse


def _generate():
    """Write the corpus once per test session (parametrization needs the case names early)."""
    folder = tempfile.mkdtemp(prefix="policydiff-hostile-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    start = time.perf_counter()
    cases = make_corpus(folder)
    return cases, time.perf_counter() - start


CASES, GENERATION_TIME = _generate()
BY_NAME = {case.name: case for case in CASES}
DOCX_CASES = [c for c in CASES if c.stage != "forms"]


def _skip_unless_possible(case):
    """Skip a case whose environment requirement this machine cannot meet."""
    if case.needs == "non-root" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    if case.needs == "posix" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")


def _open_and_parse(path):
    """Do what the reader will: open the package and parse its main part."""
    pkg = open_package(path)
    pkg.main_document()
    return pkg


def _timed(fn, *args):
    """Run fn, returning (result or exception, seconds)."""
    start = time.perf_counter()
    try:
        result = fn(*args)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        result = exc
    return result, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# The corpus


def test_corpus_has_at_least_thirty_distinct_cases_and_generates_fast():
    assert len(CASES) >= 30
    assert len(BY_NAME) == len(CASES)
    assert GENERATION_TIME < 5.0


def test_corpus_files_are_small_on_disk():
    sizes = {c.name: c.path.stat().st_size for c in CASES if c.path.is_file()}
    assert max(sizes.values()) < 8 * MB, sizes


def test_corpus_is_deterministic(tmp_path):
    again = make_corpus(tmp_path)
    for first, second in zip(CASES, again):
        if first.path.is_file() and first.needs != "non-root":
            assert first.path.read_bytes() == second.path.read_bytes(), first.name


@pytest.mark.parametrize("case", [c for c in DOCX_CASES if c.stage == "package"],
                         ids=lambda c: c.name)
def test_package_case_is_refused_clearly_or_opened_in_time(case):
    _skip_unless_possible(case)
    result, seconds = _timed(_open_and_parse, case.path)
    assert seconds < TIME_LIMIT, f"{case.name} took {seconds:.1f} s"
    if case.expect == "error":
        assert type(result) is case.error, repr(result)
        text = str(result)
        assert case.message in text
        assert text.startswith(str(case.path) + ": ")
        assert "\n" not in text and "\r" not in text
    else:
        assert isinstance(result, opc.Package), repr(result)
        if case.message:
            assert any(case.message in w for w in result.warnings), result.warnings
        else:
            assert result.warnings == []


@pytest.mark.parametrize("case", [c for c in DOCX_CASES if c.stage != "package"],
                         ids=lambda c: c.name)
def test_later_stage_case_is_a_sound_package(case):
    result, seconds = _timed(_open_and_parse, case.path)
    assert seconds < TIME_LIMIT, f"{case.name} took {seconds:.1f} s"
    assert isinstance(result, opc.Package), repr(result)
    assert result.main_part == "word/document.xml"


def test_malformed_comments_part_is_refused_when_it_is_read():
    case = BY_NAME["comments_part_malformed"]
    pkg = open_package(case.path)
    assert pkg.part_by_type(pkg.main_part, "comments") == "word/comments.xml"
    with pytest.raises(InputError) as exc:
        pkg.xml("word/comments.xml")
    assert case.message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_fifty_megabyte_paragraph_reads_whole():
    pkg = open_package(BY_NAME["paragraph_50mb"].path)
    root = pkg.main_document()
    texts = root.findall(".//" + ns.qn("w:t"))
    assert len(texts) == 50
    assert sum(len(t.text.encode("utf-8")) for t in texts) > 49 * MB
    assert len(root.findall(".//" + ns.qn("w:p"))) == 1


def test_zip_bomb_member_really_inflates_to_one_gigabyte():
    data = BY_NAME["zip_bomb_1gb"].path.read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename)
    stream = data[start : start + info.compress_size]
    inflate, total, crc = zlib.decompressobj(-15), 0, 0
    while stream:
        out = inflate.decompress(stream, 8 * MB)
        total, crc, stream = total + len(out), zlib.crc32(out, crc), inflate.unconsumed_tail
    assert info.file_size == total == GB
    assert crc == info.CRC


def test_overlap_bomb_entries_share_one_data_offset():
    infos = zipfile.ZipFile(BY_NAME["zip_bomb_overlap"].path).infolist()
    copies = [i for i in infos if i.filename.startswith("word/media/copy")]
    blob = next(i for i in infos if i.filename == "word/media/blob.bin")
    assert len(copies) == 50
    assert {i.header_offset for i in copies} == {blob.header_offset}


def test_encrypted_fake_is_an_ole_file_with_the_encryption_streams():
    data = BY_NAME["encrypted_docx"].path.read_bytes()
    assert sniff._cfb_names(data) == {"Root Entry", "EncryptionInfo", "EncryptedPackage"}
    assert sniff._cfb_names(BY_NAME["legacy_doc"].path.read_bytes()) >= {"WordDocument"}


def test_form_cases_hold_what_their_names_say():
    rows = BY_NAME["form_csv_100k_rows"].path.read_text("utf-8").splitlines()
    assert len(rows) == 100_001
    bad = BY_NAME["form_csv_invalid_utf8"].path.read_bytes()
    for encoding in ("utf-8", "cp874"):
        with pytest.raises(UnicodeDecodeError):
            bad.decode(encoding)
    thai = BY_NAME["form_csv_cp874"].path.read_bytes()
    assert "กองคลัง" in thai.decode("cp874")
    with pytest.raises(UnicodeDecodeError):
        thai.decode("utf-8")
    assert not zipfile.is_zipfile(BY_NAME["form_xlsx_not_a_spreadsheet"].path)


# ---------------------------------------------------------------------------------------------
# Files the corpus cannot hold (root, huge) and the limits one by one


def test_unreadable_file_is_reported_as_permission_denied(tmp_path, monkeypatch):
    path = write_zip(tmp_path / "locked.docx", docx_parts())

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(package, "open", refuse, raising=False)
    with pytest.raises(InputError) as exc:
        open_package(path)
    assert type(exc.value) is InputError
    assert str(exc.value) == f"{path}: cannot be read: permission denied"


def test_path_under_a_regular_file_is_no_such_file(tmp_path):
    path = write_zip(tmp_path / "a.docx", docx_parts())
    with pytest.raises(InputError, match="no such file"):
        open_package(path / "inner.docx")


@pytest.fixture
def minimal(tmp_path):
    """A small valid .docx."""
    return write_zip(tmp_path / "minimal.docx", docx_parts())


def test_file_over_the_size_limit_is_refused_before_reading(minimal):
    size = minimal.stat().st_size
    with pytest.raises(UnsafeDocumentError) as exc:
        open_package(minimal, max_file_size=size - 1)
    assert f"is {size:,} bytes, over the {size - 1:,} bytes limit for a .docx" in str(exc.value)


def test_part_over_the_size_limit_is_named(minimal):
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(minimal).infolist()}
    limit = sizes.pop("word/document.xml") - 1
    assert max(sizes.values()) <= limit  # so the document is the part refused
    with pytest.raises(UnsafeDocumentError) as exc:
        open_package(minimal, max_part_size=limit)
    assert "part 'word/document.xml' would uncompress to" in str(exc.value)
    assert f"over the {limit:,} bytes limit per part" in str(exc.value)


def test_total_over_the_limit_is_refused(minimal):
    total = sum(i.file_size for i in zipfile.ZipFile(minimal).infolist())
    open_package(minimal, max_total_size=total)
    with pytest.raises(UnsafeDocumentError, match="more than the .* limit for a whole .docx"):
        open_package(minimal, max_total_size=total - 1)


def test_compression_ratio_over_the_limit_is_refused(tmp_path):
    path = write_zip(tmp_path / "r.docx", docx_parts(para("ก" * 20_000)))
    open_package(path)  # 60 KB is under the size where the ratio counts
    with pytest.raises(UnsafeDocumentError, match=r"'word/document.xml' is compressed [\d,]+:1"):
        open_package(path, ratio_min_size=1000, max_ratio=50)


def test_member_count_over_the_limit_is_refused(minimal):
    with pytest.raises(UnsafeDocumentError, match="has 3 zip members, over the limit of 2"):
        open_package(minimal, max_members=2)


def test_reading_stops_at_the_limit_even_when_declared_sizes_passed(tmp_path):
    # Declared sizes are checked first; this calls the reader directly as if they had lied.
    path = write_zip(tmp_path / "big.docx", {"big.bin": os.urandom(3 * MB)}, zipfile.ZIP_STORED)
    zf = zipfile.ZipFile(path)
    info = zf.getinfo("big.bin")
    with pytest.raises(UnsafeDocumentError, match="over the 1 MB limit per part"):
        package._read_member(path, zf, info, Limits(max_part_size=MB), 10 * MB)
    with pytest.raises(UnsafeDocumentError, match="more than the 2 MB limit for a whole"):
        package._read_member(path, zf, info, Limits(max_total_size=2 * MB), 2 * MB)


# ---------------------------------------------------------------------------------------------
# Hardened XML


class RecordingResolver(etree.Resolver):
    """An lxml resolver that records every external resource the parser asks for."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def resolve(self, url, pubid, context):
        self.asked.append(url)
        return self.resolve_string("<!-- -->", context)


@pytest.fixture
def recording_parser(monkeypatch):
    """Make parse_xml use its real parser with a resolver that records fetch attempts."""
    resolver = RecordingResolver()
    real = safexml._parser

    def parser():
        p = real()
        p.resolvers.add(resolver)
        return p

    monkeypatch.setattr(safexml, "_parser", parser)
    return resolver


def test_external_entity_is_never_fetched_even_past_the_prolog_scan(tmp_path, recording_parser):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    late_dtd = (
        "<!--" + "x" * (2 * MB) + "-->"
        f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    )
    with pytest.raises(UnsafeDocumentError) as exc:
        parse_xml(document(para("&x;"), late_dtd).encode(), "word/document.xml")
    assert "TOP-SECRET" not in str(exc.value)
    assert recording_parser.asked == []


def test_billion_laughs_is_refused_without_expanding(recording_parser):
    path = BY_NAME["billion_laughs"].path
    doc = zipfile.ZipFile(path).read("word/document.xml")
    start = time.process_time()  # CPU time: an expansion would take minutes; a busy machine is no failure
    with pytest.raises(UnsafeDocumentError, match="contains a DTD"):
        parse_xml(doc, "word/document.xml", path)
    assert time.process_time() - start < 1.0
    assert recording_parser.asked == []


def test_doctype_text_in_a_comment_or_cdata_is_not_a_dtd():
    xml = (
        '<?xml version="1.0"?>\n<!-- <!DOCTYPE x> -->\n'
        f'<w:document xmlns:w="{ns.nsmap["w"]}"><w:body><w:p><w:r>'
        "<w:t><![CDATA[<!DOCTYPE html>]]></w:t></w:r></w:p></w:body></w:document>"
    )
    root = parse_xml(xml.encode(), "word/document.xml")
    assert root.findtext(".//" + ns.qn("w:t")) == "<!DOCTYPE html>"


def test_dtd_after_a_processing_instruction_is_still_found():
    xml = '<?xml version="1.0"?><?mso-application progid="Word.Document"?><!DOCTYPE r []><r/>'
    with pytest.raises(UnsafeDocumentError, match="^word/document.xml: contains a DTD"):
        parse_xml(xml.encode(), "word/document.xml")


def test_comments_are_kept():
    root = parse_xml(b"<r><!-- kept --><a/></r>", "x.xml")
    assert isinstance(root[0], etree._Comment)


def test_error_without_a_file_path_names_the_part():
    with pytest.raises(InputError) as exc:
        parse_xml(b"<r>\n<a></r>", "word/styles.xml")
    assert str(exc.value) == (
        "word/styles.xml: is not well-formed XML (line 2: "
        "Opening and ending tag mismatch: a line 2 and r)"
    )


def test_error_with_a_file_path_names_file_and_part():
    with pytest.raises(InputError) as exc:
        parse_xml(b"<r>\xff</r>", "word/styles.xml", "/in/a.docx")
    assert str(exc.value) == (
        "/in/a.docx: word/styles.xml is not well-formed XML (line 1: invalid UTF-8 byte 0xFF)"
    )


def test_nested_tables_parse_up_to_eighty_three_levels_and_fail_clearly_beyond():
    ok = document(nested_tables(83)).encode()
    root = parse_xml(ok, "word/document.xml")
    assert len(root.findall(".//" + ns.qn("w:tbl"))) == 83
    with pytest.raises(UnsafeDocumentError, match="more than 256 levels deep"):
        parse_xml(document(nested_tables(84)).encode(), "word/document.xml")


def test_text_of_ten_million_bytes_parses_and_one_byte_more_does_not():
    limit = safexml.MAX_XML_TEXT
    assert parse_xml(b"<r>" + b"a" * limit + b"</r>", "x.xml").text == "a" * limit
    with pytest.raises(UnsafeDocumentError, match="single text longer than the 10,000,000"):
        parse_xml(b"<r>" + b"a" * (limit + 1) + b"</r>", "x.xml")


# ---------------------------------------------------------------------------------------------
# The package: members, content types, relationships


def test_real_docx_parts_are_found_through_relationships(tmp_path):
    path = write_docx(tmp_path / "c.docx", [["ข้อ ๑ ", Commented("ส่วนราชการ", "ขอแก้")]])
    pkg = open_package(path)
    assert pkg.main_part == "word/document.xml"
    assert pkg.part_by_type(pkg.main_part, "comments") == "word/comments.xml"
    assert pkg.part_by_type(pkg.main_part, "styles") == "word/styles.xml"
    assert pkg.part_by_type(pkg.main_part, "numbering") is None
    assert pkg.content_type("/word/comments.xml") == ns.CONTENT_TYPES["comments"]
    assert pkg.content_type("word/_rels/document.xml.rels") == ns.CONTENT_TYPES["relationships"]
    comment = pkg.xml("word/comments.xml").find(ns.qn("w:comment"))
    assert "".join(comment.itertext()) == "ขอแก้"
    assert pkg.warnings == []


def test_python_docx_default_template_opens(tmp_path):
    path = tmp_path / "pd.docx"
    python_docx.Document().save(path)
    pkg = open_package(path)
    assert pkg.main_document().tag == ns.qn("w:document")
    assert pkg.part_by_type("", "core-properties") == "docProps/core.xml"
    assert pkg.warnings == []


def test_members_keep_zip_order_bytes_and_compression(tmp_path):
    parts = docx_parts(parts={"word/media/a.png": b"\x89PNG-bytes"})
    path = write_zip(tmp_path / "m.docx", parts)
    pkg = open_package(path)
    assert pkg.names == list(parts)
    assert pkg.read("word/media/a.png") == b"\x89PNG-bytes"
    assert pkg.member("WORD/Media/A.PNG").info.compress_type == zipfile.ZIP_DEFLATED
    assert pkg.source_bytes == path.read_bytes()
    assert pkg.read("word/missing.xml") is None and pkg.xml("word/missing.xml") is None


def test_code_page_437_member_names_do_not_look_like_overlapping_members(tmp_path):
    # "été" is 3 bytes in code page 437 and 5 in UTF-8: spans must use the stored length.
    old_name = stored("word/media/\xe9t\xe9.png", b"x")._replace(flags=0)
    doc = stored("word/document.xml", document(para("ก")))
    path = tmp_path / "cp437.docx"
    path.write_bytes(raw_zip(small_parts() + [old_name, doc]))
    assert open_package(path).read("word/media/\xe9t\xe9.png") == b"x"


def test_xml_returns_a_fresh_tree_each_time(minimal):
    pkg = open_package(minimal)
    first = pkg.xml("word/document.xml")
    first.clear()
    assert len(pkg.xml("word/document.xml")) == 1


def test_relationship_targets_resolve_relative_absolute_encoded_and_external(tmp_path):
    rels = [
        ("rId1", "styles", "styles.xml"),
        ("rId2", "numbering", "/word/numbering.xml"),
        ("rId3", "comments", "../word/my%20comments.xml"),
    ]
    parts = docx_parts(rels=rels)
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Id="rId4" Type="http://example.org/hyperlink" '
        'Target="https://example.org/a b" TargetMode="External"/></Relationships>',
    )
    pkg = open_package(write_zip(tmp_path / "r.docx", parts))
    found = pkg.rels("/word/document.xml")
    assert found["rId1"] == (ns.REL_TYPES["styles"], "word/styles.xml", "Internal")
    assert found["rId2"].target == "word/numbering.xml"
    assert found["rId3"].target == "word/my comments.xml"
    assert found["rId4"] == ("http://example.org/hyperlink", "https://example.org/a b", "External")
    assert pkg.rels("word/styles.xml") == {}


def test_content_type_override_beats_default_and_extension_is_case_insensitive(minimal):
    pkg = open_package(minimal)
    assert pkg.content_type("word/document.xml") == ns.CONTENT_TYPES["document"]
    assert pkg.content_type("word/other.XML") == "application/xml"
    assert pkg.content_type("word/media/x.png") is None


def test_missing_main_part_named_by_rels_falls_back_to_word_document_xml(tmp_path):
    parts = docx_parts()
    parts["_rels/.rels"] = parts["_rels/.rels"].replace("word/document.xml", "word/gone.xml")
    pkg = open_package(write_zip(tmp_path / "f.docx", parts))
    assert pkg.main_part == "word/document.xml"
    assert pkg.warnings == [
        "_rels/.rels names missing part 'word/gone.xml'; reading word/document.xml instead"
    ]


def test_not_a_word_document_root_is_refused_with_its_name(tmp_path):
    path = write_zip(tmp_path / "x.docx", docx_parts(doc="<x:doc xmlns:x='urn:x'/>"))
    with pytest.raises(NotADocxError, match="its root element is 'doc', not w:document"):
        open_package(path).main_document()
