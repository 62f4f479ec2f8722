"""Make a built .docx look as Word saves a draft after a few editing sessions.

    wordlike(docx_bytes, seed) -> docx_bytes

scripts/build_example.py writes one w:r per paragraph and leaves all formatting to the styles.
A Thai office's real draft, after a few sessions in Word, has each paragraph cut into several
runs (Word starts a run wherever an editing session typed, and records the session as
w:rsidR), each run carrying its own w:rPr (TH SarabunPSK in every font slot, 16 pt, Thai
language, sometimes w:cs), and each paragraph its session attributes and Word 2010's
w14:paraId / w14:textId. This module rewrites word/document.xml that way, and lists the
sessions in word/settings.xml:

- A paragraph's text runs (the w:r children of w:p that hold one w:t) are cut at word-ish
  places: after a space when one is near, else at a grapheme-cluster start inside a long Thai
  stretch (never before a combining vowel or tone mark). About 4 runs a paragraph: 1 for
  short ones, up to 8 for long ones.
- Cut points, sessions and ids come from a hash of the paragraph's original XML (its text and
  formatting) and ``seed``: a paragraph left unchanged between two files stays byte-identical,
  as Word keeps it; an edited paragraph is cut differently.
- Runs inside w:ins / w:del, and runs next to comment marks, keep their place and structure;
  they get the same run properties and a session. w:delText stays w:delText.

The text of every paragraph, in every view of its tracked changes, is unchanged.
"""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import io
import random
import zipfile
from typing import Dict, Iterable, List, Optional, Sequence, Set

import regex
from lxml import etree

from policydiff.docx.ns import nsmap, qn

FONT = "TH SarabunPSK"
DOCUMENT, SETTINGS, STYLES = "word/document.xml", "word/settings.xml", "word/styles.xml"
SESSIONS = 24  # editing sessions a draft has seen; every rsid comes from this pool
MAX_RUNS = 8
CHARS_PER_RUN = 24  # 85 to 105 characters a paragraph on average: about 4 runs a paragraph
SHORT = 20  # paragraphs shorter than this stay one run
_CLUSTER = regex.compile(r"\X")
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)

# ECMA-376 CT_ParaRPr / CT_RPr child order (run properties Word writes for Thai text, and the
# ones a tracked or styled run may already have); w:rPrChange must stay last.
_RPR_ORDER = {qn("w:" + n): k for k, n in enumerate((
    "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps",
    "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
    "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
    "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
    "rPrChange"))}
# CT_PPr children that come after w:rPr (the paragraph mark's run properties).
_AFTER_PPR_RPR = {qn("w:sectPr"), qn("w:pPrChange")}
# CT_Settings children that come after w:rsids.
_AFTER_RSIDS = {qn("w:" + n) for n in (
    "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")}
_W14_IDS = (qn("w14:paraId"), qn("w14:textId"))


def wordlike(docx_bytes: bytes, seed) -> bytes:
    """The same .docx with Word-style runs, run properties, rsids and paragraph ids (text unchanged)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i.filename) for i in infos}
    root = _with_w14(parts[DOCUMENT])
    sizes = _style_sizes(parts.get(STYLES))
    taken = set().union(*(_para_ids(data) for name, data in parts.items()
                          if name.startswith("word/") and name.endswith(".xml") and name != DOCUMENT))
    pool = session_pool(seed)
    used = _rewrite(root, seed, pool, sizes, taken)
    parts[DOCUMENT] = _serialize(root)
    if SETTINGS in parts:
        parts[SETTINGS] = _serialize(_with_rsids(etree.fromstring(parts[SETTINGS], _PARSER), pool[0], used))
    return _zip(infos, parts)


def session_pool(seed) -> List[str]:
    """The draft's editing sessions as rsids: 8 hex digits, the first one the document's root session."""
    out = []
    for k in range(SESSIONS):
        h = hashlib.sha256(f"policydiff-wordlike-session-{seed}-{k}".encode()).hexdigest()
        out.append("00" + h[:6].upper())  # Word's rsids are 24-bit numbers written as 8 hex digits
    return out


def runs_per_paragraph(docx_bytes: bytes) -> float:
    """Average number of text-carrying w:r per paragraph that has text (document.xml)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        root = etree.fromstring(z.read(DOCUMENT), _PARSER)
    counts = [len(_text_runs(p)) for p in root.iter(qn("w:p"))]
    counts = [c for c in counts if c]
    return round(sum(counts) / len(counts), 3) if counts else 0.0


def _text_runs(p) -> List[etree._Element]:
    return [r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None or r.find(qn("w:delText")) is not None]


# ---------------------------------------------------------------- paragraphs


def _rewrite(root, seed, pool: Sequence[str], sizes: Dict[str, int], taken: Set[int]) -> Set[str]:
    """Rewrite every paragraph in place; return the rsids used."""
    paras = list(root.iter(qn("w:p")))
    # Keys first: they must be of the paragraphs as built, before any of them is rewritten.
    keys = [_key(p, seed) for p in paras]
    used: Set[str] = set()
    for p, key in zip(paras, keys):
        rng = random.Random(int.from_bytes(key, "big"))
        used |= _paragraph(p, rng, pool, sizes)
        _set_ids(p, key, taken)
    return used


def _key(p, seed) -> bytes:
    """A hash of the paragraph's text and formatting (its elements, attributes and text) and the seed."""
    # Not C14N: lxml canonicalizes a subtree by walking the whole document, which is quadratic here.
    h = hashlib.sha256(f"policydiff-wordlike-{seed}".encode())
    for el in p.iter():
        h.update(repr((el.tag, sorted(el.attrib.items()), el.text, el.tail if el is not p else None)).encode())
    return h.digest()


def _paragraph(p, rng: random.Random, pool: Sequence[str], sizes: Dict[str, int]) -> Set[str]:
    """Cut the paragraph's plain text runs, give every text run Thai properties and a session."""
    size = sizes.get(_pstyle(p), sizes.get("", 32))
    cs = rng.random() < 0.3  # some paragraphs were typed with w:cs on (Thai keyboard, complex script)
    home = rng.choice(pool)  # the session that created the paragraph
    sessions = [home] + rng.sample([s for s in pool if s != home], 3)
    plain = [r for r in p if r.tag == qn("w:r") and _only_text(r)]
    total = sum(len(_text(r)) for r in plain)
    target = _run_count(total, rng)
    pieces: List[etree._Element] = []
    for r in plain:
        share = max(1, round(target * len(_text(r)) / total)) if total else 1
        pieces += _split(r, _cut_points(_text(r), share, rng))
    default = _assign_sessions(pieces, sessions, rng)
    _paragraph_attrs(p, home, default, rng.choice(sessions[:2]))
    for r in pieces:
        _merge_rpr(r, size, cs and not _has_latin(_text(r)))
    for r in _text_runs(p):
        if r not in pieces:  # tracked runs, and any run in a container: properties and a session only
            _merge_rpr(r, size, cs and not _has_latin("".join(r.itertext())))
            _tracked_session(r, rng.choice(sessions[1:]))
    _merge_ppr(p, size)
    return set(sessions)


def _pstyle(p) -> str:
    el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return el.get(qn("w:val")) if el is not None else ""


def _only_text(r) -> bool:
    """A run holding one w:t (and maybe w:rPr), nothing else: one that can be cut."""
    kids = [c for c in r if c.tag != qn("w:rPr")]
    return len(kids) == 1 and kids[0].tag == qn("w:t")


def _text(r) -> str:
    return r.find(qn("w:t")).text or ""


def _has_latin(text: str) -> bool:
    return any("A" <= c <= "z" or "0" <= c <= "9" for c in text)


def _run_count(length: int, rng: random.Random) -> int:
    """How many runs a paragraph of ``length`` characters ends up with."""
    if length < SHORT:
        return 1
    return max(1, min(MAX_RUNS, round(length / CHARS_PER_RUN * rng.uniform(0.7, 1.3))))


def _cut_points(text: str, pieces: int, rng: random.Random) -> List[int]:
    """Up to ``pieces - 1`` offsets to cut ``text`` at: after a space when one is near, else a cluster start."""
    if pieces <= 1:
        return []
    starts = [m.start() for m in _CLUSTER.finditer(text)][1:]
    if not starts:
        return []
    spaces = [i for i in starts if text[i - 1] == " "]
    n, cuts = len(text), set()
    for j in range(1, pieces):
        ideal = (j + rng.uniform(-0.3, 0.3)) * n / pieces
        near = _nearest(spaces, ideal)
        if near is None or abs(near - ideal) > max(4.0, n / (3 * pieces)):
            near = _nearest(starts, ideal)  # no space near: cut inside the Thai stretch
        cuts.add(near)
    return sorted(cuts)


def _nearest(sorted_points: Sequence[int], x: float) -> Optional[int]:
    k = bisect.bisect_left(sorted_points, x)
    near = [sorted_points[i] for i in (k - 1, k) if 0 <= i < len(sorted_points)]
    return min(near, key=lambda i: (abs(i - x), i)) if near else None


def _split(r, cuts: Sequence[int]) -> List[etree._Element]:
    """Replace run ``r`` by one run per piece of its text (copies of its w:rPr); return the runs."""
    text = _text(r)
    if not cuts:
        return [r]
    bounds = [0, *cuts, len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        piece = etree.Element(qn("w:r"))
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            piece.append(etree.fromstring(etree.tostring(rpr)))
        t = etree.SubElement(piece, qn("w:t"))
        t.set(qn("xml:space"), "preserve")
        t.text = text[a:b]
        out.append(piece)
    parent = r.getparent()
    at = parent.index(r)
    parent[at:at + 1] = out
    return out


def _assign_sessions(runs: Sequence, sessions: Sequence[str], rng: random.Random) -> str:
    """Give each run a session, neighbours different (Word merges equal neighbours); return the commonest."""
    chosen, prev = [], None
    for _ in runs:
        s = rng.choice([s for s in sessions if s != prev])
        chosen.append(s)
        prev = s
    default = max(sessions, key=lambda s: (chosen.count(s), s == sessions[0]))
    for r, s in zip(runs, chosen):
        if rng.random() < 0.3:
            r.set(qn("w:rsidRPr"), rng.choice(sessions))
        if s != default:  # Word leaves w:rsidR off runs of the paragraph's default session
            r.set(qn("w:rsidR"), s)
    return default


def _tracked_session(r, session: str) -> None:
    r.set(qn("w:rsidR"), session)
    parent = r.getparent()
    if parent is not None and parent.tag in (qn("w:del"), qn("w:moveFrom")):
        r.set(qn("w:rsidDel"), session)


def _paragraph_attrs(p, home: str, default: str, props: str) -> None:
    p.set(qn("w:rsidR"), home)
    p.set(qn("w:rsidRDefault"), default)
    p.set(qn("w:rsidP"), props)


def _set_ids(p, key: bytes, taken: Set[int]) -> None:
    """w14:paraId (unique in the package, below 0x80000000) and w14:textId from the paragraph's hash."""
    para_id, salt = 0, 0
    while para_id == 0 or para_id in taken:
        h = hashlib.sha256(key + salt.to_bytes(4, "big")).digest()
        para_id, salt = int.from_bytes(h[:4], "big") & 0x7FFFFFFF, salt + 1
    taken.add(para_id)
    text_id = (int.from_bytes(key[4:8], "big") & 0x7FFFFFFF) or 1
    # lxml keeps attributes in insertion order; Word writes the ids first.
    attrs = dict(p.attrib)
    p.attrib.clear()
    p.set(_W14_IDS[0], f"{para_id:08X}")
    p.set(_W14_IDS[1], f"{text_id:08X}")
    for k, v in attrs.items():
        p.set(k, v)


# ---------------------------------------------------------------- run properties


def _thai_props(size: int, cs: bool) -> List[etree._Element]:
    """Fresh copies of the Thai run properties (copying a template is faster than building them)."""
    return [copy.copy(el) for el in _thai_template(size, cs)]


@functools.lru_cache(maxsize=None)
def _thai_template(size: int, cs: bool) -> tuple:
    fonts = etree.Element(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi", "cs"):
        fonts.set(qn("w:" + slot), FONT)
    out = [fonts, _val("w:sz", size), _val("w:szCs", size)]
    if cs:
        out.append(etree.Element(qn("w:cs")))
    lang = etree.Element(qn("w:lang"))
    lang.set(qn("w:bidi"), "th-TH")
    return tuple(out + [lang])


def _val(tag: str, value) -> etree._Element:
    el = etree.Element(qn(tag))
    el.set(qn("w:val"), str(value))
    return el


def _merge_rpr(r, size: int, cs: bool) -> None:
    """Add the Thai run properties the run lacks (its own, such as bold, stay), in schema order."""
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.Element(qn("w:rPr"))
        r.insert(0, rpr)
    _merge_into(rpr, _thai_props(size, cs))


def _merge_into(rpr, props: Iterable[etree._Element]) -> None:
    have = {c.tag for c in rpr}
    for el in props:
        if el.tag in have:
            continue
        rank = _RPR_ORDER[el.tag]
        later = next((k for k, c in enumerate(rpr) if _RPR_ORDER.get(c.tag, -1) > rank), None)
        if later is None:
            rpr.append(el)
        else:
            rpr.insert(later, el)


def _merge_ppr(p, size: int) -> None:
    """The paragraph mark's run properties (w:pPr/w:rPr), as Word writes them for Thai text."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.Element(qn("w:rPr"))
        later = next((k for k, c in enumerate(ppr) if c.tag in _AFTER_PPR_RPR), None)
        ppr.append(rpr) if later is None else ppr.insert(later, rpr)
    _merge_into(rpr, _thai_props(size, False))


def _style_sizes(styles: Optional[bytes]) -> Dict[str, int]:
    """Paragraph style id → its complex-script size in half-points ("" → the document default)."""
    if not styles:
        return {"": 32}
    root = etree.fromstring(styles, _PARSER)
    default = _size_of(root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")) or 32
    own, based = {}, {}
    for st in root.iter(qn("w:style")):
        sid = st.get(qn("w:styleId"))
        own[sid] = _size_of(st.find(qn("w:rPr")))
        b = st.find(qn("w:basedOn"))
        based[sid] = b.get(qn("w:val")) if b is not None else None
    out = {"": own.get("Normal") or default}
    for sid in own:
        seen, cur = set(), sid
        while cur and cur not in seen and own.get(cur) is None:
            seen.add(cur)
            cur = based.get(cur)
        out[sid] = own.get(cur) or default if cur else default
    return out


def _size_of(rpr) -> Optional[int]:
    if rpr is None:
        return None
    for tag in ("w:szCs", "w:sz"):
        el = rpr.find(qn(tag))
        if el is not None and (el.get(qn("w:val")) or "").isdigit():
            return int(el.get(qn("w:val")))
    return None


# ---------------------------------------------------------------- parts


def _para_ids(data: bytes) -> Set[int]:
    """w14:paraId values already used in another part (comments), which ours must not repeat."""
    if b"paraId" not in data:
        return set()
    root = etree.fromstring(data, _PARSER)
    out = set()
    for el in root.iter():
        v = el.get(_W14_IDS[0])
        if v:
            out.add(int(v, 16))
    return out


def _with_w14(xml: bytes):
    """The parsed part, its root declaring the w14 and mc namespaces and listing w14 in mc:Ignorable."""
    root = etree.fromstring(xml, _PARSER)
    declared = {uri: prefix for prefix, uri in root.nsmap.items()}
    missing = [k for k in ("mc", "w14") if nsmap[k] not in declared]
    if missing:
        # Declared in the source text and parsed again: moving every child under a new root with a
        # larger nsmap makes lxml reconcile namespaces node by node, minutes for a large draft.
        start = regex.search(rb"<[^?!][^>]*?(?=/?>)", xml)
        decls = b"".join(b' xmlns:%s="%s"' % (k.encode(), nsmap[k].encode()) for k in missing)
        root = etree.fromstring(xml[:start.end()] + decls + xml[start.end():], _PARSER)
    ignorable = (root.get(qn("mc:Ignorable")) or "").split()
    w14 = {uri: prefix for prefix, uri in root.nsmap.items()}[nsmap["w14"]]
    if w14 not in ignorable:
        root.set(qn("mc:Ignorable"), " ".join(ignorable + [w14]))
    return root


def _with_rsids(settings, root_session: str, used: Set[str]):
    """settings.xml with w:rsids listing the sessions in use (sorted, as Word writes them)."""
    old = settings.find(qn("w:rsids"))
    if old is not None:
        used = used | {el.get(qn("w:val")) for el in old if el.get(qn("w:val"))}
        settings.remove(old)
    rsids = etree.Element(qn("w:rsids"))
    etree.SubElement(rsids, qn("w:rsidRoot")).set(qn("w:val"), root_session)
    for s in sorted(used | {root_session}):
        etree.SubElement(rsids, qn("w:rsid")).set(qn("w:val"), s)
    later = next((k for k, c in enumerate(settings) if c.tag in _AFTER_RSIDS), None)
    settings.append(rsids) if later is None else settings.insert(later, rsids)
    return settings


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(infos: Sequence[zipfile.ZipInfo], parts: Dict[str, bytes]) -> bytes:
    """The parts zipped again in their original order, with their original dates and compression."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in infos:
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            z.writestr(entry, parts[info.filename], compresslevel=9)
    return buf.getvalue()
