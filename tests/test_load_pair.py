"""api.load_pair: two drafts read side by side give what reading them in order gives, errors too."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydiff import api
from policydiff.errors import NotADocxError

DRAFTS = Path(__file__).resolve().parent.parent / "drafts"


@pytest.fixture
def side_by_side(monkeypatch):
    monkeypatch.setattr(api, "PARALLEL_LOAD_BYTES", 0)  # the example drafts are small


def _bad(tmp_path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7 not a Word file")
    return path


def test_drafts_read_side_by_side_equal_drafts_read_in_order(side_by_side):
    old, new = api.load_pair(DRAFTS / "v2.docx", DRAFTS / "v3.docx")
    assert old.doc == api.load(DRAFTS / "v2.docx").doc and new.doc == api.load(DRAFTS / "v3.docx").doc
    assert old.path == str(DRAFTS / "v2.docx") and old.package.main_part == "word/document.xml"
    red = api.redline(old, new, date="2009-07-28T00:00:00Z")
    same = api.redline(api.load(DRAFTS / "v2.docx"), api.load(DRAFTS / "v3.docx"), date="2009-07-28T00:00:00Z")
    assert red == same


@pytest.mark.parametrize("bad_old, bad_new, named", [(True, True, "old.docx"), (True, False, "old.docx"),
                                                     (False, True, "new.docx")])
def test_the_error_is_the_one_reading_in_order_gives(side_by_side, tmp_path, bad_old, bad_new, named):
    old = _bad(tmp_path, "old.docx") if bad_old else DRAFTS / "v1.docx"
    new = _bad(tmp_path, "new.docx") if bad_new else DRAFTS / "v2.docx"
    with pytest.raises(NotADocxError) as got:
        api.load_pair(old, new)
    assert named in str(got.value)
