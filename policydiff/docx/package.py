"""Open an untrusted .docx safely: file checks, zip-bomb limits, then the package model.

``open_package(path)`` reads the whole zip into memory, refusing anything that is not a Word
package or that exceeds a safety limit, with a one-line ``InputError`` subclass. The
``Package`` it returns (``opc``) keeps every member's bytes and ``ZipInfo`` in zip order, so a
writer can copy untouched parts, and resolves relationships and content types. What a file
that is not a zip is instead: ``sniff``; hardened XML parsing: ``safexml``.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass

from ..errors import EncryptedDocumentError, InputError, NotADocxError, UnsafeDocumentError, one_line

from .opc import Member, Package
from .safexml import _show
from .sniff import _ENCRYPTED_PROBLEM, _raise_not_a_zip
from ..i18n import N_, _

MB = 1024 * 1024

# Word's own documents are far below these; the limits bound memory and time, not content.
MAX_FILE_SIZE = 200 * MB  # the .docx on disk
MAX_PART_SIZE = 200 * MB  # any one member once uncompressed: a redline holds both versions of a huge draft
MAX_TOTAL_SIZE = 400 * MB  # all members once uncompressed
MAX_RATIO = 200  # uncompressed:compressed; real document.xml is 5-30:1, deflate tops out at 1032:1
RATIO_MIN_SIZE = 1 * MB  # small members may compress absurdly well (an empty styles part)
MAX_MEMBERS = 10_000  # a large Word document has a few hundred
READ_CHUNK = 1 * MB

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CORRUPT_PROBLEM = N_("is a corrupt or truncated zip")


@dataclass(frozen=True)
class Limits:
    """The safety limits one ``open_package`` call enforces."""

    max_file_size: int = MAX_FILE_SIZE
    max_part_size: int = MAX_PART_SIZE
    max_total_size: int = MAX_TOTAL_SIZE
    max_ratio: float = MAX_RATIO
    ratio_min_size: int = RATIO_MIN_SIZE
    max_members: int = MAX_MEMBERS


def open_package(path, **limits) -> "Package":
    """Read a .docx into memory, refusing non-Word, broken, encrypted or oversized packages.

    Keyword arguments override the module limits (``max_file_size``, ``max_part_size``,
    ``max_total_size``, ``max_ratio``, ``ratio_min_size``, ``max_members``).
    """
    lim = Limits(**limits)
    return _open_bytes(path, _read_file(path, lim), lim)


def open_package_bytes(data: bytes, name: str, **limits) -> "Package":
    """Open a .docx held in memory (e.g. from the archive); ``name`` is what messages call it."""
    lim = Limits(**limits)
    if not data:
        raise NotADocxError(name, _("is empty (0 bytes), not a .docx file"))
    if len(data) > lim.max_file_size:
        raise UnsafeDocumentError(name, _("is larger than the {size} limit").format(size=_size(lim.max_file_size)))
    return _open_bytes(name, data, lim)


def _open_bytes(path, data: bytes, lim: Limits) -> "Package":
    if not data.startswith(_ZIP_MAGIC):
        _raise_not_a_zip(path, data)
    _check_end_record(path, data, lim)
    members = _read_members(path, data, lim)
    return Package(path, members, data)


def read_file(path, **limits) -> bytes:
    """Return a .docx file's bytes after the checks ``open_package`` makes before reading.

    For callers that keep the bytes (the archive): a missing path, a folder, a pipe or a device,
    an empty or oversized file is refused with the same one-line ``InputError``, and a FIFO is
    never opened (opening one for reading would block until a writer comes).
    """
    return _read_file(path, Limits(**limits))


def read_input(path) -> bytes:
    """A draft's or form's bytes, after checking it is a readable, non-empty regular file within
    the size limit (InputError subclasses otherwise)."""
    return _read_file(path, Limits())


def _read_file(path, lim: Limits) -> bytes:
    """Return the file's bytes after checking it is a readable, non-empty regular file."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(path, _("no such file")) from None
    except PermissionError:
        raise InputError(path, _("cannot be read: permission denied")) from None
    except OSError as exc:
        raise InputError(path, _("cannot be read: {strerror}").format(strerror=one_line(exc.strerror, 160))) from None
    if stat.S_ISDIR(st.st_mode):
        raise NotADocxError(path, _("is a directory, not a .docx file"))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, _("is not a regular file (a pipe or device?), not a .docx file"))
    if st.st_size == 0:
        raise NotADocxError(path, _("is empty (0 bytes), not a .docx file"))
    if st.st_size > lim.max_file_size:
        raise UnsafeDocumentError(
            path, _("is {size}, over the {limit} limit for a .docx").format(
                size=_size(st.st_size), limit=_size(lim.max_file_size))
        )
    try:
        with open(path, "rb") as f:
            data = f.read(lim.max_file_size + 1)  # the file may grow after stat
    except PermissionError:
        raise InputError(path, _("cannot be read: permission denied")) from None
    except OSError as exc:
        raise InputError(path, _("cannot be read: {strerror}").format(strerror=one_line(exc.strerror, 160))) from None
    if len(data) > lim.max_file_size:
        raise UnsafeDocumentError(path, _("is over the {size} limit for a .docx").format(
            size=_size(lim.max_file_size)))
    return data


def _size(n: int) -> str:
    """Format a byte count for a message."""
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


# ---------------------------------------------------------------------------------------------
# The zip itself


def _check_end_record(path, data: bytes, lim: Limits):
    """Check the member count the end-of-central-directory record declares, before zipfile."""
    pos = data.rfind(_EOCD, max(0, len(data) - 65557))
    if pos < 0 or len(data) < pos + 22:
        raise InputError(path, _(_CORRUPT_PROBLEM))
    count, cd_size = struct.unpack_from("<HI", data, pos + 10)
    if count == 0xFFFF or cd_size == 0xFFFFFFFF:
        count, cd_size = _zip64_counts(data, pos)
    if count > lim.max_members:
        _too_many_members(path, count, lim)
    # The count can lie; the directory's size bounds the work zipfile will do regardless.
    if cd_size > lim.max_members * 1024:
        raise UnsafeDocumentError(
            path,
            _("has a {size} zip directory, too large for a .docx (more than {max_members:,} members?)").format(
                size=_size(cd_size), max_members=lim.max_members),
        )


def _zip64_counts(data: bytes, eocd: int):
    """Return (entries, central directory size) from the zip64 end record, or (0, 0)."""
    loc = eocd - 20
    if loc < 0 or data[loc : loc + 4] != _ZIP64_LOCATOR:
        return 0, 0
    rec = struct.unpack_from("<Q", data, loc + 8)[0]
    if data[rec : rec + 4] != _ZIP64_EOCD:
        return 0, 0
    return struct.unpack_from("<QQ", data, rec + 32)


def _too_many_members(path, count, lim: Limits):
    """Refuse a zip with more members than any Word document has."""
    raise UnsafeDocumentError(
        path, _("has {count:,} zip members, over the limit of {max_members:,}").format(
            count=count, max_members=lim.max_members)
    )


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, OSError)


def _read_members(path, data: bytes, lim: Limits) -> list:
    """Return every member's bytes in zip order, after checking names and declared sizes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise InputError(path, _(_CORRUPT_PROBLEM)) from None
    if len(infos) > lim.max_members:
        _too_many_members(path, len(infos), lim)
    _check_names(path, infos)
    _check_declared_sizes(path, infos, lim)
    _check_no_overlap(path, infos, zf.start_dir)
    total = 0
    members = []
    for info in infos:
        content = _read_member(path, zf, info, lim, lim.max_total_size - total)
        total += len(content)
        members.append(Member(info.filename, content, info))
    return members


def _check_names(path, infos):
    """Refuse encrypted members, unsafe names (../, absolute) and duplicated names."""
    seen = set()
    for info in infos:
        name = info.filename
        if info.flag_bits & 0x1:
            raise EncryptedDocumentError(path, _("{problem} (encrypted zip)").format(problem=_(_ENCRYPTED_PROBLEM)))
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise UnsafeDocumentError(path, _("has a zip member with an unsafe name {name}").format(name=_show(name)))
        key = name.casefold()  # OPC part names are case-insensitive
        if key in seen:
            raise UnsafeDocumentError(path, _("has two zip members named {name}").format(name=_show(name)))
        seen.add(key)


def _check_declared_sizes(path, infos, lim: Limits):
    """Check the central directory's sizes against the limits before decompressing anything."""
    total = 0
    for info in infos:
        _check_part_size(path, info.filename, info.file_size, info.compress_size, lim)
        total += info.file_size
        if total > lim.max_total_size:
            raise UnsafeDocumentError(
                path,
                _("would uncompress to more than the {size} limit for a whole .docx (a zip bomb?)").format(
                    size=_size(lim.max_total_size)),
            )


def _check_part_size(path, name, size, compressed, lim: Limits):
    """Refuse one member whose uncompressed size or compression ratio is over the limit."""
    if size > lim.max_part_size:
        raise UnsafeDocumentError(
            path,
            _("part {name} would uncompress to {size}, over the {limit} limit per part (a zip bomb?)").format(
                name=_show(name), size=_size(size), limit=_size(lim.max_part_size)),
        )
    if size > lim.ratio_min_size and size > lim.max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise UnsafeDocumentError(
            path,
            _("part {name} is compressed {ratio:,.0f}:1, over the {max_ratio:,.0f}:1 limit (a zip bomb?)").format(
                name=_show(name), ratio=ratio, max_ratio=lim.max_ratio),
        )


def _check_no_overlap(path, infos, start_dir: int):
    """Refuse members whose data overlap (one compressed stream counted many times)."""
    spans = sorted(
        (i.header_offset, i.header_offset + 30 + len(_raw_name(i)) + i.compress_size) for i in infos
    )
    for (start, end), (next_start, _unused) in zip(spans, spans[1:] + [(start_dir, 0)]):
        if next_start < end:
            raise UnsafeDocumentError(
                path, _("has zip members that overlap each other (a zip bomb technique)")
            )


def _raw_name(info) -> bytes:
    """Return a member's name as stored: UTF-8 when flagged so, else code page 437."""
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return info.orig_filename.encode(encoding, errors="replace")


def _read_member(path, zf, info, lim: Limits, room: int) -> bytes:
    """Decompress one member in chunks, stopping as soon as it passes a limit."""
    cap = min(lim.max_part_size, room)
    chunks = []
    got = 0
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(READ_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    _over_while_reading(path, info, lim, got)
                chunks.append(chunk)
    except RuntimeError:  # zipfile's "password required"
        raise EncryptedDocumentError(path, _("{problem} (encrypted "
                                             "zip)").format(problem=_(_ENCRYPTED_PROBLEM))) from None
    except NotImplementedError:
        raise InputError(
            path, _("part {filename} uses a zip compression method Word does not use").format(
                filename=_show(info.filename))
        ) from None
    except _ZIP_ERRORS:
        raise InputError(path, _("{problem} (part {filename})").format(
            problem=_(_CORRUPT_PROBLEM), filename=_show(info.filename))) from None
    _check_part_size(path, info.filename, got, info.compress_size, lim)
    return b"".join(chunks)


def _over_while_reading(path, info, lim: Limits, got: int):
    """Refuse a member that turned out larger than its declared size allowed."""
    _check_part_size(path, info.filename, got, info.compress_size, lim)  # raises if per part
    raise UnsafeDocumentError(
        path,
        _("would uncompress to more than the {size} limit for a whole .docx (a zip bomb?)").format(
            size=_size(lim.max_total_size)),
    )
