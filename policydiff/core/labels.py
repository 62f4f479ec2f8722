"""Clause labels of Thai policy documents: หมวด, ส่วน, ข้อ, (๑), (ก); Thai and Arabic digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .objects import MARKER, MARKERS

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

# Rank in the clause tree: a label closes every open label of equal or deeper rank.
RANKS = {"chapter": 1, "part": 2, "clause": 3, "item": 4, "subitem": 5}

_D = "[0-9๐-๙]"
_PATTERNS = (
    ("chapter", re.compile(rf"^(หมวด(?:ที่)?\s*({_D}+))")),
    ("part", re.compile(rf"^(ส่วน(?:ที่)?\s*({_D}+))")),
    ("clause", re.compile(rf"^(ข้อ\s*({_D}+(?:\s*/\s*{_D}+)?))(?=$|[\s.:)])")),
    ("item", re.compile(rf"^(\(({_D}+(?:/{_D}+)?)\))")),
    ("subitem", re.compile(r"^(\(([ก-ฮ])\))")),
)

# The word a path uses for each kind ("หมวด 2/ข้อ 7/(3)").
_PATH_WORD = {"chapter": "หมวด {}", "part": "ส่วน {}", "clause": "ข้อ {}", "item": "({})", "subitem": "({})"}


def to_arabic(text: str) -> str:
    """Return ``text`` with Thai digits replaced by Arabic digits."""
    return text.translate(_TO_ARABIC)


def to_thai(text: str) -> str:
    """Return ``text`` with Arabic digits replaced by Thai digits."""
    return text.translate(_TO_THAI)


@dataclass(frozen=True)
class Label:
    kind: str
    label: str  # as shown, e.g. "ข้อ ๕/๑"
    number: str  # normalized, e.g. "5/1"
    rest: str  # the text after the label, leading blanks removed


@lru_cache(maxsize=1 << 16)  # reviewed copies repeat the base's paragraphs thousands of times
def parse_label(text: str) -> Optional[Label]:
    """Return the structural label that starts ``text``, or None for an unnumbered paragraph.

    Objects (a bookmark around the label, say) do not hide it: markers before, inside or right
    after the label are passed over, and ``rest`` keeps those after it.
    """
    stripped = text.lstrip()
    if MARKER in stripped[:_LABEL_ZONE]:
        return _parse_around_markers(stripped)
    for kind, pattern in _PATTERNS:
        m = pattern.match(stripped)
        if m:
            number = re.sub(r"\s+", "", to_arabic(m.group(2)))
            rest = stripped[m.end():].lstrip(" \t\u00a0.:")
            return Label(kind, m.group(1), number, rest)
    return None


_LABEL_ZONE = 80  # characters in which a label and the objects around it stand


def _parse_around_markers(text: str) -> Optional[Label]:
    """``parse_label`` of a text whose start holds object markers."""
    head = text[:_LABEL_ZONE]
    kept = []  # offsets in ``text`` of the characters of ``head`` without markers
    pos = 0
    for m in MARKERS.finditer(head):
        kept.extend(range(pos, m.start()))
        pos = m.end()
    kept.extend(range(pos, len(head)))
    plain = "".join(head[i] for i in kept).lstrip()
    skipped = len("".join(head[i] for i in kept)) - len(plain)
    for kind, pattern in _PATTERNS:
        m = pattern.match(plain)
        if m:
            number = re.sub(r"\s+", "", to_arabic(m.group(2)))
            end = kept[skipped + m.end() - 1] + 1  # just after the label's last character
            label = MARKERS.sub("", text[kept[skipped]:end])
            rest = text[end:]
            marks = []  # objects right after the label (a bookmark's end) stay, ahead of the words
            while True:
                rest = rest.lstrip(" \t\u00a0.:")
                m = MARKERS.match(rest)
                if m is None:
                    break
                marks.append(m.group())
                rest = rest[m.end():]
            return Label(kind, label, number, "".join(marks) + rest)
    return None


def path_word(kind: str, number: str) -> str:
    """Return the path segment for a clause of ``kind`` numbered ``number``."""
    return _PATH_WORD[kind].format(number)


def unique_name(wanted: str, taken: set, sep: str) -> str:
    """``wanted``, or ``wanted{sep}2``, ``{sep}3``… when taken; the name returned is now taken too."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}{sep}{n}"
    taken.add(candidate)
    return candidate
