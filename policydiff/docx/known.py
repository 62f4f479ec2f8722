"""Paragraphs a document shares byte for byte with one read before, found in its raw XML.

A round's reviewed copies repeat the base draft almost paragraph for paragraph, and a revised
draft repeats most of the draft before it. Parsing such a paragraph only to find that it was read
before is most of the cost of reading a copy (0.25 s of 0.3 s for a 3,000-clause Word draft).
So the main document's bytes are cut at paragraph boundaries first. A paragraph whose bytes were
read before, in the same namespace context and with the same styles, is replaced by an empty
``<w:p/>`` before parsing, and the reader puts the model read before in its place. So is a
paragraph the reader can read from its bytes alone (``bodyreader.BodyReader.from_bytes``: plain runs,
and nothing the parser would refuse; ``Cut.attributes_ok`` and ``Cut.chars_ok`` check what the
grammar there does not).

The cut is trusted only where the bytes say exactly what the parser will see:

- UTF-8, and nothing but the XML declaration and white space before the root's start tag;
- no comment, CDATA section, processing instruction or DOCTYPE after it (where ``<w:p`` could
  be text rather than a tag);
- the WordprocessingML namespace bound on the root to ``w`` alone;
- namespace declarations below the root only inside a paragraph that holds no other paragraph,
  so they change no other paragraph's context (and that paragraph's bytes hold them).

Any other file is read the ordinary way. Well-formed XML has no raw ``<`` in text or attribute
values, so under these rules every ``<w:p`` is a paragraph's start tag, and the bytes from it to
the first ``</w:p>`` (when no other paragraph starts in between) are that whole paragraph. A
replaced paragraph is a whole element whose bytes parsed before, so the rest of the file parses,
or fails to, as it would have; the parser still checks everything it keeps.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from .ns import nsmap

_W = nsmap["w"].encode()
# Attributes as XML allows them (white space is XML's four characters, not \f or \v).
ATTRS = rb"""(?:[ \t\r\n]+[^ \t\r\n=<>/"']+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*[ \t\r\n]*"""
_ATTR = re.compile(rb"""[ \t\r\n]+([^ \t\r\n=]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_NAME = re.compile(rb"(?:([A-Za-z_][A-Za-z0-9_.-]*):)?[A-Za-z_][A-Za-z0-9_.-]*\Z")
# Characters XML does not allow (in UTF-8): C0 controls but tab, line feed and carriage return;
# U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_NOT_PLAIN = [bytes([c]) for c in (*range(0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20))] + [
    b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"]]>"]  # each found by its first byte (see _occurs)
# The names of attributes (and of what looks like one inside a value: the careful check then
# decides).
_ATTR_NAMES = re.compile(rb"[ \t\r\n]([^ \t\r\n=]+)[ \t\r\n]*=")
_DECLARATION = re.compile(rb"""xmlns(?::([^ \t\r\n=]+))?[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml(" + ATTRS + rb")\?>)?\s*")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"<w:document" + ATTRS + rb">")
_P_EDGE = re.compile(rb"<w:p[\s/>]|</w:p>")
P_TAG = re.compile(rb"<w:p(" + ATTRS + rb")(/?)>")  # the attributes; "/" when empty
_RUN = re.compile(rb"<w:r[\s/>]")
# What the reader's document-wide checks look at (revision ids, move names, comment ranges):
# a paragraph holding any of it stays in the tree, where those checks see it.
_MARKUP = re.compile(rb"<w:(?:ins|del|move|comment)")
_PLACEHOLDER = b"<w:p/>"

# Paragraphs read before, by (style numbering, root start tag, paragraph bytes): the model
# before any view or numbering label, as the reader builds it.
class Seen(NamedTuple):
    """A paragraph's model read before, by its bytes."""

    para: object
    runs: int  # its w:r elements
    plain: bool  # no markup that document-wide checks look at: it may be left out of the parse


_SEEN: Dict[tuple, Seen] = {}
_SEEN_MAX = 1 << 17


class Cut:
    """The main document's paragraphs as byte ranges, in document order (as ``iter(w:p)``)."""

    def __init__(self, data: bytes, root_tag: bytes, style_key: tuple,
                 extents: List[Optional[Tuple[int, int]]]):
        self.data = data
        self.root_tag = root_tag
        self.context = (style_key, root_tag)
        self.extents = extents  # (start, end) of each paragraph, None where it may not be keyed
        self.prefixes = _prefixes(root_tag)
        self.judged: Dict[bytes, bool] = {}  # attributes -> attributes_ok
        self._plain_pattern = None
        self._chars_ok: Optional[bool] = None

    def key(self, i: int) -> Optional[tuple]:
        extent = self.extents[i]
        return None if extent is None else (*self.context, self.data[extent[0]:extent[1]])

    def reduced(self, read: Optional[Callable[[bytes], object]] = None) -> Tuple[bytes, Dict[int, object], int]:
        """(the bytes with each paragraph read before as ``<w:p/>``, {index: its model}, the
        runs left out with them).

        ``read(bytes)``: a paragraph's model read from its bytes alone, or None where only the
        parser may read it; what it reads is left out of the parse too (and remembered).
        """
        pieces: List[bytes] = []
        known: Dict[int, object] = {}
        runs = 0
        at = 0
        data, context = self.data, self.context
        for i, extent in enumerate(self.extents):
            if extent is None:
                continue
            key = (*context, data[extent[0]:extent[1]])
            seen = _SEEN.get(key)
            if seen is None and read is not None:
                raw = key[-1]
                para = read(raw)
                if para is not None:
                    seen = remember(key, para)
            if seen is None or not seen.plain:
                continue
            known[i] = seen.para
            runs += seen.runs
            pieces += (data[at:extent[0]], _PLACEHOLDER)
            at = extent[1]
        if not known:
            return data, known, 0
        pieces.append(data[at:])
        return b"".join(pieces), known, runs

    @property
    def chars_ok(self) -> bool:
        """Whether the body holds no character XML refuses or the parser changes (a control
        character, a carriage return, U+FFFE, U+FFFF) and no ``]]>``: then a paragraph's text
        needs no check of its own but for its references. One scan per document (0.01 s for
        8.5 MB), made when first asked."""
        if self._chars_ok is None:
            data, body = self.data, self.data.find(self.root_tag) + len(self.root_tag)
            self._chars_ok = not any(_occurs(data, bad, body, 0) for bad in _NOT_PLAIN)
        return self._chars_ok

    def attributes_ok(self, attrs: bytes) -> bool:
        """Whether attributes that ``ATTRS`` matched are well-formed as the parser sees them:
        XML names (ASCII here) with declared prefixes, each once, values of UTF-8 XML
        characters without references."""
        ok = self.judged.get(attrs)
        if ok is None:
            ok = self.prefixes is not None and (
                (self._plain_attributes.fullmatch(attrs) is not None and _once_each(attrs))
                or _attributes_ok(attrs, self.prefixes))
            if len(self.judged) < _SEEN_MAX:
                self.judged[attrs] = ok
        return ok

    @property
    def _plain_attributes(self):
        """Attributes as Word writes them, with a declared prefix or none and ASCII values, in
        one match (each paragraph's start tag is new: its w14:paraId)."""
        if self._plain_pattern is None:
            prefixes = b"|".join(re.escape(p) for p in sorted(self.prefixes or ()))
            self._plain_pattern = re.compile(
                rb"(?:[ \t\r\n]+(?:(?:" + prefixes + rb"):)?[A-Za-z_][A-Za-z0-9_.-]*[ \t\r\n]*=[ \t\r\n]*"
                rb"""(?:"[ !#-%'-;=-~]*"|'[ -%(-;=-~]*'))*[ \t\r\n]*""")
        return self._plain_pattern


def _prefixes(root_tag: bytes) -> Optional[frozenset]:
    """The prefixes the root declares, or None when two of them name one namespace (an
    attribute could then be given twice under two names, which the parser refuses)."""
    found = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
             for m in _DECLARATION.finditer(root_tag) if m.group(1)}
    if len(set(found.values())) != len(found):
        return None
    return frozenset(found) | {b"xml"}


def _attributes_ok(attrs: bytes, prefixes: frozenset) -> bool:
    names = set()
    for m in _ATTR.finditer(attrs):
        name = m.group(1)
        value = m.group(2) if m.group(2) is not None else m.group(3)
        valid = _NAME.match(name)
        if valid is None or b"&" in value or name in names or name.startswith(b"xmlns") or not _chars_ok(value):
            return False
        if valid.group(1) is not None and valid.group(1) not in prefixes:
            return False
        names.add(name)
    return True


def cut(data: bytes, style_key: tuple) -> Optional[Cut]:
    """The paragraphs of a main document part as byte ranges, or None when its bytes may not
    be trusted to say where paragraphs are (see the module's rules)."""
    prolog = _PROLOG.match(data)
    declared = _ENCODING.search(prolog.group(1) or b"")
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = _ROOT.match(data, prolog.end())
    if root is None:
        return None
    root_tag = root.group()
    if root_tag.count(_W) != 1 or b'xmlns:w="' + _W + b'"' not in root_tag:
        return None
    body = root.end()
    if _occurs(data, b"<!", body, 1) or _occurs(data, b"<?", body, 1):
        return None
    edges = [(m.start(), m.group() == b"</w:p>") for m in _P_EDGE.finditer(data, body)]
    extents: List[Optional[Tuple[int, int]]] = []
    for i, (start, closing) in enumerate(edges):
        if closing:
            continue
        tag = P_TAG.match(data, start)
        if tag is None:
            return None
        if tag.group(2):
            extents.append((start, tag.end()))
            continue
        # Whole when the next edge closes it; another paragraph starting first nests in it.
        after = edges[i + 1] if i + 1 < len(edges) else (0, False)
        extents.append((start, after[0] + 6) if after[1] else None)
    if not _declarations_inside_paragraphs(data, body, extents):
        return None
    return Cut(data, root_tag, style_key, extents)


def _occurs(data: bytes, needle: bytes, start: int, pivot: int) -> bool:
    """Whether ``needle`` occurs in ``data`` from ``start``, found by its byte at ``pivot``:
    ``find`` with a needle of several bytes steps through every "<" of a Word body, or every
    Thai byte, at about 1 ms a megabyte; a rare single byte is found twenty times faster."""
    byte = needle[pivot:pivot + 1]
    at = data.find(byte, start + pivot)
    while at >= 0:
        if data.startswith(needle, at - pivot):
            return True
        at = data.find(byte, at + 1)
    return False


def _declarations_inside_paragraphs(data: bytes, body: int, extents: list) -> bool:
    """Whether every namespace declaration below the root sits in a paragraph that holds no
    other paragraph: it then changes nothing outside that paragraph, whose key holds it."""
    simple = [extent for extent in extents if extent is not None]  # ordered and disjoint
    k = 0
    at = data.find(b"xmlns", body)
    while at >= 0:
        while k < len(simple) and simple[k][1] <= at:
            k += 1
        if k == len(simple) or simple[k][0] > at:
            return False
        at = data.find(b"xmlns", at + 5)
    return True


def _once_each(attrs: bytes) -> bool:
    """Whether no attribute name is given twice."""
    names = _ATTR_NAMES.findall(attrs)
    return len(set(names)) == len(names)


def _chars_ok(value: bytes) -> bool:
    """Whether ``value`` is UTF-8 holding only characters XML allows."""
    if _NOT_XML_CHAR.search(value):
        return False
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


def remember(key: tuple, para) -> Seen:
    """Keep a paragraph's model for the next document that has the same bytes, with its count
    of runs and whether it may be left out of the parse (it holds no markup that document-wide
    checks look at, anywhere: a plain paragraph's w:pPr and w:rPr may hold any); returns what it
    keeps."""
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    raw = key[-1]
    seen = _SEEN[key] = Seen(para, len(_RUN.findall(raw)), _MARKUP.search(raw) is None)
    return seen


def recall(key: tuple):
    """The model read before for these bytes, or None."""
    seen = _SEEN.get(key)
    return None if seen is None else seen.para
