"""Script-aware tokens: Thai words, other-script words, numbers, whitespace runs, punctuation.

Joining the tokens of a text gives the text back exactly, and no token boundary falls
inside an extended grapheme cluster (``regex`` ``\\X``), so an edit built from whole
tokens never starts or ends on a lone Thai vowel or tone mark.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import List, Tuple

# pythainlp writes ~/pythainlp-data on import unless told it may not.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import nlpo3  # noqa: E402
import regex  # noqa: E402
from pythainlp.corpus import thai_words  # noqa: E402

from ..wordlist import dictionary_name  # noqa: E402

# Governance and legal terms newmm's stock word list lacks or splits badly
# (``ปฏิบัติ|ราช|การตาม|หลัก``, ``หัวหน้าส่วน|ราช|การรายงานผล``). Phrases newmm already splits
# at true word boundaries (การกำกับดูแลองค์การที่ดี, หน่วยงาน|ของ|รัฐ) are left out: a longer
# token only makes an edit inside the phrase mark more text.
GOVERNANCE_TERMS: Tuple[str, ...] = (
    "ธรรมาภิบาล",
    "หลักธรรมาภิบาล",
    "ส่วนราชการ",
    "หัวหน้าส่วนราชการ",
    "คณะรัฐมนตรี",
    "ผู้มีส่วนได้ส่วนเสีย",
    "ผู้รับบริการ",
    "ผู้ให้บริการ",
    "ความโปร่งใส",
    "ความรับผิดชอบ",
    "ประสิทธิภาพ",
    "ประสิทธิผล",
    "สำนักงานเลขาธิการ",
    "ข้าราชการ",
    "ผู้ปฏิบัติงาน",
    "มีส่วนร่วม",
    "ตรวจสอบได้",
    "ปฏิบัติราชการ",
    "ผู้บังคับบัญชา",
    "ผู้ใต้บังคับบัญชา",
    "ปลัดกระทรวง",
    "รองปลัดกระทรวง",
    "ยุทธศาสตร์ชาติ",
    "แผนแม่บท",
    "ผลสัมฤทธิ์",
    "ความคุ้มค่า",
    "ประโยชน์สุข",
    "ราชกิจจานุเบกษา",
    "องค์ประชุม",
    "คณะอนุกรรมการ",
    "ประมวลจริยธรรม",
    "ผลประโยชน์ทับซ้อน",
    "จัดซื้อจัดจ้าง",
    "ปีงบประมาณ",
    "ตัวชี้วัด",
    "มาตรการ",
    "ตรวจสอบภายใน",
    "ข้อมูลข่าวสาร",
    "รักษาการ",
    "ผู้ว่าราชการจังหวัด",
    "องค์กรปกครองส่วนท้องถิ่น",
)

# Stock entries that glue a noun-forming การ onto a following function word and so
# steal the การ from the word before it (``กรรม|การคน|หนึ่ง``).
_REMOVED_WORDS: Tuple[str, ...] = ("การตาม", "การคน")

_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"  # letters, vowels, tone marks, ฯ ๆ; not digits, not ฿
# Characters that continue the cluster before them (rules GB9, GB9a).
_CONT = r"\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}"
# Every piece swallows the continuing characters after it, and the last alternative takes
# any other cluster whole, so a piece ends only where the next character starts a cluster.
_PIECE = regex.compile(
    rf"""
    ( [{_THAI}][{_THAI}{_CONT}]* (?: \.[{_CONT}]*[{_THAI}][{_THAI}{_CONT}]* )*
      (?: \.[{_CONT}]* )? )                                      # Thai run; dots for พ.ศ.
    | ( (?: \p{{Nd}}[{_CONT}]* )+ (?: [,./](?=\p{{Nd}}) (?: \p{{Nd}}[{_CONT}]* )+ )*  # ๕/๑
      | (?: [[\p{{L}}\p{{M}}]--[{_THAI}]][{_CONT}]* )+          # word in another script
      | (?: \s[{_CONT}]* )+                                      # whitespace run
      | \X                                                       # anything else
      )
    """,
    regex.VERBOSE | regex.VERSION1,
)
# The same pieces built from whole clusters, for texts holding a character that joins the
# character AFTER it (Prepend, GB9b) or an emoji that is also a letter (U+2139, GB11):
# there the fast pattern above could end a piece inside a cluster.
_T = rf"(?:(?=[{_THAI}])\X)"
_D = r"(?:(?=\p{Nd})\X)"
_PIECE_BY_CLUSTER = regex.compile(
    rf"""
    ( {_T}+ (?: (?=\.)\X {_T}+ )* (?: (?=\.)\X )? )
    | ( {_D}+ (?: (?=[,./]\p{{Nd}})\X {_D}+ )*
      | (?: (?=[\p{{L}}\p{{M}}])(?![{_THAI}])\X )+
      | (?: (?=\s)\X )+
      | \X
      )
    """,
    regex.VERBOSE,
)
_JOINS_FORWARD = regex.compile(r"[\p{GCB=Prepend}\u2139]")
CLUSTER = regex.compile(r"\X")  # one grapheme cluster: a Thai consonant with its vowels and tone mark
CONTINUES_CLUSTER = regex.compile(rf"[{_CONT}]")  # a character that continues the cluster before it
_WORD_STARTS_CONTINUING = regex.compile(rf"\x00[{_CONT}]")  # in words joined by NUL (no Thai run holds one)
_SEGMENT_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=1)
def _words() -> frozenset:
    """The dictionary Thai runs are segmented with: pythainlp's word list plus governance terms."""
    words = {w.strip() for w in thai_words()}
    words.difference_update(_REMOVED_WORDS)
    words.update(GOVERNANCE_TERMS)
    words.discard("")
    return frozenset(words)


@lru_cache(maxsize=1)
def _dictionary() -> str:
    return dictionary_name(_words())


def load_dictionary() -> None:
    """Load the segmenter's dictionary now (≈0.3 s): once before forking workers that all
    tokenize, rather than once in each of them."""
    _dictionary()


def tokenize(text: str) -> List[str]:
    """Split ``text`` into script-aware tokens whose concatenation is ``text``."""
    pattern = _PIECE_BY_CLUSTER if _JOINS_FORWARD.search(text) else _PIECE
    tokens: List[str] = []
    for thai, other in pattern.findall(text):
        if thai:
            tokens.extend(_segment_thai(thai))
        else:
            tokens.append(other)
    return tokens


def joined(text: str, sep: str) -> str:
    """``sep.join(tokenize(text))``, built a Thai run at a time: for writers that mark every
    boundary (the web page's line-break opportunities), with no Python step per token."""
    pattern = _PIECE_BY_CLUSTER if _JOINS_FORWARD.search(text) else _PIECE
    return sep.join([_joined_thai(thai, sep) if thai else other for thai, other in pattern.findall(text)])


@lru_cache(maxsize=_SEGMENT_CACHE_SIZE)
def _joined_thai(run: str, sep: str) -> str:
    return sep.join(_segment_thai(run))


@lru_cache(maxsize=_SEGMENT_CACHE_SIZE)
def _segment_thai(run: str) -> Tuple[str, ...]:
    """Thai words of one Thai run, merged where a word boundary would split a cluster."""
    words = nlpo3.segment(run, _dictionary())
    if "".join(words) != run:  # never seen; keeps the round-trip promise regardless
        words = CLUSTER.findall(run)
    # Inside a Thai run only a continuing character can follow a cluster-internal position: look
    # for one at the start of a word other than the first (one search over the words joined).
    if len(words) > 1 and _WORD_STARTS_CONTINUING.search("\x00".join(words)):
        return _merge_split_clusters(run, words)
    return tuple(words)


def _merge_split_clusters(run: str, words: List[str]) -> Tuple[str, ...]:
    """Join each word that starts inside a grapheme cluster onto the word before it."""
    starts = cluster_starts(run)
    merged: List[str] = []
    pos = 0
    for word in words:
        if merged and pos not in starts:
            merged[-1] += word
        else:
            merged.append(word)
        pos += len(word)
    return tuple(merged)


def is_word(text: str) -> bool:
    """True when ``text`` is one word of the segmenter's dictionary."""
    return bool(text) and text in _words()


def cluster_starts(text: str) -> set:
    """Offsets where grapheme clusters start, plus the end of the text."""
    starts = {m.start() for m in CLUSTER.finditer(text)}
    starts.add(len(text))
    return starts


def word_span(text: str, start: int, end: int) -> Tuple[int, int]:
    """[start, end) widened to whole tokens of ``text`` (Thai words from the diff's segmenter):
    neither end falls inside a word. An empty span moves to the start of the word it is in."""
    bounds, at = [0], 0
    for token in tokenize(text):
        at += len(token)
        bounds.append(at)
    lo = bounds[bisect_right(bounds, start) - 1]
    hi = lo if end <= start else bounds[min(bisect_left(bounds, end), len(bounds) - 1)]
    return lo, max(lo, hi)
