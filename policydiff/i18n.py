"""The language people read policydiff in: Thai first, English on request.

Every message a person reads (errors, warnings, help, the web pages) is written in English in the
code, marked with ``_()`` (or ``N_()`` where it must be translated later, as click's help is), and
translated through gettext catalogs kept in ``policydiff/locale/<lang>/LC_MESSAGES/<domain>.po``.
Babel extracts them (``babel.cfg``); the build compiles them to ``.mo`` (``setup.py``). A source
checkout with no ``.mo`` yet, or an out-of-date one, reads the ``.po`` itself.

The language is chosen per context (a ``ContextVar``): the CLI sets it once from ``--lang`` or the
environment, the web app per request. Where nothing names a language we have, it is Thai.

The committee's documents are Thai whatever the interface language: their wording never goes
through this module.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import gettext
import io
import json
import os
import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional

DOMAIN = "policydiff"  # the CLI and every message below it
LANGUAGES = ("th", "en")
DEFAULT = "th"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("policydiff_language", default=None)


_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """Return the language the environment asks for, as gettext reads it (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG; the first set wins, LANGUAGE may list several), else Thai."""
    return _from_values(tuple(environ.get(name, "") for name in _ENVIRONMENT))


@lru_cache(maxsize=64)
def _from_values(values) -> str:
    """``from_environment`` of the values of _ENVIRONMENT (cached: every message asks)."""
    for name, value in zip(_ENVIRONMENT, values):
        if not value:
            continue
        for wanted in value.split(":"):
            found = supported(wanted)
            if found:
                return found
        if name != "LANGUAGE":
            return DEFAULT  # a locale is set, but not to a language we have (C, POSIX, fr_FR)
    return DEFAULT


def supported(tag: str) -> Optional[str]:
    """Return which of LANGUAGES a locale name or language tag means ("th_TH.UTF-8", "en-GB"), if any."""
    primary = tag.strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    return primary if primary in LANGUAGES else None


def language() -> str:
    """Return the language of the current context."""
    return _chosen.get() or from_environment()


def set_language(lang: Optional[str]) -> contextvars.Token:
    """Choose the language for this context (None: back to the environment's); return a token for reset."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return _chosen.set(lang)


@contextlib.contextmanager
def using(lang: Optional[str]) -> Iterator[None]:
    """Run a block in ``lang``, then go back to the language before."""
    token = set_language(lang)
    try:
        yield
    finally:
        _chosen.reset(token)


@lru_cache(maxsize=None)
def translation(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """Return the catalog of ``domain`` in ``lang``: the compiled .mo when it is current, else the .po."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as f:
            return gettext.GNUTranslations(f)
    if po.exists():
        return gettext.GNUTranslations(compiled(po))
    return gettext.NullTranslations()


def compiled(po: Path):
    """Return a .po file compiled to .mo bytes, as a file object. Read here rather than by Babel,
    whose import alone costs a command's start more than the reading (the build uses Babel)."""
    return io.BytesIO(mo_bytes(po_messages(po.read_text(encoding="utf-8"))))


def po_messages(text: str) -> Dict[str, str]:
    """{msgid: msgstr} of a .po's translated entries, as a .mo keys them (a plural's msgid and
    msgstrs joined by NUL; the header under ""); fuzzy, obsolete and empty entries left out."""
    out: Dict[str, str] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().splitlines()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields = _fields(line for line in lines if line and not line.startswith("#"))  # "#~": obsolete
        if "msgid" not in fields or (fuzzy and fields["msgid"]):  # a fuzzy header is still the header
            continue
        key = fields["msgid"] + ("\0" + fields["msgid_plural"] if "msgid_plural" in fields else "")
        forms = [fields[k] for k in sorted(fields, key=_form_index) if k.startswith("msgstr")]
        if forms and all(forms):
            out[key] = "\0".join(forms)
    return out


def _fields(lines) -> Dict[str, str]:
    """The keyword fields of one entry (msgid, msgid_plural, msgstr, msgstr[N]), their strings joined."""
    fields: Dict[str, str] = {}
    current = None
    for line in lines:
        if line.startswith('"'):
            fields[current] += _unquote(line)
            continue
        current, _sep, value = line.partition(" ")
        fields[current] = _unquote(value)
    return fields


def _unquote(quoted: str) -> str:
    """A .po string's text: JSON reads the escapes Babel writes (\\" \\\\ \\n \\t), Python any other."""
    try:
        return json.loads(quoted)
    except ValueError:
        return ast.literal_eval(quoted)


def _form_index(key: str) -> int:
    return int(key[7:-1]) if key.startswith("msgstr[") else 0


def mo_bytes(messages: Dict[str, str]) -> bytes:
    """GNU .mo bytes of {msgid: msgstr} (the format gettext reads: header, two tables, strings)."""
    keys = sorted(messages)
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    start = 7 * 4 + 16 * len(keys)  # strings follow the header and the two tables
    offsets, data = [], b""
    for blob in ids + strs:
        offsets.append((len(blob), start + len(data)))
        data += blob + b"\0"
    table = b"".join(struct.pack("<2I", length, at) for length, at in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + table + data


def _(message: str) -> str:
    """Return ``message`` in the current language."""
    return translation(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form for ``n`` in the current language."""
    return translation(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (it is translated where shown)."""
    return message
