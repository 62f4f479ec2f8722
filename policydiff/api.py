"""What the commands do, as functions: read files, call the core, write files.

The CLI is a thin layer over these; tests and benchmarks call them directly.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from .core.align import align
from .core.diff import word_diff
from .core.model import Document
from .core.objects import MARKERS, visible, visible_offset
from .core.overlay import own_comments
from .core.redline import Redline, Revision, build_redline, edited_texts, pair_blocks
from .core.structure import outline_places
from .core.tokens import load_dictionary
from .docx.package import open_package
from .docx.reader import read_package
from .docx.writer import write_package
from .errors import PolicydiffError
from .fsutil import atomic_write


@dataclass(frozen=True)
class Version:
    """A draft as read from a file: the package (template for writing) and its clauses."""

    path: str
    package: object
    doc: Document  # accepted view

    @cached_property
    def outline(self) -> tuple:
        """(clauses, places): the clause tree and where each paragraph's text sits in it, built on
        first use (a redline never needs it: 0.1 s per 3,000 clauses) and once per draft."""
        return outline_places(self.doc)

    @property
    def clauses(self) -> tuple:
        return self.outline[0]


def load(path, view: str = "accept") -> Version:
    """Open and read a draft; raises InputError subclasses for bad input."""
    pkg = open_package(path)
    doc = read_package(pkg, view=view)
    return Version(str(path), pkg, doc)


# Above this many bytes of .docx (both drafts together), ``load_pair`` reads the old draft in a
# forked process while this one reads the new: reading is bound by XML parsing, and sending the
# old Document back costs less than reading it (0.1 s against 0.5 s for a 3,000-clause Word draft).
PARALLEL_LOAD_BYTES = 500_000


def load_pair(old_path, new_path, view: str = "accept") -> Tuple[Version, Version]:
    """Both drafts of a comparison, read side by side on two cores when they are large.

    The errors are those of reading them one after the other: the old draft's first.
    """
    if not _parallel_worth_it(old_path, new_path):
        return load(old_path, view), load(new_path, view)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pending = pool.submit(_read_document, str(old_path), view)
        try:
            new = load(new_path, view)
        except PolicydiffError:
            if pending.result() is None:
                load(old_path, view)  # raises the old draft's error, as reading in order would
            raise
        if not pending.done():
            load_dictionary()  # while the old draft is still read: the comparison will tokenize
        old_doc = pending.result()
    if old_doc is None:
        return load(old_path, view), new  # raises the old draft's error
    return Version(str(old_path), open_package(old_path), old_doc), new


def _read_document(path: str, view: str) -> Optional[Document]:
    """(In the forked reader.) The draft's Document, or None when it cannot be read."""
    try:
        return read_package(open_package(path), view=view)
    except PolicydiffError:
        return None


def _parallel_worth_it(*paths) -> bool:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return sum(os.path.getsize(p) for p in paths) >= PARALLEL_LOAD_BYTES
    except OSError:
        return False  # a missing file: read in order, for its error


def load_bytes(data: bytes, name: str, view: str = "accept") -> Version:
    """Read a draft held in memory (from the archive); ``name`` is used in messages."""
    from .docx.package import open_package_bytes

    pkg = open_package_bytes(data, name)
    doc = read_package(pkg, view=view)
    return Version(name, pkg, doc)


def default_date(doc: Document) -> str:
    """The revision date: the new file's modified (else created) date, else now, as ISO 8601."""
    for value in (doc.meta.modified, doc.meta.created):
        if value:
            return value
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def redline(old: Version, new: Version, *, author: str = "policydiff", date: Optional[str] = None,
            moves: bool = True) -> Redline:
    """The redline between two read drafts; when their edited paragraphs are many, half of the
    word edits are worked out in a forked process (see ``side_by_side_word_diffs``)."""
    pairs = pair_blocks(old.doc.blocks, new.doc.blocks)
    rev = Revision(author=author, date=date or default_date(new.doc),
                   word_diffs=side_by_side_word_diffs(edited_texts(old.doc, new.doc, pairs)))
    return own_comments(build_redline(old.doc, new.doc, rev, moves=moves, pairs=pairs), new.doc)


# Above this many characters of edited paragraphs (old and new together), ``redline`` works out
# the second half of the word edits in a forked process: a 3,000-clause draft with 1,700 edited
# paragraphs has 0.6 million and spends 0.25 s on them; a fork and the way back cost 0.02 s.
PARALLEL_DIFF_CHARS = 200_000


def side_by_side_word_diffs(texts: List[Tuple[str, str]]) -> Optional[dict]:
    """{(old, new): word edits} for the text pairs, the second half worked out in a forked
    process while this one works out the first; None when they are too few to pay for it, or
    the platform cannot fork. A child that fails leaves its half to be worked out here."""
    if sum(len(a) + len(b) for a, b in texts) < PARALLEL_DIFF_CHARS or not hasattr(os, "fork"):
        return None
    import pickle

    load_dictionary()  # once, for both processes
    half = len(texts) // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its half, pickled down the pipe, then gone without cleanup
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps([word_diff(a, b) for a, b in texts[half:]], pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(write_end)
    back = os.fdopen(read_end, "rb")
    try:
        diffs = {pair: word_diff(*pair) for pair in texts[:half]}
        data = back.read()
    finally:
        back.close()  # after an error here, a child still writing gets EPIPE and leaves
        os.waitpid(pid, 0)
    try:
        theirs = pickle.loads(data)
    except Exception:  # noqa: BLE001 (a child that died midway: its half is worked out as needed)
        return diffs
    diffs.update(zip(texts[half:], theirs))
    return diffs


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


def clause_changes(old: Version, new: Version) -> List[dict]:
    """Each clause's fate between two versions, with word edits for edited clauses.

    Texts are as a person reads them (objects left out); an edit that inserts or deletes an
    object (an image, a field, a note reference...) names it (``"object": "image"``).
    """
    from .core.structure import display_label

    objects = {"-": old.doc.objects(), "+": new.doc.objects()}
    out = []
    for m in align(old.clauses, new.clauses):
        oc = old.clauses[m.old] if m.old is not None else None
        nc = new.clauses[m.new] if m.new is not None else None
        old_ref = display_label(old.clauses, m.old) if oc else None
        new_ref = display_label(new.clauses, m.new) if nc else None
        edits = []
        if oc is not None and nc is not None and oc.body != nc.body:
            edits = [_edit(op, text, objects[op]) for op, text in word_diff(oc.body, nc.body) if op != "="]
        out.append({
            "status": m.status, "renumbered": m.renumbered, "key": m.key, "kind": (nc or oc).kind,
            "old_label": oc.label if oc else None, "new_label": nc.label if nc else None,
            "old_path": oc.path if oc else None, "new_path": nc.path if nc else None,
            "old_ref": old_ref, "new_ref": new_ref,
            "old_text": visible(oc.text) if oc else None, "new_text": visible(nc.text) if nc else None,
            "similarity": round(m.similarity, 4), "edits": edits, "story": "body",
        })
    return out


def story_changes(old: Version, new: Version) -> List[dict]:
    """What changed in the stories besides the body: footnotes, endnotes and text boxes (in the
    order the body refers to them), headers and footers (by section and kind). Each change has
    the keys of a clause change, with ``story`` naming it ("footnote 3", "header (first page),
    section 1") and the clause fields None."""
    import difflib

    from .docx.stories import story_texts

    (a, old_objects), (b, new_objects) = story_texts(old.package, old.doc), story_texts(new.package, new.doc)
    objects = {"-": old_objects, "+": new_objects}
    out = []
    for kind in ("footnote", "endnote", "text box"):
        ta, tb = a[kind], b[kind]
        matcher = difflib.SequenceMatcher(None, [t for _, t in ta], [t for _, t in tb], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            n = min(i2 - i1, j2 - j1)
            out.extend(_story_change(ta[i], tb[j], objects) for i, j in zip(range(i1, i1 + n), range(j1, j1 + n)))
            out.extend(_story_change(ta[i], None, objects) for i in range(i1 + n, i2))
            out.extend(_story_change(None, tb[j], objects) for j in range(j1 + n, j2))
    sections_a = dict(a["section"])
    for name, text in b["section"]:
        if sections_a.pop(name, None) != text:
            out.append(_story_change((name, _old_text(a["section"], name)), (name, text), objects))
    out.extend(_story_change((name, text), None, objects) for name, text in sections_a.items())
    return out


def _old_text(stories, name: str):
    return next((text for n, text in stories if n == name), None)


def _story_change(old, new, objects: dict) -> dict:
    """One story's change, in the shape of ``clause_changes``' entries."""
    if old is not None and old[1] is None:
        old = None
    status = "edited" if old and new else ("inserted" if new else "deleted")
    edits = ([_edit(op, text, objects[op]) for op, text in word_diff(old[1], new[1]) if op != "="]
             if old and new else [])
    name = (new or old)[0]
    return {"status": status, "renumbered": False, "key": None, "kind": name.split(" (")[0].rsplit(" ", 1)[0],
            "old_label": None, "new_label": None, "old_path": None, "new_path": None,
            "old_ref": old[0] if old else None, "new_ref": new[0] if new else None,
            "old_text": visible(old[1]) if old else None, "new_text": visible(new[1]) if new else None,
            "similarity": None, "edits": edits, "story": name}


def _edit(op: str, text: str, objects: dict) -> dict:
    """One word edit as ``diff --json`` gives it: its visible text, and the objects it holds."""
    edit = {"op": op, "text": visible(text)}
    kinds = [objects[m].kind for m in MARKERS.findall(text) if m in objects]
    if kinds:
        edit["object"], edit["objects"] = kinds[0], kinds
    return edit


# ---------------------------------------------------------------- merge

@dataclass(frozen=True)
class MergeResult:
    """What merge wrote, for the summary line and the tests."""

    out: str
    annotations: tuple
    comments_written: int
    proposals_tracked: int
    conflicts: tuple
    duplicates: tuple
    orphans: tuple  # annotations with no place (ids)
    dispositions: tuple = ()
    placements: tuple = ()
    problems: tuple = ()
    warnings: tuple = ()
    counts: dict = None


def _comment_values(a, extra: str = ""):
    """Word comments (model.Comment) for an annotation: the comment, then its replies."""
    from .core.model import Comment

    head = Comment(id=a.id, author=a.division or a.author, initials=a.initials, date=a.date,
                   text=(extra + a.text) if extra else a.text, done=a.done)
    replies = tuple(Comment(id=f"{a.id}/r{n}", author=r.author, date=r.date, text=r.text, parent_id=a.id)
                    for n, r in enumerate(a.replies, 1))
    return (head,) + replies


def _conflict_note(a, first) -> str:
    """The comment a proposal becomes when another division's proposal already changes its words."""
    if (a.text, a.quote) == (first.text, first.quote):
        return f"[ข้อเสนอซ้ำ] {a.division} เสนอแก้ไขเช่นเดียวกับ {first.division}: "
    return (f"[ข้อเสนอที่ขัดกัน] {a.division} เสนอให้ใช้ถ้อยคำว่า “{a.text}” "
            f"(ต่างจากข้อเสนอของ {first.division} ที่แสดงเป็นการแก้ไข): ")


def consolidate(base: Version, imported, *, progress=None):
    """The base draft with every division's proposals as its tracked changes and every comment."""
    from .core.annotations import COMMENT, conflicts, duplicates
    from .core.overlay import Edit, Locator, Note, overlay
    loc = Locator(*base.outline)
    anns = imported.annotations
    groups = conflicts(anns)
    by_id = {a.id: a for a in anns}
    losers = {m: by_id[g.members[0]] for g in groups for m in g.members[1:]}
    edits, notes, comments, taken, orphans = [], [], [], [], []
    for a in (progress(anns) if progress else anns):
        where = loc.locate(a.anchor.clause, a.anchor.start, a.anchor.end) if a.anchor.clause else None
        if where is None:
            orphans.append(a.id)
            continue
        k, s, e = where
        if a.kind == COMMENT or a.id in losers or _overlaps(taken, k, s, e, a):
            note = _conflict_note(a, losers.get(a.id) or _overlaps(taken, k, s, e, a)) if a.kind != COMMENT else ""
            first = len(comments)
            comments.extend(_comment_values(a, note))
            # Replies sit on the same words as the comment they answer (as Word writes them).
            notes.extend(Note(pk, ps, pe, ci) for ci in range(first, len(comments))
                         for pk, ps, pe in loc.spans(a.anchor.clause, a.anchor.start, a.anchor.end))
            continue
        edits.append(Edit(k, s, e, a.text, a.division or a.author, a.date, a.new_paragraph))
        taken.append((k, s, e, a))
    red = overlay(base.doc, edits, notes, tuple(comments))
    return red, {"edits": len(edits), "comments": sum(1 for c in comments if not c.parent_id),
                 "orphans": tuple(orphans), "conflicts": groups, "duplicates": duplicates(anns)}


def _overlaps(taken, k, s, e, a):
    """The proposal already tracked on overlapping words of the same paragraph, if any."""
    for tk, ts, te, ta in taken:
        if tk != k or a.new_paragraph or ta.new_paragraph:
            continue
        if (s < te and ts < e) or (s == e == ts) or (ts == te == s):
            return ta
    return None


def _be(date: str) -> str:
    from .thaidate import to_be_long

    try:
        return to_be_long(date[:10]) if date else "ไม่ระบุ"
    except ValueError:
        return date


def committee(base: Version, new: Version, imported, *, author: str = "policydiff", date: Optional[str] = None,
              editor_dispositions: Sequence = (), round_from: str = "", round_to: str = "", progress=None):
    """The committee package: redline BASE → NEW, comments on NEW's words, disposition table."""
    from .core import disposition as disp
    from .core.annotations import COMMENT, PROPOSAL, reanchor_all
    from .core.overlay import Edit, Locator, add_comments, attribute
    red = redline(base, new, author=author, date=date)
    anns = in_document_order(imported.annotations, base)
    placed = reanchor_all(anns, base.clauses, new.clauses)
    base_loc = Locator(*base.outline)
    new_loc = Locator(*new.outline)
    decided = {d.key: d for d in editor_dispositions if d.key}
    rows, credits, comments, spans, orphans = [], [], [], [], []
    for n, p in enumerate(progress(placed) if progress else placed, 1):
        a = p.annotation
        result, reason = disp.suggest(p, new.clauses[p.clause].text if p.clause is not None else None)
        if a.id in decided and decided[a.id].result:
            result, reason = decided[a.id].result, decided[a.id].reason or reason
        rows.append((n, a, result, reason, p.status))
        if a.kind == PROPOSAL and result in (disp.ACCEPTED, disp.PARTLY):
            where = base_loc.locate(a.anchor.clause, a.anchor.start, a.anchor.end) if a.anchor.clause else None
            if where:
                credits.append(Edit(where[0], where[1], where[2], a.text, a.division, a.date, a.new_paragraph))
        if a.kind != COMMENT:
            continue
        where = _comment_place(p, base_loc, new_loc)
        if not where:
            orphans.append(a)
            continue
        first = len(comments)
        comments.extend(_comment_values(a))
        spans.extend(w + (ci,) for ci in range(first, len(comments)) for w in where)
    red = attribute(red, credits)
    red = add_comments(red, spans, tuple(comments))
    return red, rows, placed, orphans


def in_document_order(annotations, base: Version) -> list:
    """Annotations in the order of the words they concern in the base draft (orphans last)."""
    order = {c.path: i for i, c in enumerate(base.clauses)}
    return sorted(annotations, key=lambda a: (order.get(a.anchor.clause, len(order)), a.anchor.start))


def _comment_place(p, base_loc, new_loc) -> list:
    """[("new"|"old", paragraph, start, end)] where a re-anchored comment goes in the redline."""
    a = p.annotation
    if p.status in ("anchored", "moved", "fuzzy") and p.clause is not None:
        return [("new",) + w for w in new_loc.spans_index(p.clause, p.start, p.end)]
    if p.status == "deleted" and a.anchor.clause:
        return [("old",) + w for w in base_loc.spans(a.anchor.clause, a.anchor.start, a.anchor.end)]
    return []


RESULT_TH = {"accepted": "รับ", "partly accepted": "รับบางส่วน", "not accepted": "ไม่รับ", "noted": "รับทราบ", "": ""}
KIND_TH = {"comment": "ความเห็น", "proposal": "ข้อเสนอแก้ไข"}


def change_counts(base: Version, new: Version) -> dict:
    """Clauses changed / added / deleted / moved / renumbered between two versions."""
    from .core.align import align

    counts = {"edited": 0, "inserted": 0, "deleted": 0, "moved": 0, "renumbered": 0}
    for m in align(base.clauses, new.clauses):
        if m.status in counts:
            counts[m.status] += 1
        if m.renumbered:
            counts["renumbered"] += 1
    return counts


def _quote(text: str, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def package_blocks(red, base: Version, new: Version, rows, orphans, *, round_from: str, round_to: str,
                   counts: dict):
    """The redline with the cover page before it and the disposition table after it."""
    from dataclasses import replace as _replace

    from .core.labels import to_thai
    from .docx import committee as pages

    sect = pages.section_break(pages.body_section(new.package))
    per_division = {}
    for _, a, _, _, _ in rows:
        per_division[a.division] = per_division.get(a.division, 0) + 1
    results = {}
    for _, _, result, _, _ in rows:
        results[result] = results.get(result, 0) + 1
    title = new.doc.meta.title or (new.clauses[0].text if new.clauses else "ร่างนโยบาย")
    lines = [
        ("ร่างเดิม", f"{Path(base.path).name} ({_be(base.doc.meta.modified or base.doc.meta.created)})"),
        ("ร่างที่แก้ไข", f"{Path(new.path).name} ({_be(new.doc.meta.modified or new.doc.meta.created)})"),
        ("ช่วงเวลารับฟังความเห็น", f"{_be(round_from)} ถึง {_be(round_to)}" if round_from or round_to else "ไม่ระบุ"),
    ]
    summary = [to_thai(line) for line in (
        f"ข้อที่แก้ไขถ้อยคำ {counts['edited']} ข้อ, เพิ่มใหม่ {counts['inserted']} ข้อ, ตัดออก {counts['deleted']} ข้อ, "
        f"ย้ายตำแหน่ง {counts['moved']} ข้อ, เปลี่ยนเลขข้อ {counts['renumbered']} ข้อ",
        "ความเห็นและข้อเสนอแยกตามหน่วยงาน: " + (", ".join(f"{d} {n} รายการ" for d, n in sorted(per_division.items()))
                                              or "ไม่มี"),
        "ผลการพิจารณา: " + (", ".join(f"{RESULT_TH.get(r, r)} {n} รายการ" for r, n in sorted(results.items()))
                            or "ไม่มี"),
    )]
    table_rows = [
        (to_thai(str(n)), a.division, a.clause or "-", f"{KIND_TH[a.kind]}: {_quote(a.text, 600)}"
         + (f" (ข้อความเดิม: “{_quote(a.quote, 120)}”)" if a.quote and a.kind == "proposal" else "")
         + (f" เหตุผล: {_quote(a.note, 400)}" if a.note else ""),
         RESULT_TH.get(result, result), reason)
        for n, a, result, reason, _ in rows
    ]
    table = pages.table(("ลำดับ", "หน่วยงาน", "ข้อ", "ความเห็น / ข้อเสนอ", "ผลการพิจารณา", "เหตุผล"), table_rows,
                        (950, 2250, 1500, 5200, 1400, 2200))
    orphan_lines = [f"{a.division} ({a.clause or 'ไม่ระบุข้อ'}): {_quote(a.text)}" for a in orphans]
    cover = pages.cover(title, lines, summary, sect)
    appendix = [pages.para("", sect=sect)] + pages.appendix("ตารางสรุปผลการพิจารณาความเห็น", table, orphan_lines,
                                                            sect_first=True)
    return _replace(red, blocks=tuple(cover) + tuple(red.blocks) + tuple(appendix), landscape_tail=True)


def disposition_rows(rows) -> list:
    """The table's rows as forms.dispositions.Disposition values (for --write-dispositions)."""
    from .forms.dispositions import Disposition

    return [Disposition(number=n, division=a.division, clause=a.clause, kind=a.kind, text=a.text, result=result,
                        reason=reason, key=a.id) for n, a, result, reason, _ in rows]


@dataclass(frozen=True)
class Landing:
    """Where an annotation landed on a later version (for reports)."""

    status: str
    score: float
    new_label: Optional[str]
    start: Optional[int]
    end: Optional[int]


def reanchored(base: Version, new: Version, annotations) -> dict:
    """{annotation id: Landing} for every annotation re-anchored onto ``new`` (offsets in the
    clause's text as a person reads it)."""
    from .core.annotations import reanchor_all

    out = {}
    for p in reanchor_all(annotations, base.clauses, new.clauses):
        c = new.clauses[p.clause] if p.clause is not None else None
        start, end = (visible_offset(c.text, p.start), visible_offset(c.text, p.end)) if c else (p.start, p.end)
        out[p.annotation.id] = Landing(p.status, p.score, (c.label or c.path) if c else None, start, end)
    return out
