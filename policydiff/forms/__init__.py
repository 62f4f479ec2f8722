"""Comment forms (CSV/XLSX) in, disposition tables out; may use csv and openpyxl, never lxml."""

from .clauseref import WHOLE_DOCUMENT, parse_clause_ref, path_matches, split_path
from .commentform import TYPES, FormRow, division_from_filename, read_form
from .dispositions import (
    KINDS,
    RESULTS,
    UNDECIDED,
    Disposition,
    read_dispositions,
    write_dispositions,
)

__all__ = [
    "Disposition",
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
