"""Two drafts compared: the redline written as .docx, and the changes as ``diff`` reports them."""

from __future__ import annotations

import difflib
from typing import List, Optional

from ..core.align import align
from ..core.diff import word_diff
from ..core.objects import MARKERS, visible
from ..core.overlay import own_comments
from ..core.redline import Redline, Revision, build_redline
from ..core.structure import display_label
from ..docx.stories import story_texts
from ..docx.writer import write_package
from ..fsutil import atomic_write
from .drafts import Version, default_date


def redline(old: Version, new: Version, *, author: str = "policydiff", date: Optional[str] = None,
            moves: bool = True) -> Redline:
    """The redline between two read drafts, keeping the new draft's own Word comments."""
    rev = Revision(author=author, date=date or default_date(new.doc))
    return own_comments(build_redline(old.doc, new.doc, rev, moves=moves), new.doc)


def write_redline(red: Redline, template: Version, out, old: Optional[Version] = None) -> list:
    """Write a redline as .docx to ``out`` atomically, with ``template``'s parts (and ``old``'s
    numbering, and what its deleted content needs); return [(story, change counts)] of the
    stories besides the body that changed (notes, headers, footers, text boxes)."""
    data, stories = redline_bytes(red, template, old)
    atomic_write(out, data)
    return stories


def redline_bytes(red: Redline, template: Version, old: Optional[Version] = None) -> tuple:
    """(the .docx bytes ``write_redline`` writes, its changed stories)."""
    stories: list = []
    return write_package(template.package, red, old.package if old is not None else None, stories), stories


def clause_counts(base: Version, new: Version) -> dict:
    """Clauses edited / inserted / deleted / moved / renumbered between two versions."""
    counts = {"edited": 0, "inserted": 0, "deleted": 0, "moved": 0, "renumbered": 0}
    for m in align(base.clauses, new.clauses):
        if m.status in counts:
            counts[m.status] += 1
        counts["renumbered"] += bool(m.renumbered)
    return counts


def clause_changes(old: Version, new: Version) -> List[dict]:
    """Each clause's fate between two versions, with word edits for edited clauses.

    Texts are as a person reads them (objects left out); an edit that inserts or deletes an
    object (an image, a field, a note reference...) names it (``"object": "image"``).
    """
    objects = {"-": old.doc.objects(), "+": new.doc.objects()}
    return [_clause_change(old, new, m, objects) for m in align(old.clauses, new.clauses)]


def _clause_change(old: Version, new: Version, m, objects: dict) -> dict:
    oc = old.clauses[m.old] if m.old is not None else None
    nc = new.clauses[m.new] if m.new is not None else None
    edits = []
    if oc is not None and nc is not None and oc.body != nc.body:
        edits = _edits(oc.body, nc.body, objects)
    return {
        "status": m.status, "renumbered": m.renumbered, "key": m.key, "kind": (nc or oc).kind,
        "old_label": oc.label if oc else None, "new_label": nc.label if nc else None,
        "old_path": oc.path if oc else None, "new_path": nc.path if nc else None,
        "old_ref": display_label(old.clauses, m.old) if oc else None,
        "new_ref": display_label(new.clauses, m.new) if nc else None,
        "old_text": visible(oc.text) if oc else None, "new_text": visible(nc.text) if nc else None,
        "similarity": round(m.similarity, 4), "edits": edits, "story": "body",
    }


def story_changes(old: Version, new: Version) -> List[dict]:
    """What changed in the stories besides the body: footnotes, endnotes and text boxes (in the
    order the body refers to them), headers and footers (by section and kind). Each change has
    the keys of a clause change, with ``story`` naming it ("footnote 3", "header (first page),
    section 1") and the clause fields None."""
    (a, old_objects), (b, new_objects) = story_texts(old.package, old.doc), story_texts(new.package, new.doc)
    objects = {"-": old_objects, "+": new_objects}
    out = []
    for kind in ("footnote", "endnote", "text box"):
        out.extend(_note_changes(a[kind], b[kind], objects))
    sections_a = dict(a["section"])
    for name, text in b["section"]:
        if sections_a.pop(name, None) != text:
            out.append(_story_change((name, _text_of(a["section"], name)), (name, text), objects))
    out.extend(_story_change((name, text), None, objects) for name, text in sections_a.items())
    return out


def _note_changes(ta: list, tb: list, objects: dict) -> list:
    """The changes between two lists of (name, text) notes, paired in order."""
    matcher = difflib.SequenceMatcher(None, [t for _, t in ta], [t for _, t in tb], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        n = min(i2 - i1, j2 - j1)
        out.extend(_story_change(ta[i1 + k], tb[j1 + k], objects) for k in range(n))
        out.extend(_story_change(ta[i], None, objects) for i in range(i1 + n, i2))
        out.extend(_story_change(None, tb[j], objects) for j in range(j1 + n, j2))
    return out


def _text_of(stories, name: str):
    return next((text for n, text in stories if n == name), None)


def _story_change(old, new, objects: dict) -> dict:
    """One story's change, in the shape of ``clause_changes``' entries."""
    if old is not None and old[1] is None:
        old = None
    status = "edited" if old and new else ("inserted" if new else "deleted")
    name = (new or old)[0]
    return {"status": status, "renumbered": False, "key": None, "kind": name.split(" (")[0].rsplit(" ", 1)[0],
            "old_label": None, "new_label": None, "old_path": None, "new_path": None,
            "old_ref": old[0] if old else None, "new_ref": new[0] if new else None,
            "old_text": visible(old[1]) if old else None, "new_text": visible(new[1]) if new else None,
            "similarity": None, "edits": _edits(old[1], new[1], objects) if old and new else [], "story": name}


def _edits(old_text: str, new_text: str, objects: dict) -> list:
    """The word edits between two texts as ``diff --json`` gives them: each one's visible text,
    and the objects it holds."""
    out = []
    for op, text in word_diff(old_text, new_text):
        if op == "=":
            continue
        edit = {"op": op, "text": visible(text)}
        kinds = [objects[op][m].kind for m in MARKERS.findall(text) if m in objects[op]]
        if kinds:
            edit["object"], edit["objects"] = kinds[0], kinds
        out.append(edit)
    return out
