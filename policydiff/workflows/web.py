"""The redline as a web page: the HTML writer (``policydiff.html``) fed with what the drafts
hold — automatic labels, clause anchors, pictures, notes and the stories that changed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Dict, List, Optional, Sequence, Tuple

from ..core.align import align
from ..core.diff import word_diff
from ..core.labels import to_thai
from ..core.redline import DEL, INS, KEEP, Piece, Revision, RPara, Redline, diff_blocks
from ..core.structure import display_label
from ..docx.media import image_uris
from ..docx.stories import story_texts
from ..html import page
from ..html.redline import NOTE_IDS, Card, Context, Side, render_blocks
from ..html.text import Ids, anchor_id, esc
from .collector import collector_paused
from .compare import story_changes
from .drafts import Version, be_date, draft_name

OLD_PREFIX = "เดิม-"
_STATUS_TH = {"edited": "แก้ไข", "inserted": "เพิ่ม", "deleted": "ตัด", "moved": "ย้าย", "unchanged": "เปลี่ยนเลขข้อ"}
_STORY_WORDS = (("footnote", "เชิงอรรถ"), ("endnote", "อ้างอิงท้ายเรื่อง"), ("text box", "กล่องข้อความ"),
                ("header", "หัวกระดาษ"), ("footer", "ท้ายกระดาษ"), ("first page", "หน้าแรก"),
                ("default", "ทุกหน้า"), ("even page", "หน้าคู่"), ("section", "ส่วนที่"))


def clause_anchor(clauses, ci: int) -> str:
    """The anchor a clause is cited by on a page: ``ข้อ-๕``, ``ข้อ-๑๗-(๓)``, ``ตาราง-๑``."""
    c = clauses[ci]
    label = to_thai(f"ตาราง {c.number}") if c.kind == "table" else display_label(clauses, ci)
    return anchor_id(label)


def side(v: Version, ids: Ids, prefix: str = "") -> Tuple[Side, Dict[int, str]]:
    """One draft's ``Side`` for the renderer, and {clause index: its anchor id}."""
    clauses, places = v.outline.clauses, v.outline.places
    first: Dict[int, int] = {}
    for k, place in enumerate(places):
        if place is not None:
            first.setdefault(place.clause, k)
    by_clause = {ci: ids(prefix + clause_anchor(clauses, ci)) for ci in sorted(first)}
    anchors = {first[ci]: [a] for ci, a in by_clause.items()}
    kinds = {k: clauses[p.clause].kind for k, p in enumerate(places) if p is not None}
    return Side([p.label for p in v.doc.paragraphs()], anchors, kinds), by_clause


def story_name(name: str) -> str:
    """``header (first page), section 1`` in Thai: ``หัวกระดาษ (หน้าแรก), ส่วนที่ ๑``."""
    for en, th in _STORY_WORDS:
        name = name.replace(en, th)
    return to_thai(name)


def _changes(old: Version, new: Version) -> List[dict]:
    """The clauses that changed (renumbered ones too), as the summary lists them: status, the
    clause indices on each side, the labels a reader cites."""
    out = []
    for m in align(old.clauses, new.clauses):
        if m.status == "unchanged" and not m.renumbered:
            continue
        out.append({"status": m.status, "renumbered": m.renumbered, "old": m.old, "new": m.new,
                    "old_ref": display_label(old.clauses, m.old) if m.old is not None else None,
                    "new_ref": display_label(new.clauses, m.new) if m.new is not None else None})
    return out


def _summary(changes: Sequence[dict], links: Tuple[dict, dict], order: dict) -> str:
    counts = {s: sum(1 for c in changes if c["status"] == s) for s in ("edited", "inserted", "deleted", "moved")}
    line = " · ".join(f"{_STATUS_TH[s]} {n}" + (" ข้อ" if s == "edited" else "") for s, n in counts.items())
    renumbered = sum(1 for c in changes if c["renumbered"])
    line += f" · เปลี่ยนเลขข้อ {renumbered}" if renumbered else ""
    items = [_summary_item(c, links, order) for c in changes]
    return (f'<section class="summary" aria-label="สรุปการแก้ไข"><div class="counts">{esc(to_thai(line))}</div>'
            f'<ul>{"".join(items)}</ul></section>\n')


def _target(c: dict, links: Tuple[dict, dict], order: dict) -> Optional[str]:
    """Where a change's link goes: the clause's anchor, old or new, that comes first on the page
    (an edit that cuts a clause's first paragraph is above the new clause's first one)."""
    found = [links[1].get(c["new"]), links[0].get(c["old"])]
    found = [t for t in found if t in order]
    return min(found, key=lambda t: order[t]) if found else None


def _summary_item(c: dict, links: Tuple[dict, dict], order: dict) -> str:
    old = c["status"] == "deleted"
    target = _target(c, links, order)
    ref = c["old_ref"] if old else c["new_ref"]
    what = _STATUS_TH[c["status"]]
    if c["status"] == "moved" or c["renumbered"]:
        what += f" (เดิม {c['old_ref']})"
    label = f'<a href="#{esc(target)}">{esc(ref)}</a>' if target else esc(ref)
    return f'<li data-status="{esc(c["status"])}">{label} {esc(what)}</li>'


def _story_para(ops, ctx: Context, red) -> str:
    pieces = tuple(Piece({"=": KEEP, "+": INS, "-": DEL}[op], text) for op, text in ops if text)
    return "".join(render_blocks(red, [RPara(pieces)], ctx))


def _notes_html(old: Version, new: Version, ctx: Context) -> str:
    """The notes of the new draft (changed ones marked), then the headers, footers and boxes
    that changed (all of them when ``old`` is ``new``: a draft read on its own)."""
    (a, a_objs), (b, b_objs) = story_texts(old.package, old.doc), story_texts(new.package, new.doc)
    red = SimpleNamespace(objects={**a_objs, **b_objs}, old_objects={**b_objs, **a_objs})
    ctx.media.update(image_uris(red.objects, old.package, new.package))
    raw = ({n: t for stories in a.values() for n, t in stories}, {n: t for stories in b.values() for n, t in stories})
    changed = {c["new_ref"] or c["old_ref"]: c for c in story_changes(old, new)} if old is not new else {}
    out = [_notes_section(kind, title, b, raw, changed, ctx, red)
           for kind, title in (("footnote", "เชิงอรรถ"), ("endnote", "อ้างอิงท้ายเรื่อง"))]
    if old is new:
        return "".join(out) + _stories_section("หัวกระดาษและท้ายกระดาษ", [
            (story_name(name), [("=", text)]) for name, text in b["section"] + b["text box"]], ctx, red)
    others = [c for c in changed.values() if not c["story"].startswith(("footnote", "endnote"))]
    return "".join(out) + _stories_section("หัวกระดาษ ท้ายกระดาษ และส่วนอื่นที่เปลี่ยน", [
        (f'{story_name(c["story"])} ({_STATUS_TH[c["status"]]})',
         word_diff(raw[0].get(c["old_ref"]) or "", raw[1].get(c["new_ref"]) or "")) for c in others], ctx, red)


def _notes_section(kind, title, b, raw, changed, ctx, red) -> str:
    items = [_note_item(kind, k, name, *raw, changed, ctx, red) for k, (name, _) in enumerate(b[kind], 1)]
    items += [f'<li>{_story_para([("-", raw[0].get(c["old_ref"], ""))], ctx, red)}</li>'
              for c in changed.values() if c["story"].startswith(kind) and c["status"] == "deleted"]
    return f'<section class="notes"><h2>{title}</h2><ol>{"".join(items)}</ol></section>\n' if items else ""


def _stories_section(title: str, stories, ctx, red) -> str:
    """[(heading, word diff ops)] of stories as a section (nothing when there are none)."""
    if not stories:
        return ""
    rows = "".join(f"<h3>{esc(name)}</h3>" + _story_para(ops, ctx, red) for name, ops in stories)
    return f'<section class="stories"><h2>{esc(title)}</h2>{rows}</section>\n'


def _note_item(kind, k, name, raw_a, raw_b, changed, ctx, red) -> str:
    c = changed.get(name)
    ops = word_diff(raw_a.get(c["old_ref"]) or "", raw_b[name]) if c else [("=", raw_b[name])]
    back = f' <a href="#อ้างอิง{NOTE_IDS[kind]}-{k}">↩</a>'
    return f'<li id="{NOTE_IDS[kind]}-{k}">{_story_para(ops, ctx, red)}{back}</li>'


def title_of(old: Version, new: Version) -> str:
    return f"เปรียบเทียบ {draft_name(old)} กับ {draft_name(new)}"


def redline_html(old: Version, new: Version, red: Redline, *, title: Optional[str] = None,
                 cards: Sequence[Optional[Card]] = (), nav: str = "", before: str = "", after: str = "") -> str:
    """The whole page of a redline OLD → NEW (comments as side cards where ``cards`` are given;
    ``before`` and ``after``: HTML around it, such as a cover and a table)."""
    with collector_paused():
        return _redline_html(old, new, red, title or title_of(old, new), cards, nav, before, after)


def _redline_html(old: Version, new: Version, red: Redline, title: str, cards, nav: str, before: str,
                  after: str) -> str:
    ids = Ids()
    new_side, new_links = side(new, ids)
    old_side, old_links = side(old, ids, OLD_PREFIX)
    cards = cards or comment_cards(red, ())  # the new draft's own Word comments, with no result
    ctx = Context(new_side, old_side, image_uris({**red.old_objects, **red.objects}, old.package, new.package),
                  tuple(cards))
    body = "\n".join(render_blocks(red, red.blocks, ctx))
    summary = _summary(_changes(old, new), (old_links, new_links), ctx.order)
    notes = _notes_html(old, new, ctx)
    return page.document(title, before + summary + page.legend()
                         + f'<article>\n{body}\n</article>\n' + notes + after, nav)


def write_html(path, text: str) -> None:
    from ..fsutil import atomic_write

    atomic_write(path, text.encode("utf-8"))


def comment_cards(red: Redline, rows) -> List[Optional[Card]]:
    """A side card for each of the redline's comments, with the suggested result of its row."""
    if not red.comments:
        return []  # and no import of the committee's pages module (0.1 s) for nothing
    from .pages import RESULT_TH

    by_id = {r.annotation.id: r for r in rows}
    cards: List[Optional[Card]] = []
    for c in red.comments:
        row = by_id.get(c.id)
        result = RESULT_TH.get(row.result, row.result) if row else ""
        cards.append(Card(c.author, be_date(c.date) if c.date else "", c.text, result, row.reason if row else "",
                          bool(c.parent_id)))
    return cards


def reading_html(v: Version, title: str, *, nav: str = "", before: str = "") -> str:
    """One draft as a readable page (no marks): clause anchors, pictures, notes."""
    with collector_paused():
        return _reading_html(v, title, nav, before)


def _reading_html(v: Version, title: str, nav: str, before: str) -> str:
    ids = Ids()
    new_side, _ = side(v, ids)
    objects = v.doc.objects()
    ctx = Context(new_side, Side(), image_uris(objects, v.package))
    red = Redline(diff_blocks(v.doc.blocks, v.doc.blocks, Revision(), at=(0, 0)), objects=objects, old_objects=objects)
    body = "\n".join(render_blocks(red, red.blocks, ctx))
    return page.document(title, before + f"<article>\n{body}\n</article>\n" + _notes_html(v, v, ctx), nav)
