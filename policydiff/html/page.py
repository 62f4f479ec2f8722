"""The page around the content: Thai typography, the marks' styles (readable without colour),
the legend, and a print stylesheet for A4."""

from __future__ import annotations

import functools

from .text import esc, words

FONTS = ('"TH Sarabun New", "TH SarabunPSK", Sarabun, "Leelawadee UI", Leelawadee, Thonburi, '
         '"Noto Sans Thai", "Noto Sans Thai UI", Laksaman, Garuda, Loma, Tahoma, sans-serif')

CSS = """
:root{--ins:#0a6b2d;--del:#a4161a;--move:#1d4f91;--fmt:#7a4b00}
*{box-sizing:border-box}
body{font-family:%(fonts)s;font-size:18px;line-height:1.7;margin:0 auto;padding:1rem 1.25rem 3rem;
max-width:62rem;color:#111;background:#fff;overflow-wrap:break-word;line-break:strict}
h1{font-size:1.5rem;line-height:1.4;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
nav.site{font-size:.95rem;margin-bottom:.5rem}nav.site>*{margin-right:1rem}
p{margin:.3rem 0}p.empty{min-height:.8em}
p.k-chapter,p.k-part,p.k-title{font-weight:bold;text-align:center}
ins{text-decoration:underline;text-decoration-thickness:2px;color:var(--ins);background:#e6f4ea}
del{text-decoration:line-through;text-decoration-thickness:2px;color:var(--del);background:#fde8e8}
del.move-from{text-decoration-style:double;color:var(--move);background:#e8eefa}
ins.move-to{text-decoration-style:double;color:var(--move);background:#e8eefa}
.fmt{text-decoration:underline dotted;text-decoration-thickness:2px;color:var(--fmt)}
.marktag{font-size:.8em;color:#444;margin-left:.25rem}
.move-link{font-size:.85em;margin-left:.5rem;white-space:nowrap}
.legend{font-size:.95rem;border:1px solid #999;padding:.4rem .75rem;margin:.5rem 0 1rem}
.legend>span{margin-right:1rem}
.summary{border:1px solid #999;padding:.5rem .75rem;margin:1rem 0}
.summary ul{margin:.25rem 0;padding-left:1.25rem}
.summary .counts{font-weight:bold}
div.wide{overflow-x:auto;max-width:100%%}
table{border-collapse:collapse;width:100%%;margin:.5rem 0;font-size:.95em}
td,th{border:1px solid #777;padding:.2rem .4rem;vertical-align:top;text-align:left}
tr.row-ins td{border-left:4px double var(--ins)}tr.row-del td{border-left:4px solid var(--del)}
tr.row-ins td:first-child::before{content:"[แถวที่เพิ่ม] ";font-size:.8em}
tr.row-del td:first-child::before{content:"[แถวที่ตัด] ";font-size:.8em}
.noteref{font-size:.75em;vertical-align:super;line-height:0}
.notes li{margin:.2rem 0}
img{max-width:100%%;height:auto;vertical-align:middle}
img.inline{max-height:6rem}
:target{outline:2px solid #1d4f91;outline-offset:2px;scroll-margin-top:1rem}
.row-c{display:grid;grid-template-columns:minmax(0,1fr) 17rem;gap:1rem;align-items:start}
.commented{background:#fff3bf;border-bottom:2px solid #b08900}
aside.cards{font-size:.9rem;line-height:1.45}
.card{border:1px solid #b08900;border-left:4px solid #b08900;padding:.3rem .5rem;margin:.2rem 0}
.card .who{font-weight:bold}.card .result{margin-top:.2rem}
.card .result b{border:1px solid #444;padding:0 .25rem}
.history td:first-child{white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:bold}dl.facts dd{margin:0}
@media (max-width:40rem){body{font-size:17px;padding:.5rem .75rem}
.row-c{grid-template-columns:1fr}aside.cards{margin-left:1rem}
table.dispositions td{min-width:5.5rem}}
@media print{@page{size:A4;margin:20mm 18mm}
body{max-width:none;font-size:15pt;padding:0}a{color:inherit;text-decoration:none}
nav.site,.move-link{display:none}tr,img,.card{break-inside:avoid}
.row-c{grid-template-columns:minmax(0,1fr) 55mm}
ins,del,.commented{background:none}}
""" % {"fonts": FONTS}


@functools.lru_cache(maxsize=None)
def legend() -> str:
    """The marks explained, in Thai (each mark shown as it looks)."""
    return ('<div class="legend" role="note"><b>สัญลักษณ์</b> '
            f'<span><ins>ขีดเส้นใต้</ins> = {words("ข้อความที่เพิ่ม")}</span> '
            f'<span><del>ขีดฆ่า</del> = {words("ข้อความที่ตัด")}</span> '
            f'<span><del class="move-from">ขีดฆ่าสองเส้น</del> → <ins class="move-to">ขีดเส้นใต้สองเส้น</ins>'
            f' = {words("ข้อความที่ย้าย (จาก → ไป)")}</span> '
            f'<span><span class="fmt">เส้นใต้ประ</span> = {words("เปลี่ยนรูปแบบ")}</span></div>')


def document(title: str, body: str, nav: str = "") -> str:
    """A whole HTML page: ``title`` is plain text (escaped here), ``body`` and ``nav`` are HTML."""
    return ("<!DOCTYPE html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"policydiff\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{nav}"
            f"<main>\n<h1>{esc(title)}</h1>\n{body}</main>\n</body>\n</html>\n")


def table(head, rows, cls: str = "") -> str:
    """A table of plain-text cells (escaped here; Thai words kept whole)."""
    attr = f' class="{esc(cls)}"' if cls else ""
    top = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{words(str(c))}</td>" for c in r) + "</tr>\n" for r in rows)
    return f'<div class="wide"><table{attr}>\n<thead><tr>{top}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n'


def facts(pairs) -> str:
    """A list of (name, value) lines, plain text."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{words(str(v))}</dd>" for k, v in pairs)
    return f'<dl class="facts">{items}</dl>\n'


def site_nav(links, here: str = "") -> str:
    """The site's links (relative addresses, plain-text names); the page itself is not a link."""
    items = [f'<b>{esc(name)}</b>' if href == here else f'<a href="{esc(href)}">{esc(name)}</a>'
             for href, name in links]
    return f'<nav class="site">{" ".join(items)}</nav>\n'


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def edits(ops) -> str:
    """A word diff ([(op, text)], op "=", "+" or "-") as marked text, line breaks kept."""
    tags = {"+": ("<ins>", "</ins>"), "-": ("<del>", "</del>"), "=": ("", "")}
    out = []
    for op, text in ops:
        start, end = tags[op]
        out.append("<br>".join(f"{start}{words(line)}{end}" if line else "" for line in text.split("\n")))
    return "".join(out)
