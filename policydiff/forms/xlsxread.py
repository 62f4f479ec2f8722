"""A small streaming reader of .xlsx cell values (the cached values, as openpyxl's data_only).

openpyxl's read-only mode took 17 s (LibreOffice-written) to 52 s (openpyxl-written, inline
strings) for a 100,000-row form on a 2-core machine; this reader takes a few seconds. It uses
expat without namespace processing (producers differ in prefixes, never in local names),
refuses any DOCTYPE or entity declaration, and never fetches anything. Parts are found through
the package relationships, so Strict OOXML and odd part names work too.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pyexpat import ExpatError, ParserCreate
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

from ..i18n import _

_CHUNK = 1024 * 1024
MAX_COLUMNS = 16384  # Excel's limit; a cell reference beyond it is ignored, not allocated
# Built-in number formats that show dates or times (ECMA-376 §18.8.30, th-TH ids 71-81 included).
_BUILTIN_DATES = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) | \
    frozenset(range(50, 59)) | frozenset(range(71, 82))
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CODE = re.compile(r"[dmyhsb]", re.I)
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class Unsafe(Exception):
    """A part declares a DOCTYPE or entities."""


class Damaged(Exception):
    """A part is missing or is not well-formed XML."""


# What zipfile and expat raise on a damaged or encrypted member.
_BROKEN = (ExpatError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError)


@contextmanager
def _damage_reported(part: str):
    try:
        yield
    except KeyError:
        raise Damaged(_("missing part '{part}'").format(part=part)) from None
    except _BROKEN as e:
        raise Damaged(_("part '{part}': "
                        "{problem}").format(part=part, problem=f"{type(e).__name__}: {str(e)[:160]}")) from None


def _refuse(*_args) -> None:
    raise Unsafe(_("declares a DOCTYPE or entities"))


def _parser():
    p = ParserCreate()
    p.buffer_text = True
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    return p


def _local(name: str) -> str:
    return name[name.index(":") + 1:] if ":" in name else name


def _elements(data: bytes) -> List[Tuple[str, str, Dict[str, str]]]:
    """Return (parent, name, attributes) for every element of a small part, local names."""
    out, stack = [], [""]

    def start(name, attrs):
        local = _local(name)
        out.append((stack[-1], local, attrs))
        stack.append(local)

    p = _parser()
    p.StartElementHandler = start
    p.EndElementHandler = lambda name: stack.pop()
    p.Parse(data, True)
    return out


class Workbook:
    """The sheets of an .xlsx package and what their cells need: strings, date styles, epoch."""

    def __init__(self, z: zipfile.ZipFile):
        self.zip = z
        main = self._main_part()
        rels = self._rels(main)
        book = self._parsed(main)
        self.sheets = self._sheets(book, rels)
        self.epoch = _epoch(book)
        self.strings = self._strings(_target(rels, "sharedStrings"))
        self.date_styles = self._date_styles(_target(rels, "styles"))

    def _parsed(self, name: str):
        with _damage_reported(name):
            return _elements(self.zip.read(name))

    def _main_part(self) -> str:
        for _event, name, attrs in self._parsed("_rels/.rels"):
            if name == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                return attrs.get("Target", "").lstrip("/")
        raise Damaged(_("no workbook part"))

    def _rels(self, part: str) -> Dict[str, Tuple[str, str]]:
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if name not in self.zip.NameToInfo:
            return {}
        out = {}
        for _event, tag, attrs in self._parsed(name):
            if tag == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                out[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)
        return out

    @staticmethod
    def _sheets(book, rels) -> List[Tuple[str, str]]:
        sheets = []
        for parent, name, attrs in book:
            if parent == "sheets" and name == "sheet":
                rid = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), "")
                kind, path = rels.get(rid, ("", ""))
                if kind == "worksheet":
                    sheets.append((attrs.get("name", ""), path))
        return sheets

    def _strings(self, part: Optional[str]) -> List[str]:
        if part is None:
            return []
        reader = _Strings()
        p = _parser()
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = reader.start, reader.end, reader.data
        with _damage_reported(part), self.zip.open(part) as f:
            while chunk := f.read(_CHUNK):
                p.Parse(chunk, False)
            p.Parse(b"", True)
        return reader.strings

    def _date_styles(self, part: Optional[str]) -> FrozenSet[int]:
        if part is None:
            return frozenset()
        elements = self._parsed(part)
        codes = {int(a.get("numFmtId", -1)): a.get("formatCode", "")
                 for parent, name, a in elements if parent == "numFmts" and name == "numFmt"}
        xfs = [int(a.get("numFmtId", 0)) for parent, name, a in elements if parent == "cellXfs" and name == "xf"]
        return frozenset(i for i, fmt in enumerate(xfs) if _is_date_format(fmt, codes))

    def rows(self, part: str) -> Iterator[Tuple[int, tuple]]:
        """Yield (row number, cell values) for each row present in the sheet part."""
        sheet = _Sheet(self.strings, self.date_styles, self.epoch)
        p = _parser()
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = sheet.start, sheet.end, sheet.data
        with _damage_reported(part), self.zip.open(part) as f:
            while chunk := f.read(_CHUNK):
                p.Parse(chunk, False)
                yield from sheet.take()
            p.Parse(b"", True)
            yield from sheet.take()


def _target(rels, kind: str) -> Optional[str]:
    return next((path for k, path in rels.values() if k == kind), None)


def _epoch(book) -> dt.datetime:
    for _event, name, attrs in book:
        if name == "workbookPr" and attrs.get("date1904", "0").lower() in ("1", "true"):
            return dt.datetime(1904, 1, 1)
    return dt.datetime(1899, 12, 30)


def _is_date_format(fmt: int, codes: Dict[int, str]) -> bool:
    if fmt in codes:
        return bool(_DATE_CODE.search(_FORMAT_NOISE.sub("", codes[fmt].split(";")[0])))
    return fmt in _BUILTIN_DATES


def unescape(text: str) -> str:
    """Return text with Excel's _xHHHH_ escapes (control characters) decoded."""
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _Strings:
    """Collects the shared strings: each <si>'s <t> texts, leaving out phonetic runs (<rPh>)."""

    def __init__(self):
        self.strings: List[str] = []
        self.parts: List[str] = []
        self.collect = False
        self.phonetic = False

    def start(self, name, attrs):
        name = _local(name)
        if name == "t":
            self.collect = not self.phonetic
        elif name == "si":
            self.parts = []
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        name = _local(name)
        if name == "t":
            self.collect = False
        elif name == "si":
            self.strings.append(unescape("".join(self.parts)))
        elif name == "rPh":
            self.phonetic = False

    def data(self, text):
        if self.collect:
            self.parts.append(text)


class _Sheet:
    """expat handlers turning <row>/<c> elements into (row number, values) tuples."""

    def __init__(self, strings, date_styles, epoch):
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.done: List[Tuple[int, tuple]] = []
        self.row_number = 0
        self.cells: List[Tuple[int, object]] = []
        self.col = -1
        self.attrs: Dict[str, str] = {}
        self.parts: Optional[List[str]] = None
        self.collect = False
        self.phonetic = False

    def take(self) -> List[Tuple[int, tuple]]:
        done, self.done = self.done, []
        return done

    def start(self, name, attrs):
        if ":" in name:
            name = _local(name)
        if name == "c":
            ref = attrs.get("r")
            self.col = _column(ref.rstrip("0123456789")) if ref else self.col + 1
            self.attrs, self.parts = attrs, None
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collect = True
            if self.parts is None:
                self.parts = []
        elif name == "row":
            r = attrs.get("r")
            self.row_number = int(r) if r else self.row_number + 1
            self.cells, self.col = [], -1
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        if ":" in name:
            name = _local(name)
        if name == "v" or name == "t":
            self.collect = False
        elif name == "c":
            if self.parts is not None and 0 <= self.col < MAX_COLUMNS:
                self.cells.append((self.col, self._value("".join(self.parts))))
        elif name == "row":
            self.done.append((self.row_number, self._tuple()))
        elif name == "rPh":
            self.phonetic = False

    def data(self, text):
        if self.collect:
            self.parts.append(text)

    def _tuple(self) -> tuple:
        if not self.cells:
            return ()
        values = [None] * (max(c for c, _row in self.cells) + 1)
        for c, v in self.cells:
            values[c] = v
        return tuple(values)

    def _value(self, text: str):
        kind = self.attrs.get("t", "n")
        if kind == "s":
            i = int(text) if text.isdigit() else -1
            return self.strings[i] if 0 <= i < len(self.strings) else None
        if kind in ("inlineStr", "str", "e"):
            return unescape(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(text)
        return self._number(text)

    def _number(self, text: str):
        try:
            number = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return text or None
        style = self.attrs.get("s")
        if style and style.isdigit() and int(style) in self.date_styles:
            try:
                # Serials carry float noise (…9:29:59.99999); a cell never shows below milliseconds.
                return self.epoch + dt.timedelta(milliseconds=round(number * 86_400_000))
            except OverflowError:
                return number
        return number


def _iso_date(text: str):
    try:
        return dt.datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return text


@lru_cache(maxsize=1024)
def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1
