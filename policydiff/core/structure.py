"""Clause tree of a policy document: which paragraphs form which หมวด, ส่วน, ข้อ, (๑), (ก)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from .labels import RANKS, parse_label, path_word, to_thai, unique_name
from .model import Clause, Document, Paragraph, Table

_CLOSING_OPENERS = ("ประกาศ ณ วันที่", "สั่ง ณ วันที่", "ให้ไว้ ณ วันที่")
# A title's further lines: "ประกาศ…" / "เรื่อง …", "ระเบียบ…" / "ว่าด้วย…", "(ฉบับที่ ๒)", "พ.ศ. ๒๕๕๒".
_TITLE_GOES_ON = ("เรื่อง", "ว่าด้วย", "(ฉบับที่", "พ.ศ.")
_TOP = {"title": "ชื่อเรื่อง", "preamble": "อารัมภบท", "closing": "ท้ายประกาศ"}


@dataclass(eq=False)
class _Open:
    kind: str
    label: str
    number: str
    path: str
    level: int
    parent: Optional[int]
    blocks: List[int] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)
    body: List[str] = field(default_factory=list)
    idx: int = -1


@dataclass(frozen=True)
class Place:
    """Where a paragraph's text sits in its clause: clause index and the offset of its text's start.

    A character at offset ``o`` of ``Paragraph.text`` is at ``start + o`` of ``Clause.text``
    (valid between ``lo`` and ``hi``, the paragraph's stripped extent in the clause text).
    """

    clause: int
    start: int
    lo: int
    hi: int


def outline(doc: Document) -> tuple:
    """Return the document's clauses in document order."""
    return _Builder().build(doc)


def display_label(clauses, ci: int) -> str:
    """The label a reader cites: "ข้อ ๑๖ (๓)" for an item, the clause's own label otherwise.

    Unlabelled parts (title, preamble, tables) are cited by their path.
    """
    c = clauses[ci]
    if c.kind == "table":
        # A table belongs to the clause it follows; people cite that clause.
        return display_label(clauses, c.parent) if c.parent is not None else f"ตาราง {to_thai(c.number)}"
    if not c.label:
        return c.path
    parts = [c.label]
    parent = c.parent
    while parent is not None and clauses[parent].kind in ("clause", "item", "subitem") and c.kind in ("item", "subitem"):
        parts.append(clauses[parent].label)
        if clauses[parent].kind == "clause":
            break
        c, parent = clauses[parent], clauses[parent].parent
    return " ".join(reversed(parts))


def outline_places(doc: Document):
    """Return (clauses, places): places[k] is the Place of the k-th paragraph (tables' included)."""
    b = _Builder()
    clauses = b.build(doc)
    return clauses, tuple(b.places)


class _Builder:
    def __init__(self):
        self.clauses: List[_Open] = []
        self.stack: List[int] = []  # indices of open labelled clauses, outermost first
        self.tables = 0
        self.closing = False
        self.paths = set()
        self.places: List[Optional[Place]] = []

    def build(self, doc: Document) -> tuple:
        for i, block in enumerate(doc.blocks):
            if isinstance(block, Table):
                self._table(i, block)
            else:
                self._paragraph(i, block)
        return tuple(self._freeze(c) for c in self.clauses)

    def _paragraph(self, i: int, p: Paragraph) -> None:
        self.para = p
        shown = p.shown.strip()
        if not shown:
            self.places.append(None)
            if self.clauses:
                self.clauses[-1].blocks.append(i)
            return
        label = None if self.closing else parse_label(shown)
        if label is not None:
            self._open_labelled(i, shown, label)
        elif not self.clauses:
            self._open_top(i, "title", shown)
        elif shown.startswith(_CLOSING_OPENERS):
            self.closing = True
            self.stack = []
            self._open_top(i, "closing", shown)
        elif self.clauses[-1].kind == "title" and not self.stack and shown.startswith(_TITLE_GOES_ON):
            self._append(self.clauses[-1], i, shown, shown)
        elif self.clauses[-1].kind == "title" and not self.stack:
            self._open_top(i, "preamble", shown)
        else:
            self._append(self._current(), i, shown, shown)

    def _current(self) -> _Open:
        # Unnumbered paragraphs (วรรค) belong to the innermost open clause, else the last block.
        return self.clauses[self.stack[-1]] if self.stack else self.clauses[-1]

    def _append(self, c: _Open, i: int, shown: str, body: str) -> None:
        c.blocks.append(i)
        self._place(c, self.para, shown)
        c.texts.append(shown)
        c.body.append(body)

    def _place(self, c: _Open, p: Paragraph, stripped: str) -> None:
        at = sum(len(t) + 1 for t in c.texts)
        full = p.shown
        lead = len(full) - len(full.lstrip())
        label = len(p.label) + 1 if p.label else 0
        self.places.append(Place(c.idx, at - lead + label, at, at + len(stripped)))

    def _open_top(self, i: int, kind: str, shown: str) -> None:
        self._add(_Open(kind, "", "", self._unique(_TOP[kind]), 0, None))
        self._append(self.clauses[-1], i, shown, shown)

    def _open_labelled(self, i: int, shown: str, label) -> None:
        rank = RANKS[label.kind]
        while self.stack and RANKS[self.clauses[self.stack[-1]].kind] >= rank:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        word = path_word(label.kind, label.number)
        path = f"{self.clauses[parent].path}/{word}" if parent is not None else word
        self._add(_Open(label.kind, label.label, label.number, self._unique(path), len(self.stack), parent))
        self.stack.append(len(self.clauses) - 1)
        self._append(self.clauses[-1], i, shown, label.rest)

    def _table(self, i: int, t: Table) -> None:
        self.tables += 1
        parent = self.stack[-1] if self.stack else None
        word = f"ตาราง {self.tables}"
        path = f"{self.clauses[parent].path}/{word}" if parent is not None else word
        c = self._add(_Open("table", "", str(self.tables), self._unique(path), len(self.stack), parent, [i]))
        for p in t.paragraphs():
            shown = p.shown.strip()
            if not shown:
                self.places.append(None)
                continue
            self._place(c, p, shown)
            c.texts.append(shown)
            c.body.append(shown)

    def _add(self, c: _Open) -> _Open:
        c.idx = len(self.clauses)
        self.clauses.append(c)
        return c

    def _unique(self, path: str) -> str:
        # Malformed drafts repeat numbers; keep paths unique so they can serve as identities.
        return unique_name(path, self.paths, "#")

    @staticmethod
    def _freeze(c: _Open) -> Clause:
        return Clause(
            kind=c.kind, label=c.label, number=c.number, path=c.path, blocks=tuple(c.blocks),
            # A heading alone on its line ("หมวด ๑", its name below): the body starts at the name.
            text="\n".join(c.texts), body="\n".join(c.body).lstrip("\n"), level=c.level, parent=c.parent,
        )
