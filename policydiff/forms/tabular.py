"""Rows out of untrusted CSV and XLSX files, streamed, with size limits and header detection.

Shared by comment forms and disposition tables. A file gives one or more candidate
``Table``s (the sheets of a workbook; for CSV one per delimiter), each a lazy stream of
``(row number, cells)`` with row numbers as a spreadsheet shows them (1-based, counting
every row above). Cells are raw values: ``str`` for CSV; ``str``, numbers, dates or
``None`` for XLSX. ``find_header`` picks the header row among the first rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from ..core.result import Messages
from ..errors import FormError
from . import xlsxread
from ..i18n import _

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SCAN = 10
# A realistic 100,000-row form unpacks to about 150 MB; a zip bomb declares far more, or
# packs a large member far tighter than XML text ever compresses.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small members may compress arbitrarily well

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", "\t", ";")
_CHUNK = 1024 * 1024
_HEADER_SPLIT = re.compile(r"[()\[\]/\n|]")
_HEADER_DROP = re.compile(r"[\s:*.#_\-–]+")


@dataclass
class Table:
    """One candidate table: a sheet, or a CSV file read with one delimiter."""

    name: str
    rows: Iterator[Tuple[int, tuple]]
    is_sheet: bool = False


@dataclass
class Header:
    """The header row: its number, the column of each recognised field, and repeated fields."""

    row: int
    columns: Dict[str, int]
    texts: Dict[str, str]
    repeated: List[str] = field(default_factory=list)


def cell_text(value) -> str:
    """Return a cell's value as trimmed text with "\\n" line breaks ("" for an empty cell)."""
    if value is None:
        return ""
    if type(value) is str:
        return (value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def is_blank(cells: tuple) -> bool:
    """Return True when every cell of a row is empty or blank."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def cell(cells: tuple, index: Optional[int]):
    """Return the raw value at ``index``, or None when the row is shorter or the column absent."""
    if index is None or index >= len(cells):
        return None
    return cells[index]


def header_keys(text: str) -> List[str]:
    """Return lookup keys for a header cell: the whole text, then each part ("ข้อ (Clause)")."""
    text = unicodedata.normalize("NFC", text).lower()
    parts = [text] + _HEADER_SPLIT.split(text)
    keys = [_HEADER_DROP.sub("", p) for p in parts]
    return [k for k in dict.fromkeys(keys) if k]


def make_classifier(synonyms: Dict[str, Tuple[str, ...]]) -> Callable[[object], Optional[str]]:
    """Return a function mapping a header cell to its field name, or None."""
    lookup = {key: name for name, words in synonyms.items() for w in words for key in header_keys(w)[:1]}

    def classify(value) -> Optional[str]:
        if not isinstance(value, str) or not value.strip():
            return None
        return next((lookup[k] for k in header_keys(value) if k in lookup), None)

    return classify


def find_header(rows: Iterator[Tuple[int, tuple]], classify, min_fields: int = 2):
    """Return (Header or None, the rows after it): the first-rows row naming the most fields."""
    head = []
    for item in rows:
        head.append(item)
        if len(head) == HEADER_SCAN:
            break
    best = None
    for i, (number, cells) in enumerate(head):
        header = _header_of(number, cells, classify)
        if len(header.columns) >= min_fields and (best is None or len(header.columns) > len(best[1].columns)):
            best = (i, header)
    if best is None:
        return None, iter(())
    return best[1], chain(head[best[0] + 1:], rows)


def _header_of(number: int, cells: tuple, classify) -> Header:
    header = Header(number, {}, {})
    for j, value in enumerate(cells):
        name = classify(value)
        if name is None:
            continue
        if name in header.columns:
            header.repeated.append(cell_text(value))
        else:
            header.columns[name] = j
            header.texts[name] = cell_text(value)
    return header


@contextmanager
def open_tables(path: Path, warn: Messages):
    """Yield the candidate tables of a CSV or XLSX file; raise FormError when it cannot be read."""
    if _sniff(path, warn) == "xlsx":
        with _workbook(path) as wb:
            tables = [Table(name, _sheet_rows(path, wb, name, part), True) for name, part in wb.sheets]
            try:
                yield tables
            finally:
                _close(tables)  # before the workbook closes: each stream holds an open part
    else:
        encoding = _csv_encoding(path, warn)
        tables = [Table(path.name, _csv_rows(path, encoding, d)) for d in _DELIMITERS]
        try:
            yield tables
        finally:
            _close(tables)


def _close(tables) -> None:
    for t in tables:
        t.rows.close()


def _sniff(path: Path, warn: Messages) -> str:
    head = _head(path)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        if suffix not in _XLSX_SUFFIXES:
            warn.add(_("{name}: is an Excel workbook despite its '{suffix}' name; read it as .xlsx").format(
                name=path.name, suffix=suffix))
        return "xlsx"
    if suffix in _XLSX_SUFFIXES:
        if head.startswith(_OLE_MAGIC):
            raise FormError(path, _("is not a spreadsheet (.xlsx): it is an old .xls file or a password-protected "
                                    "workbook; save it "
                                    "as .xlsx without a password"))
        raise FormError(path, _("is not a spreadsheet (.xlsx)"))
    if suffix == ".xls":
        raise FormError(path, _("is an old Excel file (.xls); save it as .xlsx or as CSV UTF-8"))
    if suffix not in _CSV_SUFFIXES:
        raise FormError(path, _("has an unsupported type '{suffix}'; expected .xlsx or .csv").format(suffix=suffix))
    return "csv"


def _head(path: Path) -> bytes:
    try:
        size = os.stat(path).st_size
        if not path.is_file():
            raise FormError(path, _("is not a file"))
        if size > MAX_FILE_BYTES:
            raise FormError(path, _("is larger than the {limit} MB limit ({size:,} bytes)").format(
                limit=MAX_FILE_BYTES // (1024 * 1024), size=size))
        with open(path, "rb") as f:
            return f.read(8)
    except FileNotFoundError:
        raise FormError(path, _("does not exist")) from None
    except OSError as e:
        raise FormError(path, _("cannot be read ({problem})").format(problem=e.strerror or e)) from None


# ---- CSV ----------------------------------------------------------------------------


def _csv_encoding(path: Path, warn: Messages) -> str:
    with open(path, "rb") as f:
        bom = f.read(4)
    if bom.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif bom.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp874"]
    for encoding in candidates:
        if _decodes(path, encoding):
            if encoding == "cp874":
                warn.add(_("{name}: is not UTF-8; read it as Thai Windows-874/TIS-620 (save it as 'CSV UTF-8' to be "
                           "sure)").format(
                    name=path.name))
            return encoding
    if candidates == ["utf-8", "cp874"]:
        raise FormError(path, _("is neither UTF-8 nor Thai Windows-874/TIS-620 text"))
    raise FormError(path, _("is not valid {encoding} text despite its byte-order mark").format(
        encoding=candidates[0].upper()))


def _decodes(path: Path, encoding: str) -> bool:
    # Check the whole file before streaming, so a bad byte in row 90,000 cannot leave half a form.
    decoder = codecs.getincrementaldecoder(encoding)()
    wide = encoding == "utf-16"
    with open(path, "rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                if not wide and b"\x00" in chunk:
                    raise FormError(path, _("is not a text (CSV) file: it contains NUL bytes"))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _csv_rows(path: Path, encoding: str, delimiter: str):
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        number = 0
        try:
            for number, row in enumerate(reader, 1):
                yield number, row
        except csv.Error as e:
            raise FormError(path, _("row {row}: cannot be read as CSV ({problem})").format(
                row=number + 1, problem=e)) from None


# ---- XLSX ---------------------------------------------------------------------------


@contextmanager
def _workbook(path: Path):
    check_package(path)
    try:
        with zipfile.ZipFile(path) as z:
            yield xlsxread.Workbook(z)
    except xlsxread.Unsafe as e:
        raise FormError(path, _("is not a safe spreadsheet: a part {problem}").format(problem=e)) from None
    except xlsxread.Damaged as e:
        raise FormError(path, _("is not a readable spreadsheet (.xlsx): {problem}").format(problem=e)) from None


def _sheet_rows(path: Path, wb, name: str, part: str):
    try:
        yield from wb.rows(part)
    except xlsxread.Unsafe as e:
        raise FormError(path, _("sheet '{name}' {problem}").format(name=name, problem=e)) from None
    except xlsxread.Damaged as e:
        raise FormError(path, _("sheet '{name}' cannot be read: {problem}").format(name=name, problem=e)) from None


def _brief(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text}"[:200] if text else type(e).__name__


def check_package(path: Path) -> None:
    """Raise FormError unless ``path`` is a zip package of sane size holding a spreadsheet."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_sizes(path, infos)
            names = {i.filename for i in infos}
            if "word/document.xml" in names:
                raise FormError(path, _("is not a spreadsheet (.xlsx): it is a Word document"))
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise FormError(path, _("is not a spreadsheet (.xlsx)"))
    except zipfile.BadZipFile:
        raise FormError(path, _("is not a spreadsheet (.xlsx): damaged zip package")) from None
    except (OSError, RuntimeError, NotImplementedError) as e:  # encrypted or unknown compression
        raise FormError(path, _("is not a readable spreadsheet (.xlsx): "
                                "{problem}").format(problem=_brief(e))) from None


def _check_sizes(path: Path, infos) -> None:
    if len(infos) > MAX_MEMBERS:
        raise FormError(path, _("has {count:,} parts, more than a spreadsheet needs (limit {limit:,})").format(
            count=len(infos), limit=MAX_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise FormError(path, _("unpacks to {total:,} bytes, over the {limit} MB limit").format(
            total=total, limit=MAX_UNPACKED_BYTES // 2**20))
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise FormError(path, _("part '{filename}' is compressed {ratio:,}:1, which no real spreadsheet is (a "
                                    "zip bomb?)").format(
                filename=i.filename, ratio=i.file_size // max(i.compress_size, 1)))
