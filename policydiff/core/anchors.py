"""Anchor division comments to clause text and re-anchor them on a later version.

An ``Anchor`` is the W3C Web Annotation pair of selectors Hypothesis uses: a TextQuote
(``exact`` with up to 32 characters of ``prefix``/``suffix``) and a TextPosition
(``start``/``end``), both within one clause's text, plus the clause's stable key.

``reanchor`` places an anchor on the clause's text in a later version, in Hypothesis's order:
(1) map the offsets through the clause's old→new edit script and keep them if the text there
is still the quote; (2) search the quote exactly, preferring the occurrence whose context and
position agree best; (3) search it approximately (Myers' bit-parallel algorithm, at most
min(256, len(quote) // 2) errors) and accept the best candidate scoring at least
``FUZZY_THRESHOLD``; (4) report the quote as deleted where the edit script deleted it, or
else as an orphan. Every span returned begins and ends on a grapheme-cluster boundary.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple


from .offsets import OffsetMap
from .tokens import CLUSTER

__all__ = [
    "Anchor",
    "Placement",
    "anchor_quote",
    "anchor_span",
    "anchor_clause",
    "reanchor",
    "CONTEXT_CHARS",
    "FUZZY_THRESHOLD",
    "ANCHORED",
    "MOVED",
    "FUZZY",
    "DELETED",
    "ORPHAN",
]

ANCHORED = "anchored"
MOVED = "moved"
FUZZY = "fuzzy"
DELETED = "deleted"
ORPHAN = "orphan"

CONTEXT_CHARS = 32
MAX_ERRORS = 256
# Calibrated on Thai governance clauses with random word edits: a quote with one word changed
# in place scores 0.61–0.97 (median 0.87), two words 0.55–0.97; the best chance match of a
# quote of 3+ words in a rewritten clause scores 0.35–0.52, because unrelated Thai windows
# of 32 characters still share a third of their characters in order; 1–2-word quotes
# reached 0.60–0.64 in 3 of 3,000 rewrites. A wrong placement is worse than an orphan (orphans
# are always reported), so the threshold sits above the rewrites rather than midway.
FUZZY_THRESHOLD = 0.6
# Weights from Hypothesis's match-quote.js: the quote counts most, context next, position
# only breaks ties.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
_TOTAL_WEIGHT = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
DELETED_SHARE = 0.5  # more than this share of the quote deleted → "deleted"
# Around a true deletion the context's length-weighted similarity stays ≥ 0.53 even when up to
# four more words go with the quote; around a rewrite it is 0.03–0.35 (rarely up to 0.57
# with a character-level diff).
CONTEXT_SURVIVES = 0.5
_MAX_CANDIDATES = 48  # approximate matches scored per search; keeps a pathological text fast

# Characters people's copy-paste adds or drops in Thai text without changing what it says.
_IGNORABLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SARA_AM = "\u0e33"
_NIKHAHIT_SARA_AA = "\u0e4d\u0e32"  # how PDFs often spell SARA AM


@dataclass(frozen=True)
class Anchor:
    """Where an annotation points: a clause key, the exact quote, its context and offsets."""

    clause: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int = 0
    end: int = 0
    whole_clause: bool = False


@dataclass(frozen=True)
class Placement:
    """Where an anchor landed in a later version of its clause, and how sure that is."""

    status: str  # ANCHORED, MOVED, FUZZY, DELETED or ORPHAN
    start: Optional[int]  # offsets in the new clause text; None for an orphan
    end: Optional[int]  # equal to start for "deleted": the point where the words were cut
    # 1.0 for an intact quote; the match score for "fuzzy"; the context's agreement around
    # the cut for "deleted"; the best rejected candidate's score (or 0.0) for "orphan".
    score: float
    clause: Optional[str]  # the new clause's key
    exact_new: str = ""  # new_text[start:end]


# --- anchoring on the base draft -------------------------------------------------------


def anchor_quote(
    clause_key: str, clause_text: str, quote: str, hint_start: Optional[int] = None
) -> Optional[Anchor]:
    """The anchor of ``quote`` in the clause (nearest ``hint_start`` if repeated), or None."""
    if not _squeeze(quote)[0]:
        return None
    bounds = _boundaries(clause_text)
    spans = _exact_spans(clause_text, quote) or _squeezed_spans(clause_text, quote)
    if not spans:
        return None
    aligned = [sp for sp in spans if bounds[sp[0]] and bounds[sp[1]]]
    start, end = _nearest(aligned or spans, hint_start)
    return anchor_span(clause_key, clause_text, start, end)


def anchor_span(clause_key: str, clause_text: str, start: int, end: int) -> Anchor:
    """The anchor of ``clause_text[start:end]``, widened to whole grapheme clusters."""
    if not 0 <= start <= end <= len(clause_text):
        raise ValueError(f"span {start}:{end} outside a clause of {len(clause_text)} characters")
    bounds = _boundaries(clause_text)
    start, end = _snap_out(bounds, start, end)
    return Anchor(
        clause=clause_key,
        exact=clause_text[start:end],
        prefix=_prefix(clause_text, bounds, start),
        suffix=_suffix(clause_text, bounds, end),
        start=start,
        end=end,
    )


def anchor_clause(clause_key: str, clause_text: str) -> Anchor:
    """The anchor of a whole clause (a form row naming only the clause)."""
    return Anchor(clause_key, clause_text, "", "", 0, len(clause_text), whole_clause=True)


def _exact_spans(text: str, quote: str) -> List[Tuple[int, int]]:
    spans, i = [], text.find(quote)
    while i >= 0 and quote:
        spans.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return spans


def _squeezed_spans(text: str, quote: str) -> List[Tuple[int, int]]:
    # Pasted Thai often gains or loses spaces, NBSPs and zero-width characters between words.
    squeezed, index = _squeeze(text)
    needle = _squeeze(quote)[0]
    return [(index[a], index[b - 1] + 1) for a, b in _exact_spans(squeezed, needle)]


def _squeeze(text: str) -> Tuple[str, List[int]]:
    """Text without spaces or zero-width characters, SARA AM spelled out; each char's index."""
    chars, index = [], []
    for i, c in enumerate(text):
        if c.isspace() or c in _IGNORABLE:
            continue
        kept = _NIKHAHIT_SARA_AA if c == _SARA_AM else c
        chars.append(kept)
        index.extend([i] * len(kept))
    return "".join(chars), index


def _nearest(spans: Sequence[Tuple[int, int]], hint: Optional[int]) -> Tuple[int, int]:
    if hint is None:
        return spans[0]
    return min(spans, key=lambda sp: (abs(sp[0] - hint), sp[0]))


def _prefix(text: str, bounds: bytes, start: int) -> str:
    a = max(0, start - CONTEXT_CHARS)
    while not bounds[a]:
        a += 1
    return text[a:start]


def _suffix(text: str, bounds: bytes, end: int) -> str:
    b = min(len(text), end + CONTEXT_CHARS)
    while not bounds[b]:
        b -= 1
    return text[end:b]


# --- grapheme clusters -----------------------------------------------------------------


@lru_cache(maxsize=512)
def _boundaries(text: str) -> bytes:
    """``b[i]`` is 1 where a grapheme cluster starts or the text ends (so b[0] = b[len] = 1)."""
    marks = bytearray(len(text) + 1)
    marks[0] = 1
    for m in CLUSTER.finditer(text):
        marks[m.end()] = 1
    return bytes(marks)


def _snap_out(bounds: bytes, start: int, end: int) -> Tuple[int, int]:
    while not bounds[start]:
        start -= 1
    while not bounds[end]:
        end += 1
    return start, end


def _aligned(bounds: bytes, start: int, end: int) -> bool:
    return bool(bounds[start] and bounds[end])


# --- approximate matching (Myers 1999, as reformulated by Hyyrö) -------------------------


def _peq(pattern: str) -> dict:
    table: dict = {}
    for i, c in enumerate(pattern):
        table[c] = table.get(c, 0) | (1 << i)
    return table


def _myers(text: str, pattern: str, anchored: bool) -> List[int]:
    """Edit distances of ``pattern`` against text ending after each character of ``text``.

    Free start (``anchored=False``): fewest edits to some substring ending at j + 1.
    Anchored start: edit distance to ``text[:j + 1]``.
    """
    m = len(pattern)
    if m == 0:
        return [j + 1 if anchored else 0 for j in range(len(text))]
    get, mask, high, carry = _peq(pattern).get, (1 << m) - 1, 1 << (m - 1), int(anchored)
    pv, mv, score, out = mask, 0, m, []
    append = out.append
    for c in text:
        # Bits above the pattern's length may hold garbage: only pv needs masking, since
        # every other vector is ANDed with pv or xv (which stay within the mask) before use.
        eq = get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) | carry
        pv = ((mh << 1) | ~(xv | ph)) & mask
        mv = ph & xv
        append(score)
    return out


def _distance(a: str, b: str) -> int:
    """Levenshtein distance between ``a`` and ``b``."""
    if not b:
        return len(a)
    return _myers(b, a, anchored=True)[-1]


def _similarity(window: str, context: str, at_edge: bool) -> float:
    """How well ``context`` appears within ``window``: 1 = verbatim (textMatchScore)."""
    if not context:
        # The quote sat at the clause's edge: agreeing is evidence, disagreeing is not much.
        return 1.0 if at_edge else 0.5
    if not window:
        return 0.0
    return max(0.0, 1.0 - min(_myers(window, context, anchored=False)) / len(context))


def _approximate(text: str, quote: str, max_errors: int, hint: int) -> Iterator[Tuple[int, int]]:
    """Ends of the spans of ``text`` within ``max_errors`` edits of ``quote``, fewest errors first.

    Yields (end, errors) for each local minimum of the error count, nearest the hint first
    among equals.
    """
    errors = _myers(text, quote, anchored=False)
    last = len(errors) - 1
    ends = [
        j + 1
        for j, e in enumerate(errors)
        if e <= max_errors
        and (j == 0 or e <= errors[j - 1])
        and (j == last or e <= errors[j + 1])
    ]
    m = len(quote)
    ends.sort(key=lambda end: (errors[end - 1], abs(end - m - hint), end))
    for end in ends[:_MAX_CANDIDATES]:
        yield end, errors[end - 1]


def _start_of(text: str, quote: str, end: int, errors: int) -> int:
    """Start of the longest span ending at ``end`` within ``errors`` edits of ``quote``."""
    lo = max(0, end - len(quote) - errors)
    back = _myers(text[lo:end][::-1], quote[::-1], anchored=True)
    return end - max(i + 1 for i, e in enumerate(back) if e <= errors)


# --- re-anchoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a candidate span is judged against."""

    anchor: Anchor
    text: str
    bounds: bytes
    hint: int
    script: Optional[OffsetMap]  # set only when it is the script of the anchor's own text


def reanchor(
    anchor: Anchor,
    new_clause_key: Optional[str],
    new_text: str,
    ops: Optional[Iterable[Sequence[str]]] = None,
    *,
    moved: bool = False,
    renumbered: bool = False,
) -> Placement:
    """Place ``anchor`` on ``new_text``, the later version of its clause.

    ``ops`` is the clause's old→new word diff (``("=" | "-" | "+", text)`` pairs); without
    it the old offsets serve only as a position hint and "deleted" cannot be told apart
    from "orphan". ``moved``/``renumbered`` come from clause alignment and turn an intact
    quote's status into "moved".
    """
    script = OffsetMap(ops, new_text) if ops is not None else None
    intact = MOVED if moved or renumbered else ANCHORED
    bounds = _boundaries(new_text)
    if anchor.whole_clause:
        return _place_whole(anchor, new_clause_key, new_text, intact)
    start, end = _mapped(anchor, script, len(new_text))
    if script is not None and script.old[anchor.start : anchor.end] != anchor.exact:
        script = None  # the ops describe some other text: their offsets are only a hint
    ctx = _Context(anchor, new_text, bounds, start, script)
    if new_text[start:end] == anchor.exact and _aligned(bounds, start, end):
        return Placement(intact, start, end, 1.0, new_clause_key, anchor.exact)
    if not anchor.exact:
        return _place_point(ctx, new_clause_key, intact)
    found = _best_exact(ctx)
    if found is not None:
        return Placement(intact, found[0], found[1], 1.0, new_clause_key, anchor.exact)
    span, score = _best_approximate(ctx)
    if span is not None and score >= FUZZY_THRESHOLD:
        return Placement(FUZZY, *span, score, new_clause_key, new_text[span[0] : span[1]])
    deleted = _deleted(ctx, start, new_clause_key)
    return deleted or Placement(ORPHAN, None, None, score, new_clause_key, "")


def _mapped(anchor: Anchor, script: Optional[OffsetMap], size: int) -> Tuple[int, int]:
    if script is None or anchor.end > len(script.old):
        return min(anchor.start, size), min(anchor.end, size)
    return script.span(anchor.start, anchor.end)


def _place_whole(anchor: Anchor, key: Optional[str], new_text: str, intact: str) -> Placement:
    if (key is None or not new_text) and anchor.exact:
        return Placement(DELETED, 0, 0, 1.0, key, "")
    return Placement(intact, 0, len(new_text), 1.0, key, new_text)


def _place_point(ctx: _Context, key: Optional[str], intact: str) -> Placement:
    # A zero-width comment range: keep the mapped point, on a cluster boundary.
    point = _snap_out(ctx.bounds, ctx.hint, ctx.hint)[0]
    return Placement(intact, point, point, 1.0, key, "")


def _best_exact(ctx: _Context) -> Optional[Tuple[int, int]]:
    spans = [
        sp
        for sp in _exact_spans(ctx.text, ctx.anchor.exact)
        if _aligned(ctx.bounds, *sp) and not _elsewhere(ctx, *sp)
    ]
    if not spans:
        return None
    return max(spans, key=lambda sp: (_score(ctx, *sp, 0), -abs(sp[0] - ctx.hint), -sp[0]))


def _best_approximate(ctx: _Context) -> Tuple[Optional[Tuple[int, int]], float]:
    """The best-scoring approximate match and its score (None, 0.0 when nothing is close)."""
    quote = ctx.anchor.exact
    limit = min(MAX_ERRORS, len(quote) // 2)
    best, best_score, seen = None, 0.0, set()
    for end, errors in _approximate(ctx.text, quote, limit, ctx.hint):
        if _upper_bound(errors, len(quote)) < best_score:
            break  # candidates come fewest errors first: none of the rest can win
        s, e = _snap_out(ctx.bounds, _start_of(ctx.text, quote, end, errors), end)
        if (s, e) in seen or s == e or _elsewhere(ctx, s, e):
            continue
        seen.add((s, e))
        score = _score(ctx, s, e, _distance(quote, ctx.text[s:e]))
        if score > best_score:
            best, best_score = (s, e), score
    return best, round(best_score, 4)


def _upper_bound(errors: int, length: int) -> float:
    """The best score a candidate with ``errors`` can reach (perfect context and position)."""
    quote = max(0.0, 1.0 - errors / length)
    return (QUOTE_WEIGHT * quote + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT) / _TOTAL_WEIGHT


def _elsewhere(ctx: _Context, start: int, end: int) -> bool:
    # Text the old version already had at another place is another passage, not the quote's.
    if ctx.script is None:
        return False
    return ctx.script.is_other_old_text(start, end, ctx.anchor.start, ctx.anchor.end)


def _score(ctx: _Context, start: int, end: int, errors: int) -> float:
    """Hypothesis's candidate score, normalized to 0..1."""
    a, text = ctx.anchor, ctx.text
    quote = max(0.0, 1.0 - errors / len(a.exact))
    prefix = _similarity(text[max(0, start - len(a.prefix)) : start], a.prefix, start == 0)
    suffix = _similarity(text[end : end + len(a.suffix)], a.suffix, end == len(text))
    position = 1.0 - abs(start - ctx.hint) / max(1, len(text))
    raw = (
        QUOTE_WEIGHT * quote
        + PREFIX_WEIGHT * prefix
        + SUFFIX_WEIGHT * suffix
        + POSITION_WEIGHT * position
    )
    return raw / _TOTAL_WEIGHT


def _deleted(ctx: _Context, start: int, key: Optional[str]) -> Optional[Placement]:
    """A zero-width "deleted" placement where most of the quote was cut and context stands."""
    a, script = ctx.anchor, ctx.script
    if script is None or script.deleted_in(a.start, a.end) <= DELETED_SHARE * len(a.exact):
        return None
    if not ctx.text:
        return Placement(DELETED, 0, 0, 1.0, key, "")  # the whole clause went
    point = _snap_out(ctx.bounds, start, start)[0]
    stands = _context_agreement(ctx, point, script.end(a.end))
    if stands < CONTEXT_SURVIVES:
        return None  # the neighbourhood was rewritten too: where the quote went is unknown
    return Placement(DELETED, point, point, round(stands, 4), key, "")


def _context_agreement(ctx: _Context, start: int, end: int) -> float:
    """Prefix and suffix similarity around a deletion, weighted by their lengths."""
    a, text = ctx.anchor, ctx.text
    end = _snap_out(ctx.bounds, max(start, end), max(start, end))[1]
    before = _similarity(text[max(0, start - len(a.prefix)) : start], a.prefix, start == 0)
    after = _similarity(text[end : end + len(a.suffix)], a.suffix, end == len(text))
    total = len(a.prefix) + len(a.suffix)
    if not total:
        return 0.0
    # A short context agrees by chance ("ให้" begins many clauses): weigh each side by its length.
    return (len(a.prefix) * before + len(a.suffix) * after) / total
