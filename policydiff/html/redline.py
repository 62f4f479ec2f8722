"""A ``Redline`` as HTML: each paragraph with its changes marked (<ins>, <del>, moves linked
from → to, formatting changes), tables row by row, objects (images as data URIs, note
references linked to the notes), clause labels as anchors, and comments in a side column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from ..core import objects as objs
from ..core.redline import DEL, INS, KEEP, MOVE_FROM, MOVE_TO, REMOVALS, RPara, RTable
from .text import esc, words

_TAGS = {INS: ("ins", "", "เพิ่ม"), DEL: ("del", "", "ตัด"),
         MOVE_FROM: ("del", "move-from", "ย้ายออก"), MOVE_TO: ("ins", "move-to", "ย้ายมา")}
_BOLD = re.compile(r'<w:b(?: w:val="(?:1|true|on)")?\s*/>')
_ITALIC = re.compile(r'<w:i(?: w:val="(?:1|true|on)")?\s*/>')
NOTE_IDS = {"footnote": "เชิงอรรถ", "endnote": "อ้างอิงท้ายเรื่อง"}


@dataclass(frozen=True)
class Card:
    """A comment as its side card shows it (plain text; escaped when written)."""

    who: str
    date: str
    text: str
    result: str = ""
    reason: str = ""
    reply: bool = False


@dataclass
class Side:
    """One draft's paragraphs as the page needs them: each one's automatic label, the anchors
    that start there, and the class of the clause it belongs to (by flat paragraph index)."""

    labels: Sequence[str] = ()
    anchors: Dict[int, List[str]] = field(default_factory=dict)
    kinds: Dict[int, str] = field(default_factory=dict)


@dataclass
class Context:
    """What the renderer needs besides the redline: both sides, image data, comment cards."""

    new: Side
    old: Side
    media: Dict[str, str] = field(default_factory=dict)  # object marker -> data: URI
    cards: Sequence[Optional[Card]] = ()
    notes: Dict[str, int] = field(default_factory=dict)  # note references numbered so far, by kind
    order: Dict[str, int] = field(default_factory=dict)  # each id written: the paragraph it is on


def render_blocks(red, blocks, ctx: Context) -> List[str]:
    """The HTML of redline blocks, one string per block."""
    return [render_table(red, b, ctx) if isinstance(b, RTable) else render_para(red, b, ctx) for b in blocks]


def render_table(red, t: RTable, ctx: Context) -> str:
    rows = []
    for row in t.rows:
        cls = {INS: ' class="row-ins"', DEL: ' class="row-del"'}.get(row.op, "")
        cells = "".join(f"<td>{''.join(render_blocks(red, c.blocks, ctx))}</td>" for c in row.cells)
        rows.append(f"<tr{cls}>{cells}</tr>")
    return '<div class="wide"><table>\n' + "\n".join(rows) + "\n</table></div>"


def _ids(p: RPara, ctx: Context) -> List[str]:
    out = list(ctx.new.anchors.get(p.new_para, ())) if p.new_para is not None else []
    if p.old_para is not None:
        out += ctx.old.anchors.get(p.old_para, ())
    if p.move:
        out.append(f"{p.move[0]}-{'from' if p.mark == MOVE_FROM else 'to'}")
    return out


def _label(p: RPara, ctx: Context) -> str:
    if p.new_para is not None and p.new_para < len(ctx.new.labels) and ctx.new.labels[p.new_para]:
        return f'<span class="label">{esc(ctx.new.labels[p.new_para])}</span> '
    if p.new_para is None and p.old_para is not None and p.old_para < len(ctx.old.labels):
        label = ctx.old.labels[p.old_para]
        return f'<del class="label">{esc(label)}</del> ' if label else ""
    return ""


def _move_link(p: RPara) -> str:
    if not p.move:
        return ""
    if p.mark == MOVE_FROM:
        return f'<a class="move-link" href="#{esc(p.move[0])}-to">→ ย้ายไปที่ตำแหน่งใหม่</a>'
    return f'<a class="move-link" href="#{esc(p.move[0])}-from">← ย้ายมาจากตำแหน่งเดิม</a>'


def render_para(red, p: RPara, ctx: Context) -> str:
    ids = _ids(p, ctx)
    ctx.order.update((i, len(ctx.order)) for i in ids if i not in ctx.order)
    kind = ctx.new.kinds.get(p.new_para) if p.new_para is not None else ctx.old.kinds.get(p.old_para)
    attrs = (f' id="{esc(ids[0])}"' if ids else "") + (f' class="k-{kind}"' if kind else "")
    extra = "".join(f'<span id="{esc(i)}"></span>' for i in ids[1:])
    body, cards = _pieces(red, p, ctx)
    inner = extra + _label(p, ctx) + body + _move_link(p)
    html = f"<p{attrs}>{inner}</p>" if inner else f'<p class="empty"{attrs}></p>'
    return _with_cards(html, cards, ctx) if cards else html


def _with_cards(html: str, cards: List[int], ctx: Context) -> str:
    shown = "".join(_card(k, ctx.cards[k]) for k in cards if k < len(ctx.cards) and ctx.cards[k])
    return f'<div class="row-c"><div>{html}</div><aside class="cards">{shown}</aside></div>'


def _card(k: int, c: Card) -> str:
    result = (f'<div class="result">ผลที่เสนอ: <b>{esc(c.result)}</b> {words(c.reason)}</div>'
              if c.result else "")
    cls = "card reply" if c.reply else "card"
    return (f'<div class="{cls}" id="ความเห็น-{k + 1}"><span class="who">{esc(c.who)}</span> '
            f'<span class="date">{esc(c.date)}</span><div class="text">{words(c.text)}</div>{result}</div>')


def _cuts(p: RPara) -> Tuple[List[int], List[Tuple[int, int, int]]]:
    """The offsets where comment ranges begin or end, and each range as (start, end, comment)."""
    total = len(p.text)
    ranges = [(0 if s.start is None else s.start, total if s.end is None else s.end, s.comment) for s in p.comments]
    return sorted({a for r in ranges for a in r[:2]}), ranges


def _pieces(red, p: RPara, ctx: Context) -> Tuple[str, List[int]]:
    """The paragraph's pieces as HTML, and the comments whose cards start here."""
    if not p.comments:  # most paragraphs: no comment range to cut the pieces at
        return "".join([_piece(red, piece, piece.text, ctx) for piece in p.pieces if piece.text]), []
    cuts, ranges = _cuts(p)
    out, pos = [], 0
    for piece in p.pieces:
        for part in _split_at(piece.text, pos, cuts):
            out.append(_commented(_piece(red, piece, part, ctx), pos, ranges))
            pos += len(part)
    cards = [s.comment for s in p.comments if s.start is not None]
    return "".join(out), cards


def _split_at(text: str, pos: int, cuts: Sequence[int]) -> List[str]:
    inside = [c - pos for c in cuts if pos < c < pos + len(text)]
    bounds = [0] + inside + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _commented(html: str, pos: int, ranges) -> str:
    on = [c for s, e, c in ranges if s <= pos < e]
    if not on:
        return html
    refs = " ".join(f"ความเห็น-{c + 1}" for c in on)
    return f'<span class="commented" data-comments="{esc(refs)}">{html}</span>'


def _piece(red, piece, text: str, ctx: Context) -> str:
    removed = piece.op in REMOVALS
    if objs.MARKER in text:
        inner = "".join(_object(red, part, removed, ctx) if objs.is_marker(part) else words(part)
                        for part in objs.split(text))
    else:
        inner = words(text)
    if piece.props:
        inner = _styled(inner, piece.props)
    if piece.op == KEEP:
        if piece.old_props is not None:
            return f'<span class="fmt" title="เปลี่ยนรูปแบบ">{inner}</span>'
        return inner
    tag, cls, verb = _TAGS[piece.op]
    title = f"{verb}: {piece.author}" if piece.author else verb
    cls_attr = f' class="{cls}"' if cls else ""
    return f'<{tag}{cls_attr} title="{esc(title)}">{inner}</{tag}>'


def _styled(inner: str, props: str) -> str:
    bold, italic = _style_of(props)
    if bold:
        inner = f"<strong>{inner}</strong>"
    if italic:
        inner = f"<em>{inner}</em>"
    return inner


@lru_cache(maxsize=1024)
def _style_of(props: str) -> Tuple[bool, bool]:
    """(bold, italic) of a run's properties; a draft has few distinct ones."""
    return bool(_BOLD.search(props)), bool(_ITALIC.search(props))


def _object(red, marker: str, removed: bool, ctx: Context) -> str:
    obj = (red.old_objects if removed else red.objects).get(marker) or red.objects.get(marker)
    kind = obj.kind if obj is not None else "other"
    if kind == "image":
        uri = ctx.media.get(marker)
        return f'<img class="inline" src="{esc(uri)}" alt="ภาพ">' if uri else '<span class="obj">[ภาพ]</span>'
    if kind in NOTE_IDS:
        return _note_ref(kind, removed, ctx)
    if kind == "break":
        return "<br>"
    if kind == "tab":
        return "\u2003"
    return esc(obj.shown) if obj is not None else ""


def _note_ref(kind: str, removed: bool, ctx: Context) -> str:
    if removed:
        return f'<span class="noteref">[{esc(objs.THAI_NAMES[kind])}]</span>'
    n = ctx.notes[kind] = ctx.notes.get(kind, 0) + 1
    return f'<a class="noteref" href="#{NOTE_IDS[kind]}-{n}" id="อ้างอิง{NOTE_IDS[kind]}-{n}">{n}</a>'
