"""Text into HTML: everything escaped, a line-break opportunity (<wbr>) between Thai words, and
ids for clause anchors (``ข้อ ๕`` → ``ข้อ-๕``)."""

from __future__ import annotations

import html
import re

from ..core.labels import unique_name
from ..core.tokens import joined

_FIRST_THAI, _LAST_THAI = "\u0e01", "\u0e5b"
_THAI = re.compile(f"[{_FIRST_THAI}-{_LAST_THAI}]")
_SPACES = re.compile(r"\s+")
_CUT = "\x00"
_THAI_CUT = re.compile(f"(?<=[{_FIRST_THAI}-{_LAST_THAI}]){_CUT}(?=[{_FIRST_THAI}-{_LAST_THAI}])")


def esc(text) -> str:
    """``text`` escaped for an element's content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def words(text: str) -> str:
    """``text`` escaped, with <wbr> between two Thai words so a line never breaks inside one."""
    if not _THAI.search(text):
        return esc(text)
    # Every token boundary marked with a character no document holds (XML forbids it); escaping
    # keeps it and the Thai letters beside it, so a pattern finds the Thai-to-Thai ones.
    marked = esc(joined(text.replace(_CUT, ""), _CUT))
    return _THAI_CUT.sub("<wbr>", marked).replace(_CUT, "")


def anchor_id(label: str) -> str:
    """The id a clause label gives a page anchor: spaces and slashes as hyphens, digits kept."""
    return _SPACES.sub("-", label.strip()).replace("/", "-") or "ส่วน"


class Ids:
    """Unique ids for a page: a repeated one gets ``-2``, ``-3``..."""

    def __init__(self):
        self.taken: set = set()

    def __call__(self, wanted: str) -> str:
        return unique_name(wanted, self.taken, "-")
