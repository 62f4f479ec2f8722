"""``diff`` and ``redline`` name the stories besides the body that changed: footnotes, headers,
footers, text boxes, and the objects in them. On the shipped example: ร่าง ๒ edits footnote 2
and adds footnote 3 and replaces the emblem in the first-page header; ร่าง ๓ edits the footer."""

from __future__ import annotations

import json

from click.testing import CliRunner

from policydiff.cli import main


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_json_names_each_changed_story_and_its_objects(repo_root):
    drafts = repo_root / "drafts"
    changes = json.loads(_run("diff", drafts / "v1.docx", drafts / "v3.docx", "--json"))
    stories = {c["story"]: c for c in changes if c["story"] != "body"}
    assert set(stories) == {"footnote 2", "footnote 3", "footer (default), section 1",
                            "footer (first page), section 1", "header (first page), section 1"}
    assert stories["footnote 2"]["status"] == "edited"
    assert stories["footnote 2"]["edits"] == [{"op": "+", "text": " และที่แก้ไขเพิ่มเติม"}]
    assert stories["footnote 3"]["status"] == "inserted"
    assert "พระราชบัญญัติข้อมูลข่าวสารของราชการ" in stories["footnote 3"]["new_text"]
    assert stories["footer (default), section 1"]["edits"] == [{"op": "+", "text": "สำนักบริหารกลาง "}]
    emblem = stories["header (first page), section 1"]["edits"]
    assert sorted((e["op"], e["object"]) for e in emblem) == [("+", "image"), ("-", "image")]
    assert all(c["story"] == "body" for c in changes if c["old_path"] or c["new_path"])


def test_diff_summary_counts_objects_by_kind_in_thai(repo_root):
    drafts = repo_root / "drafts"
    out = _run("diff", drafts / "v1.docx", drafts / "v2.docx")
    assert "~ footnote 2: edited" in out and "+ footnote 3: inserted" in out
    last = out.strip().splitlines()[-1]
    assert "เชิงอรรถ: เพิ่ม 1" in last and "ภาพ: ลบ 1, เพิ่ม 1" in last


def test_redline_reports_the_stories_it_redlined(repo_root, tmp_path):
    drafts = repo_root / "drafts"
    out = _run("redline", drafts / "v1.docx", drafts / "v3.docx", "-o", tmp_path / "r.docx")
    lines = out.strip().splitlines()[1:]
    assert "  footnote 2: 1 insertions, 0 deletions" in lines
    assert "  header (first page), section 1: 1 insertions, 1 deletions" in lines
    assert "  footer (first page), section 1: 1 insertions, 0 deletions" in lines
