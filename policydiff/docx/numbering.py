"""Word automatic numbering rendered from numbering.xml: decimal, thaiNumbers, thaiLetters, ..."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from .ns import qn
from ..i18n import _

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# Word's thaiLetters skips the obsolete ฃ and ฅ, as Thai documents do.
THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


MAX_LEVEL_TEXT = 255  # Word's lvlText is a few characters; 400,000 "%1"s would make every label megabytes
MAX_LETTER_REPEATS = 20  # a hostile w:start of 10**11 would make a label of billions of letters


def _letters(n: int, alphabet: str) -> str:
    # Word repeats the letter after the alphabet runs out: a..z, aa..zz, ...
    if n <= 0:
        return str(n)
    reps, idx = divmod(n - 1, len(alphabet))
    if reps >= MAX_LETTER_REPEATS:
        return str(n)  # past any real list: the number itself, not a label of thousands of letters
    return alphabet[idx] * (reps + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


FORMATS = {
    "decimal": str,
    "thaiNumbers": lambda n: str(n).translate(str.maketrans("0123456789", THAI_DIGITS)),
    "thaiLetters": lambda n: _letters(n, THAI_LETTERS),
    "lowerLetter": lambda n: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
    "upperLetter": lambda n: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "decimalZero": lambda n: f"{n:02d}",
    "none": lambda n: "",
}


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: Optional[int] = None  # w:lvlRestart: restart after this (1-based) level


@dataclass
class Instance:
    abstract: str
    overrides: Dict[int, int] = field(default_factory=dict)  # ilvl -> startOverride
    levels: Dict[int, Level] = field(default_factory=dict)  # ilvl -> redefined level


def _val(el, tag: str) -> Optional[str]:
    child = el.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _int(value: Optional[str], default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl) -> Level:
    restart = _val(lvl, "w:lvlRestart")
    return Level(
        start=_int(_val(lvl, "w:start"), 1),
        fmt=_val(lvl, "w:numFmt") or "decimal",
        text=(_val(lvl, "w:lvlText") or "")[:MAX_LEVEL_TEXT],
        restart=_int(restart, 0) if restart is not None else None,
    )


class Numbering:
    """Renders the label of each numbered paragraph, in document order (counters are stateful)."""

    def __init__(self, root=None):
        self.abstracts: Dict[str, Dict[int, Level]] = {}
        self.instances: Dict[str, Instance] = {}
        self.counters: Dict[str, Dict[int, int]] = {}
        self.started: set = set()
        self.warnings = []
        if root is not None:
            self._load(root)

    def _load(self, root) -> None:
        for an in root.iter(qn("w:abstractNum")):
            levels = {_int(l.get(qn("w:ilvl")), 0): _level(l) for l in an.iter(qn("w:lvl"))}
            self.abstracts[an.get(qn("w:abstractNumId"), "")] = levels
        for num in root.iter(qn("w:num")):
            inst = Instance(_val(num, "w:abstractNumId") or "")
            for ov in num.iter(qn("w:lvlOverride")):
                ilvl = _int(ov.get(qn("w:ilvl")), 0)
                start = _val(ov, "w:startOverride")
                if start is not None:
                    inst.overrides[ilvl] = _int(start, 1)
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    inst.levels[ilvl] = _level(lvl)
            self.instances[num.get(qn("w:numId"), "")] = inst

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counters for (numId, ilvl) and return the rendered label ("" if none)."""
        if num_id == "0":
            return ""  # numId 0 removes numbering inherited from a style
        inst = self.instances.get(num_id)
        if inst is None or inst.abstract not in self.abstracts:
            self.warnings.append(_("numbering {num_id} has no definition; label left out").format(num_id=num_id))
            return ""
        levels = dict(self.abstracts[inst.abstract])
        levels.update(inst.levels)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(inst.abstract, {})
        self._apply_overrides(num_id, inst, counters)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper in [k for k in counters if k > ilvl]:
            lvl = levels.get(deeper)
            if lvl is None or lvl.restart is None or lvl.restart > ilvl:
                del counters[deeper]
        return self._render(levels, counters, ilvl)

    def _apply_overrides(self, num_id: str, inst: Instance, counters: Dict[int, int]) -> None:
        # A w:num with startOverride starts its list afresh the first time it is used.
        if num_id in self.started:
            return
        self.started.add(num_id)
        for ilvl, start in inst.overrides.items():
            counters[ilvl] = start - 1
            for deeper in [k for k in counters if k > ilvl]:
                del counters[deeper]

    @staticmethod
    def _render(levels: Dict[int, Level], counters: Dict[int, int], ilvl: int) -> str:
        lvl = levels[ilvl]
        if lvl.fmt == "bullet":
            return lvl.text

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            level = levels.get(k)
            value = counters.get(k, level.start if level else 1)
            return FORMATS.get(level.fmt if level else "decimal", str)(value)

        return re.sub(r"%([1-9])", sub, lvl.text)


def style_numbering(styles_root) -> Dict[str, Tuple[str, int]]:
    """Return {styleId: (numId, ilvl)} for paragraph styles that carry numbering (basedOn followed)."""
    if styles_root is None:
        return {}
    own, based = {}, {}
    for st in styles_root.iter(qn("w:style")):
        sid = st.get(qn("w:styleId"), "")
        based[sid] = _val(st, "w:basedOn")
        numpr = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numpr is not None:
            own[sid] = (_val(numpr, "w:numId") or "", _int(_val(numpr, "w:ilvl"), 0))
    out = {}
    for sid in based:
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)
        if cur in own:
            out[sid] = own[cur]
    return out
