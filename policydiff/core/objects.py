"""Objects in a paragraph's text: images, notes, fields, bookmarks, equations, symbols...

A Word paragraph holds more than text. Every run-level item that is not plain text (an image,
a footnote reference, a field character, a symbol, a bookmark, an equation) is kept in the
model as an ``Obj`` carried with its original XML, and stands in the paragraph's text as a
*marker*: U+FFFC (OBJECT REPLACEMENT CHARACTER) followed by six variation selectors that spell
48 bits of a hash of the object's identity. The identity is the object's content (an image by
the hash of its image part, not by its relationship id; a note reference by the note's text),
so the same object read from two drafts gives the same marker.

Variation selectors continue the grapheme cluster before them, so a marker is one grapheme
cluster: the tokenizer makes it one token and no edit of the word diff can start or end inside
it. The diff therefore sees each object as one word whose identity is its content, and every
step that cuts text keeps objects whole.

Wrappers (hyperlinks, simple fields, run-level content controls) are not objects: their runs
keep their text, and each run carries the chain of wrappers it sits in (``Wrap``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

MARKER = "\ufffc"
# 256 variation selectors, one byte each: VS1-16 and VS17-256.
_SELECTORS = [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
_SELECTOR_CLASS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
MARKER_LEN = 7
MARKERS = re.compile(f"{MARKER}[{_SELECTOR_CLASS}]{{6}}")


@dataclass(frozen=True)
class Obj:
    """One object of a paragraph: its kind, its XML as the file has it, and its identity.

    ``level`` is "run" for a child of a w:r (written inside a run with the run's properties)
    or "para" for a child of the paragraph (a bookmark, an equation). ``xml`` and ``source``
    do not take part in equality: two objects are the same when their identities are.
    """

    kind: str
    identity: str
    xml: str = field(default="", compare=False)
    level: str = "run"
    shown: str = field(default="", compare=False)  # what a reader sees of it in plain text
    # A text box's content (its stories' XML): not part of its identity, so an edited box is the
    # same box (its words are diffed inside it), but of its equality, so the edit is seen.
    content: str = ""

    @property
    def marker(self) -> str:
        return marker(self.identity)


@dataclass(frozen=True)
class Wrap:
    """An element that wraps runs (a hyperlink, a simple field, a content control): its XML
    with the content left out, and its identity (its target or instruction, not its ids)."""

    kind: str
    identity: str
    xml: str = field(default="", compare=False)


def marker(identity: str) -> str:
    """The marker that stands for an object of this identity in a paragraph's text."""
    digest = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=6).digest()
    return MARKER + "".join(_SELECTORS[b] for b in digest)


def has_markers(text: str) -> bool:
    return MARKER in text


def visible(text: str) -> str:
    """``text`` as a person reads it: the objects' markers left out."""
    return MARKERS.sub("", text) if MARKER in text else text


def visible_offset(text: str, offset: Optional[int]) -> Optional[int]:
    """Where ``offset`` of ``text`` falls in ``visible(text)`` (a marker counts for nothing)."""
    if offset is None or MARKER not in text[:offset]:
        return offset
    return len(visible(text[:offset]))


def split(text: str) -> Tuple[str, ...]:
    """``text`` cut into plain stretches and single markers, in order (empty stretches left out)."""
    if MARKER not in text:
        return (text,) if text else ()
    out = []
    pos = 0
    for m in MARKERS.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append(m.group())
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return tuple(out)


def is_marker(piece: str) -> bool:
    return len(piece) == MARKER_LEN and piece[0] == MARKER and MARKERS.fullmatch(piece) is not None


# Names a summary uses for each kind (``ภาพ: เพิ่ม 1``).
THAI_NAMES = {
    "image": "ภาพ", "object": "วัตถุฝัง", "footnote": "เชิงอรรถ", "endnote": "อ้างอิงท้ายเรื่อง",
    "field": "ฟิลด์", "symbol": "สัญลักษณ์", "bookmark": "ที่คั่นหน้า", "equation": "สมการ",
    "textbox": "กล่องข้อความ", "break": "ตัวแบ่ง", "hyphen": "ยัติภังค์", "tab": "แท็บ",
    "comment": "ข้อคิดเห็น", "permission": "สิทธิ์แก้ไข", "note mark": "เครื่องหมายเชิงอรรถ",
    "content control": "ตัวควบคุมเนื้อหา", "simple field": "ฟิลด์", "hyperlink": "ไฮเปอร์ลิงก์", "other": "อื่น ๆ",
}


def squeezed(text: str) -> str:
    """The words of ``text`` as compared for sameness: no spaces, no object markers (a footnote
    reference added beside them changes no wording)."""
    return "".join(visible(text).split())
