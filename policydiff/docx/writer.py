"""Write a Redline as a .docx with native Word tracked changes and comments.

The new version's package is the template: every part is copied as it is except
word/document.xml (its body is rebuilt from the redline), the comment parts, the notes, headers
and footers that changed (redlined as the body is: ``stories``) and what deleted content needs
from the old package (``parts``). Revision ids come from one counter; author and date come from
the redline's pieces; the zip is written with fixed timestamps, so the same inputs give the same
bytes.
"""

import io
import zipfile
from typing import Dict, List, Optional

from lxml import etree

from ..core.model import Document
from ..core.redline import Redline, Revision
from .bodywriter import BodyWriter, _NoteQueue
from .commentparts import add_comment_parts
from .ns import CONTENT_TYPES, REL_TYPES, nsmap, qn
from .numbering_merge import merge_numbering, number
from .parts import Relinker, add_override, add_relationship, bring_styles
from .uniqueids import unique_ids

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# zlib level 3 deflates an 8.5 MB body in 0.03 s instead of level 6's 0.06 s, into 350 KB
# instead of 230 KB: a committee's file is opened, not sent by the thousand.
_ZIP_LEVEL = 3
_BODY = qn("w:body")


def write_package(template, redline: Redline, old=None, stories: Optional[list] = None) -> bytes:
    """The whole .docx as bytes, using ``template`` (an opened Package) for every other part.

    ``old`` is the old version's package: numbering its paragraphs use is brought along.
    ``stories``: a list to which each story besides the body that changed is appended as
    (name, ``change_counts`` of its redline).
    """
    main = template.main_part
    parts: Dict[str, bytes] = {name: template.read(name) for name in template.names}
    comment_ids = _comment_ids(redline)
    num_map = merge_numbering(parts, template, old)
    # The reader left the template's document emptied of its body: parsing that costs nothing,
    # parsing the part again costs as much as reading it (0.16 s for an 8 MB Word draft).
    skeleton = getattr(template, "skeleton", None)
    relinker = Relinker(parts, main, template, old) if old is not None else None
    writer = _body_writer(template, old, redline, comment_ids, num_map, relinker, stories)
    parts[main] = render_document(skeleton or parts[main], redline, comment_ids, num_map, relinker, writer)
    if relinker is not None:
        _bring_old_parts(parts, template, old, redline, relinker, writer)
    if redline.comments and not redline.own_comments:
        add_comment_parts(parts, template, redline.comments, comment_ids)
    _mark(parts)
    return zip_parts(parts, order=list(template.names))


def _comment_ids(redline: Redline) -> Dict[int, str]:
    """The w:id of each of the redline's comments, by position."""
    if redline.own_comments:  # the new draft's own comments: its parts as they are, ids as they were
        return {i: c.id for i, c in enumerate(redline.comments)}
    return {i: str(i) for i in range(len(redline.comments))}


def _body_writer(template, old, redline: Redline, comment_ids, num_map, relinker, stories) -> BodyWriter:
    """The body's writer; with ``old``, one that also redlines text boxes (reading both drafts')."""
    writer = BodyWriter(comment_ids, num_map, redline.objects, redline.old_objects, relinker)
    writer.report = stories if stories is not None else []
    if old is not None:
        writer.rev = Revision(author=redline.author or "policydiff", date=redline.date)
        from .stories import story_reader

        readers = {"old": story_reader(old, old.main_part), "new": story_reader(template, template.main_part)}
        writer.stories = lambda side, element: Document(blocks=readers[side].blocks(element)).view("accept")
    return writer


def _bring_old_parts(parts, template, old, redline: Redline, relinker: Relinker, writer: BodyWriter) -> None:
    """The other stories redlined, then the parts and styles the old draft's content needs."""
    main = template.main_part
    _write_stories(parts, template, old, redline, relinker, writer)
    relinker.finish()
    stories = [main] + [template.part_by_type(main, kind) for kind in ("footnotes", "endnotes")]
    stories += list(relinker.copied.values())
    bring_styles(parts, template.part_by_type(main, "styles"), old, stories)


def render_document(template_document: bytes, redline: Redline, comment_ids: Dict[int, str],
                    num_map: Optional[Dict[str, str]] = None, relinker: Optional[Relinker] = None,
                    writer: Optional[BodyWriter] = None) -> bytes:
    """word/document.xml: the template's root and section properties around the redline's body."""
    root = etree.fromstring(template_document)
    body = root.find(_BODY)
    sect = body.find(qn("w:sectPr")) if body is not None else None
    if body is None:
        body = etree.SubElement(root, _BODY)
    del body[:]  # unlike remove() one by one, frees the old body without re-homing each subtree
    writer = writer or BodyWriter(comment_ids, num_map, redline.objects, redline.old_objects, relinker)
    writer.notes = _NoteQueue(redline.old_stories, redline.new_stories)
    writer.blocks(body, redline.blocks)
    unique_ids(body, writer.ids)
    if sect is not None:
        if redline.landscape_tail:
            _landscape(sect)
        body.append(sect)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _landscape(sect) -> None:
    """Turn a w:sectPr's page to landscape (swap width and height)."""
    size = sect.find(qn("w:pgSz"))
    if size is None:
        return
    w, h = size.get(qn("w:w")), size.get(qn("w:h"))
    if w and h and number(w) < number(h):
        size.set(qn("w:w"), h)
        size.set(qn("w:h"), w)
    size.set(qn("w:orient"), "landscape")


_CUSTOM = "docProps/custom.xml"
_CUSTOM_NS, _VT_NS = nsmap["cp2"], nsmap["vt"]
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _mark(parts: Dict[str, bytes]) -> None:
    """Add the custom document property that says policydiff wrote this file (``ownfiles``), so
    a round folder never reads it back as a division's copy."""
    from ..ownfiles import MARK_PROPERTY

    if _CUSTOM in parts:
        root = etree.fromstring(parts[_CUSTOM])
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
        parts["_rels/.rels"] = add_relationship(parts.get("_rels/.rels"), REL_TYPES["custom-properties"],
                                                _CUSTOM)
        parts["[Content_Types].xml"] = add_override(parts["[Content_Types].xml"], _CUSTOM,
                                                    CONTENT_TYPES["custom-properties"])
    props = root.findall(f"{{{_CUSTOM_NS}}}property")
    if any(p.get("name") == MARK_PROPERTY for p in props):
        return
    pids = [int(p.get("pid")) for p in props if (p.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(max(pids + [1]) + 1),
                            name=MARK_PROPERTY)
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = "written by policydiff; not a division's copy"
    parts[_CUSTOM] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_stories(parts, template, old, redline: Redline, relinker: Relinker, body: BodyWriter) -> None:
    """Notes, headers and footers redlined as the body is (``stories``), one id counter for all."""
    from .stories import StoryWriter, story_reader

    def make_writer(objects, old_objects, part_relinker):
        w = BodyWriter(None, body.num_map, objects, old_objects, part_relinker)
        w.ids = body.ids
        return w

    rev = Revision(author=redline.author or "policydiff", date=redline.date)
    stories = StoryWriter(parts, template, old, relinker, rev, story_reader, make_writer, body.report)
    stories.notes(body.notes.pairs)
    stories.headers_and_footers()


def zip_parts(parts: Dict[str, bytes], order: Optional[List[str]] = None) -> bytes:
    """A deterministic zip: [Content_Types].xml first, then the given order, then the rest sorted."""
    names = ["[Content_Types].xml"] if "[Content_Types].xml" in parts else []
    for name in (order or []) + sorted(parts):
        if name in parts and name not in names:
            names.append(name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, parts[name], compresslevel=_ZIP_LEVEL)
    return buf.getvalue()
