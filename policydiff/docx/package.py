"""Open an untrusted .docx safely: file-type sniffing, zip-bomb limits, hardened XML, relationships.

``open_package(path)`` reads the whole zip into memory, refusing anything that is not a Word
package or that exceeds a safety limit, with a one-line ``InputError`` subclass. The
``Package`` it returns keeps every member's bytes and ``ZipInfo`` in zip order, so a writer
can copy untouched parts, and resolves relationships and content types.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import NamedTuple, Optional
from urllib.parse import unquote

from lxml import etree

from policydiff.docx import ns
from policydiff.errors import (
    EncryptedDocumentError,
    InputError,
    NotADocxError,
    UnsafeDocumentError,
)

MB = 1024 * 1024

# Word's own documents are far below these; the limits bound memory and time, not content.
MAX_FILE_SIZE = 200 * MB  # the .docx on disk
MAX_PART_SIZE = 200 * MB  # any one member once uncompressed: a redline holds both versions of a huge draft
MAX_TOTAL_SIZE = 400 * MB  # all members once uncompressed
MAX_RATIO = 200  # uncompressed:compressed; real document.xml is 5-30:1, deflate tops out at 1032:1
RATIO_MIN_SIZE = 1 * MB  # small members may compress absurdly well (an empty styles part)
MAX_MEMBERS = 10_000  # a large Word document has a few hundred
READ_CHUNK = 1 * MB

# libxml2's limits without XML_PARSE_HUGE (lxml huge_tree=False); named here for the messages.
MAX_XML_DEPTH = 256
MAX_XML_TEXT = 10_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"

_WORD_MAIN_TYPES = {
    t.casefold()
    for t in (
        ns.CONTENT_TYPES["document"],
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    )
}
_OTHER_KINDS = {
    "xl/workbook.xml": "is an Excel spreadsheet (.xlsx), not a Word document",
    "ppt/presentation.xml": "is a PowerPoint presentation (.pptx), not a Word document",
}
_DEFAULT_MAIN = "word/document.xml"
_ENCRYPTED_PROBLEM = "is password-protected (encrypted); save an unprotected copy and try again"
_CORRUPT_PROBLEM = "is a corrupt or truncated zip"
_NO_DOCUMENT_PROBLEM = "has no word/document.xml (not a Word document)"


@dataclass(frozen=True)
class Limits:
    """The safety limits one ``open_package`` call enforces."""

    max_file_size: int = MAX_FILE_SIZE
    max_part_size: int = MAX_PART_SIZE
    max_total_size: int = MAX_TOTAL_SIZE
    max_ratio: float = MAX_RATIO
    ratio_min_size: int = RATIO_MIN_SIZE
    max_members: int = MAX_MEMBERS


class Relationship(NamedTuple):
    """One relationship: its type URI, resolved target part name (or URL), and target mode."""

    type: str
    target: str
    mode: str  # "Internal" or "External"


@dataclass(frozen=True)
class Member:
    """One zip member as read: its name, uncompressed bytes and original ``ZipInfo``."""

    name: str
    data: bytes
    info: zipfile.ZipInfo


# ---------------------------------------------------------------------------------------------
# Hardened XML


def _parser():
    """Return a fresh parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, partname: str, path=None):
    """Parse one package part with the hardened parser and return its root element.

    ``path`` is the .docx the part came from, for the error message; without it the error
    names the part alone.
    """
    if not data.strip():
        _raise(InputError, path, partname, "is empty (no XML)")
    if _prolog_has_doctype(data):
        _raise_dtd(path, partname)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        _raise_xml_error(exc, data, path, partname)
    docinfo = root.getroottree().docinfo
    # Defence in depth: the prolog scan should already have caught any DOCTYPE.
    if docinfo.doctype or docinfo.internalDTD is not None:
        _raise_dtd(path, partname)
    return root


def _raise(cls, path, partname, problem):
    """Raise ``cls`` for a part, naming the .docx when known."""
    if path is None:
        raise cls(partname, problem)
    raise cls(path, f"{partname} {problem}")


def _raise_dtd(path, partname):
    """Refuse a part that declares a DTD (where XXE and billion-laughs entities live)."""
    _raise(
        UnsafeDocumentError,
        path,
        partname,
        "contains a DTD (entity declarations are not allowed in .docx parts)",
    )


_XML_ENCODINGS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_PROLOG_SCAN = 1 * MB


def _prolog_text(data: bytes) -> str:
    """Decode the start of an XML document well enough to read its prolog."""
    head = data[:_PROLOG_SCAN]
    for bom, encoding in _XML_ENCODINGS:
        if head.startswith(bom):
            return head.decode(encoding, errors="replace").lstrip("\ufeff")
    # Every other encoding a part may use writes the prolog's ASCII as ASCII.
    return head.decode("latin-1")


def _prolog_has_doctype(data: bytes) -> bool:
    """Tell whether a DOCTYPE appears before the root element (without parsing any DTD).

    A prolog longer than the scan window answers False; ``parse_xml`` then relies on the
    parser, which neither loads nor expands anything, and on the parsed tree's docinfo.
    """
    text = _prolog_text(data)
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
        else:
            return text.startswith("<!DOCTYPE", pos)
        if end < 0:
            return False
        pos = end + 2


_LIBXML_WHERE = re.compile(r",? line \d+, column \d+\s*$")


def _raise_xml_error(exc, data, path, partname):
    """Turn an lxml syntax error into a one-line InputError (or UnsafeDocumentError)."""
    msg = _LIBXML_WHERE.sub("", exc.msg or str(exc)).strip()
    if "Excessive depth" in msg:
        _raise(
            UnsafeDocumentError,
            path,
            partname,
            f"nests elements more than {MAX_XML_DEPTH} levels deep "
            "(tables within tables?), over the safety limit",
        )
    if "Text node too long" in msg or "huge text node" in msg:
        _raise(
            UnsafeDocumentError,
            path,
            partname,
            f"has a single text longer than the {MAX_XML_TEXT:,}-byte safety limit",
        )
    if "amplification" in msg or "entity reference loop" in msg:
        _raise_dtd(path, partname)
    line = exc.lineno or 1
    if "encoding" in msg.lower() or "UTF-8" in msg:
        line, msg = _utf8_problem(data) or (line, msg)
    _raise(InputError, path, partname, f"is not well-formed XML (line {line}: {_one_line(msg)})")


def _utf8_problem(data: bytes):
    """Return (line, message) for the first invalid UTF-8 byte, or None if the data is UTF-8."""
    if any(data.startswith(bom) for bom, enc in _XML_ENCODINGS if enc.startswith("utf-16")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return line, f"invalid UTF-8 byte 0x{data[exc.start]:02X}"
    return None


def _one_line(text: str, limit: int = 160) -> str:
    """Collapse whitespace and control characters so a message stays on one short line."""
    text = re.sub(r"[\x00-\x1f\x7f\s]+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(name: str) -> str:
    """Quote a (possibly hostile) member name for a message: escaped and short."""
    return _one_line(repr(name), 80)


# ---------------------------------------------------------------------------------------------
# Opening the file


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
        raise NotADocxError(name, "is empty (0 bytes), not a .docx file")
    if len(data) > lim.max_file_size:
        raise UnsafeDocumentError(name, f"is larger than the {_size(lim.max_file_size)} limit")
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
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "cannot be read: permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {_one_line(exc.strerror)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotADocxError(path, "is a directory, not a .docx file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "is not a regular file (a pipe or device?), not a .docx file")
    if st.st_size == 0:
        raise NotADocxError(path, "is empty (0 bytes), not a .docx file")
    if st.st_size > lim.max_file_size:
        raise UnsafeDocumentError(
            path, f"is {_size(st.st_size)}, over the {_size(lim.max_file_size)} limit for a .docx"
        )
    try:
        with open(path, "rb") as f:
            data = f.read(lim.max_file_size + 1)  # the file may grow after stat
    except PermissionError:
        raise InputError(path, "cannot be read: permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {_one_line(exc.strerror)}") from None
    if len(data) > lim.max_file_size:
        raise UnsafeDocumentError(path, f"is over the {_size(lim.max_file_size)} limit for a .docx")
    return data


def _size(n: int) -> str:
    """Format a byte count for a message."""
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


# ---------------------------------------------------------------------------------------------
# Files that are not zips


def _raise_not_a_zip(path, data: bytes):
    """Raise the error that says what kind of file this is instead of a .docx."""
    for sniff in (_sniff_ole, _sniff_pdf, _sniff_rtf, _sniff_text):
        found = sniff(data)
        if found:
            cls, problem = found
            raise cls(path, problem)
    raise NotADocxError(path, "is not a .docx (not a zip package)")


def _sniff_ole(data: bytes):
    """Recognise an OLE compound file: an encrypted Office file, or an old binary one."""
    if not data.startswith(_OLE_MAGIC):
        return None
    names = _cfb_names(data)
    if names is None:  # an unreadable directory: look for the stream names as raw bytes
        names = {n for n in _OLE_KINDS if n.encode("utf-16-le") + b"\x00\x00" in data}
    if names & {"EncryptedPackage", "EncryptionInfo"}:
        return EncryptedDocumentError, _ENCRYPTED_PROBLEM
    for name, problem in _OLE_KINDS.items():
        if name in names:
            return NotADocxError, problem
    return NotADocxError, (
        "is an old Word 97-2003 .doc (or other OLE) file, not .docx; save it as .docx"
    )


_OLE_KINDS = {
    "EncryptedPackage": _ENCRYPTED_PROBLEM,
    "EncryptionInfo": _ENCRYPTED_PROBLEM,
    "WordDocument": "is an old Word 97-2003 .doc file, not .docx; save it as .docx",
    "Workbook": "is an old Excel 97-2003 .xls file, not a Word document",
    "PowerPoint Document": "is an old PowerPoint 97-2003 .ppt file, not a Word document",
}


def _sniff_pdf(data: bytes):
    """Recognise a PDF (the header may follow up to 1 KB of junk)."""
    if b"%PDF-" in data[:1024]:
        return NotADocxError, "is a PDF, not a .docx; the Word file it was made from is needed"
    return None


def _sniff_rtf(data: bytes):
    """Recognise an RTF file, which Word also opens but policydiff does not read."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return NotADocxError, "is an RTF file, not a .docx; open it in Word and save it as .docx"
    return None


def _sniff_text(data: bytes):
    """Recognise text (HTML, XML, plain) in UTF-8 or UTF-16."""
    text = _decode_text(data[:4096])
    if text is None:
        return None
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if "<html" in head or head.startswith("<!doctype html"):
        return NotADocxError, "is an HTML file, not a .docx; open it in Word and save it as .docx"
    if head.startswith("<"):
        if "pkg:package" in head or "w:worddocument" in head:
            return NotADocxError, (
                "is a Word XML file (Flat OPC or Word 2003 XML), not a .docx; save it as .docx"
            )
        return NotADocxError, "is an XML file, not a .docx"
    return NotADocxError, "is a text file, not a .docx"


def _decode_text(head: bytes) -> Optional[str]:
    """Return the text of a prefix if it looks like text, else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the prefix is still text.
            if exc.start < len(head) - 3:
                return None
            text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return text if controls == 0 and "\ufffd" not in text else None


_CFB_FREE = 0xFFFFFFFF
_CFB_END = 0xFFFFFFFE


def _cfb_names(data: bytes) -> Optional[set]:
    """Return the entry names in an OLE compound file's directory, or None if unreadable."""
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return None
        size = 1 << shift
        fat = _cfb_fat(data, size)
        names = set()
        sector = struct.unpack_from("<I", data, 0x30)[0]
        for _ in range(len(fat) + 1):  # a chain longer than the FAT is a loop
            if sector >= len(fat) and sector != _CFB_END:
                return None
            if sector == _CFB_END:
                return names
            start = (sector + 1) * size
            for off in range(start, start + size, 128):
                entry = data[off : off + 128]
                if len(entry) < 128:
                    return None
                length = struct.unpack_from("<H", entry, 64)[0]
                if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                    names.add(entry[: length - 2].decode("utf-16-le", errors="replace"))
            sector = fat[sector]
        return None
    except (struct.error, IndexError):
        return None


def _cfb_fat(data: bytes, size: int) -> list:
    """Return the file allocation table of an OLE compound file (following the DIFAT)."""
    count = struct.unpack_from("<I", data, 0x2C)[0]
    difat = list(struct.unpack_from("<109I", data, 0x4C))
    next_difat = struct.unpack_from("<I", data, 0x44)[0]
    per = size // 4 - 1
    while next_difat not in (_CFB_END, _CFB_FREE) and len(difat) < count + per:
        off = (next_difat + 1) * size
        difat += struct.unpack_from(f"<{per}I", data, off)
        next_difat = struct.unpack_from("<I", data, off + per * 4)[0]
    fat = []
    for sector in difat[:count]:
        fat += struct.unpack_from(f"<{size // 4}I", data, (sector + 1) * size)
    return fat


# ---------------------------------------------------------------------------------------------
# The zip itself


def _check_end_record(path, data: bytes, lim: Limits):
    """Check the member count the end-of-central-directory record declares, before zipfile."""
    pos = data.rfind(_EOCD, max(0, len(data) - 65557))
    if pos < 0 or len(data) < pos + 22:
        raise InputError(path, _CORRUPT_PROBLEM)
    count, cd_size = struct.unpack_from("<HI", data, pos + 10)
    if count == 0xFFFF or cd_size == 0xFFFFFFFF:
        count, cd_size = _zip64_counts(data, pos)
    if count > lim.max_members:
        _too_many_members(path, count, lim)
    # The count can lie; the directory's size bounds the work zipfile will do regardless.
    if cd_size > lim.max_members * 1024:
        raise UnsafeDocumentError(
            path,
            f"has a {_size(cd_size)} zip directory, too large for a .docx "
            f"(more than {lim.max_members:,} members?)",
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
        path, f"has {count:,} zip members, over the limit of {lim.max_members:,}"
    )


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, OSError)


def _read_members(path, data: bytes, lim: Limits) -> list:
    """Return every member's bytes in zip order, after checking names and declared sizes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise InputError(path, _CORRUPT_PROBLEM) from None
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
            raise EncryptedDocumentError(path, _ENCRYPTED_PROBLEM + " (encrypted zip)")
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise UnsafeDocumentError(path, f"has a zip member with an unsafe name {_show(name)}")
        key = name.casefold()  # OPC part names are case-insensitive
        if key in seen:
            raise UnsafeDocumentError(path, f"has two zip members named {_show(name)}")
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
                f"would uncompress to more than the {_size(lim.max_total_size)} limit "
                "for a whole .docx (a zip bomb?)",
            )


def _check_part_size(path, name, size, compressed, lim: Limits):
    """Refuse one member whose uncompressed size or compression ratio is over the limit."""
    if size > lim.max_part_size:
        raise UnsafeDocumentError(
            path,
            f"part {_show(name)} would uncompress to {_size(size)}, "
            f"over the {_size(lim.max_part_size)} limit per part (a zip bomb?)",
        )
    if size > lim.ratio_min_size and size > lim.max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise UnsafeDocumentError(
            path,
            f"part {_show(name)} is compressed {ratio:,.0f}:1, "
            f"over the {lim.max_ratio:,.0f}:1 limit (a zip bomb?)",
        )


def _check_no_overlap(path, infos, start_dir: int):
    """Refuse members whose data overlap (one compressed stream counted many times)."""
    spans = sorted(
        (i.header_offset, i.header_offset + 30 + len(_raw_name(i)) + i.compress_size) for i in infos
    )
    for (start, end), (next_start, _) in zip(spans, spans[1:] + [(start_dir, 0)]):
        if next_start < end:
            raise UnsafeDocumentError(
                path, "has zip members that overlap each other (a zip bomb technique)"
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
        raise EncryptedDocumentError(path, _ENCRYPTED_PROBLEM + " (encrypted zip)") from None
    except NotImplementedError:
        raise InputError(
            path, f"part {_show(info.filename)} uses a zip compression method Word does not use"
        ) from None
    except _ZIP_ERRORS:
        raise InputError(path, f"{_CORRUPT_PROBLEM} (part {_show(info.filename)})") from None
    _check_part_size(path, info.filename, got, info.compress_size, lim)
    return b"".join(chunks)


def _over_while_reading(path, info, lim: Limits, got: int):
    """Refuse a member that turned out larger than its declared size allowed."""
    _check_part_size(path, info.filename, got, info.compress_size, lim)  # raises if per part
    raise UnsafeDocumentError(
        path,
        f"would uncompress to more than the {_size(lim.max_total_size)} limit "
        "for a whole .docx (a zip bomb?)",
    )


# ---------------------------------------------------------------------------------------------
# The package


def _normalize(partname: str) -> str:
    """Return a part name without its leading slash, as zip members are named."""
    return partname.lstrip("/")


def _rels_name(partname: str) -> str:
    """Return the relationships part of a part ('' or '/' is the package itself)."""
    partname = _normalize(partname)
    folder, name = posixpath.split(partname)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(source: str, target: str) -> str:
    """Resolve a relationship target against its source part into a part name."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        joined = target
    else:
        joined = posixpath.join("/", posixpath.dirname(_normalize(source)), target)
    return posixpath.normpath(joined).lstrip("/")


class Package:
    """An opened .docx: every member's bytes in zip order, content types and relationships."""

    def __init__(self, path, members, data: bytes):
        """Index the members and find the main document part, or raise if there is none."""
        self.path = str(path)
        self.members = tuple(members)
        self.source_bytes = data
        self.warnings = []
        # The main document with an empty body but for its final w:sectPr, set by the reader
        # once it has read the body: the writer fills it instead of parsing the part again.
        self.skeleton: Optional[bytes] = None
        # The body's w:sectPr elements in order, set by the reader with the skeleton.
        self.sections: Optional[tuple] = None
        self._by_name = {m.name.casefold(): m for m in self.members}
        self._rels_cache = {}
        self._content_types = self._read_content_types()
        self.main_part = self._find_main_part()
        self._check_main_content_type()
        self._check_main_rels()

    # -- members ------------------------------------------------------------------------------

    @property
    def names(self) -> list:
        """Return the member names in zip order."""
        return [m.name for m in self.members]

    def member(self, partname: str) -> Optional[Member]:
        """Return the member holding a part (names compare case-insensitively), or None."""
        return self._by_name.get(_normalize(partname).casefold())

    def read(self, partname: str) -> Optional[bytes]:
        """Return a part's uncompressed bytes, or None when the package has no such part."""
        m = self.member(partname)
        return None if m is None else m.data

    def xml(self, partname: str):
        """Return a freshly parsed root element of a part, or None when there is no such part."""
        data = self.read(partname)
        return None if data is None else parse_xml(data, _normalize(partname), self.path)

    def main_document(self, data: Optional[bytes] = None):
        """Return the parsed root of the main document part, checking it is a w:document.

        ``data``: the part's bytes as the reader reduced them (see ``known``), parsed instead.
        """
        root = self.xml(self.main_part) if data is None else parse_xml(data, _normalize(self.main_part), self.path)
        if root.tag != ns.qn("w:document"):
            qname = etree.QName(root)
            raise NotADocxError(
                self.path,
                f"{self.main_part} does not hold a Word document "
                f"(its root element is {_show(qname.localname)}, not w:document)",
            )
        return root

    # -- content types ------------------------------------------------------------------------

    def _read_content_types(self):
        """Return ({extension: type}, {partname: type}), or say what this zip is instead."""
        if self.member("[Content_Types].xml") is None:
            self._raise_not_a_word_zip(
                "has no [Content_Types].xml, so Word cannot open it (not a valid .docx package)"
                if self.member(_DEFAULT_MAIN)
                else _NO_DOCUMENT_PROBLEM
            )
        root = self.xml("[Content_Types].xml")
        defaults, overrides = {}, {}
        for el in root.iterfind(ns.qn("ct:Default")):
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        for el in root.iterfind(ns.qn("ct:Override")):
            overrides[_normalize(el.get("PartName", "")).casefold()] = el.get("ContentType", "")
        return defaults, overrides

    def content_type(self, partname: str) -> Optional[str]:
        """Return a part's content type: its Override, else the Default for its extension."""
        defaults, overrides = self._content_types
        key = _normalize(partname).casefold()
        if key in overrides:
            return overrides[key]
        ext = posixpath.splitext(key)[1].lstrip(".")
        return defaults.get(ext)

    # -- relationships ------------------------------------------------------------------------

    def rels(self, partname: str) -> dict:
        """Return a part's relationships as {rId: Relationship(type, target, mode)}."""
        key = _rels_name(partname)
        if key not in self._rels_cache:
            self._rels_cache[key] = self._parse_rels(partname, key)
        return dict(self._rels_cache[key])

    def _parse_rels(self, source: str, rels_part: str) -> dict:
        """Parse one relationships part into {rId: Relationship}."""
        root = self.xml(rels_part)
        if root is None:
            return {}
        found = {}
        for el in root.iterfind(ns.qn("pr:Relationship")):
            mode = el.get("TargetMode", "Internal")
            target = el.get("Target", "")
            if mode != "External":
                target = _resolve(source, target)
            found[el.get("Id", "")] = Relationship(el.get("Type", ""), target, mode)
        return found

    def part_by_type(self, source_part: str, rel_type_key: str) -> Optional[str]:
        """Return the part a source part relates to by ``ns.REL_TYPES[key]``, if it exists."""
        wanted = ns.REL_TYPES[rel_type_key]
        for rel in self.rels(source_part).values():
            if rel.type == wanted and rel.mode != "External" and self.member(rel.target):
                return self.member(rel.target).name
        return None

    # -- finding the main part ----------------------------------------------------------------

    def _find_main_part(self) -> str:
        """Return the main document part named by _rels/.rels, else word/document.xml."""
        target = None
        for rel in self.rels("/").values():
            if rel.type.endswith("/officeDocument") and rel.mode != "External":
                if rel.type != ns.REL_TYPES["officeDocument"]:
                    raise NotADocxError(
                        self.path,
                        "is saved as Strict Open XML; save it in Word as a normal "
                        "Word Document (.docx)",
                    )
                target = rel.target
                break
        if target and self.member(target):
            self._refuse_other_office_kind(target)
            return self.member(target).name
        if self.member(_DEFAULT_MAIN):
            if target:
                self.warnings.append(
                    f"_rels/.rels names missing part {_show(target)}; "
                    f"reading {_DEFAULT_MAIN} instead"
                )
            return self.member(_DEFAULT_MAIN).name
        self._raise_not_a_word_zip(_NO_DOCUMENT_PROBLEM)

    def _refuse_other_office_kind(self, partname: str):
        """Refuse a spreadsheet or presentation whose main part the package names."""
        kind = (self.content_type(partname) or "").casefold()
        folder = partname.casefold().split("/")[0]
        if "spreadsheetml" in kind or folder == "xl":
            raise NotADocxError(self.path, _OTHER_KINDS["xl/workbook.xml"])
        if "presentationml" in kind or folder == "ppt":
            raise NotADocxError(self.path, _OTHER_KINDS["ppt/presentation.xml"])

    def _raise_not_a_word_zip(self, fallback: str):
        """Say what a zip without a Word document is (spreadsheet, presentation, ODF...)."""
        for partname, problem in _OTHER_KINDS.items():
            if self.member(partname):
                raise NotADocxError(self.path, problem)
        if (self.read("mimetype") or b"").startswith(b"application/vnd.oasis.opendocument"):
            raise NotADocxError(
                self.path, "is an OpenDocument file (.odt/.ods), not .docx; save it as .docx"
            )
        raise NotADocxError(self.path, fallback)

    def _check_main_content_type(self):
        """Warn (not fail) when the main part's content type is not a Word document's."""
        found = self.content_type(self.main_part)
        if (found or "").casefold() not in _WORD_MAIN_TYPES:
            self.warnings.append(
                f"{self.main_part} has content type {_show(found or 'none')}, "
                "not a Word document's; reading it anyway"
            )

    def _check_main_rels(self):
        """Parse the main part's relationships now and warn about targets that are missing."""
        for rid, rel in sorted(self.rels(self.main_part).items()):
            if rel.mode != "External" and self.member(rel.target) is None:
                self.warnings.append(
                    f"{self.main_part} relationship {_show(rid)} points at missing part "
                    f"{_show(rel.target)}"
                )
