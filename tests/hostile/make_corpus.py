"""Generate the hostile and broken input corpus: files policydiff must refuse clearly, or read.

``make_corpus(outdir)`` writes every case (deterministically, in about two seconds, none over
a few MB on disk) and returns ``Case`` records saying what should happen. ``stage`` names the
layer whose behaviour the expectation describes: ``package`` cases are decided by
``policydiff.docx.package`` (open plus parse of the main part); ``reader``, ``comments`` and
``forms`` cases open as packages (or are not packages at all) and record the behaviour those
later layers are meant to have.

Run ``python -m tests.hostile.make_corpus OUTDIR`` to write the corpus and list it.
"""

from __future__ import annotations

import functools
import io
import os
import random
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Optional

from policydiff.docx import ns
from policydiff.errors import (
    EncryptedDocumentError,
    FormError,
    InputError,
    NotADocxError,
    UnsafeDocumentError,
)

MB = 1024 * 1024
GB = 1024 * MB
DATE = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same corpus bytes on every run


@dataclass(frozen=True)
class Case:
    """One corpus file and what policydiff should do with it."""

    name: str
    path: Path
    expect: str  # "error" or "ok"
    message: str = ""  # error: a substring of str(exc); ok: a substring of a warning, if any
    error: Optional[type] = None  # the exact InputError subclass expected
    stage: str = "package"  # package | reader | comments | forms
    needs: str = ""  # "posix" (mkfifo) or "non-root" (permissions); "" runs anywhere
    note: str = ""


# ---------------------------------------------------------------------------------------------
# Word XML


W = ns.nsmap["w"]
R = ns.nsmap["r"]
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
THAI = "ข้อ ๑ ให้ส่วนราชการจัดทำแผนปฏิบัติราชการตามหลักธรรมาภิบาล"


def para(text: str, inner: str = "") -> str:
    """Return a one-run paragraph."""
    return f'<w:p>{inner}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def document(body: str, prolog: str = "") -> str:
    """Return a document.xml holding ``body`` inside w:body."""
    return (
        f"{XML_DECL}{prolog}"
        f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}</w:body></w:document>'
    )


def content_types(overrides: dict, defaults: Optional[dict] = None) -> str:
    """Return [Content_Types].xml with rels/xml defaults and the given overrides."""
    defaults = defaults or {"rels": ns.CONTENT_TYPES["relationships"], "xml": "application/xml"}
    items = [f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults.items()]
    items += [f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides.items()]
    return f'{XML_DECL}<Types xmlns="{ns.nsmap["ct"]}">{"".join(items)}</Types>'


def relationships(rels: list) -> str:
    """Return a .rels part from (rId, type key or URI, target) triples."""
    items = [
        f'<Relationship Id="{rid}" Type="{ns.REL_TYPES.get(kind, kind)}" Target="{target}"/>'
        for rid, kind, target in rels
    ]
    return f'{XML_DECL}<Relationships xmlns="{ns.nsmap["pr"]}">{"".join(items)}</Relationships>'


def docx_parts(body: str = para(THAI), *, doc: Optional[str] = None, parts=None, rels=None,
               overrides=None, main: str = "word/document.xml") -> dict:
    """Return the parts of a minimal .docx; ``parts`` adds or replaces parts (None drops one)."""
    overrides = {main: ns.CONTENT_TYPES["document"], **(overrides or {})}
    out = {
        "[Content_Types].xml": content_types(overrides),
        "_rels/.rels": relationships([("rId1", "officeDocument", main)]),
        main: doc if doc is not None else document(body),
    }
    if rels:
        out[main.replace("word/", "word/_rels/") + ".rels"] = relationships(rels)
    for name, data in (parts or {}).items():
        if data is None:
            out.pop(name, None)
        else:
            out[name] = data
    return out


def write_zip(path: Path, parts, compression=zipfile.ZIP_DEFLATED) -> Path:
    """Write parts (dict or (name, data) pairs) as a zip with fixed timestamps."""
    items = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in items:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def zip_bytes(parts, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Return the bytes ``write_zip`` would write."""
    buf = io.BytesIO()
    items = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in items:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Raw zips: pre-compressed members, lying sizes, aliased (overlapping) entries


class Raw(NamedTuple):
    """A zip member given as already-compressed bytes plus what the headers declare."""

    name: str
    payload: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0x800  # bit 11: the name is UTF-8 (clear it for a code page 437 name)


def deflated(name: str, pieces, size: Optional[int] = None, flags: int = 0x800) -> Raw:
    """Deflate (bytes, repeat) pieces cheaply: each piece is compressed once and repeated.

    After a full flush deflate forgets its history, so compressing the same piece again
    gives the same bytes; a 1 GB member costs one 1 MB compression plus a CRC pass.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, total = [], 0, 0
    for piece, repeat in pieces:
        block = comp.compress(piece) + comp.flush(zlib.Z_FULL_FLUSH)
        out.append(block * repeat)
        for _ in range(repeat):
            crc = zlib.crc32(piece, crc)
        total += len(piece) * repeat
    out.append(comp.flush())
    return Raw(name, b"".join(out), crc, total if size is None else size, flags=flags)


def _name_bytes(m: Raw, name: str) -> bytes:
    """Encode a member name as its flags say."""
    return name.encode("utf-8" if m.flags & 0x800 else "cp437")


@functools.lru_cache(maxsize=4)
def zeros(name: str, megabytes: int) -> Raw:
    """Return a deflated member of ``megabytes`` MB of zeros (cached: two bombs share one)."""
    return deflated(name, [(bytes(MB), megabytes)])


def stored(name: str, data) -> Raw:
    """Return an uncompressed member."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    return Raw(name, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED)


def raw_zip(members: list, aliases: tuple = ()) -> bytes:
    """Return zip bytes; each alias (name, index) is a central entry reusing member index's data."""
    body, central, offsets = bytearray(), [], []
    for m in members:
        offsets.append(len(body))
        name = _name_bytes(m, m.name)
        body += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21,
            m.crc, len(m.payload), m.size, len(name), 0,
        )
        body += name + m.payload
        central.append((m, m.name, offsets[-1]))
    for alias, index in aliases:
        central.append((members[index], alias, offsets[index]))
    cd = bytearray()
    for m, name, offset in central:
        raw_name = _name_bytes(m, name)
        cd += struct.pack(
            "<4s6H3I5HII", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21,
            m.crc, len(m.payload), m.size, len(raw_name), 0, 0, 0, 0, 0, offset,
        )
        cd += raw_name
    count = min(len(central), 0xFFFF)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(cd), len(body), 0)
    return bytes(body + cd + end)


def small_parts(main: str = "word/document.xml") -> list:
    """Return the [Content_Types].xml and _rels/.rels members of a .docx as raw members."""
    parts = docx_parts(main=main)
    return [stored(n, parts[n]) for n in ("[Content_Types].xml", "_rels/.rels")]


def varied_text(nbytes: int, seed: int = 7) -> bytes:
    """Return Thai text that compresses about 65:1 (a real document's worst), not 1000:1."""
    digits = "๐๑๒๓๔๕๖๗๘๙"
    vocab = [
        f"ข้อ {''.join(digits[int(c)] for c in str(i))} ให้ส่วนราชการจัดทำแผนตามหลักธรรมาภิบาล "
        for i in range(64)
    ]
    rng = random.Random(seed)
    text = "".join(rng.choices(vocab, k=nbytes // 100)).encode("utf-8")
    return text[:nbytes].decode("utf-8", errors="ignore").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# OLE compound files (what Word writes for encrypted .docx and for old .doc)


_NOSTREAM = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD


def cfb(streams: list) -> bytes:
    """Return a minimal valid OLE compound file (v3, 512-byte sectors) with up to 3 streams.

    Every stream is padded to 4096 bytes so it lives in ordinary sectors (no mini stream).
    Sector 0 holds the FAT, sector 1 the directory, then the streams' data.
    """
    # Siblings must be in CFB order: shorter names first, then by upper-case name.
    streams = sorted(streams, key=lambda s: (len(s[0]), s[0].upper()))
    fat, data, entries = [_FATSECT, _ENDOFCHAIN], [], []
    for i, (name, payload) in enumerate(streams):
        payload = payload.ljust(4096, b"\0")
        start, count = len(fat), -(-len(payload) // 512)
        fat += list(range(start + 1, start + count)) + [_ENDOFCHAIN]
        data.append(payload.ljust(count * 512, b"\0"))
        right = i + 2 if i + 1 < len(streams) else _NOSTREAM
        entries.append(_cfb_entry(name, 2, _NOSTREAM, right, start, len(payload)))
    root = _cfb_entry("Root Entry", 5, 1 if streams else _NOSTREAM, _NOSTREAM, _ENDOFCHAIN, 0)
    directory = b"".join([root] + entries).ljust(512, b"\0")
    header = struct.pack(
        "<8s16s5H6s9I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6),
        0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0,
    ) + struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))
    fat_sector = struct.pack("<128I", *(fat + [0xFFFFFFFF] * (128 - len(fat))))
    return header + fat_sector + directory + b"".join(data)


def _cfb_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    """Return one 128-byte directory entry."""
    raw = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _NOSTREAM, right, child,
        bytes(16), 0, 0, 0, start, size,
    )


def pseudo_random(n: int, seed: int) -> bytes:
    """Return deterministic bytes that look like ciphertext."""
    return random.Random(seed).randbytes(n)


# ---------------------------------------------------------------------------------------------
# The cases


XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = "<!DOCTYPE w:document [\n<!ENTITY lol0 \"lol\">\n" + "".join(
    f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">\n' for i in range(1, 10)
) + "]>\n"
COMMENTS_CT = {"word/comments.xml": ns.CONTENT_TYPES["comments"]}
NUMBERING_CT = {"word/numbering.xml": ns.CONTENT_TYPES["numbering"]}


def _w_part(root: str, inner: str) -> str:
    """Return a WordprocessingML part such as comments.xml or numbering.xml."""
    return f'{XML_DECL}<w:{root} xmlns:w="{W}">{inner}</w:{root}>'


def _comment(cid: int, text: str) -> str:
    """Return one w:comment."""
    return f'<w:comment w:id="{cid}" w:author="กองคลัง" w:initials="กค">{para(text)}</w:comment>'


def _rev(kind: str, rid: int, text: str, tag: str = "w:t") -> str:
    """Return a w:ins/w:del/w:moveFrom/w:moveTo around one run."""
    return (
        f'<w:{kind} w:id="{rid}" w:author="กองแผน" w:date="2024-01-01T00:00:00Z">'
        f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r></w:{kind}>'
    )


def nested_tables(depth: int) -> str:
    """Return a table nested ``depth`` deep (each level adds w:tbl/w:tr/w:tc)."""
    inner = para("ลึกที่สุด")
    for _ in range(depth):
        inner = (
            '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>'
            f"<w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
        )
    return inner + "<w:p/>"


def _big_paragraph(runs: int, run_bytes: int, split_runs: bool) -> bytes:
    """Return a .docx whose one paragraph holds runs x run_bytes of Thai text."""
    block = varied_text(run_bytes)
    head, tail = document("\0").encode("utf-8").split(b"\0")
    if split_runs:
        unit = b'<w:r><w:t xml:space="preserve">' + block + b"</w:t></w:r>"
        pieces = [(head + b"<w:p>", 1), (unit, runs), (b"</w:p>" + tail, 1)]
    else:
        start = head + b'<w:p><w:r><w:t xml:space="preserve">'
        pieces = [(start, 1), (block, runs), (b"</w:t></w:r></w:p>" + tail, 1)]
    return raw_zip(small_parts() + [deflated("word/document.xml", pieces)])


def _case_files(out: Path) -> list:
    """Write every case file under ``out`` and return the Case list."""
    cases = []

    def add(name, filename, content, expect, message="", error=None, **kw):
        path = out / filename
        _clear(path)
        if isinstance(content, dict):
            write_zip(path, content)
        elif isinstance(content, (bytes, str)):
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        elif callable(content):
            content(path)
        cases.append(Case(name, path, expect, message, error, **kw))

    # -- files that open -------------------------------------------------------------------
    add("minimal_ok", "minimal.docx", docx_parts(), "ok")
    add("utf16_document_ok", "utf16.docx",
        docx_parts(doc=document(para(THAI)).replace('"UTF-8"', '"UTF-16"').encode("utf-16")),
        "ok", note="OPC allows UTF-16 parts; Word writes UTF-8 but must read both")
    add("main_part_elsewhere_ok", "main-elsewhere.docx", docx_parts(main="word/main.xml"), "ok",
        note="the main part is found through _rels/.rels, not by its usual name")
    add("dangling_relationship_ok", "dangling-rel.docx",
        docx_parts(rels=[("rId9", "comments", "comments.xml")], overrides=COMMENTS_CT), "ok",
        "points at missing part")
    add("wrong_content_type_ok", "wrong-content-type.docx",
        docx_parts(overrides={"word/document.xml": "application/xml"}), "ok",
        "content type", note="odd but readable: a warning, not a refusal")
    add("nested_tables_80_ok", "nested-tables-80.docx", docx_parts(nested_tables(80)), "ok",
        note="80 levels (245 elements deep) fit libxml2's 256-element depth limit")

    # -- not a file, or not readable -----------------------------------------------------------
    add("missing_path", "does-not-exist.docx", None, "error", "no such file", InputError)
    add("directory", "a-directory.docx", lambda p: p.mkdir(), "error",
        "is a directory, not a .docx file", NotADocxError)
    add("empty_file", "empty.docx", b"", "error", "is empty (0 bytes)", NotADocxError)
    add("named_pipe", "pipe.docx", os.mkfifo if hasattr(os, "mkfifo") else None, "error",
        "is not a regular file", InputError, needs="posix",
        note="opening a FIFO for reading would block forever; it is refused from stat()")

    def unreadable(path):
        write_zip(path, docx_parts())
        path.chmod(0)

    add("unreadable", "unreadable.docx", unreadable, "error", "permission denied", InputError,
        needs="non-root", note="root can read it regardless of mode; skipped when run as root")

    # -- other kinds of file -----------------------------------------------------------------
    enc_info = struct.pack("<HHI", 4, 4, 0x40)  # agile encryption version header only
    enc_package = struct.pack("<Q", 12345) + pseudo_random(4088, 1)
    add("encrypted_docx", "encrypted.docx",
        cfb([("EncryptionInfo", enc_info), ("EncryptedPackage", enc_package)]), "error",
        "is password-protected (encrypted)", EncryptedDocumentError,
        note="OLE file with EncryptionInfo + EncryptedPackage streams, as Word writes; "
             "no \\x06DataSpaces storage and no real EncryptionInfo XML")
    add("legacy_doc", "legacy.docx",
        cfb([("WordDocument", b"\xec\xa5" + bytes(510)), ("1Table", bytes(512))]), "error",
        "old Word 97-2003 .doc", NotADocxError)
    add("legacy_xls_as_docx", "legacy-xls.docx", cfb([("Workbook", bytes(512))]), "error",
        "old Excel 97-2003 .xls", NotADocxError)
    add("unknown_ole", "unknown-ole.docx", cfb([("Contents", bytes(512))]), "error",
        "(or other OLE) file", NotADocxError)
    add("pdf", "report.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
        "error", "is a PDF", NotADocxError)
    add("rtf", "letter.docx", "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Tahoma;}} ข้อ ๑\\par}",
        "error", "is an RTF file", NotADocxError)
    add("text", "notes.docx", THAI + "\nบรรทัดที่สอง\n", "error", "is a text file",
        NotADocxError)
    add("html", "page.docx", "<!DOCTYPE html>\n<html><body><p>" + THAI + "</p></body></html>",
        "error", "is an HTML file", NotADocxError)
    add("flat_opc_xml", "flat.docx",
        '<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<pkg:package>'
        "</pkg:package>", "error", "Word XML file", NotADocxError)
    add("png_image", "picture.docx", b"\x89PNG\r\n\x1a\n" + pseudo_random(200, 2), "error",
        "is not a .docx (not a zip package)", NotADocxError)
    add("xlsx_as_docx", "sheet.docx", {
        "[Content_Types].xml": content_types({"xl/workbook.xml": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")}),
        "_rels/.rels": relationships([("rId1", "officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": XML_DECL + "<workbook><sheets/></workbook>",
    }, "error", "is an Excel spreadsheet (.xlsx)", NotADocxError)
    add("pptx_as_docx", "slides.docx", {
        "[Content_Types].xml": content_types({"ppt/presentation.xml": (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
        )}),
        "_rels/.rels": relationships([("rId1", "officeDocument", "ppt/presentation.xml")]),
        "ppt/presentation.xml": XML_DECL + "<presentation/>",
    }, "error", "is a PowerPoint presentation (.pptx)", NotADocxError)
    add("odt_as_docx", "writer.docx", lambda p: write_zip(p, [
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", XML_DECL + "<office:document-content/>"),
    ], zipfile.ZIP_STORED), "error", "is an OpenDocument file", NotADocxError)
    add("plain_zip", "archive.docx", {"readme.txt": THAI}, "error",
        "has no word/document.xml (not a Word document)", NotADocxError)
    add("no_document_xml", "no-document.docx", docx_parts(parts={"word/document.xml": None}),
        "error", "has no word/document.xml (not a Word document)", NotADocxError)
    add("no_content_types", "no-content-types.docx",
        docx_parts(parts={"[Content_Types].xml": None}), "error",
        "has no [Content_Types].xml", NotADocxError)
    strict = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    add("strict_ooxml", "strict.docx",
        docx_parts(parts={"_rels/.rels": relationships([("rId1", strict, "word/document.xml")])}),
        "error", "Strict Open XML", NotADocxError)
    add("different_root_element", "html-inside.docx",
        docx_parts(doc=XML_DECL + "<html><body><p>" + THAI + "</p></body></html>"), "error",
        "root element is 'html', not w:document", NotADocxError)

    # -- broken zips ---------------------------------------------------------------------------
    good = zip_bytes(docx_parts())
    add("truncated_zip", "truncated.docx", good[: len(good) // 2], "error",
        "is a corrupt or truncated zip", InputError)
    add("truncated_zip_tail", "truncated-tail.docx", good[:-10], "error",
        "is a corrupt or truncated zip", InputError)
    flipped = bytearray(zip_bytes(docx_parts(), zipfile.ZIP_STORED))
    at = flipped.find(b"<w:body>") + 3
    flipped[at] ^= 0x20  # w:body -> w:Body: still XML, so only the CRC can tell
    add("bad_crc", "bad-crc.docx", bytes(flipped), "error",
        "is a corrupt or truncated zip (part 'word/document.xml')", InputError)
    add("encrypted_zip_member", "zip-crypto.docx", raw_zip(
        small_parts() + [deflated("word/document.xml", [(pseudo_random(300, 3), 1)], flags=0x801)]
    ), "error", "(encrypted zip)", EncryptedDocumentError)

    # -- zip bombs and hostile zips ----------------------------------------------------------
    add("zip_bomb_1gb", "bomb-1gb.docx",
        raw_zip(small_parts() + [zeros("word/document.xml", 1024)]), "error",
        "part 'word/document.xml' would uncompress to 1,024 MB, over the 200 MB limit",
        UnsafeDocumentError, note="1 GiB of zeros, ~1 MB on disk, honest sizes and CRC")
    add("zip_bomb_lying_size", "bomb-lying.docx", raw_zip(small_parts() + [
        zeros("word/document.xml", 1024)._replace(size=1024)]), "error",
        "is a corrupt or truncated zip", InputError,
        note="declares 1 KB but inflates to 1 GiB: reading stops at the declared size")
    add("zip_bomb_ratio", "bomb-ratio.docx", raw_zip(small_parts() + [
        stored("word/document.xml", document(para(THAI))),
        zeros("word/media/image1.png", 90)]), "error",
        "part 'word/media/image1.png' is compressed", UnsafeDocumentError,
        note="90 MB of zeros: under the per-part limit, but 1000:1")
    doc = stored("word/document.xml", document(para(THAI)))
    blob = deflated("word/media/blob.bin", [(varied_text(10_000), 1)])
    add("zip_bomb_overlap", "bomb-overlap.docx",
        raw_zip(small_parts() + [doc, blob], tuple((f"word/media/copy{i}.bin", 3)
                                                     for i in range(50))),
        "error", "overlap each other", UnsafeDocumentError,
        note="50 central entries share one member's data (Fifield's non-recursive bomb)")
    big_blob = deflated("word/media/blob.bin", [(varied_text(2 * MB), 1)])
    add("zip_bomb_overlap_total", "bomb-overlap-total.docx",
        raw_zip(small_parts() + [doc, big_blob], tuple((f"word/media/copy{i}.bin", 3)
                                                         for i in range(210))),
        "error", "more than the 400 MB limit for a whole .docx", UnsafeDocumentError,
        note="211 entries x 2 MB at ~65:1 sharing data: only the total gives it away")
    add("too_many_members", "many-members.docx", raw_zip(
        small_parts() + [doc] + [stored(f"word/media/m{i:05}.bin", b"") for i in range(10_000)]),
        "error", "has 10,003 zip members, over the limit of 10,000", UnsafeDocumentError)
    add("path_traversal_member", "traversal.docx",
        docx_parts(parts={"../evil.txt": "pwned"}), "error",
        "unsafe name '../evil.txt'", UnsafeDocumentError)
    add("path_traversal_newline", "traversal-newline.docx",
        raw_zip(small_parts() + [doc, stored("../../etc/evil\nname", b"x")]), "error",
        "unsafe name '../../etc/evil\\nname'", UnsafeDocumentError,
        note="the message must stay on one line even when the name has a newline")
    add("absolute_member", "absolute.docx",
        raw_zip(small_parts() + [doc, stored("/tmp/evil.txt", b"x")]), "error",
        "unsafe name '/tmp/evil.txt'", UnsafeDocumentError)
    add("duplicate_member", "duplicate.docx", raw_zip(small_parts() + [
        doc, stored("word/document.xml", document(para("อีกฉบับ")))]), "error",
        "has two zip members named 'word/document.xml'", UnsafeDocumentError,
        note="two readers could pick different copies; refuse the ambiguity")

    # -- hostile or broken XML ---------------------------------------------------------------
    unsafe_dtd = "contains a DTD (entity declarations are not allowed in .docx parts)"
    add("xxe_file", "xxe.docx", docx_parts(doc=document(para("&xxe;"), XXE)), "error",
        "word/document.xml " + unsafe_dtd, UnsafeDocumentError)
    add("billion_laughs", "laughs.docx", docx_parts(doc=document(para("&lol9;"), LAUGHS)),
        "error", "word/document.xml " + unsafe_dtd, UnsafeDocumentError)
    add("xxe_utf16", "xxe-utf16.docx",
        docx_parts(doc=document(para("&xxe;"), XXE).replace('"UTF-8"', '"UTF-16"')
                   .encode("utf-16")), "error", "word/document.xml " + unsafe_dtd,
        UnsafeDocumentError)
    long_comment = "<!--" + varied_text(2 * MB).decode("utf-8") + "-->\n"
    add("dtd_after_long_comment", "dtd-late.docx",
        docx_parts(doc=document(para("&xxe;"), long_comment + XXE)), "error",
        "word/document.xml " + unsafe_dtd, UnsafeDocumentError,
        note="DOCTYPE beyond the 1 MB prolog scan: caught after a non-expanding parse")
    add("xxe_in_relationships", "xxe-rels.docx", docx_parts(parts={
        "word/_rels/document.xml.rels": XML_DECL + XXE.replace("w:document", "Relationships")
        + f'<Relationships xmlns="{ns.nsmap["pr"]}"/>'}), "error",
        "word/_rels/document.xml.rels " + unsafe_dtd, UnsafeDocumentError)
    add("dtd_in_content_types", "dtd-ct.docx", docx_parts(parts={
        "[Content_Types].xml": content_types({"word/document.xml": ns.CONTENT_TYPES["document"]})
        .replace("<Types", LAUGHS.replace("w:document", "Types") + "<Types")}), "error",
        "[Content_Types].xml " + unsafe_dtd, UnsafeDocumentError)
    bad_utf8 = document(para(THAI)).encode("utf-8").replace("ข้อ".encode("utf-8"),
                                                              b"\xe0\x28\xff", 1)
    add("invalid_utf8", "bad-utf8.docx", docx_parts(doc=bad_utf8), "error",
        "word/document.xml is not well-formed XML (line 2: invalid UTF-8 byte 0xE0)",
        InputError)
    add("malformed_xml", "malformed.docx",
        docx_parts(doc=document(para(THAI)).replace("</w:body>", "</w:bodx>")), "error",
        "word/document.xml is not well-formed XML (line 2: Opening and ending tag mismatch",
        InputError)
    add("undefined_entity", "nbsp.docx", docx_parts(doc=document(para("ก&nbsp;ข"))), "error",
        "word/document.xml is not well-formed XML (line 2: Entity 'nbsp' not defined)",
        InputError)
    add("empty_document_xml", "empty-document.docx", docx_parts(doc=""), "error",
        "word/document.xml is empty", InputError)
    add("malformed_relationships", "bad-rels.docx",
        docx_parts(parts={"word/_rels/document.xml.rels": "<Relationships"}), "error",
        "word/_rels/document.xml.rels is not well-formed XML", InputError)
    add("nested_tables_200", "nested-tables-200.docx", docx_parts(nested_tables(200)), "error",
        "nests elements more than 256 levels deep", UnsafeDocumentError,
        note="200 levels = 605 elements deep; libxml2 without huge_tree stops at 256")
    add("single_text_12mb", "text-12mb.docx", _big_paragraph(12, MB, split_runs=False),
        "error", "has a single text longer than the 10,000,000-byte safety limit",
        UnsafeDocumentError, note="one w:t of 12 MB; libxml2 without huge_tree stops at 10 MB")

    # -- packages that open; later layers decide -----------------------------------------------
    add("paragraph_50mb", "paragraph-50mb.docx", _big_paragraph(50, MB, split_runs=True),
        "ok", stage="reader",
        note="one paragraph of 50 runs x 1 MB of Thai (~0.8 MB on disk, ~65:1). Opens in "
             "~1 s; segmenting 50 MB of Thai at ~1 M chars/s would take ~20 s, so the "
             "reader/diff should refuse or coarsen paragraphs this long")
    comments = _w_part("comments", _comment(0, "ความเห็น"))
    with_comments = dict(rels=[("rId5", "comments", "comments.xml")], overrides=COMMENTS_CT)
    add("comment_range_never_ends", "comment-open.docx", docx_parts(
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>' + THAI + "</w:t></w:r></w:p>"
        + para("ย่อหน้าถัดไป"), parts={"word/comments.xml": comments}, **with_comments),
        "ok", "comment", stage="comments",
        note="intended: the comment anchors to the end of the document, with a warning")
    add("duplicate_comment_ids", "comment-dup.docx", docx_parts(
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>ก</w:t></w:r>'
        '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>',
        parts={"word/comments.xml": _w_part("comments", _comment(0, "หนึ่ง") + _comment(0, "สอง"))},
        **with_comments), "ok", "duplicate", stage="comments",
        note="intended: both comments kept (the first anchored), with a warning")
    add("duplicate_revision_ids", "revision-dup.docx", docx_parts(
        "<w:p>" + _rev("ins", 1, "เพิ่ม") + _rev("del", 1, "ลบ", "w:delText") + "</w:p>"),
        "ok", "duplicate", stage="reader",
        note="intended: read both revisions; the writer renumbers ids from its own counter")
    add("ins_inside_del", "ins-in-del.docx", docx_parts(
        '<w:p><w:del w:id="1" w:author="ก" w:date="2024-01-01T00:00:00Z">'
        + _rev("ins", 2, "แทรกแล้วลบ", "w:delText") + "</w:del></w:p>"), "ok", stage="reader",
        note="intended: text inserted then deleted is absent on accept and on reject")
    add("move_from_without_move_to", "move-orphan.docx", docx_parts(
        '<w:p><w:moveFromRangeStart w:id="1" w:author="ก" w:name="move1"/>'
        + _rev("moveFrom", 2, "ย้าย") + '<w:moveFromRangeEnd w:id="1"/></w:p>'), "ok",
        "move", stage="reader", note="intended: treated as a deletion, with a warning")
    numbering = _w_part("numbering", '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
                        '<w:numFmt w:val="thaiNumbers"/><w:lvlText w:val="ข้อ %1"/></w:lvl>'
                        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>')
    add("numbering_missing_definitions", "numbering-missing.docx", docx_parts(
        para(THAI, '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>')
        + para(THAI, '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="9"/></w:numPr></w:pPr>'),
        parts={"word/numbering.xml": numbering},
        rels=[("rId3", "numbering", "numbering.xml")], overrides=NUMBERING_CT), "ok",
        "numbering", stage="reader",
        note="numId 1 points at missing abstractNum 7; numId 9 does not exist. Intended: "
             "paragraphs read without a number label, with a warning")
    add("comments_part_malformed", "comments-malformed.docx", docx_parts(
        parts={"word/comments.xml": f'<w:comments xmlns:w="{W}"><w:comment'}, **with_comments),
        "error", "word/comments.xml is not well-formed XML", InputError, stage="comments",
        note="the package and main part open; Package.xml('word/comments.xml') raises")

    # -- comment forms -------------------------------------------------------------------------
    header = "division,clause,quote,comment,proposed_text\n"
    rows = "".join(f"กค,{i % 300},,c{i},\n" for i in range(100_000))
    add("form_csv_100k_rows", "form-100k.csv", header + rows, "ok", stage="forms",
        note="intended: imported (or refused by a documented row limit) within 5 s")
    add("form_xlsx_not_a_spreadsheet", "form-text.xlsx", "division,comment\nกองคลัง,ok\n",
        "error", "xlsx", FormError, stage="forms",
        note="a CSV renamed .xlsx; intended: FormError saying it is text, not a spreadsheet")
    add("form_csv_invalid_utf8", "form-bad-utf8.csv",
        header.encode() + b"\xe0\x28\xfc,\xdb\xff,,x,\n", "error", "UTF-8", FormError,
        stage="forms", note="bytes invalid in UTF-8 and undefined in cp874 (TIS-620)")
    add("form_csv_cp874", "form-cp874.csv",
        (header + "กองคลัง,ข้อ ๕,,เห็นด้วย,\n").encode("cp874"), "ok", stage="forms",
        note="Thai Excel's default 'CSV' encoding; intended: read as cp874 with a warning "
             "(or a FormError telling the user to save as CSV UTF-8)")
    return cases


def _clear(path: Path) -> None:
    """Remove what a previous run left at ``path`` so the corpus can be regenerated in place."""
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif path.exists() or path.is_symlink():
        path.unlink()


def make_corpus(outdir) -> list:
    """Write the hostile corpus into ``outdir`` (created if needed) and return its cases."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    return _case_files(out)


if __name__ == "__main__":
    for case in make_corpus(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus"):
        size = case.path.stat().st_size if case.path.is_file() else 0
        print(f"{case.name:32} {case.expect:5} {case.stage:8} {size:>10,}  {case.message}")
