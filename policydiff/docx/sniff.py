"""File-type sniffing: what a file that is not a zip package is instead (an encrypted Office file,
an old .doc, a PDF, RTF, HTML, XML, text), for the one-line error that says so."""

from __future__ import annotations

import struct
from typing import Optional

from ..errors import EncryptedDocumentError, NotADocxError
from ..i18n import N_, _

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PROBLEM = N_("is password-protected (encrypted); save an unprotected copy and try again")


def _raise_not_a_zip(path, data: bytes):
    """Raise the error that says what kind of file this is instead of a .docx."""
    for sniff in (_sniff_ole, _sniff_pdf, _sniff_rtf, _sniff_text):
        found = sniff(data)
        if found:
            cls, problem = found
            raise cls(path, _(problem))
    raise NotADocxError(path, _("is not a .docx (not a zip package)"))


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
        N_("is an old Word 97-2003 .doc (or other OLE) file, not .docx; save it as .docx")
    )


_OLE_KINDS = {
    "EncryptedPackage": _ENCRYPTED_PROBLEM,
    "EncryptionInfo": _ENCRYPTED_PROBLEM,
    "WordDocument": N_("is an old Word 97-2003 .doc file, not .docx; save it as .docx"),
    "Workbook": N_("is an old Excel 97-2003 .xls file, not a Word document"),
    "PowerPoint Document": N_("is an old PowerPoint 97-2003 .ppt file, not a Word document"),
}


def _sniff_pdf(data: bytes):
    """Recognise a PDF (the header may follow up to 1 KB of junk)."""
    if b"%PDF-" in data[:1024]:
        return NotADocxError, N_("is a PDF, not a .docx; the Word file it was made from is needed")
    return None


def _sniff_rtf(data: bytes):
    """Recognise an RTF file, which Word also opens but policydiff does not read."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return NotADocxError, N_("is an RTF file, not a .docx; open it in Word and save it as .docx")
    return None


def _sniff_text(data: bytes):
    """Recognise text (HTML, XML, plain) in UTF-8 or UTF-16."""
    text = _decode_text(data[:4096])
    if text is None:
        return None
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if "<html" in head or head.startswith("<!doctype html"):
        return NotADocxError, N_("is an HTML file, not a .docx; open it in Word and save it as .docx")
    if head.startswith("<"):
        if "pkg:package" in head or "w:worddocument" in head:
            return NotADocxError, (
                N_("is a Word XML file (Flat OPC or Word 2003 XML), not a .docx; save it as .docx")
            )
        return NotADocxError, N_("is an XML file, not a .docx")
    return NotADocxError, N_("is a text file, not a .docx")


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
