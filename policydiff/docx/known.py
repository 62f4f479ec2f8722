"""Paragraphs a document shares byte for byte with one read before, found in its raw XML.

A round's reviewed copies repeat the base draft almost paragraph for paragraph, and a revised
draft repeats most of the draft before it. Parsing such a paragraph only to find that it was read
before is most of the cost of reading a copy (0.25 s of 0.3 s for a 3,000-clause Word draft).
So the main document's bytes are cut at paragraph boundaries first. A paragraph whose bytes were
read before, in the same namespace context and with the same styles, is replaced by an empty
``<w:p/>`` before parsing, and the reader puts the model read before in its place.

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
from typing import Dict, List, Optional, Tuple

from .ns import nsmap

_W = nsmap["w"].encode()
ATTRS = rb"""(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*"""
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml(" + ATTRS + rb")\?>)?\s*")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"<w:document" + ATTRS + rb">")
_P_EDGE = re.compile(rb"<w:p[\s/>]|</w:p>")
P_TAG = re.compile(rb"<w:p" + ATTRS + rb"(/?)>")
_RUN = re.compile(rb"<w:r[\s/>]")
# What the reader's document-wide checks look at (revision ids, move names, comment ranges):
# a paragraph holding any of it stays in the tree, where those checks see it.
_MARKUP = re.compile(rb"<w:(?:ins|del|move|comment)")
_PLACEHOLDER = b"<w:p/>"

# Paragraphs read before, by (style numbering, root start tag, paragraph bytes): the model
# before any view or numbering label, as the reader builds it.
_SEEN: Dict[tuple, object] = {}
_SEEN_MAX = 1 << 17


class Cut:
    """The main document's paragraphs as byte ranges, in document order (as ``iter(w:p)``)."""

    def __init__(self, data: bytes, root_tag: bytes, style_key: tuple,
                 extents: List[Optional[Tuple[int, int]]]):
        self.data = data
        self.context = (style_key, root_tag)
        self.extents = extents  # (start, end) of each paragraph, None where it may not be keyed

    def key(self, i: int) -> Optional[tuple]:
        extent = self.extents[i]
        return None if extent is None else (*self.context, self.data[extent[0]:extent[1]])

    def reduced(self) -> Tuple[bytes, Dict[int, object], int]:
        """(the bytes with each paragraph read before as ``<w:p/>``, {index: its model}, the
        runs left out with them)."""
        pieces: List[bytes] = []
        known: Dict[int, object] = {}
        runs = 0
        at = 0
        data, context = self.data, self.context
        for i, extent in enumerate(self.extents):
            if extent is None:
                continue
            seen = _SEEN.get((*context, data[extent[0]:extent[1]]))
            if seen is None or not seen[2]:
                continue
            known[i] = seen[0]
            runs += seen[1]
            pieces += (data[at:extent[0]], _PLACEHOLDER)
            at = extent[1]
        if not known:
            return data, known, 0
        pieces.append(data[at:])
        return b"".join(pieces), known, runs


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
    if data.find(b"<!", body) >= 0 or data.find(b"<?", body) >= 0:
        return None
    edges = [(m.start(), m.group() == b"</w:p>") for m in _P_EDGE.finditer(data, body)]
    extents: List[Optional[Tuple[int, int]]] = []
    for i, (start, closing) in enumerate(edges):
        if closing:
            continue
        tag = P_TAG.match(data, start)
        if tag is None:
            return None
        if tag.group(1):
            extents.append((start, tag.end()))
            continue
        # Whole when the next edge closes it; another paragraph starting first nests in it.
        after = edges[i + 1] if i + 1 < len(edges) else (0, False)
        extents.append((start, after[0] + 6) if after[1] else None)
    if not _declarations_inside_paragraphs(data, body, extents):
        return None
    return Cut(data, root_tag, style_key, extents)


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


def remember(key: tuple, para) -> None:
    """Keep a paragraph's model for the next document that has the same bytes, with its count
    of runs and whether it may be left out of the parse (it holds no markup that document-wide
    checks look at)."""
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    raw = key[-1]
    _SEEN[key] = (para, len(_RUN.findall(raw)), _MARKUP.search(raw) is None)


def recall(key: tuple):
    """The model read before for these bytes, or None."""
    seen = _SEEN.get(key)
    return None if seen is None else seen[0]
