"""Buddhist Era dates as a Thai reader writes them, and parsing them back to ISO 8601.

Pure functions, no clock. B.E. (พ.ศ.) = C.E. + 543. ISO strings this module returns are always
C.E.; a year a person typed above 2400 is B.E., in an ISO-looking date too (2552-07-21).
"""

from __future__ import annotations

import datetime as _dt
import re
from .i18n import _

BE_OFFSET = 543
# A four-digit year above this is read as B.E. when no era marker says otherwise
# (B.E. 2400 = 1857 C.E.: no policy draft is dated earlier, none C.E. later in our lifetimes).
BE_THRESHOLD = 2400

MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _month_key(text: str) -> str:
    """Return a month name with dots and spaces removed, for lookup."""
    return re.sub(r"[.\s]", "", text)


# Every spelling a month may take: long, abbreviated (with or without dots), and the
# common misspelling กรกฏาคม (ฏ for ฎ) that appears in real circulars.
_MONTH_LOOKUP = {
    **{_month_key(name): i for i, name in enumerate(MONTHS_LONG, 1)},
    **{_month_key(name): i for i, name in enumerate(MONTHS_SHORT, 1)},
    "กรกฏาคม": 7,
}

_ERA_BE = re.compile(r"(?:พ\.?\s*ศ\.?)$")
_ERA_CE = re.compile(r"(?:ค\.?\s*ศ\.?)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_NAMED = re.compile(r"^(?:วันที่\s*)?(\d{1,2})\s*(\D+?)\s*(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/\-.])(\d{1,2})\2(\d{4})$")


def thai_digits(s: str) -> str:
    """Return ``s`` with Arabic digits 0-9 replaced by Thai digits ๐-๙."""
    return s.translate(_TO_THAI)


def arabic_digits(s: str) -> str:
    """Return ``s`` with Thai digits ๐-๙ replaced by Arabic digits 0-9."""
    return s.translate(_TO_ARABIC)


def _as_date(value) -> _dt.date:
    """Return a date from a ``date``/``datetime`` or an ISO date or datetime string."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    iso = parse_date(value)
    return _dt.date.fromisoformat(iso)


def _format(value, months, arabic: bool) -> str:
    """Return ``day month year`` in B.E. with the given month names."""
    d = _as_date(value)
    text = f"{d.day} {months[d.month - 1]} {d.year + BE_OFFSET}"
    return text if arabic else thai_digits(text)


def to_be_long(iso_date, *, arabic: bool = False) -> str:
    """Return e.g. ``"๑๙ สิงหาคม ๒๕๕๒"`` for ``"2009-08-19"`` (Thai digits unless ``arabic``)."""
    return _format(iso_date, MONTHS_LONG, arabic)


def to_be_short(iso_date, *, arabic: bool = False) -> str:
    """Return e.g. ``"๑๙ ส.ค. ๒๕๕๒"`` for ``"2009-08-19"`` (Thai digits unless ``arabic``)."""
    return _format(iso_date, MONTHS_SHORT, arabic)


def to_be_english(iso_date, *, short: bool = False) -> str:
    """Return e.g. ``"19 August B.E. 2552"`` (``short``: ``"19 Aug B.E. 2552"``) for ``"2009-08-19"``:
    the Buddhist Era an English reader of a Thai office's papers meets, with English month names."""
    d = _as_date(iso_date)
    month = MONTHS_ENGLISH[d.month - 1]
    return f"{d.day} {month[:3] if short else month} B.E. {d.year + BE_OFFSET}"


def _year_to_ce(year: int, era: str) -> int:
    """Return the C.E. year for a written year and its era marker ("be", "ce" or "")."""
    if era == "be" or (era == "" and year > BE_THRESHOLD):
        return year - BE_OFFSET
    return year


def _build(year: int, month: int, day: int, era: str, original: str) -> str:
    """Return the ISO date, or raise ValueError naming the original text."""
    try:
        return _dt.date(_year_to_ce(year, era), month, day).isoformat()
    except ValueError:
        raise ValueError(_("not a real date: {original!r}").format(original=original)) from None


def _parse_named(m: re.Match, original: str) -> str:
    """Return the ISO date for ``day month-name [era] year``."""
    day, middle, year = int(m.group(1)), m.group(2).strip(), int(m.group(3))
    era = ""
    for marker, name in ((_ERA_BE, "be"), (_ERA_CE, "ce")):
        found = marker.search(middle)
        if found:
            era, middle = name, middle[: found.start()].strip()
            break
    month = _MONTH_LOOKUP.get(_month_key(middle))
    if month is None:
        raise ValueError(_("unknown month name {middle!r} in {original!r}").format(middle=middle, original=original))
    return _build(year, month, day, era, original)


def parse_date(s: str) -> str:
    """Return the ISO date (C.E.) written in ``s``: ISO date/datetime, or Thai day-month-year."""
    if not isinstance(s, str):
        raise ValueError(_("not a date: {text!r}").format(text=s))
    text = " ".join(arabic_digits(s).replace("\u00a0", " ").split())
    if _ISO_DATE.match(text) or _ISO_DATETIME.match(text):
        return _parse_iso_datetime(text, s).date().isoformat()
    m = _NUMERIC.match(text)
    if m:
        return _build(int(m.group(4)), int(m.group(3)), int(m.group(1)), "", s)
    m = _NAMED.match(text)
    if m:
        return _parse_named(m, s)
    raise ValueError(
        _("not a date: {text!r} (use 2009-08-19, ๑๙ สิงหาคม ๒๕๕๒, 19 ส.ค. 2552 or 19/8/2552)").format(text=s)
    )


def _parse_iso_datetime(text: str, original: str) -> _dt.datetime:
    """The ISO date or date-time as written (no time-zone shift), a B.E. year made C.E."""
    # Python 3.10's fromisoformat rejects a trailing "Z"; it means +00:00.
    normalized = text[:-1] + "+00:00" if text.endswith("Z") else text
    year = int(normalized[:4])
    if year > BE_THRESHOLD:
        normalized = f"{year - BE_OFFSET:04d}" + normalized[4:]
    try:
        if "T" not in normalized and " " not in normalized:
            return _dt.datetime.combine(_dt.date.fromisoformat(normalized), _dt.time())
        return _dt.datetime.fromisoformat(normalized)
    except ValueError:
        raise ValueError((_("not a real date: {original!r}") if len(text) == 10 else
                         _("not a real date and time: {original!r}")).format(original=original)) from None


def revision_datetime(s: str) -> str:
    """The ``xsd:dateTime`` a tracked change's ``w:date`` needs for a date a person typed: ISO
    date or date-time, Thai date, B.E. or C.E. (a date alone is midnight UTC)."""
    text = " ".join(arabic_digits(s).replace("\u00a0", " ").split()) if isinstance(s, str) else ""
    if _ISO_DATETIME.match(text) and not _ISO_DATE.match(text):
        moment = _parse_iso_datetime(text, s)
        if moment.tzinfo is None or moment.utcoffset() == _dt.timedelta(0):
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return moment.isoformat(timespec="seconds")
    return parse_date(s) + "T00:00:00Z"
