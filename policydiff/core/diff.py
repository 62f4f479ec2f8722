"""Word diff over script-aware tokens, and offset mapping through its edit script.

Each distinct token becomes one private-use code point (diff-match-patch's ``linesToChars``
trick, per token instead of per line), so ``diff_main`` compares words, never characters,
and an edit can never begin or end inside a Thai cluster. ``Diff_Timeout = 0`` keeps the
result independent of machine speed.
"""

from __future__ import annotations

import difflib
from typing import Dict, List, Sequence, Tuple

import regex
from diff_match_patch import diff_match_patch

from .tokens import CONTINUES_CLUSTER, cluster_starts, tokenize

EQUAL = "="
DELETE = "-"
INSERT = "+"

Op = Tuple[str, str]
_TokOp = Tuple[str, Tuple[str, ...]]

_DMP_OP = {diff_match_patch.DIFF_EQUAL: EQUAL, diff_match_patch.DIFF_DELETE: DELETE,
           diff_match_patch.DIFF_INSERT: INSERT}

# Code points handed out to tokens, in order: the supplementary private-use planes first
# (U+xFFFE/U+xFFFF are noncharacters), then the BMP private-use area, then planes 1-14.
# The encoded strings hold nothing but these codes, so later ranges cannot collide with the
# text either; they only matter for a diff with over 137,000 distinct tokens.
_CODE_RANGES = (
    (0xF0000, 0xFFFFE),
    (0x100000, 0x10FFFE),
    (0xE000, 0xF900),
    (0x10000, 0xF0000),
)

# Above this many characters (old + new) a text with line breaks is diffed line by line
# first, and word by word only inside the changed lines: diff_main's bisection is
# O(tokens x edits) in pure Python, too slow for a whole 1 MB draft.
_LINE_MODE_MIN_CHARS = 20_000

# An equality between two edits is dropped (folded into both edits) when it is chatter:
# whitespace or punctuation of at most this many characters, ...
_CHATTER_SEPARATOR_CHARS = 2
# ... or one short token of at most this many characters whose edits on both sides are
# each at least _CHATTER_EDIT_FACTOR times as long as it.
_CHATTER_TOKEN_CHARS = 3
_CHATTER_EDIT_FACTOR = 3

_SEPARATOR = regex.compile(r"[\s\p{P}\p{S}]+")


# Above this many characters (both texts) a paragraph is not diffed word by word: segmenting
# and diffing megabytes of Thai takes minutes. No real paragraph comes near it.
MAX_WORD_DIFF_CHARS = 200_000


def coarse_diff(old: str, new: str) -> List[Op]:
    """Linear-time edit script: common head and tail kept, the middle replaced whole.

    Boundaries are moved back so that no edit starts or ends inside a grapheme cluster.
    """
    if old == new:
        return [("=", old)] if old else []
    head = common_prefix(old, new)
    while head and (_continues(old, head) or _continues(new, head)):
        head -= 1
    tail = common_prefix(old[head:][::-1], new[head:][::-1])
    while tail and (_continues(old, len(old) - tail) or _continues(new, len(new) - tail)):
        tail -= 1
    ops = [("=", old[:head]), ("-", old[head:len(old) - tail]), ("+", new[head:len(new) - tail]),
           ("=", old[len(old) - tail:])]
    return [(op, text) for op, text in ops if text]


def _continues(text: str, i: int) -> bool:
    """Whether the character at ``i`` continues the grapheme cluster before it (a tone mark...)."""
    return 0 < i < len(text) and CONTINUES_CLUSTER.match(text, i) is not None


class _TooManyTokens(Exception):
    """More distinct tokens than code points to give them."""


def word_diff(old: str, new: str) -> List[Op]:
    """Edit script from ``old`` to ``new``: ``("=", text)``, ``("-", text)``, ``("+", text)``."""
    if old == new:
        return [(EQUAL, old)] if old else []
    if len(old) + len(new) > MAX_WORD_DIFF_CHARS:
        return coarse_diff(old, new)
    head, tail = _untouched_ends(old, new)
    inner_old, inner_new = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(inner_old) + len(inner_new) > _LINE_MODE_MIN_CHARS and ("\n" in inner_old or "\n" in inner_new):
        inner = _line_then_word_diff(inner_old, inner_new)
    else:
        inner = _token_diff(inner_old, inner_new)
    return _merge_ops([(EQUAL, old[:head])] + inner + [(EQUAL, old[len(old) - tail:])])


def _untouched_ends(old: str, new: str) -> Tuple[int, int]:
    """Lengths of a shared start and end that end (start) at a space, so neither the Thai
    segmenter nor the diff need to see them: only the changed phrases are tokenized."""
    limit = min(len(old), len(new))
    same = common_prefix(old, new)
    head = 0
    for k in range(min(same, limit) - 1, 0, -1):
        if old[k].isspace() and not old[k - 1].isspace():
            head = k
            break
    same = min(common_prefix(old[::-1], new[::-1]), limit - head)
    tail = 0
    for k in range(same - 1, 0, -1):  # cut where the shared end starts right after a space
        if old[len(old) - k - 1].isspace() and not old[len(old) - k].isspace():
            tail = k
            break
    return head, tail


def edit_distance_chars(ops: Sequence[Op]) -> Tuple[int, int]:
    """Characters deleted and characters inserted by ``ops``."""
    deleted = sum(len(text) for op, text in ops if op == DELETE)
    inserted = sum(len(text) for op, text in ops if op == INSERT)
    return deleted, inserted


def old_text(ops: Sequence[Op]) -> str:
    """The text ``ops`` start from (equal and deleted parts)."""
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: Sequence[Op]) -> str:
    """The text ``ops`` lead to (equal and inserted parts)."""
    return "".join(text for op, text in ops if op != DELETE)


# --- token diff -------------------------------------------------------------------------


def _token_diff(old: str, new: str) -> List[Op]:
    """Word diff of two texts of moderate size."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    head, tail = common_ends(old_tokens, new_tokens)
    if len(old_tokens) - head - tail == 1 == len(new_tokens) - head - tail:
        # One word for another (a renumbered clause, most edits): what the diff and its
        # cleanups would find anyway, without running them.
        return [(EQUAL, "".join(old_tokens[:head])),
                *_trim_replacement((old_tokens[head],), (new_tokens[head],)),
                (EQUAL, "".join(old_tokens[len(old_tokens) - tail:]))]
    return _diff_of_tokens(old_tokens, new_tokens)


def _diff_of_tokens(old_tokens: List[str], new_tokens: List[str]) -> List[Op]:
    """Text ops from the token diff and its cleanups."""
    try:
        tok_ops = _diff_tokens(old_tokens, new_tokens)
    except _TooManyTokens:
        tok_ops = _one_replacement(old_tokens, new_tokens)
    tok_ops = _drop_chatter(_merge_tok_ops(tok_ops))
    tok_ops = _slide_edits(_merge_tok_ops(tok_ops))
    return _refine_replacements(_merge_tok_ops(tok_ops))


def _dmp() -> diff_match_patch:
    """A diff-match-patch instance that never gives up early."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return dmp


def _diff_tokens(old_tokens: List[str], new_tokens: List[str]) -> List[_TokOp]:
    """Minimal edit script between two token sequences, found by diff-match-patch."""
    codes: Dict[str, str] = {}
    encoded_old = _encode(old_tokens, codes)
    encoded_new = _encode(new_tokens, codes)
    token_of = {code: token for token, code in codes.items()}
    diffs = _dmp().diff_main(encoded_old, encoded_new, False)
    return [(_DMP_OP[op], tuple(token_of[c] for c in text)) for op, text in diffs]


def _encode(tokens: Sequence[str], codes: Dict[str, str]) -> str:
    """One code point per token, handing out new codes as new tokens appear."""
    out = []
    for token in tokens:
        code = codes.get(token)
        if code is None:
            code = codes[token] = _code_point(len(codes))
        out.append(code)
    return "".join(out)


def _code_point(index: int) -> str:
    """The ``index``-th code point of ``_CODE_RANGES``."""
    for first, stop in _CODE_RANGES:
        if index < stop - first:
            return chr(first + index)
        index -= stop - first
    raise _TooManyTokens()


def _one_replacement(old_tokens: List[str], new_tokens: List[str]) -> List[_TokOp]:
    """Common token prefix and suffix kept, everything between replaced."""
    return [(DELETE, tuple(old_tokens)), (INSERT, tuple(new_tokens))]  # _merge_tok_ops trims


def _chars(tokens: Sequence[str]) -> int:
    """Length in characters of a token stretch."""
    return sum(len(token) for token in tokens)


def _merge_tok_ops(tok_ops: Sequence[_TokOp]) -> List[_TokOp]:
    """Canonical token ops: no empty ops, one equality between change regions, each change
    region one deletion then one insertion with no common token prefix or suffix."""
    out: List[_TokOp] = []
    deleted: List[str] = []
    inserted: List[str] = []
    for op, tokens in list(tok_ops) + [(EQUAL, ())]:
        if op == DELETE:
            deleted.extend(tokens)
        elif op == INSERT:
            inserted.extend(tokens)
        else:
            head, tail = common_ends(deleted, inserted)
            _append_equal(out, tuple(deleted[:head]))
            if len(deleted) - tail > head:
                out.append((DELETE, tuple(deleted[head:len(deleted) - tail])))
            if len(inserted) - tail > head:
                out.append((INSERT, tuple(inserted[head:len(inserted) - tail])))
            _append_equal(out, tuple(deleted[len(deleted) - tail:]) + tuple(tokens))
            deleted, inserted = [], []
    return out


def common_ends(a: Sequence[str], b: Sequence[str]) -> Tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two sequences."""
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _append_equal(out: List[_TokOp], tokens: Tuple[str, ...]) -> None:
    """Add an equality, joining it to an equality already at the end."""
    if not tokens:
        return
    if out and out[-1][0] == EQUAL:
        out[-1] = (EQUAL, out[-1][1] + tokens)
    else:
        out.append((EQUAL, tokens))


def _drop_chatter(tok_ops: List[_TokOp]) -> List[_TokOp]:
    """Fold tiny equalities that sit between two change regions into one larger change."""
    ops = list(tok_ops)
    i = 1
    while i < len(ops) - 1:
        op, tokens = ops[i]
        if op == EQUAL and _is_chatter(tokens, _region_size(ops, i, -1), _region_size(ops, i, 1)):
            ops[i:i + 1] = [(DELETE, tokens), (INSERT, tokens)]
            ops = _merge_tok_ops(ops)
            i = max(1, i - 2)  # the region before has grown: look at its equality again
            continue
        i += 1
    return ops


def _region_size(ops: List[_TokOp], i: int, step: int) -> int:
    """Size in characters (larger side) of the change region next to ``ops[i]``."""
    deleted = inserted = 0
    j = i + step
    while 0 <= j < len(ops) and ops[j][0] != EQUAL:
        if ops[j][0] == DELETE:
            deleted += _chars(ops[j][1])
        else:
            inserted += _chars(ops[j][1])
        j += step
    return max(deleted, inserted)


def _is_chatter(tokens: Tuple[str, ...], before: int, after: int) -> bool:
    """Whether an equality between changes of these sizes is too small to show."""
    if not before or not after:
        return False
    size = _chars(tokens)
    if size <= _CHATTER_SEPARATOR_CHARS and _SEPARATOR.fullmatch("".join(tokens)):
        return True
    return (len(tokens) == 1 and size <= _CHATTER_TOKEN_CHARS
            and min(before, after) >= _CHATTER_EDIT_FACTOR * size)


def _slide_edits(tok_ops: List[_TokOp]) -> List[_TokOp]:
    """Slide each lone insertion or deletion between two equalities to the most natural
    word boundary (diff-match-patch's semantic lossless cleanup, per token)."""
    ops = list(tok_ops)
    for i in range(1, len(ops) - 1):
        if ops[i - 1][0] == EQUAL and ops[i + 1][0] == EQUAL and ops[i][0] != EQUAL:
            ops[i - 1], ops[i], ops[i + 1] = _best_slide(ops[i - 1], ops[i], ops[i + 1])
    return _merge_tok_ops(ops)


def _best_slide(left: _TokOp, edit: _TokOp, right: _TokOp) -> Tuple[_TokOp, _TokOp, _TokOp]:
    """The equal/edit/equal split with the best boundary score; the rightmost on ties."""
    eq1, mid, eq2 = left[1], edit[1], right[1]
    while eq1 and eq1[-1] == mid[-1]:  # slide as far left as the tokens allow
        eq1, mid, eq2 = eq1[:-1], (eq1[-1],) + mid[:-1], (mid[-1],) + eq2
    best = (eq1, mid, eq2)
    best_score = _boundary_score(eq1, mid) + _boundary_score(mid, eq2)
    while eq2 and mid[0] == eq2[0]:  # then try each position to the right
        eq1, mid, eq2 = eq1 + (mid[0],), mid[1:] + (eq2[0],), eq2[1:]
        score = _boundary_score(eq1, mid) + _boundary_score(mid, eq2)
        if score >= best_score:
            best, best_score = (eq1, mid, eq2), score
    return (EQUAL, best[0]), (edit[0], best[1]), (EQUAL, best[2])


def _boundary_score(left: Tuple[str, ...], right: Tuple[str, ...]) -> int:
    """How natural the boundary between two token stretches is (higher is better)."""
    if not left or not right:
        return 6
    a, b = left[-1], right[0]
    if "\n" in a or "\n" in b:
        return 4
    if a.isspace() or b.isspace():
        return 2
    if _SEPARATOR.fullmatch(a) or _SEPARATOR.fullmatch(b):
        return 1
    return 0


def _refine_replacements(tok_ops: List[_TokOp]) -> List[Op]:
    """Text ops, each replacement trimmed of a common start or end that one side's words
    agree is a word boundary (the segmenter can split the same words differently in the
    old and the new sentence)."""
    out: List[Op] = []
    i = 0
    while i < len(tok_ops):
        op, tokens = tok_ops[i]
        if op == DELETE and i + 1 < len(tok_ops) and tok_ops[i + 1][0] == INSERT:
            out.extend(_trim_replacement(tokens, tok_ops[i + 1][1]))
            i += 2
            continue
        out.append((op, "".join(tokens)))
        i += 1
    return out


def _trim_replacement(old: Tuple[str, ...], new: Tuple[str, ...]) -> List[Op]:
    """A replacement with its common ends moved out, cut only where both sides have a
    cluster boundary and at least one side has a word boundary."""
    a, b = "".join(old), "".join(new)
    limit = min(len(a), len(b))
    head = common_prefix(a, b)
    if not head and not common_prefix(a[-1:], b[-1:]):  # nothing shared to move out (most edits)
        return [(op, text) for op, text in ((DELETE, a), (INSERT, b)) if text]
    cuts_a, cuts_b = _offsets(old), _offsets(new)
    clusters_a, clusters_b = cluster_starts(a), cluster_starts(b)
    while head and not ((head in cuts_a or head in cuts_b or _words_meet(a, b, head, head))
                        and head in clusters_a and head in clusters_b):
        head -= 1
    tail = min(common_prefix(a[::-1], b[::-1]), limit - head)
    while tail and not ((len(a) - tail in cuts_a or len(b) - tail in cuts_b
                         or _words_meet(a, b, len(a) - tail, len(b) - tail, shared_first=False))
                        and len(a) - tail in clusters_a and len(b) - tail in clusters_b):
        tail -= 1
    ops = [(EQUAL, a[:head]), (DELETE, a[head:len(a) - tail]),
           (INSERT, b[head:len(b) - tail]), (EQUAL, a[len(a) - tail:])]
    return [(op, text) for op, text in ops if text]


# Short words that Thai writes glued to the next (or previous) word, which the dictionary
# also lists as compounds (มีประสิทธิภาพ, การพัฒนา, ตรวจสอบได้). Only these may be split off a
# compound, so an edit of ประสิทธิภาพ inside มีประสิทธิภาพ marks that word alone; other
# compounds (กรกฎาคม, สิงหาคม) stay whole.
_GLUED_BEFORE = frozenset({"มี", "การ", "ความ", "ให้", "ไม่", "เป็น", "ผู้", "ที่", "ซึ่ง", "โดย", "และ", "หรือ",
                           "ของ", "ใน", "แก่", "ต่อ", "จะ", "ได้", "ทุก", "นัก"})
_GLUED_AFTER = frozenset({"ได้", "ขึ้น", "แล้ว", "ด้วย", "อยู่", "ไป", "มา", "ไว้", "นี้", "นั้น", "ต่อไป"})


def _words_meet(a: str, b: str, i: int, j: int, shared_first: bool = True) -> bool:
    """True when a glued function word (มี, การ, ได้, ...) can be split off both sides here
    and what remains on each side is a dictionary word."""
    from .tokens import is_word

    if not (0 < i < len(a) and 0 < j < len(b)):
        return False
    shared, glued = (a[:i], _GLUED_BEFORE) if shared_first else (a[i:], _GLUED_AFTER)
    rest = (a[i:], b[j:]) if shared_first else (a[:i], b[:j])
    return shared in glued and all(is_word(x) for x in rest)


def _offsets(tokens: Sequence[str]) -> set:
    """Character offsets of the boundaries between tokens (both ends included)."""
    offsets, pos = {0}, 0
    for token in tokens:
        pos += len(token)
        offsets.add(pos)
    return offsets


def common_prefix(a: str, b: str) -> int:
    """Number of leading characters ``a`` and ``b`` share (binary search on slices: the
    comparisons run in C, so long equal heads cost little)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _merge_ops(ops: Sequence[Op]) -> List[Op]:
    """Adjacent ops of one kind joined, empty ops dropped, deletion before insertion."""
    out: List[Op] = []
    deleted: List[str] = []
    inserted: List[str] = []
    for op, text in list(ops) + [(EQUAL, "")]:
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            if deleted and "".join(deleted):
                out.append((DELETE, "".join(deleted)))
            if inserted and "".join(inserted):
                out.append((INSERT, "".join(inserted)))
            deleted, inserted = [], []
            if text:
                if out and out[-1][0] == EQUAL:
                    out[-1] = (EQUAL, out[-1][1] + text)
                else:
                    out.append((EQUAL, text))
    return out


# --- large texts ------------------------------------------------------------------------


def _line_then_word_diff(old: str, new: str) -> List[Op]:
    """Match whole lines first (difflib, no junk heuristic: deterministic and fast on
    thousands of lines), then diff words inside each run of changed lines."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    out: List[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append((EQUAL, "".join(old_lines[i1:i2])))
        elif i2 - i1 == j2 - j1:  # as many lines replaced as replacing: edit each in turn
            for old_line, new_line in zip(old_lines[i1:i2], new_lines[j1:j2]):
                out.extend(_token_diff(old_line, new_line))
        else:
            out.extend(_token_diff("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])))
    return out
