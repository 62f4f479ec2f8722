"""The committee package's own pages: a cover page before the redline, and after it the
disposition table (ตารางสรุปผลการพิจารณาความเห็น) and the list of comments with no place.

They are built as redline blocks with no revisions, in the draft's Thai typography, and kept
in sections of their own (the cover ends with a section break, the appendix starts after
one), so the redline between them is exactly the tracked comparison of the two versions.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from lxml import etree

from ..core.redline import KEEP, Piece, RCell, RPara, RRow, RTable
from .ns import nsmap, qn

_W = f'xmlns:w="{nsmap["w"]}"'
FONT = "TH SarabunPSK"


def rpr(size: int = 32, bold: bool = False) -> str:
    """Run properties for Thai text in the complex-script slot."""
    b = "<w:b/><w:bCs/>" if bold else ""
    return (f'<w:rPr {_W}><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>{b}'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:bidi="th-TH"/></w:rPr>')


def ppr(jc: str = "left", before: int = 0, after: int = 120, page_break: bool = False, sect: str = "") -> str:
    brk = "<w:pageBreakBefore/>" if page_break else ""
    return (f'<w:pPr {_W}>{brk}<w:spacing w:before="{before}" w:after="{after}"/><w:jc w:val="{jc}"/>'
            f"{sect}</w:pPr>")


def para(text: str, *, size: int = 32, bold: bool = False, jc: str = "left", after: int = 120,
         page_break: bool = False, sect: str = "") -> RPara:
    pieces = (Piece(KEEP, text, rpr(size, bold)),) if text else ()
    return RPara(pieces, ppr(jc, 0, after, page_break, sect))


def section_break(template_sect: str) -> str:
    """A w:sectPr for a paragraph, copying the page setup of the document's last section."""
    if not template_sect:
        return '<w:sectPr><w:type w:val="nextPage"/></w:sectPr>'
    el = etree.fromstring(template_sect)
    for child in list(el):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:type")):
            el.remove(child)
    t = etree.Element(qn("w:type"))
    t.set(qn("w:val"), "nextPage")
    el.insert(0, t)
    return etree.tostring(el, encoding="unicode").replace(f' xmlns:w="{nsmap["w"]}"', "")


def cover(title: str, lines: Sequence[Tuple[str, str]], counts: Sequence[str], sect: str) -> List[RPara]:
    """Cover page paragraphs: title, the facts as label–value lines, the counts; ends the section."""
    out = [para(title, size=40, bold=True, jc="center", after=240)]
    out.append(para("เอกสารประกอบการพิจารณาของคณะกรรมการ: ร่างที่แก้ไขเทียบกับร่างเดิม (แสดงการแก้ไข)",
                    jc="center", after=360))
    out.extend(para(f"{k}: {v}") for k, v in lines)
    out.append(para("สรุปการเปลี่ยนแปลง", bold=True, after=60))
    out.extend(para(f"• {c}") for c in counts)
    out.append(para("", sect=sect))
    return out


_TBL = (f'<w:tblPr {_W}><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>')
_HEADER_ROW = f'<w:trPr {_W}><w:tblHeader/></w:trPr>'


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> RTable:
    """A bordered table with a repeated header row; cell text in 14 pt."""
    grid = "<w:tblGrid " + _W + ">" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"

    def row(cells, bold=False, props=""):
        return RRow(tuple(RCell((para(c, size=28, bold=bold, after=0),),
                                f'<w:tcPr {_W}><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>')
                          for c, w in zip(cells, widths)), props)

    return RTable((row(header, True, _HEADER_ROW),) + tuple(row(r) for r in rows), _TBL + grid)


def appendix(title: str, table_block: RTable, orphans: Sequence[str], sect_first: bool) -> List:
    """The disposition table and the list of comments that found no place."""
    out: List = [para(title, size=36, bold=True, jc="center", after=240, page_break=not sect_first), table_block]
    out.append(para("ภาคผนวก: ความเห็นที่ไม่พบตำแหน่งในร่างที่แก้ไข", size=32, bold=True, after=120))
    if orphans:
        out.extend(para(f"{i}. {t}") for i, t in enumerate(orphans, 1))
    else:
        out.append(para("ไม่มี (ความเห็นทุกรายการมีตำแหน่งในร่าง)"))
    return out


def body_section(pkg) -> str:
    """The main document's final w:sectPr (page size and margins) as a string, or ''."""
    body = pkg.main_document().find(qn("w:body"))
    sect = body.find(qn("w:sectPr")) if body is not None else None
    return etree.tostring(sect, encoding="unicode") if sect is not None else ""
