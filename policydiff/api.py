"""What the commands do, as functions: read files, call the core, write files.

The CLI is a thin layer over these; tests and benchmarks call them directly.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import List, Optional

from .core.align import align
from .core.diff import word_diff
from .core.model import Document
from .core.redline import Redline, Revision, build_redline
from .core.structure import outline
from .docx.package import open_package
from .docx.reader import read_package
from .docx.writer import write_package
from .fsutil import atomic_write


@dataclass(frozen=True)
class Version:
    """A draft as read from a file: the package (template for writing) and its clauses."""

    path: str
    package: object
    doc: Document  # accepted view
    clauses: tuple


def load(path, view: str = "accept") -> Version:
    """Open and read a draft; raises InputError subclasses for bad input."""
    pkg = open_package(path)
    doc = read_package(pkg, view=view)
    return Version(str(path), pkg, doc, outline(doc))


def default_date(doc: Document) -> str:
    """The revision date: the new file's modified (else created) date, else now, as ISO 8601."""
    for value in (doc.meta.modified, doc.meta.created):
        if value:
            return value
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def redline(old: Version, new: Version, *, author: str = "policydiff", date: Optional[str] = None,
            moves: bool = True) -> Redline:
    """The redline between two read drafts."""
    rev = Revision(author=author, date=date or default_date(new.doc))
    return build_redline(old.doc, new.doc, rev, moves=moves)


def write_redline(red: Redline, template: Version, out) -> None:
    """Write a redline as .docx to ``out`` atomically, with ``template``'s parts."""
    atomic_write(out, write_package(template.package, red))


def clause_changes(old: Version, new: Version) -> List[dict]:
    """Each clause's fate between two versions, with word edits for edited clauses."""
    out = []
    for m in align(old.clauses, new.clauses):
        oc = old.clauses[m.old] if m.old is not None else None
        nc = new.clauses[m.new] if m.new is not None else None
        edits = []
        if oc is not None and nc is not None and oc.body != nc.body:
            edits = [{"op": op, "text": text} for op, text in word_diff(oc.body, nc.body) if op != "="]
        out.append({
            "status": m.status, "renumbered": m.renumbered, "key": m.key, "kind": (nc or oc).kind,
            "old_label": oc.label if oc else None, "new_label": nc.label if nc else None,
            "old_path": oc.path if oc else None, "new_path": nc.path if nc else None,
            "old_text": oc.text if oc else None, "new_text": nc.text if nc else None,
            "similarity": round(m.similarity, 4), "edits": edits,
        })
    return out
