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

import regex  # noqa: E402
from pythainlp.corpus import thai_words  # noqa: E402
from pythainlp.tokenize import newmm  # noqa: E402

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
_SEGMENT_CACHE_SIZE = 1 << 16


_END = ""  # a trie node's key for "a word ends here" (no character is the empty string)


class _WordSet:
    """The dictionary newmm segments with, grouped by each word's first three characters.

    newmm only asks ``prefixes(text, start)`` (and truthiness). A set of the words plus, per
    three-character start, a small trie of the rest of the words that begin with it, built the
    first time that start is met: the walk stops at the first character no word continues with.
    On the 3,000-clause drafts' Thai (265,000 characters) newmm takes ≈20 % less time than
    with a slice and a set look-up for every word length of the start, and grouping the words
    (≈0.06 s for 62,000, paid by every command that tokenizes) costs less than indexing those
    lengths did; pythainlp's whole Trie is faster to walk still but takes 0.3 s or more to build.
    """

    def __init__(self, words):
        self.words = frozenset(w.strip() for w in words)
        self.groups: dict = {}
        for w in self.words:
            if len(w) > 2:
                self.groups.setdefault(w[:3], []).append(w[3:])
        self.starts: dict = {}  # start -> (its one- and two-character words, its trie or None)

    def prefixes(self, text: str, start: int = 0) -> List[str]:
        """The dictionary's words that ``text`` has at ``start``, shortest first."""
        key = text[start:start + 3]
        found = self.starts.get(key)
        if found is None:
            found = self.starts[key] = self._start(key)
        short, node = found
        out = list(short)
        if node is None:
            return out
        at, end = start + 3, len(text)
        while True:
            if _END in node:
                out.append(text[start:at])
            if at == end:
                return out
            node = node.get(text[at])
            if node is None:
                return out
            at += 1

    def _start(self, key: str) -> tuple:
        short = tuple(key[:k] for k in (1, 2) if k <= len(key) and key[:k] in self.words)
        tails = self.groups.get(key) if len(key) == 3 else None
        return short, _trie_of(tails) if tails else None

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)


def _trie_of(tails) -> dict:
    """Nested dicts, one level per character; ``_END`` marks where a word ends."""
    root: dict = {}
    for tail in tails:
        node = root
        for ch in tail:
            nxt = node.get(ch)
            if nxt is None:
                nxt = node[ch] = {}
            node = nxt
        node[_END] = True
    return root


@lru_cache(maxsize=1)
def _trie() -> _WordSet:
    """The dictionary newmm segments with: pythainlp's word list plus governance terms."""
    words = set(thai_words())
    words.difference_update(_REMOVED_WORDS)
    words.update(GOVERNANCE_TERMS)
    return _WordSet(words)


def load_dictionary() -> None:
    """Build the segmenter's dictionary now (0.06 s), e.g. once before forking processes that
    all tokenize, rather than on first use in each."""
    _trie()


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


@lru_cache(maxsize=_SEGMENT_CACHE_SIZE)
def _segment_thai(run: str) -> Tuple[str, ...]:
    """Thai words of one Thai run, merged where a word boundary would split a cluster."""
    words = newmm.segment(run, custom_dict=_trie())
    if "".join(words) != run:  # never seen; keeps the round-trip promise regardless
        words = CLUSTER.findall(run)
    # Inside a Thai run only a continuing character can follow a cluster-internal position.
    if any(CONTINUES_CLUSTER.match(word) for word in words[1:]):
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
    return bool(text) and text in _trie()


def clear_cache() -> None:
    """Forget segmented Thai runs (for benchmarks and long-running processes)."""
    _segment_thai.cache_clear()


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
