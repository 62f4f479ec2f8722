"""The archive's records and the one interface every archive backend implements."""

from __future__ import annotations

import abc
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from ..errors import ArchiveError
from ..i18n import _

ARCHIVE_DIRNAME = ".policydiff"
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another writer before giving up

VersionRef = Union[str, int]  # a label ("v1", "ร่าง ๑"), or a seq (2, "2", "๒")
CacheKey = Union[str, Tuple[str, ...]]
_SUFFIX = re.compile(r"\.[^./\\]+\Z")  # a file name's extension


@dataclass(frozen=True)
class Version:
    """One archived draft: its bytes are addressed by ``sha256``; ``seq`` counts 1, 2, 3 in order added."""

    seq: int
    label: str
    sha256: str
    date: str  # ISO date of the draft (C.E.)
    note: str
    filename: str  # the file name it was added from, for people; never used to find it
    added_at: str  # ISO datetime the caller passed in
    size: int  # bytes


@dataclass(frozen=True)
class RoundSource:
    """One file a division sent back in a round (a review copy or a comment form)."""

    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Round:
    """A comment round: who could comment on which version, when, and what came back."""

    seq: int
    name: str
    date_from: str  # ISO date
    date_to: str  # ISO date
    base_label: str
    base_seq: int
    sources: Tuple[RoundSource, ...]
    annotations_json: str
    added_at: str


@dataclass(frozen=True)
class AnnotationRevision:
    """One revision of a round's annotations: 0 is the one the round was recorded with, then 1, 2, 3
    as batches of files (or a copy of the archive) changed them; the highest is ``Round.annotations_json``."""

    revision: int
    annotations_json: str
    added_at: str


@dataclass(frozen=True)
class Dispositions:
    """One revision of a round's disposition table; the highest ``revision`` is the current one."""

    round_name: str
    revision: int  # 1, 2, 3 per round
    rows_json: str
    added_at: str
    who: str = ""  # the person who saved it, as typed ("" for revisions stored before names were kept)


def find_archive(start) -> Optional[Path]:
    """Return the nearest folder at or above ``start`` that holds ``.policydiff/``, or None (as git finds .git)."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / ARCHIVE_DIRNAME).is_dir():
            return folder
    return None


def new_archive_folder(workdir) -> Path:
    """Create ``workdir/.policydiff``; ArchiveError if the folder is missing or has an archive."""
    root = Path(workdir).resolve()
    if not root.is_dir():
        raise ArchiveError(_("{root}: no such folder").format(root=root))
    folder = root / ARCHIVE_DIRNAME
    try:
        folder.mkdir()
    except FileExistsError:
        raise ArchiveError(_("{folder} already exists: this folder already has an archive").format(
            folder=folder)) from None
    return folder


def source_names(existing: Sequence[RoundSource], files: Sequence[Tuple[str, bytes]]) -> List[Optional[str]]:
    """Return the name each of ``files`` is stored under in a round holding ``existing``: None for a
    file already there (same name or a numbered copy of it, same bytes), else its name, numbered
    when taken by other bytes ("กองคลัง.docx" → "กองคลัง (2).docx")."""
    held = [(s.filename, s.sha256) for s in existing]
    out: List[Optional[str]] = []
    for name, data in files:
        sha256 = hashlib.sha256(data).hexdigest()
        if any(sha == sha256 and _is_copy_of(held_name, name) for held_name, sha in held):
            out.append(None)
            continue
        out.append(_free_name(name, {held_name for held_name, _ in held}))
        held.append((out[-1], sha256))
    return out


def _split_name(name: str) -> Tuple[str, str]:
    """Return (stem, suffix) of a file name, by its text alone (a name is never a path here)."""
    found = _SUFFIX.search(name)
    return (name[: found.start()], found.group()) if found and found.start() > 0 else (name, "")


def _is_copy_of(held_name: str, name: str) -> bool:
    """Whether ``held_name`` is ``name`` or a numbered copy of it ("x (2).docx" of "x.docx")."""
    stem, suffix = _split_name(name)
    numbered = re.escape(stem) + r" \([0-9]+\)" + re.escape(suffix)
    return held_name == name or re.fullmatch(numbered, held_name) is not None


def _free_name(name: str, taken: set) -> str:
    """Return ``name``, or ``stem (2).ext``, ``(3)``… when taken."""
    stem, suffix = _split_name(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    return candidate


def outline_key(sha256: str) -> Tuple[str, str]:
    """Return the cache key under which ``add_version`` keeps a version's outline."""
    return ("outline", sha256)


class Store(abc.ABC):
    """The version archive: append-only versions, rounds and dispositions, plus a derived-data cache."""

    root: Path  # the policy's working folder, the one holding .policydiff/

    @classmethod
    def init(cls, workdir, *, db: Optional[str] = None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "Store":
        """Create a new archive in ``workdir``: SQLite, or the PostgreSQL database ``db`` (else
        ``POLICYDIFF_DB``), recorded in ``.policydiff/config.json``; ArchiveError if one is there."""
        from .opening import init_archive

        return init_archive(workdir, db=db, busy_timeout=busy_timeout)

    @classmethod
    def open(
        cls, workdir, create: bool = False, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> "Store":
        """Open the archive serving ``workdir`` (``POLICYDIFF_DB``, else the nearest ``.policydiff/``,
        SQLite or the database its config names), creating one in ``workdir`` if ``create``."""
        from .opening import open_archive

        return open_archive(workdir, create=create, busy_timeout=busy_timeout)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abc.abstractmethod
    def close(self) -> None:
        """Release the archive."""

    # -- versions --------------------------------------------------------------------
    @abc.abstractmethod
    def add_version(
        self,
        data: bytes,
        label: str,
        date: str,
        note: str = "",
        filename: str = "",
        outline_json: Optional[str] = None,
        *,
        added_at: str,
    ) -> Tuple[Version, bool]:
        """Archive ``data``; return (version, True), or (the existing version, False) for known bytes."""

    @abc.abstractmethod
    def get_version(self, ref: VersionRef) -> Version:
        """Return the version with this label or seq; ArchiveError if there is none."""

    @abc.abstractmethod
    def find_sha(self, sha256: str) -> Optional[Version]:
        """Return the version whose bytes have this sha256, or None."""

    @abc.abstractmethod
    def version_bytes(self, ref: VersionRef) -> bytes:
        """Return a version's bytes, checked against its sha256."""

    @abc.abstractmethod
    def list_versions(self) -> list[Version]:
        """Return every version in the order added."""

    @abc.abstractmethod
    def previous(self, ref: VersionRef) -> Optional[Version]:
        """Return the version added just before this one, or None for the first."""

    @abc.abstractmethod
    def outline_json(self, ref: VersionRef) -> Optional[str]:
        """Return the outline JSON stored with a version, or None."""

    # -- rounds ----------------------------------------------------------------------
    @abc.abstractmethod
    def add_round(
        self,
        name: str,
        date_from: str,
        date_to: str,
        base_label: VersionRef,
        sources: Sequence[Tuple[str, bytes]],
        annotations_json: str,
        *,
        added_at: str,
    ) -> Round:
        """Record a comment round with its returned files (none yet is fine); ArchiveError if the name is taken."""

    @abc.abstractmethod
    def add_round_sources(
        self,
        name: str,
        sources: Sequence[Tuple[str, bytes]],
        annotations_json: str,
        *,
        added_at: str,
        expect_sources: Optional[int] = None,
    ) -> Round:
        """Add files to a round (named as ``source_names`` says) and replace its annotations, all in
        one transaction; ArchiveError if there is no such round, StaleError if ``expect_sources``
        is given and the round no longer holds that many files (another upload came first)."""

    @abc.abstractmethod
    def add_round_annotations(self, name: str, annotations_json: str, *, added_at: str) -> Round:
        """Append a revision of a round's annotations without files, in one transaction (what a copy
        of the archive replays; one equal to the latest is appended too); ArchiveError if there is
        no such round."""

    @abc.abstractmethod
    def round_annotations_history(self, name: str) -> list[AnnotationRevision]:
        """Return every revision of a round's annotations, oldest first: revision 0, the one the
        round was recorded with (and its ``added_at``), then each later one; ArchiveError if there
        is no such round."""

    @abc.abstractmethod
    def get_round(self, name: str) -> Round:
        """Return the round with this name; ArchiveError if there is none."""

    @abc.abstractmethod
    def list_rounds(self) -> list[Round]:
        """Return every round in the order recorded."""

    @abc.abstractmethod
    def round_source_bytes(self, round_name: str, filename: str) -> bytes:
        """Return the bytes of one file a round received, checked against its sha256."""

    @abc.abstractmethod
    def set_dispositions(
        self, round_name: str, rows_json: str, *, added_at: str, who: str = "",
        expect_revision: Optional[int] = None,
    ) -> Tuple[Dispositions, bool]:
        """Store a new revision of a round's disposition table, saved by ``who``; (latest, False) if
        identical to it. StaleError if ``expect_revision`` is given (0: none yet) and is not the latest."""

    @abc.abstractmethod
    def get_dispositions(self, round_name: str) -> Optional[Dispositions]:
        """Return the latest disposition revision of a round, or None if none was set."""

    @abc.abstractmethod
    def dispositions_history(self, round_name: str) -> list[Dispositions]:
        """Return every disposition revision of a round, oldest first."""

    # -- derived-data cache ----------------------------------------------------------
    @abc.abstractmethod
    def put_cache(self, key: CacheKey, value_json: str) -> None:
        """Store derived data (replacing any older value under ``key``)."""

    @abc.abstractmethod
    def get_cache(self, key: CacheKey) -> Optional[str]:
        """Return derived data stored under ``key``, or None."""

    def get_cache_many(self, keys: Sequence[CacheKey]) -> dict:
        """Return {key: value} for those of ``keys`` stored in the cache (a server store asks once)."""
        found = {key: self.get_cache(key) for key in keys}
        return {key: value for key, value in found.items() if value is not None}

    @abc.abstractmethod
    def cache_items(self) -> list[Tuple[str, str]]:
        """Return every (stored key, value) of the derived-data cache, by key."""

    # -- checking ----------------------------------------------------------------------
    @abc.abstractmethod
    def integrity_problems(self) -> list[str]:
        """Return what the storage itself finds wrong (references, damage, stray blobs); [] if nothing."""
