"""``OffsetMap``: old ↔ new character offsets of one word diff.

The one place offsets cross a diff: anchoring a comment on a later version, and placing a
reviewed copy's comments on the base draft, both map through it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, List, Optional, Sequence, Tuple

Segment = Tuple[str, int, int, int]  # (op, old start, old end, new start)


class OffsetMap:
    """The old → new edit script of one text, as (op, old_start, old_end, new_start) segments."""

    def __init__(self, ops: Iterable[Sequence[str]], new_text: Optional[str] = None):
        self.segs: List[Segment] = []
        olds, news, o, n = [], [], 0, 0
        for op, text in ops:
            if op not in ("=", "-", "+"):
                raise ValueError(f"unknown diff op {op!r}")
            if not text:
                continue
            self.segs.append((op, o, o + len(text) if op != "+" else o, n))
            if op != "+":
                olds.append(text)
                o += len(text)
            if op != "-":
                news.append(text)
                n += len(text)
        self.old, self.new = "".join(olds), "".join(news)
        if new_text is not None and self.new != new_text:
            raise ValueError("the diff ops do not produce the new text")
        self._old_segs = [s for s in self.segs if s[0] != "+"]
        self._starts = [s[1] for s in self._old_segs]
        self._ends = [s[2] for s in self._old_segs]
        self._new_origin: Optional[List[int]] = None

    @classmethod
    def between(cls, old: str, new: str) -> "OffsetMap":
        """The map of ``old`` → ``new`` through their word diff."""
        from .diff import word_diff

        return cls(word_diff(old, new) if old != new else [("=", old)])

    def start(self, p: int) -> int:
        """New offset of an old span's start; text inserted right before it stays outside."""
        i = bisect_right(self._starts, p) - 1
        if i < 0 or p >= len(self.old):
            return 0 if p <= 0 else len(self.new)
        return self._map_in(self._old_segs[i], p)

    def end(self, p: int) -> int:
        """New offset of an old span's end; text inserted right after it stays outside."""
        if p <= 0:
            return 0
        i = bisect_left(self._ends, p)
        if i >= len(self._old_segs):
            return len(self.new)
        return self._map_in(self._old_segs[i], p)

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """New (start, end) of an old span; a zero-width span at an insertion stays before it."""
        first = self.start(start)
        return first, max(first, self.end(end))

    @staticmethod
    def _map_in(seg: Segment, p: int) -> int:
        op, o0, _, n0 = seg
        return n0 + (p - o0) if op == "=" else n0  # deleted text maps to where it was cut

    def deleted_in(self, start: int, end: int) -> int:
        """How many old characters of ``start:end`` the script deletes."""
        return sum(max(0, min(end, o1) - max(start, o0)) for op, o0, o1, _ in self._old_segs if op == "-")

    def is_other_old_text(self, start: int, end: int, old_start: int, old_end: int) -> bool:
        """True when new ``start:end`` is unchanged old text clear of ``old_start:old_end``."""
        if start >= end:
            return False
        origin = self._origin()
        first, last = origin[start], origin[end - 1]
        if first < 0 or last - first != end - start - 1 or -1 in origin[start:end]:
            return False  # holds inserted text, or text that was not contiguous in the old version
        # Copies that touch are a doubled word: which one a diff keeps is arbitrary.
        return last + 1 < old_start or first > old_end

    def _origin(self) -> List[int]:
        """The old offset of each new character; -1 for inserted characters (worked out once)."""
        if self._new_origin is None:
            origin = [-1] * len(self.new)
            for op, o0, o1, n0 in self.segs:
                if op == "=":
                    origin[n0 : n0 + o1 - o0] = range(o0, o1)
            self._new_origin = origin
        return self._new_origin
