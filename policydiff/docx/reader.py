"""Read a .docx into the pure model: blocks, runs with formatting, tracked changes, comments."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace
from typing import List, Optional

from lxml import etree

from ..core.model import DELETE, INSERT, MOVE_FROM, MOVE_TO, Comment, Document, Meta, Paragraph
from ..errors import UnsafeDocumentError
from . import fastpaths, known
from .ns import qn
from .bodyreader import BodyReader
from .numbering import Numbering
from .objects import ObjectReader
from ..i18n import N_, _

_CHANGE_TAGS = {qn("w:ins"): INSERT, qn("w:del"): DELETE, qn("w:moveFrom"): MOVE_FROM, qn("w:moveTo"): MOVE_TO}
_P, _R, _TBL, _CUSTOM_XML = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:customXml")
_COMMENT_START, _COMMENT_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
_VAL, _ID, _AUTHOR, _DATE, _NAME = qn("w:val"), qn("w:id"), qn("w:author"), qn("w:date"), qn("w:name")
_BODY, _SECT_PR = qn("w:body"), qn("w:sectPr")
VIEWS = ("accept", "reject", "all")


_REVISION_TAGS = tuple(_CHANGE_TAGS)
_MOVE_RANGES = (qn("w:moveFromRangeStart"), qn("w:moveToRangeStart"))
_SHOWN_IDS = 5


def markup_warnings(body, comments: tuple) -> List[str]:
    """Warnings about revision and comment markup Word would not write: repeated ids, half moves."""
    if body is None:
        return []
    ids: Counter = Counter()
    kinds: Counter = Counter()
    names = {tag: set() for tag in _MOVE_RANGES}
    marked = set()
    # These tags are rare, so walking the tree is the cost: walk it once for all of them.
    for el in body.iter(*_REVISION_TAGS, *_MOVE_RANGES, _COMMENT_START, _COMMENT_END):
        tag = el.tag
        if tag in _CHANGE_TAGS:
            ids[el.get(_ID, "")] += 1
            kinds[tag] += 1
        elif tag in names:
            names[tag].add(el.get(_NAME, ""))
        else:
            marked.add(el.get(_ID, ""))
    out = []
    repeated = [i for i, n in ids.items() if n > 1 and i]
    if repeated:
        out.append(_("duplicate revision ids ({ids}) on different tracked changes; each is read as its own change "
                     "(ids are renumbered when written)").format(ids=_ids(repeated)))
    out.extend(_move_warnings(kinds, names))
    out.extend(_comment_id_warnings(marked, comments))
    return out


def _ids(values) -> str:
    shown = ", ".join(sorted(values, key=lambda v: (len(v), v))[:_SHOWN_IDS])
    return shown + (f" and {len(values) - _SHOWN_IDS} more" if len(values) > _SHOWN_IDS else "")


def _move_warnings(kinds: Counter, names: dict) -> List[str]:
    """A moveFrom with no moveTo (or the reverse) is read as a plain deletion (insertion)."""
    from_names, to_names = names[_MOVE_RANGES[0]] - {""}, names[_MOVE_RANGES[1]] - {""}
    n_from, n_to = kinds[qn("w:moveFrom")], kinds[qn("w:moveTo")]
    out = []
    if (n_from and not n_to) or from_names - to_names:
        out.append(_("moved text has no destination (w:moveFrom without its w:moveTo); read as a deletion"))
    if (n_to and not n_from) or to_names - from_names:
        out.append(_("moved text has no origin (w:moveTo without its w:moveFrom); read as an insertion"))
    return out


def _comment_id_warnings(marked: set, comments: tuple) -> List[str]:
    """Comments sharing an id, and comment marks (their ids ``marked``) whose comment is missing."""
    counts = Counter(c.id for c in comments)
    repeated = [i for i, n in counts.items() if n > 1]
    out = []
    if repeated:
        out.append(_("duplicate comment ids ({ids}); the first comment with each id is placed on the marked words, "
                     "the others are kept without a place").format(ids=_ids(repeated)))
    missing = list(marked - set(counts))
    if missing:
        out.append(_("comment marks refer to comments that are not in the file ({ids}); ignored").format(
            ids=_ids(missing)))
    return out


def read_comments(comments_root, extended_root=None) -> tuple:
    """Return the comments of comments.xml with replies and resolved state from commentsExtended."""
    if comments_root is None:
        return ()
    ext = {}
    if extended_root is not None:
        for ex in extended_root.iter(qn("w15:commentEx")):
            ext[ex.get(qn("w15:paraId"))] = (ex.get(qn("w15:paraIdParent")), ex.get(qn("w15:done")) == "1")
    para_owner = {}
    comments = []
    for c in comments_root.iter(qn("w:comment")):
        paras = c.findall(qn("w:p"))
        text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paras)
        last_para = paras[-1].get(qn("w14:paraId")) if paras else None
        cid = c.get(qn("w:id"), "")
        if last_para:
            para_owner[last_para] = cid
        comments.append((cid, c, text, last_para))
    out = []
    for cid, c, text, last_para in comments:
        parent_para, done = ext.get(last_para, (None, False))
        out.append(Comment(
            id=cid, author=c.get(qn("w:author"), ""), initials=c.get(qn("w:initials"), ""),
            date=c.get(qn("w:date"), ""), text=text, parent_id=para_owner.get(parent_para, "") if parent_para else "",
            done=done,
        ))
    return tuple(out)


def read_meta(core_root) -> Meta:
    """Return title, subject, author and dates from docProps/core.xml."""
    if core_root is None:
        return Meta()

    def text(tag: str) -> str:
        el = core_root.find(qn(tag))
        return (el.text or "").strip() if el is not None else ""

    return Meta(title=text("dc:title"), author=text("dc:creator"), created=text("dcterms:created"),
                modified=text("dcterms:modified"), subject=text("dc:subject"))


# A 3,000-clause draft has about 5,200 paragraphs and 60,000 runs; these bound memory and time
# (each paragraph costs about 1 KB read, 3 KB in a redline), not what a real draft may hold.
LIMITS = {"w:p": (N_("paragraphs"), 100_000), "w:r": (N_("runs"), 1_000_000), "w:tc": (N_("table cells"), 200_000)}
MAX_COMMENTS = 100_000  # Word itself refuses more than 32,767 comment ranges


def _check_counts(source: str, body, comments_root, runs_left_out: int = 0) -> None:
    """Refuse a document with more paragraphs, runs, cells or comments than the safety limits
    (``runs_left_out``: runs of paragraphs replaced before parsing, see known.py)."""
    # One walk for the three tags: a walk per tag costs twice as much when runs are many.
    counts = Counter(el.tag for el in body.iter(*(qn(t) for t in LIMITS))) if body is not None else Counter()
    counts[_R] += runs_left_out
    for tag, (what, limit) in LIMITS.items():
        if counts[qn(tag)] > limit:
            raise UnsafeDocumentError(source, _("has {count:,} {what}, over the safety limit of {limit:,}").format(
                count=counts[qn(tag)], what=_(what), limit=limit))
    if comments_root is not None:
        n = sum(1 for _unused in comments_root.iter(qn("w:comment")))
        if n > MAX_COMMENTS:
            raise UnsafeDocumentError(source, _("has {count:,} comments, over the safety limit of {limit:,}").format(
                count=n, limit=MAX_COMMENTS))


def read_parts(document_root, *, numbering_root=None, styles_root=None, comments_root=None,
               extended_root=None, core_root=None, view: str = "accept", source: str = "",
               reader: Optional[BodyReader] = None) -> Document:
    """Build a Document from parsed parts, in the given view of tracked changes.

    ``reader``: one already made for ``styles_root`` and the raw bytes of the main document
    (``read_package``); otherwise one is made here.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    reader = reader or BodyReader(styles_root)
    body = document_root.find(qn("w:body"))
    _check_counts(source, body, comments_root, reader.runs_left_out)
    if body is not None:
        reader.ranged_comments = {el.get(_ID, "") for el in body.iter(_COMMENT_START)}
    blocks = reader.blocks(body) if body is not None else ()
    comments = read_comments(comments_root, extended_root)
    warnings = reader.warnings + markup_warnings(body, comments)
    doc = Document(blocks=blocks, comments=comments, meta=read_meta(core_root), warnings=tuple(warnings),
                   source=source)
    if view != "all":
        doc = doc.view(view)
    numbering = Numbering(numbering_root)
    doc = replace(doc, blocks=_label_blocks(doc.blocks, numbering))
    return replace(doc, warnings=doc.warnings + tuple(dict.fromkeys(numbering.warnings)))


def _label_blocks(blocks, numbering: Numbering) -> tuple:
    # Counters advance in document order, table cells included, as Word renders them.
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(replace(b, label=numbering.label(*b.num)) if b.num else b)
        else:
            rows = tuple(
                replace(r, cells=tuple(replace(c, blocks=_label_blocks(c.blocks, numbering)) for c in r.cells))
                for r in b.rows
            )
            out.append(replace(b, rows=rows))
    return tuple(out)


def read_package(pkg, view: str = "accept") -> Document:
    """Read an opened Package (see ``package.open_package``) into a Document."""
    main = pkg.main_part

    def part(source: str, key: str):
        name = pkg.part_by_type(source, key)
        return pkg.xml(name) if name else None

    styles = part(main, "styles")
    others = dict(numbering_root=part(main, "numbering"), comments_root=part(main, "comments"),
                  extended_root=part(main, "commentsExtended"), core_root=part("/", "core-properties"),
                  view=view, source=str(pkg.path))
    reader = BodyReader(styles, ObjectReader(pkg, main))
    root = _main_document(pkg, reader)
    doc = read_parts(root, reader=reader, **others)
    if len(reader.placed) != len(reader.found):
        # A paragraph left out of the parse sat where the reader does not read paragraphs (in
        # a w:pPr, a w:tcPr, a w:sectPr...), whose XML the model or the writer keeps whole: its
        # placeholder would stand in that XML. Only a crafted file does this; read it plainly.
        root = pkg.main_document()
        doc = read_parts(root, reader=BodyReader(styles, ObjectReader(pkg, main)), **others)
    pkg.skeleton = _skeleton(root)
    pkg.sections = _sections(doc, pkg.skeleton)
    return replace(doc, warnings=tuple(pkg.warnings) + doc.warnings) if pkg.warnings else doc


def _sections(doc: Document, skeleton: bytes) -> tuple:
    """The w:sectPr elements of the body's sections in order (the paragraphs' that end a
    section, then the body's own): what the stories need of the main document, read from the
    model rather than by parsing the part again."""
    out = []
    for b in doc.blocks:
        if isinstance(b, Paragraph) and "sectPr" in b.props:
            sect = etree.fromstring(b.props).find(_SECT_PR)
            if sect is not None:
                out.append(sect)
    body = etree.fromstring(skeleton).find(_BODY)
    last = body.find(_SECT_PR) if body is not None else None
    if last is not None:
        out.append(last)
    return tuple(out)


def _main_document(pkg, reader: BodyReader):
    """The parsed main document, its paragraphs read before left out of the parse (known.py);
    tells ``reader`` which placeholders stand for which models and how the rest are keyed."""
    data = pkg.read(pkg.main_part)
    cut = known.cut(data, reader.style_key) if data and fastpaths.enabled() else None
    if cut is None:
        return pkg.main_document()
    reduced, found, runs = cut.reduced(lambda raw: reader.from_bytes(raw, cut))
    root = pkg.main_document(reduced if found else None)
    paras = list(root.iter(_P))
    if len(paras) != len(cut.extents):  # known.cut's rules make this impossible: read it plainly
        return pkg.main_document() if found else root
    reader.found = {paras[i]: para for i, para in found.items()}
    reader.keys = {p: key for i, p in enumerate(paras) if i not in found and (key := cut.key(i)) is not None}
    reader.runs_left_out = runs
    return root


def _skeleton(root) -> bytes:
    """The main document with an empty body but for its final w:sectPr, built as a new small
    tree (emptying the parsed one costs as much as serializing a big document)."""
    skel = etree.Element(root.tag, attrib=root.attrib, nsmap=root.nsmap)
    skel.text = root.text
    for child in root:
        if child.tag != _BODY:
            skel.append(copy.deepcopy(child))
            continue
        body = etree.SubElement(skel, _BODY, attrib=child.attrib)
        body.text, body.tail = child.text, child.tail
        sect = child.find(_SECT_PR)
        if sect is not None:
            body.append(copy.deepcopy(sect))
    return etree.tostring(skel, xml_declaration=True, encoding="UTF-8", standalone=True)


def read_docx(path, view: str = "accept") -> Document:
    """Open and read a .docx file; raises an InputError subclass for bad input."""
    from .package import open_package

    return read_package(open_package(path), view)
