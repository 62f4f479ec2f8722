"""The reader's byte-level fast paths (``docx/fastpaths.py``) change nothing but the time: with
them on and off, every draft reads into the same Document and every redline has the same bytes.
Checked on the shipped example (typed and automatic numbering, reviewed copies with comments and
tracked changes, emblems, notes, fields, links, bookmarks), on Word-like versions of it (runs cut
at editing sessions, rsids and paragraph ids, where the fast paths do most), and on a draft with
every kind of object."""

from __future__ import annotations


import pytest

from policydiff.docx.package import open_package_bytes
from policydiff.docx.reader import read_package
from policydiff.docx.writer import write_package
from tests import richdocs
from tests.paths import REPO, script

ROOT = REPO
DRAFTS = [ROOT / "drafts" / f"v{n}.docx" for n in (1, 2, 3, 4)]
COPIES = sorted((ROOT / "comments" / "round1").glob("*.docx"))


def _wordlike():
    return script(ROOT / "benchmarks" / "wordlike.py", "policydiff_bench_wordlike_fast").wordlike


def _read(data: bytes, name: str, view: str):
    pkg = open_package_bytes(data, name)
    return pkg, read_package(pkg, view=view)


def _both(monkeypatch, data: bytes, name: str, view: str = "accept"):
    """(fast, plain) readings of one file."""
    monkeypatch.setenv("POLICYDIFF_FAST_PATHS", "1")
    fast = _read(data, name, view)
    monkeypatch.setenv("POLICYDIFF_FAST_PATHS", "0")
    plain = _read(data, name, view)
    return fast, plain


def _files(tmp_path_factory):
    wordlike = _wordlike()
    files = {p.name: p.read_bytes() for p in DRAFTS + COPIES}
    files.update({f"word-{p.name}": wordlike(p.read_bytes(), 7) for p in DRAFTS + COPIES[:2]})
    blocks, options = richdocs.everything()
    path = richdocs.build(tmp_path_factory.mktemp("rich") / "everything.docx", blocks, **options)
    files["everything.docx"] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return _files(tmp_path_factory)


@pytest.mark.parametrize("view", ["accept", "reject", "all"])
def test_every_file_reads_the_same_with_and_without_the_fast_paths(monkeypatch, files, view):
    for name, data in files.items():
        (_, fast), (_, plain) = _both(monkeypatch, data, name, view)
        assert fast == plain, name
        assert [p.text for p in fast.paragraphs()] == [p.text for p in plain.paragraphs()], name


@pytest.mark.parametrize("old, new", [("v1.docx", "v2.docx"), ("v2.docx", "v3.docx"), ("word-v1.docx", "word-v2.docx"),
                                      ("v1.docx", "hr.docx"), ("word-v3.docx", "word-v4.docx")])
def test_a_redline_has_the_same_bytes_with_and_without_the_fast_paths(monkeypatch, files, old, new):
    from policydiff.core.redline import Revision, build_redline

    out = []
    for flag in ("1", "0"):
        monkeypatch.setenv("POLICYDIFF_FAST_PATHS", flag)
        (opkg, odoc), (npkg, ndoc) = _read(files[old], old, "accept"), _read(files[new], new, "accept")
        red = build_redline(odoc, ndoc, Revision("กองกลาง", "2024-01-01T00:00:00Z"))
        out.append(write_package(npkg, red, opkg))
    assert out[0] == out[1]
