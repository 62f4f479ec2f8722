"""Disposition tables: how each comment was handled, written for the committee and read back.

The table has Thai headers with the English name in parentheses ("ผลการพิจารณา (result)"),
Thai result words (รับ, รับบางส่วน, ไม่รับ, รับทราบ), and an "id" column carrying each
disposition's ``key`` so that an editor's sorted, filtered or renumbered copy still matches.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..core.labels import to_arabic
from ..core.result import Messages, Result
from ..errors import FormError
from ..fsutil import atomic_write
from .tabular import (
    MAX_ROWS,
    cell,
    cell_text,
    find_header,
    is_blank,
    make_classifier,
    open_tables,
)
from ..i18n import _, ngettext

RESULTS = ("accepted", "partly accepted", "not accepted", "noted")
KINDS = ("comment", "proposal")
UNDECIDED = ""

# (field, header as written); the order of the written columns.
COLUMNS = (
    ("number", "ลำดับ (no.)"),
    ("division", "หน่วยงาน (division)"),
    ("clause", "ข้อ (clause)"),
    ("kind", "ประเภท (kind)"),
    ("text", "ความเห็น/ข้อเสนอ (text)"),
    ("result", "ผลการพิจารณา (result)"),
    ("reason", "เหตุผล (reason)"),
    ("key", "รหัส (id)"),
)
RESULT_WORDS = {"accepted": "รับ", "partly accepted": "รับบางส่วน", "not accepted": "ไม่รับ", "noted": "รับทราบ"}
KIND_WORDS = {"comment": "ความเห็น", "proposal": "ข้อเสนอแก้ไข"}

_SYNONYMS = {
    "number": ("ลำดับ", "ลำดับที่", "no", "number", "ที่"),
    "division": ("หน่วยงาน", "division", "ส่วนราชการ"),
    "clause": ("ข้อ", "clause", "มาตรา"),
    "kind": ("ประเภท", "kind"),
    "text": ("ความเห็น/ข้อเสนอ", "text", "ความเห็น", "ข้อเสนอ", "comment"),
    "result": ("ผลการพิจารณา", "result", "ผล", "ผลพิจารณา", "มติ"),
    "reason": ("เหตุผล", "reason", "คำชี้แจง", "ข้อชี้แจง", "เหตุผลประกอบ"),
    "key": ("รหัส", "id", "key", "รหัสอ้างอิง"),
}
_RESULT_SYNONYMS = {
    "accepted": ("รับ", "เห็นชอบ", "ยอมรับ", "accepted", "accept"),
    "partly accepted": ("รับบางส่วน", "เห็นชอบบางส่วน", "ยอมรับบางส่วน", "partly accepted",
                        "partially accepted", "partly", "partial"),
    "not accepted": ("ไม่รับ", "ไม่เห็นชอบ", "ไม่ยอมรับ", "not accepted", "rejected", "reject"),
    "noted": ("รับทราบ", "noted", "note"),
}
_KIND_SYNONYMS = {
    "comment": ("ความเห็น", "comment", "ข้อคิดเห็น"),
    "proposal": ("ข้อเสนอแก้ไข", "ข้อเสนอ", "proposal", "เสนอแก้ไขถ้อยคำ", "ข้อความที่เสนอ", "proposed wording"),
}
_classify = make_classifier(_SYNONYMS)
_result_of = make_classifier(_RESULT_SYNONYMS)
_kind_of = make_classifier(_KIND_SYNONYMS)

# A spreadsheet program runs a CSV cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CORE_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
_FIXED_DATE = dt.datetime(1980, 1, 1)  # the zip format's earliest date: stands for "no date given"
_WIDTHS = {"number": 8, "division": 22, "clause": 14, "kind": 14, "text": 60, "result": 16, "reason": 45, "key": 14}
_FONT = "TH SarabunPSK"
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # Thai vowel and tone marks take no width
_CHARS_PER_WIDTH = 0.7  # base Thai characters of TH SarabunPSK 16 pt per unit of column width
_LINE_POINTS = 22
_MAX_ROW_POINTS = 409  # Excel's limit


@dataclass(frozen=True, slots=True)
class Disposition:
    """How one comment or proposed wording was handled."""

    number: int  # the row's number in the table (ลำดับ)
    division: str
    clause: str  # the clause label as the committee reads it ("ข้อ ๕ (๓)")
    kind: str  # one of KINDS
    text: str  # the comment, or the proposed wording
    result: str = UNDECIDED  # one of RESULTS, or "" while undecided
    reason: str = ""
    key: str = ""  # stable annotation id, written as the "id" column


# ---- writing ------------------------------------------------------------------------


def write_dispositions(path, rows: Iterable[Disposition], *, title: str = "",
                       date: Optional[dt.datetime] = None) -> None:
    """Write the table to ``path`` (.csv or .xlsx by extension), replacing the file atomically.

    ``title``, when given, is a line above the header. ``date`` is the workbook's creation
    date (UTC); without it a fixed date is written, so the same rows give the same bytes.
    """
    atomic_write(path, disposition_bytes(path, rows, title=title, date=date))


def disposition_bytes(path, rows: Iterable[Disposition], *, title: str = "",
                      date: Optional[dt.datetime] = None) -> bytes:
    """The table as ``write_dispositions`` writes it to ``path`` (its format from the name)."""
    path = Path(path)
    rows = [_checked(r) for r in rows]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_bytes(rows, title)
    if suffix == ".xlsx":
        return _xlsx_bytes(rows, title, date or _FIXED_DATE)
    raise FormError(path, _("cannot write a disposition table as '{suffix}'; use .csv or .xlsx").format(
        suffix=suffix))


def _checked(d: Disposition) -> Disposition:
    if d.result not in RESULTS and d.result != UNDECIDED:
        raise ValueError(f"unknown result {d.result!r}; expected one of {RESULTS}")
    if d.kind not in KINDS:
        raise ValueError(f"unknown kind {d.kind!r}; expected one of {KINDS}")
    return d


def _cells(d: Disposition) -> Dict[str, object]:
    return {
        "number": d.number,
        "division": d.division,
        "clause": d.clause,
        "kind": KIND_WORDS[d.kind],
        "text": d.text,
        "result": RESULT_WORDS.get(d.result, ""),
        "reason": d.reason,
        "key": d.key,
    }


def _csv_bytes(rows: Sequence[Disposition], title: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if title:
        writer.writerow([_guard(title)])
    writer.writerow([h for _, h in COLUMNS])
    for d in rows:
        values = _cells(d)
        writer.writerow([_guard(values[f]) if isinstance(values[f], str) else values[f] for f, _ in COLUMNS])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Thai as UTF-8


def _guard(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _xlsx_bytes(rows: Sequence[Disposition], title: str, date: dt.datetime) -> bytes:
    import openpyxl  # imported here: only a workbook needs it

    wb = openpyxl.Workbook(write_only=True)
    wb.properties.creator = "policydiff"
    if date.tzinfo is not None:
        date = date.astimezone(dt.timezone.utc).replace(tzinfo=None)
    wb.properties.created = date
    ws = wb.create_sheet("ผลการพิจารณา")
    _xlsx_layout(ws, len(rows), bool(title))
    styles = _xlsx_styles()
    if title:
        ws.row_dimensions[1].height = _LINE_POINTS + 12
        ws.append([_xlsx_cell(ws, title, styles["title"])])
    ws.row_dimensions[2 if title else 1].height = _row_height(dict(COLUMNS))
    ws.append([_xlsx_cell(ws, h, styles["header"]) for _, h in COLUMNS])
    for n, d in enumerate(rows, (3 if title else 2)):
        values = _cells(d)
        ws.row_dimensions[n].height = _row_height(values)
        ws.append([_xlsx_cell(ws, values[f], styles["body"]) for f, _ in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue(), date)


def _xlsx_layout(ws, count: int, titled: bool) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    header = 2 if titled else 1
    last = get_column_letter(len(COLUMNS))
    for i, (f, _) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[f]
    ws.freeze_panes = f"A{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # all columns on one page width, as many pages down
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.auto_filter.ref = f"A{header}:{last}{header + max(count, 1)}"
    col = get_column_letter(1 + [f for f, _ in COLUMNS].index("result"))
    choices = DataValidation(type="list", formula1='"' + ",".join(RESULT_WORDS.values()) + '"',
                             allow_blank=True, showErrorMessage=True, errorStyle="warning",
                             error="ใช้ รับ, รับบางส่วน, ไม่รับ หรือ รับทราบ")
    choices.add(f"{col}{header + 1}:{col}{header + max(count, 1)}")
    ws.data_validations.dataValidation.append(choices)
    if titled:
        ws.merged_cells.add(f"A1:{last}1")


def _row_height(values: Dict[str, object]) -> float:
    # Neither Excel nor LibreOffice fits row heights on opening; estimate them so wrapped Thai shows.
    lines = max(_lines(str(values[f]), _WIDTHS[f]) for f, _ in COLUMNS)
    return min(_LINE_POINTS * lines + 4, _MAX_ROW_POINTS)


def _lines(text: str, width: int) -> int:
    per_line = max(int(width * _CHARS_PER_WIDTH), 1)
    return sum(-(-len(_MARKS.sub("", part)) // per_line) or 1 for part in text.split("\n"))


def _xlsx_styles() -> Dict[str, tuple]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    top = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    return {
        "title": (Font(name=_FONT, size=18, bold=True), None, Alignment(vertical="center"), None),
        "header": (Font(name=_FONT, size=16, bold=True), PatternFill("solid", fgColor="D9D9D9"), top, grid),
        "body": (Font(name=_FONT, size=16), None, top, grid),
    }


def _xlsx_cell(ws, value, style):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)  # XML cannot carry these control characters
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"  # openpyxl would take text starting with "=" for a formula
    font, fill, alignment, border = style
    c.font = font
    c.alignment = alignment
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    return c


def _deterministic_zip(data: bytes, date: dt.datetime) -> bytes:
    # openpyxl stamps the zip entries and dcterms:modified with the clock; pin both.
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


# ---- reading ------------------------------------------------------------------------


def read_dispositions(path, expected: Optional[Sequence[Disposition]] = None, *, strict: bool = False
                      ) -> Result[Tuple[Disposition, ...]]:
    """Read an edited disposition table: its rows, with the messages met.

    Without ``expected`` the rows are returned as read. With it, each row is matched to an
    expected disposition by its "id" column, else by its number, and the expected
    disposition is returned (in ``expected`` order) with the file's result and reason.
    ``strict`` (what ``merge --dispositions`` asks): a table without its id column, or a result
    that is none of the allowed ones, is an error rather than a warning — the editor's decisions
    must not be lost quietly.
    """
    path = Path(path)
    warn = Messages()
    with open_tables(path, warn) as tables:
        header, rows, table = _first_table(path, tables)
        if strict and "key" not in header.columns:
            raise FormError(path, _("has no รหัส (id) column: keep the column policydiff wrote, it ties each result "
                                    "to its comment"))
        found = list(_read_rows(path, header.columns, rows, table.is_sheet, warn, strict))
    if expected is not None:
        out = _match(path.name, found, expected, warn)
    else:
        out = [d for _unused, d in found]
    undecided = sum(1 for d in out if d.result == UNDECIDED)
    if undecided:
        warn.add(_("{name}: {undecided:,} of {total:,} rows have no result yet").format(
            name=path.name, undecided=undecided, total=len(out)))
    return warn.result(tuple(out))


def _first_table(path: Path, tables):
    for table in tables:
        header, rows = find_header(table.rows, _classify)
        if header is not None:
            _check_columns(path, header.columns)
            return header, rows, table
    raise FormError(path, _("has no disposition-table header in its first 10 rows (expected columns such as "
                            "ผลการพิจารณา "
                            "(result) and รหัส (id))"))


def _check_columns(path: Path, columns) -> None:
    if "result" not in columns:
        raise FormError(path, _("has no ผลการพิจารณา (result) column"))
    if "key" not in columns and "number" not in columns:
        raise FormError(path, _("has neither a รหัส (id) nor a ลำดับ (no.) column"))


def _read_rows(path: Path, cols, rows, is_sheet: bool, warn: Messages, strict: bool = False):
    name = path.name
    text = (lambda v: cell_text(v)) if is_sheet else (lambda v: _unguard(cell_text(v)))
    count = 0
    for number, cells in rows:
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FormError(path, _("has more than {limit:,} rows").format(limit=MAX_ROWS))
        get = {f: cell(cells, i) for f, i in cols.items()}
        key = text(get.get("key"))
        no = _number(get.get("number"))
        if no is None and not key:
            warn.add(_("{name}: row {number}: neither an id nor a number; row skipped").format(
                name=name, number=number), "unnumbered",
                     _("rows without an id or number skipped"))
            continue
        d = Disposition(
            number=no or 0,
            division=text(get.get("division")),
            clause=text(get.get("clause")),
            kind=_kind(text(get.get("kind"))),
            text=text(get.get("text")),
            result=_result(path if strict else None, name, number, text(get.get("result")), warn),
            reason=text(get.get("reason")),
            key=key,
        )
        yield number, d


def _number(value) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = to_arabic(cell_text(value)).rstrip(".")
    return int(text) if text.isdigit() else None


def _kind(text: str) -> str:
    return _kind_of(text) or "comment"


def _result(strict_path, name: str, row: int, text: str, warn: Messages) -> str:
    """The result a cell says; an unknown one is undecided with a warning, or (``strict_path``
    given) an error naming the row, the value and the allowed values."""
    if not text:
        return UNDECIDED
    found = _result_of(text)
    if found is None and strict_path is not None:
        raise FormError(strict_path, _("row {row}: unknown result '{text}'; use รับ (accepted), รับบางส่วน (partly "
                                       "accepted), ไม่รับ "
                                       "(not accepted) or รับทราบ (noted)").format(row=row, text=text))
    if found is None:
        warn.add(_("{name}: row {row}: unknown result '{text}'; taken as undecided (use รับ, รับบางส่วน, ไม่รับ or "
                   "รับทราบ)").format(name=name, row=row, text=text), "result", _("rows with an unknown result"))
        return UNDECIDED
    return found


def _match(name: str, found, expected: Sequence[Disposition], warn: Messages) -> List[Disposition]:
    by_key = {d.key: i for i, d in enumerate(expected) if d.key}
    by_number = {d.number: i for i, d in enumerate(expected)}
    done: Dict[int, Disposition] = {}
    for row, d in found:
        i = _target(name, row, d, by_key, by_number, warn)
        if i is None:
            continue
        if i in done:
            warn.add(_("{name}: row {row}: no. {number} appears twice; the first row was used").format(
                name=name, row=row, number=expected[i].number),
                     "twice", _("rows repeating another row"))
            continue
        done[i] = replace(expected[i], result=d.result, reason=d.reason)
    missing = [d.number for i, d in enumerate(expected) if i not in done]
    if missing:
        shown = ", ".join(str(n) for n in missing[:20]) + (", …" if len(missing) > 20 else "")
        warn.add(ngettext("{name}: {count:,} row of the table is missing from the file (no. {shown})",
                          "{name}: {count:,} rows of the table are missing from the file (no. {shown})",
                          len(missing)).format(name=name, count=len(missing), shown=shown))
    return [done[i] for i in sorted(done)]


def _target(name: str, row: int, d: Disposition, by_key, by_number, warn: Messages) -> Optional[int]:
    if d.key in by_key:
        return by_key[d.key]
    i = by_number.get(d.number) if d.number else None
    if d.key:
        message = (_("{name}: row {row}: id '{key}' is not in the table; matched by no. {number}") if i is not None
                   else _("{name}: row {row}: id '{key}' is not in the table; row ignored"))
        warn.add(message.format(name=name, row=row, key=d.key, number=d.number), "id", _("rows with an unknown id"))
    elif i is None:
        warn.add(_("{name}: row {row}: no. {number} is not in the table; row ignored").format(
            name=name, row=row, number=d.number), "id",
                 _("rows with an unknown id"))
    return i
