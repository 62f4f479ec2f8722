"""The comment parts a redline adds: word/comments.xml, word/commentsExtended.xml (replies and
resolved state), their relationships and content types, and the styles comments use."""

from __future__ import annotations

from typing import Dict, Optional

from lxml import etree

from .fragments import _text
from .ns import CONTENT_TYPES, REL_TYPES, nsmap, qn
from .opc import rels_name
from .parts import add_override, add_relationship


def add_comment_parts(parts: Dict[str, bytes], template, comments, ids: Dict[int, str]) -> None:
    """Add the comment parts of ``comments`` (numbered by ``ids``) beside ``template``'s main part."""
    main = template.main_part
    folder = main.rpartition("/")[0]
    cpart = f"{folder}/comments.xml" if folder else "comments.xml"
    parts[cpart] = comments_part(comments, ids)
    rels = rels_name(main)
    parts[rels] = add_relationship(parts.get(rels), REL_TYPES["comments"], "comments.xml")
    types = add_override(parts["[Content_Types].xml"], cpart, CONTENT_TYPES["comments"])
    extended = comments_extended_part(comments, ids)
    if extended is not None:
        xpart = f"{folder}/commentsExtended.xml" if folder else "commentsExtended.xml"
        parts[xpart] = extended
        parts[rels] = add_relationship(parts[rels], REL_TYPES["commentsExtended"], "commentsExtended.xml")
        types = add_override(types, xpart, CONTENT_TYPES["commentsExtended"])
    parts["[Content_Types].xml"] = types
    styles = template.part_by_type(main, "styles")
    if styles in parts:
        parts[styles] = _ensure_comment_styles(parts[styles])


def comments_part(comments, ids: Dict[int, str]) -> bytes:
    """word/comments.xml for the given model.Comment values."""
    root = etree.Element(qn("w:comments"), nsmap={"w": nsmap["w"], "w14": nsmap["w14"]})
    for index, c in enumerate(comments):
        el = etree.SubElement(root, qn("w:comment"))
        el.set(qn("w:id"), ids[index])
        el.set(qn("w:author"), c.author or "policydiff")
        if c.date:
            el.set(qn("w:date"), c.date)
        if c.initials:
            el.set(qn("w:initials"), c.initials)
        for n, line in enumerate((c.text or "").split("\n")):
            p = etree.SubElement(el, qn("w:p"))
            p.set(qn("w14:paraId"), _para_id(index, n))
            ppr = etree.SubElement(p, qn("w:pPr"))
            etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), "CommentText")
            if n == 0:
                ref = etree.SubElement(p, qn("w:r"))
                rpr = etree.SubElement(ref, qn("w:rPr"))
                etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), "CommentReference")
                etree.SubElement(ref, qn("w:annotationRef"))
            r = etree.SubElement(p, qn("w:r"))
            _text(r, line, False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _para_id(index: int, n: int) -> str:
    # w14:paraId must be below 0x80000000; derive it from the comment's position.
    return "%08X" % (0x10000000 + index * 64 + n)


def comments_extended_part(comments, ids: Dict[int, str]) -> Optional[bytes]:
    """word/commentsExtended.xml with replies and resolved state, or None when not needed."""
    by_id = {c.id: i for i, c in enumerate(comments) if c.id}
    if not any(c.parent_id or c.done for c in comments):
        return None
    root = etree.Element(qn("w15:commentsEx"), nsmap={"w15": nsmap["w15"]})
    for index, c in enumerate(comments):
        last = len((c.text or "").split("\n")) - 1
        ex = etree.SubElement(root, qn("w15:commentEx"))
        ex.set(qn("w15:paraId"), _para_id(index, last))
        parent = by_id.get(c.parent_id) if c.parent_id else None
        if parent is not None:
            plast = len((comments[parent].text or "").split("\n")) - 1
            ex.set(qn("w15:paraIdParent"), _para_id(parent, plast))
        ex.set(qn("w15:done"), "1" if c.done else "0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_COMMENT_STYLES = {
    "CommentText": ("paragraph", "annotation text", '<w:sz w:val="20"/><w:szCs w:val="28"/>'),
    "CommentReference": ("character", "annotation reference", '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
}


def _ensure_comment_styles(styles: bytes) -> bytes:
    root = etree.fromstring(styles)
    have = {s.get(qn("w:styleId")) for s in root.iter(qn("w:style"))}
    changed = False
    for sid, (kind, name, rpr) in _COMMENT_STYLES.items():
        if sid in have:
            continue
        el = etree.fromstring(
            f'<w:style xmlns:w="{nsmap["w"]}" w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{"Normal" if kind == "paragraph" else "DefaultParagraphFont"}"/>'
            f'<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr>{rpr}</w:rPr></w:style>'
        )
        root.append(el)
        changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else styles
