"""The one exception tree of policydiff; only the CLI turns these into messages and exit codes."""

import re

_BREAKS = re.compile(r"[\x00-\x1f\x7f\s]+")


def one_line(text, limit: int = 500) -> str:
    """A message on one line: whitespace and control characters collapsed (a hostile file name
    or part may hold newlines), cut to ``limit`` characters with an ellipsis."""
    text = _BREAKS.sub(" ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class PolicydiffError(Exception):
    """Base of every error policydiff raises on purpose."""


class InputError(PolicydiffError):
    """An input file is missing, unreadable, of the wrong kind, or hostile."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NotADocxError(InputError):
    """The file is not an Office Open XML word-processing package."""


class EncryptedDocumentError(InputError):
    """The file is a password-protected (encrypted) Office document."""


class UnsafeDocumentError(InputError):
    """The file exceeds a safety limit or contains forbidden XML constructs."""


class FormError(InputError):
    """A comment form (CSV/XLSX) cannot be used."""


class OptionError(PolicydiffError):
    """A command-line option's value cannot be used (its message names the option)."""


class ArchiveError(PolicydiffError):
    """The version archive is missing, locked, or inconsistent."""


class StaleError(ArchiveError):
    """The archive changed since the caller read it (another writer came first); read again and retry."""
