"""The pure document model between reader and writer: frozen records, no XML.

A ``Document`` is a sequence of blocks (``Paragraph`` or ``Table``) exactly as the .docx
has them, with tracked changes already in the file kept as ``Change`` values on runs and
paragraph marks (pandoc's ``--track-changes=all``). ``Document.view("accept"|"reject")``
gives the plain text view a person would see after accepting or rejecting them.
Clauses (``Clause``) are computed from the blocks by ``core.structure``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Optional, Tuple, Union

from .labels import parse_label
from .objects import Obj, Wrap

NOTE_KINDS = ("footnote", "endnote")  # objects.Obj kinds of note references
STORY_KINDS = NOTE_KINDS + ("textbox",)  # objects that hold a story of their own
INSERT = "ins"
DELETE = "del"
MOVE_FROM = "moveFrom"
MOVE_TO = "moveTo"
_REMOVED_ON_ACCEPT = (DELETE, MOVE_FROM)
_REMOVED_ON_REJECT = (INSERT, MOVE_TO)


@dataclass(frozen=True)
class Change:
    """A revision already present in a file: who, when, and what kind."""

    kind: str  # INSERT, DELETE, MOVE_FROM, MOVE_TO
    author: str = ""
    date: str = ""  # ISO 8601 as written in the file, or ""
    id: str = ""


@dataclass(frozen=True)
class Format:
    """The run formatting a redline compares (w:rPrChange is written when it differs)."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    size: Optional[int] = None  # half-points, from w:szCs (Thai) or w:sz


PLAIN = Format()


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting; ``props`` is the opaque w:rPr the writer reuses."""

    text: str
    fmt: Format = PLAIN
    props: str = ""
    change: Optional[Change] = None
    old_fmt: Optional[Format] = None  # set when the file has a w:rPrChange
    old_props: Optional[str] = None
    obj: Optional[Obj] = None  # an object run: ``text`` is the object's marker (core.objects)
    wrap: Tuple[Wrap, ...] = ()  # the hyperlinks, fields, content controls around the run


@dataclass(frozen=True)
class CommentMark:
    """Where a Word comment's range starts or ends, between runs (zero width)."""

    kind: str  # "start" | "end"
    id: str


Inline = Union[Run, CommentMark]


@dataclass(frozen=True)
class Paragraph:
    """One w:p: its runs and comment marks, style, automatic-numbering label, opaque w:pPr."""

    runs: Tuple[Inline, ...] = ()
    style: str = ""
    label: str = ""  # label rendered from numbering.xml ("ข้อ ๕"); "" when none
    props: str = ""
    mark_change: Optional[Change] = None  # inserted/deleted paragraph mark
    num: Optional[Tuple[str, int]] = None  # (numId, ilvl) when automatically numbered
    # A w:pPrChange in the file: the style and numbering the paragraph had before (reject view).
    old_style: Optional[str] = None
    old_num: Optional[Tuple[str, int]] = None
    has_prop_change: bool = False
    block_wrap: Tuple[Wrap, ...] = ()  # block-level content controls around the paragraph

    # Derived from the fields above when the paragraph is made (also by dataclasses.replace).
    text: str = field(init=False, compare=False, repr=False)  # all runs' text, deleted ones too
    text_runs: Tuple[Run, ...] = field(init=False, compare=False, repr=False)
    shown: str = field(init=False, compare=False, repr=False)  # as a reader sees it: label, space, text
    tracked: bool = field(init=False, compare=False, repr=False)  # touched by a tracked change
    # Kind and wording without the clause label: what a paragraph shares with its other
    # versions, however renumbered.
    key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        text_runs = tuple(r for r in self.runs if isinstance(r, Run))
        text = "".join(r.text for r in text_runs)
        shown = f"{self.label} {text}" if self.label else text
        tracked = (self.mark_change is not None or self.has_prop_change or self.old_style is not None
                   or self.old_num is not None or any(r.change is not None or r.old_fmt is not None
                                                      for r in text_runs))
        for name, value in (("text", text), ("text_runs", text_runs), ("shown", shown), ("tracked", tracked),
                            ("key", _key_of(shown))):
            object.__setattr__(self, name, value)  # the frozen dataclass's own way to set derived fields


@lru_cache(maxsize=1 << 16)
def _key_of(shown: str) -> str:
    """``Paragraph.key`` of a paragraph shown as ``shown``: once per wording, though a redline's
    two drafts hold most paragraphs twice, as distinct objects."""
    label = parse_label(shown)
    return f"{label.kind}:{label.rest}" if label else "p:" + shown


@dataclass(frozen=True)
class Cell:
    blocks: Tuple["Block", ...] = ()
    props: str = ""
    wrap: Optional[Wrap] = None  # a cell-level content control (w:tr/w:sdt/w:tc)


@dataclass(frozen=True)
class Row:
    cells: Tuple[Cell, ...] = ()
    props: str = ""
    change: Optional[Change] = None  # inserted/deleted table row
    wrap: Optional[Wrap] = None  # a row-level content control (w:tbl/w:sdt/w:tr)


@dataclass(frozen=True)
class Table:
    rows: Tuple[Row, ...] = ()
    props: str = ""  # opaque w:tblPr + w:tblGrid
    block_wrap: Tuple[Wrap, ...] = ()  # block-level content controls around the table

    def paragraphs(self) -> Tuple[Paragraph, ...]:
        """The cells' paragraphs in row order (nested tables flattened)."""
        out = []
        for row in self.rows:
            for cell in row.cells:
                out.extend(iter_paragraphs(cell.blocks))
        return tuple(out)


Block = Union[Paragraph, Table]


@dataclass(frozen=True)
class Comment:
    """A Word comment as stored in comments.xml."""

    id: str
    author: str = ""
    initials: str = ""
    date: str = ""
    text: str = ""
    parent_id: str = ""  # a reply's parent comment id
    done: bool = False


@dataclass(frozen=True)
class Meta:
    title: str = ""
    author: str = ""
    created: str = ""
    modified: str = ""
    subject: str = ""  # where drafting offices often name the draft ("ร่างที่ ๒")


@dataclass(frozen=True)
class Document:
    blocks: Tuple[Block, ...] = ()
    comments: Tuple[Comment, ...] = ()
    meta: Meta = field(default_factory=Meta)
    warnings: Tuple[str, ...] = ()
    source: str = ""

    def paragraphs(self) -> Tuple[Paragraph, ...]:
        return tuple(iter_paragraphs(self.blocks))

    def objects(self) -> dict:
        """{marker: Obj} of every object in the document's paragraphs."""
        return {r.obj.marker: r.obj for p in self.paragraphs() for r in p.text_runs if r.obj is not None}

    def story_objects(self) -> tuple:
        """The note references and text boxes (objects.Obj) of the document, in order."""
        return tuple(r.obj for p in self.paragraphs() for r in p.text_runs
                     if r.obj is not None and r.obj.kind in STORY_KINDS)

    def view(self, which: str = "accept") -> "Document":
        """The document with tracked changes accepted ("accept") or rejected ("reject")."""
        if which not in ("accept", "reject"):
            raise ValueError(f"unknown view {which!r}")
        return replace(self, blocks=_view_blocks(self.blocks, which))

    @property
    def has_changes(self) -> bool:
        return any(
            p.mark_change or any(r.change or r.old_fmt for r in p.text_runs)
            for p in self.paragraphs()
        ) or any(_rows_changed(b) for b in self.blocks if isinstance(b, Table))


def iter_paragraphs(blocks):
    """Yield every paragraph in ``blocks``, descending into table cells in row order."""
    for b in blocks:
        if isinstance(b, Paragraph):
            yield b
        else:
            yield from b.paragraphs()


def _rows_changed(table: Table) -> bool:
    return any(r.change for r in table.rows)


def _drop(change: Optional[Change], which: str) -> bool:
    if change is None:
        return False
    return change.kind in (_REMOVED_ON_ACCEPT if which == "accept" else _REMOVED_ON_REJECT)


def _view_run(run: Run, which: str) -> Run:
    if which == "reject" and run.old_fmt is not None:
        return Run(run.text, run.old_fmt, run.old_props or "", obj=run.obj, wrap=run.wrap)
    return Run(run.text, run.fmt, run.props, obj=run.obj, wrap=run.wrap)


def _view_paragraph(p: Paragraph, which: str) -> Paragraph:
    if not p.tracked:
        return p  # nothing to accept or reject: the same (immutable) paragraph
    runs = tuple(
        _view_run(r, which) if isinstance(r, Run) else r
        for r in p.runs
        if not (isinstance(r, Run) and _drop(r.change, which))
    )
    if which == "reject" and p.has_prop_change:
        return replace(p, runs=runs, mark_change=None, style=p.old_style or "", num=p.old_num,
                       has_prop_change=False, old_style=None, old_num=None)
    return replace(p, runs=runs, mark_change=None, has_prop_change=False, old_style=None, old_num=None)


def _join(a: Paragraph, b: Paragraph) -> Paragraph:
    # A removed paragraph mark joins the paragraph with the next; paragraph properties live in
    # the mark, so the joined paragraph has the next paragraph's properties (as in Word).
    return replace(b, runs=a.runs + b.runs)


def _view_blocks(blocks, which):
    out = []
    pending = None  # paragraph whose mark was removed, waiting to be joined with the next
    for b in blocks:
        if isinstance(b, Table):
            rows = tuple(
                replace(r, cells=tuple(replace(c, blocks=_view_blocks(c.blocks, which)) for c in r.cells), change=None)
                for r in b.rows
                if not _drop(r.change, which)
            )
            if pending is not None:  # a mark does not join across a table, even one this view removes
                out.append(_view_paragraph(pending, which))
                pending = None
            if rows:
                out.append(replace(b, rows=rows))
            continue
        cur = b if pending is None else _join(pending, b)
        pending = None
        if _drop(cur.mark_change, which):
            pending = cur
        else:
            out.append(_view_paragraph(cur, which))
    if pending is not None:
        out.append(_view_paragraph(pending, which))
    return tuple(out)


@dataclass(frozen=True)
class Clause:
    """A structural unit of a policy: title, preamble, chapter, part, clause, item, sub-item, table.

    ``blocks`` are indices into ``Document.blocks``; unnumbered paragraphs (วรรค) that follow
    a numbered one belong to it. ``number`` is normalized (Thai digits → Arabic, "5/1" for an
    inserted ข้อ ๕/๑). ``path`` joins the ancestors' kind words and numbers ("หมวด 2/ข้อ 7/(3)").
    """

    kind: str
    label: str
    number: str
    path: str
    blocks: Tuple[int, ...]
    text: str  # the clause's own paragraphs as shown, joined by "\n"
    body: str = ""  # ``text`` without the leading label
    level: int = 0  # depth in the tree (0 = top)
    parent: Optional[int] = None  # index of the parent clause in the outline
