"""Comment forms: a division's comments as rows of a CSV or XLSX file, Thai or English headers.

Columns (any order, headers case- and space-insensitive, Thai or English):
หน่วยงาน (Division), ข้อ (Clause), ข้อความที่อ้างถึง (Quoted text), ความเห็น (Comment),
ข้อความที่เสนอ (Proposed wording), ประเภท (Type), วันที่ (Date: ISO or Thai, B.E. or C.E.),
อักษรย่อ (Initials). ข้อ and ความเห็น are required; หน่วยงาน may be left out when the file is
named for the division ("กองกฎหมาย-form.xlsx").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional, Tuple

from ..core.result import Messages, Result
from ..errors import FormError
from ..thaidate import revision_datetime
from .clauseref import parse_clause_ref
from .tabular import (
    MAX_ROWS,
    Header,
    cell,
    cell_text,
    find_header,
    is_blank,
    make_classifier,
    open_tables,
)
from ..i18n import _, ngettext

TYPES = ("general", "technical", "editorial")

_SYNONYMS = {
    "division": ("division", "หน่วยงาน", "ส่วนราชการ", "ชื่อหน่วยงาน", "หน่วยงานที่เสนอ", "agency",
                 "department", "organization", "organisation", "ministry"),
    "clause": ("clause", "ข้อ", "มาตรา", "section", "ข้อที่", "เลขข้อ", "clause no", "clause number",
               "article", "หมวด/ข้อ", "ข้อ/มาตรา"),
    "quote": ("quoted text", "quote", "ข้อความที่อ้างถึง", "ข้อความเดิม", "ข้อความในร่าง", "current text",
              "existing text", "original text"),
    "comment": ("comment", "comments", "ความเห็น", "ข้อคิดเห็น", "ความคิดเห็น", "ข้อสังเกต", "observation",
                "observations"),
    "proposal": ("proposed wording", "proposal", "ข้อความที่เสนอ", "ข้อเสนอ", "ข้อความที่เสนอแก้ไข",
                 "ข้อเสนอแก้ไข", "proposed change", "proposed text", "suggested wording"),
    "type": ("type", "ประเภท", "ประเภทความเห็น", "comment type", "type of comment"),
    "date": ("date", "วันที่", "วันที่เสนอ", "วันที่ให้ความเห็น", "ลงวันที่", "date submitted", "submitted on"),
    "initials": ("initials", "อักษรย่อ", "ชื่อย่อ", "อักษรย่อหน่วยงาน", "ชื่อย่อหน่วยงาน", "abbreviation"),
}
_NAMES = {
    "division": "หน่วยงาน (Division)",
    "clause": "ข้อ (Clause)",
    "comment": "ความเห็น (Comment)",
}
_TYPE_WORDS = {
    "general": ("general", "ge", "g", "ทั่วไป", "ความเห็นทั่วไป", "ภาพรวม"),
    "technical": ("technical", "te", "t", "เชิงเทคนิค", "ด้านเทคนิค", "ทางเทคนิค", "เทคนิค", "เนื้อหา",
                  "ด้านเนื้อหา"),
    "editorial": ("editorial", "ed", "e", "แก้ไขถ้อยคำ", "ถ้อยคำ", "ด้านถ้อยคำ", "บรรณาธิการ", "ภาษา"),
}
_FORM_SUFFIX = re.compile(r"[-_ ]*(form|แบบฟอร์ม|แบบฟอร์มความเห็น)$", re.I)
_GENERIC_STEMS = {"", "form", "forms", "comment", "comments", "ความเห็น", "แบบฟอร์ม"}

_classify = make_classifier(_SYNONYMS)
_type_of = lru_cache(maxsize=256)(make_classifier(_TYPE_WORDS))


@dataclass(frozen=True, slots=True)
class FormRow:
    """One comment from a form; ``clause_path`` is None when ``clause_ref`` could not be read."""

    source: str  # the form's file name
    row: int  # 1-based row number as a spreadsheet shows it
    division: str
    clause_ref: str  # as written (an Excel date cell is given back as "day/month")
    clause_path: Optional[str]  # "หมวด 2/ข้อ 5/(3)", "" = the whole draft; see forms.clauseref
    quote: str  # "" when not given
    comment: str
    proposal: str  # proposed wording, "" when not given
    type: str  # one of TYPES
    date: str = ""  # xsd:dateTime of the row's date ("" when not given or not a date)
    initials: str = ""  # the division's initials ("กม.")


def read_form(path) -> Result[Tuple[FormRow, ...]]:
    """Read a comment form (.csv or .xlsx): its rows, with the messages met; raise FormError
    when it cannot be used."""
    path = Path(path)
    warn = Messages()
    with open_tables(path, warn) as tables:
        header, rows, table = _first_form_table(path, tables)
        if table.is_sheet:
            _note_other_sheets(path, tables, table, warn)
        division = _default_division(path, header, warn)
        found = tuple(_read_rows(path, header, rows, division, warn))
    return warn.result(found)


def _first_form_table(path: Path, tables):
    for table in tables:
        header, rows = find_header(table.rows, _classify)
        if header is not None:
            return header, rows, table
    raise FormError(path, _("has no header row in its first 10 rows (expected columns such as ข้อ (Clause) "
                            "and ความเห็น (Comment))"))


def _note_other_sheets(path: Path, tables, chosen, warn: Messages) -> None:
    # A workbook with one sheet per division is easy to send; say so rather than drop them quietly.
    for table in tables[tables.index(chosen) + 1:]:
        if find_header(table.rows, _classify)[0] is not None:
            warn.add(_("{name}: read sheet '{sheet}' only; sheet '{other}' also looks like a comment form (send one "
                       "form per file)").format(name=path.name, sheet=chosen.name, other=table.name))


def _default_division(path: Path, header: Header, warn: Messages) -> str:
    missing = [f for f in ("clause", "comment") if f not in header.columns]
    from_name = division_from_filename(path)
    if "division" not in header.columns and not from_name:
        missing.insert(0, "division")
    if missing:
        names = _NAMES[missing[0]]
        for f in missing[1:]:
            names = _("{first} and {second}").format(first=names, second=_NAMES[f])
        if "division" in missing:
            problem = ngettext("has no {names} column, and its file name does not name the division",
                               "has no {names} columns, and its file name does not name the division", len(missing))
        else:
            problem = ngettext("has no {names} column", "has no {names} columns", len(missing))
        raise FormError(path, problem.format(names=names))
    for text in header.repeated:
        warn.add(_("{name}: row {row}: column '{text}' repeats another column's meaning; the first was read").format(
            name=path.name, row=header.row, text=text))
    if "division" not in header.columns:
        warn.add(_("{name}: has no หน่วยงาน (Division) column; took '{from_name}' from the file name").format(
            name=path.name, from_name=from_name))
    return from_name


def division_from_filename(path) -> str:
    """Return the division a form's file name gives ("กองกฎหมาย-form.xlsx" → "กองกฎหมาย"), or ""."""
    stem = _FORM_SUFFIX.sub("", Path(path).stem.strip()).strip()
    return "" if stem.lower() in _GENERIC_STEMS else stem


def _read_rows(path: Path, header: Header, rows, division: str, warn: Messages) -> Iterator[FormRow]:
    cols = header.columns
    count = 0
    # Forms pasted together from several copies repeat the header row mid-table.
    repeated = (header.texts["clause"], header.texts["comment"])
    for number, cells in rows:
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FormError(path, _("has more than {limit:,} comment rows").format(limit=MAX_ROWS))
        row = _form_row(path, number, cells, cols, division, repeated, warn)
        if row is not None:
            yield row


def _form_row(path: Path, number: int, cells: tuple, cols, division: str, repeated, warn: Messages
              ) -> Optional[FormRow]:
    name = path.name
    comment = cell_text(cell(cells, cols["comment"]))
    raw_ref = cell(cells, cols["clause"])
    if (cell_text(raw_ref), comment) == repeated:
        return None
    proposal = cell_text(cell(cells, cols.get("proposal")))
    if not comment and not proposal:
        warn.add(_("{name}: row {number}: no comment or proposed wording; row skipped").format(
            name=name, number=number),
                 "empty", _("rows without a comment skipped"))
        return None
    ref = _clause_text(name, number, raw_ref, warn)
    clause_path = parse_clause_ref(ref) if ref else None
    if clause_path is None:
        problem = _("clause reference '{ref}' cannot be read").format(ref=ref) if ref else _("no clause reference")
        warn.add(_("{name}: row {number}: {problem}; the comment is kept unplaced").format(
            name=name, number=number, problem=problem),
                 "clause", _("rows with an unreadable clause reference"))
    own = cell_text(cell(cells, cols.get("division")))
    if "division" in cols and not own:
        message = (_("{name}: row {number}: no division given; took '{division}' from the file name") if division
                   else _("{name}: row {number}: no division given"))
        warn.add(message.format(name=name, number=number, division=division), "division", _("rows without a "
                                                                                            "division"))
    return FormRow(
        source=name,
        row=number,
        division=own or division,
        clause_ref=ref,
        clause_path=clause_path,
        quote=cell_text(cell(cells, cols.get("quote"))),
        comment=comment,
        proposal=proposal,
        type=_comment_type(name, number, cell(cells, cols.get("type")), warn),
        date=_row_date(name, number, cell(cells, cols.get("date")), warn),
        initials=cell_text(cell(cells, cols.get("initials"))),
    )


def _clause_text(name: str, number: int, value, warn: Messages) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        # Excel turns "5/1" typed in a Thai-locale cell into 5 January.
        text = f"{value.day}/{value.month}"
        warn.add(_("{name}: row {number}: the clause cell holds a date; read it as '{text}' (format the column as "
                   "text)").format(name=name, number=number, text=text), "date", _("clause cells holding a date"))
        return text
    return cell_text(value)


def _comment_type(name: str, number: int, value, warn: Messages) -> str:
    text = cell_text(value)
    if not text:
        return "general"
    found = _type_of(text)
    if found is None:
        warn.add(_("{name}: row {number}: unknown comment type '{text}'; taken as general").format(
            name=name, number=number, text=text),
                 "type", _("rows with an unknown comment type"))
        return "general"
    return found


def _row_date(name: str, number: int, value, warn: Messages) -> str:
    """The row's date as an xsd:dateTime (a date alone is midnight UTC); "" with a warning if none."""
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = cell_text(value)
    if not text:
        return ""
    try:
        return revision_datetime(text)
    except ValueError:
        warn.add(_("{name}: row {number}: '{text}' in the date column is not a date; left undated").format(
            name=name, number=number, text=text),
                 "date-cell", _("rows whose date cannot be read"))
        return ""
