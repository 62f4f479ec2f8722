"""Comment forms (CSV/XLSX) in, disposition tables out; may use csv and openpyxl, never lxml."""

from policydiff.forms.clauseref import WHOLE_DOCUMENT, parse_clause_ref, path_matches, split_path
from policydiff.forms.commentform import TYPES, FormResult, FormRow, division_from_filename, read_form
from policydiff.forms.dispositions import (
    KINDS,
    RESULTS,
    UNDECIDED,
    Disposition,
    read_dispositions,
    write_dispositions,
)

__all__ = [
    "Disposition",
    "FormResult",
    "FormRow",
    "KINDS",
    "RESULTS",
    "TYPES",
    "UNDECIDED",
    "WHOLE_DOCUMENT",
    "division_from_filename",
    "parse_clause_ref",
    "path_matches",
    "read_dispositions",
    "read_form",
    "split_path",
    "write_dispositions",
]
