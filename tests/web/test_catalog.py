"""Every string of the web UI is in the Thai catalog (domain ``web``), translated, with the same
placeholders; the English catalog leaves them as written; the CSS uses the HTML writer's Thai fonts."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from policydiff.html.page import FONTS
from policydiff.i18n import LOCALE_DIR
from tests.paths import REPO

WEB = REPO / "policydiff" / "web"


def extracted() -> set:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map, keywords={"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "web.po", "rb") as f:
        return read_po(f)


def placeholders(text: str) -> set:
    return set(re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", text))


def test_every_web_string_has_a_thai_translation_with_its_placeholders():
    th = catalog("th")
    missing, wrong = [], []
    for msgid in sorted(extracted()):
        entry = th.get(msgid)
        if entry is None or not (entry.string[0] if isinstance(entry.string, tuple) else entry.string):
            missing.append(msgid)
            continue
        text = entry.string[0] if isinstance(entry.string, tuple) else entry.string
        if placeholders(text) != placeholders(msgid):
            wrong.append(msgid)
    assert missing == [] and wrong == []
    assert len(extracted()) > 80


def test_the_english_catalog_keeps_the_strings_as_written():
    en = catalog("en")
    assert all(not (m.string if isinstance(m.string, str) else "".join(m.string)) for m in en if m.id)


def test_the_pages_use_the_thai_font_stack_of_the_html_redline():
    css = (WEB / "static" / "app.css").read_text(encoding="utf-8")
    assert f"font-family:{FONTS};" in css.replace(";\n", ";")


def test_the_pages_have_no_inline_script_or_style_attribute():
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and " style=" not in text and " onclick=" not in text, template.name
