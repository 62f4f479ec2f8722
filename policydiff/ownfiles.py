"""Files policydiff wrote itself, told apart from what the divisions sent.

Every .docx policydiff writes carries a custom document property ``policydiff`` (Word keeps
custom properties when a file is saved again); its disposition tables are workbooks created by
"policydiff" or CSV files whose header row is the table's own. A round folder's sources skip
such files, so a consolidated copy, a committee package or a disposition table saved into the
round folder is never read back as a division's comments.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

MARK_PROPERTY = "policydiff"
_PEEK = 1 << 20  # bytes of a part or file looked at: a mark is near the start of a small part


def written_by_policydiff(path) -> bool:
    """Whether ``path`` is a file policydiff wrote (a bad or unreadable file is not: the reader
    reports it as it would any source)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            return f'name="{MARK_PROPERTY}"'.encode() in _member(path, "docProps/custom.xml")
        if suffix == ".xlsx":
            return b">policydiff</dc:creator>" in _member(path, "docProps/core.xml")
        if suffix == ".csv":
            return _csv_is_a_disposition_table(path)
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error, ValueError):
        return False
    return False


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name) if name in z.namelist() else None
        if info is None or info.file_size > _PEEK:
            return b""
        return z.read(info)


def _csv_is_a_disposition_table(path: Path) -> bool:
    from .forms.dispositions import COLUMNS

    with open(path, "rb") as f:
        head = f.read(_PEEK).decode("utf-8-sig")
    header = [h for _, h in COLUMNS]
    rows = list(csv.reader(io.StringIO(head)))[:2]
    return any(row == header for row in rows)
