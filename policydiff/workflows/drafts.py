"""A draft as a command reads it: from a file or from bytes, with its clause outline on demand."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..core.model import Document
from ..core.outline import Outline
from ..docx.package import open_package, open_package_bytes
from ..docx.reader import read_package
from ..thaidate import to_be_long


@dataclass
class Version:
    """A draft as read from a file: the package (the template for writing), its accepted view,
    and, built on first use, its clause outline (a redline never needs it: 0.1 s per 3,000
    clauses)."""

    path: str
    package: object
    doc: Document
    label: str = ""  # the archive's label, for a version read from the archive
    date: str = ""  # the archive's date of that version (ISO)
    _outline: Optional[Outline] = field(default=None, repr=False, compare=False)

    @property
    def outline(self) -> Outline:
        """The clause tree and where each paragraph's text sits in it (made on first use)."""
        if self._outline is None:
            self._outline = Outline.of(self.doc)
        return self._outline

    @property
    def clauses(self) -> tuple:
        return self.outline.clauses


def load(path, view: str = "accept") -> Version:
    """Open and read a draft; raises InputError subclasses for bad input."""
    pkg = open_package(path)
    return Version(str(path), pkg, read_package(pkg, view=view))


def load_bytes(data: bytes, name: str, view: str = "accept") -> Version:
    """Read a draft held in memory (from the archive); ``name`` is used in messages."""
    pkg = open_package_bytes(data, name)
    return Version(name, pkg, read_package(pkg, view=view))


def default_date(doc: Document) -> str:
    """The revision date: the new file's modified (else created) date, else now, as ISO 8601."""
    for value in (doc.meta.modified, doc.meta.created):
        if value:
            return value
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def be_date(date: str) -> str:
    """An ISO date as a Thai long date in B.E. (``ไม่ระบุ`` when none; as given when unreadable)."""
    try:
        return to_be_long(date[:10]) if date else "ไม่ระบุ"
    except ValueError:
        return date


def draft_name(v: Version, title: str = "") -> str:
    """A draft as the committee knows it: the title given, its archive label, its Subject property
    (where offices name the draft, "ร่างที่ ๑"), else its file name; then its date in B.E."""
    name = title or v.label or v.doc.meta.subject or Path(v.path).name
    return f"{name} ({be_date(v.date or v.doc.meta.modified or v.doc.meta.created)})"
