"""Redline quality against the recorded edits: marked ÷ true characters, exact accept/reject, word-level marks.

Works on any redline .docx (ours or a peer's): the marks are read from word/document.xml,
the views through policydiff's own reader.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from lxml import etree

from policydiff.core.labels import to_arabic
from policydiff.core.model import DELETE, INSERT, MOVE_FROM, MOVE_TO, Run
from policydiff.docx.ns import qn
from policydiff.docx.reader import read_docx

_MARKS = {qn("w:ins"): "ins", qn("w:del"): "del", qn("w:moveFrom"): "moveFrom", qn("w:moveTo"): "moveTo"}
_TEXT = (qn("w:t"), qn("w:delText"))


def marked_chars(docx) -> Dict[str, int]:
    """Characters inside w:ins, w:del, w:moveFrom and w:moveTo (each counted once, innermost mark wins)."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"), etree.XMLParser(huge_tree=True, resolve_entities=False))
    out = {"ins": 0, "del": 0, "moveFrom": 0, "moveTo": 0, "rPrChange": 0}
    for el in root.iter(*_TEXT):
        kind = _enclosing_mark(el)
        if kind:
            out[kind] += len(el.text or "")
    out["rPrChange"] = sum(1 for _ in root.iter(qn("w:rPrChange")))
    return out


def _enclosing_mark(el) -> Optional[str]:
    for anc in el.iterancestors():
        kind = _MARKS.get(anc.tag)
        if kind:
            return kind
        if anc.tag == qn("w:p"):
            return None
    return None


def shown(docx, view: str) -> List[str]:
    """Paragraph texts (label and text) in one view, table cells included, by policydiff's reader."""
    return [p.shown for p in read_docx(docx, view=view).paragraphs()]


def first_difference(got: Sequence[str], want: Sequence[str]) -> str:
    """A short description of where two paragraph lists part ("" when equal)."""
    if list(got) == list(want):
        return ""
    for k, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"paragraph {k}: got {g[:60]!r}, want {w[:60]!r}"
    return f"{len(got)} paragraphs, want {len(want)}"


def digits_arabic(texts: Sequence[str]) -> List[str]:
    """Texts with Thai digits as Arabic (LibreOffice shows thaiNumbers labels in Arabic)."""
    return [to_arabic(t) for t in texts]


@dataclass
class WordLevel:
    """How the one-word edits came out: marked exactly (just the word) or as a longer stretch."""

    total: int = 0
    exact: int = 0
    examples: List[str] = field(default_factory=list)


def _stretches(runs: Sequence[Run], kinds) -> List[str]:
    """Maximal stretches of adjacent runs whose change kind is in ``kinds``."""
    out, cur = [], None
    for r in runs:
        if r.change is not None and r.change.kind in kinds:
            cur = (cur or "") + r.text
            continue
        if cur is not None:
            out.append(cur)
        cur = None
    if cur is not None:
        out.append(cur)
    return out


def _same_marks(want: str, stretches: Sequence[str]) -> bool:
    """``want`` is marked as one stretch, or a rotation of it: inserting "ให้ก" before "ให้ข" is the
    same edit as inserting "กให้" after the first "ให้" (the diff may place it either way)."""
    return not want or any(len(s) == len(want) and s in want + want for s in stretches)


def _base_positions(paragraphs, base_texts: Sequence[str], window: int = 4):
    """(paragraph, base index) for each redline paragraph whose reject view is a base paragraph, in order."""
    j = 0
    for p in paragraphs:
        runs = p.text_runs
        rejected = (p.label + " " if p.label else "") + "".join(
            r.text for r in runs if r.change is None or r.change.kind not in (INSERT, MOVE_TO))
        for k in range(j, min(j + window, len(base_texts))):
            if base_texts[k] == rejected:
                yield p, k
                j = k + 1
                break


def word_level(docx, truth: dict, base_texts: Sequence[str]) -> WordLevel:
    """For each replaced word (A → B) and inserted or deleted phrase: is exactly that text marked?

    Redline paragraphs are matched to base paragraphs in order by their reject view (equal to
    the base paragraph's text in any exact redline).
    """
    wanted: Dict[int, List[dict]] = {}
    for e in truth["edits"]:
        if e["op"] == "replace" and e["kind"] in ("word", "insert", "delete", "cell"):
            wanted.setdefault(e["para"], []).append(e)
    result = WordLevel(total=sum(len(v) for v in wanted.values()))
    for p, k in _base_positions(read_docx(docx, view="all").paragraphs(), base_texts):
        gone, came = _stretches(p.text_runs, (DELETE, MOVE_FROM)), _stretches(p.text_runs, (INSERT, MOVE_TO))
        for e in wanted.pop(k, ()):
            ok = _same_marks(e["old"], gone) and _same_marks(e["new"], came)
            result.exact += ok
            if not ok and len(result.examples) < 5:
                result.examples.append(f"{e['old']!r}→{e['new']!r}: marked -{gone} +{came}")
    return result


def quality(docx, truth: dict, base_docx, edited_docx) -> dict:
    """Marked and true characters, their ratio, exactness of accept/reject by our reader, word-level marks."""
    marks = marked_chars(docx)
    marked = marks["ins"] + marks["del"] + marks["moveFrom"] + marks["moveTo"]
    base, edited = shown(base_docx, "accept"), shown(edited_docx, "accept")
    accept, reject = shown(docx, "accept"), shown(docx, "reject")
    wl = word_level(docx, truth, base)
    return {
        "marked": marked, "marks": marks, "true": truth["true_chars"],
        "ratio": round(marked / truth["true_chars"], 3),
        "ratio_digitwise": round(marked / truth["true_chars_digitwise"], 3),
        "accept_exact": accept == edited, "reject_exact": reject == base,
        "accept_diff": first_difference(accept, edited), "reject_diff": first_difference(reject, base),
        "word_edits": wl.total, "word_edits_exact": wl.exact, "word_examples": wl.examples,
        "format_changes": marks["rPrChange"],
    }
