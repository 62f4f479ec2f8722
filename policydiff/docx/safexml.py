"""Hardened XML for untrusted package parts: no entities expanded, no DTD loaded, nothing fetched,
libxml2's depth and text limits kept; every failure a one-line ``InputError``."""

from __future__ import annotations

import re

from lxml import etree

from ..errors import InputError, UnsafeDocumentError, one_line
from ..i18n import _

# libxml2's limits without XML_PARSE_HUGE (lxml huge_tree=False); named here for the messages.
MAX_XML_DEPTH = 256
MAX_XML_TEXT = 10_000_000


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
        _raise(InputError, path, partname, _("is empty (no XML)"))
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
        _("contains a DTD (entity declarations are not allowed in .docx parts)"),
    )


_XML_ENCODINGS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_PROLOG_SCAN = 1024 * 1024  # 1 MB


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
            _("nests elements more than {limit} levels deep (tables within tables?), over the safety "
              "limit").format(limit=MAX_XML_DEPTH),
        )
    if "Text node too long" in msg or "huge text node" in msg:
        _raise(
            UnsafeDocumentError,
            path,
            partname,
            _("has a single text longer than the {limit:,}-byte safety limit").format(limit=MAX_XML_TEXT),
        )
    if "amplification" in msg or "entity reference loop" in msg:
        _raise_dtd(path, partname)
    line = exc.lineno or 1
    if "encoding" in msg.lower() or "UTF-8" in msg:
        line, msg = _utf8_problem(data) or (line, msg)
    _raise(InputError, path, partname, _("is not well-formed XML (line {line}: {problem})").format(
        line=line, problem=one_line(msg, 160)))


def _utf8_problem(data: bytes):
    """Return (line, message) for the first invalid UTF-8 byte, or None if the data is UTF-8."""
    if any(data.startswith(bom) for bom, enc in _XML_ENCODINGS if enc.startswith("utf-16")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return line, _("invalid UTF-8 byte 0x{byte:02X}").format(byte=data[exc.start])
    return None


def _show(name: str) -> str:
    """Quote a (possibly hostile) member name for a message: escaped and short."""
    return one_line(repr(name), 80)
