"""Extract policydiff's messages and bring the gettext catalogs up to date with the source.

    python scripts/catalogs.py           # update policydiff/locale/<domain>.pot and <lang>/LC_MESSAGES/<domain>.po
    python scripts/catalogs.py --check   # exit 1 (naming the files) if a catalog is out of date

Domains: ``policydiff`` (every module of policydiff/ but policydiff/web/, plus click's own messages,
which the CLI routes through this catalog) and ``web`` (policydiff/web/: its .py and its Jinja2
templates; skipped while the folder does not exist). Messages are sorted and carry file names
without line numbers, so a diff shows only what changed. A message no longer in the source is
dropped; a new one comes in untranslated (``th``: to be translated; ``en``: msgids are English,
msgstrs stay empty).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "policydiff"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("th", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui",
                 "types", "utils", "_termui_impl")
JINJA = "jinja2.ext:babel_extract"


def policydiff_messages():
    """(location, msgid or (singular, plural), comments) of the policydiff domain: our code, then click's."""
    found = []
    method_map = [("web/**", "ignore"), ("locale/**", "ignore"), ("**.py", "python")]
    for name, _lineno, message, comments, _ctx in extract_from_dir(PACKAGE, method_map, keywords=KEYWORDS):
        found.append((f"policydiff/{name}", message, comments))
    import click

    folder = Path(click.__file__).parent
    for module in CLICK_MODULES:
        path = folder / f"{module}.py"
        if path.exists():
            for _lineno, message, comments, _ctx in extract_from_file("python", path, keywords=KEYWORDS):
                found.append((f"click/{module}.py", message, comments))
    return found


def web_messages():
    """The web domain's messages (policydiff/web/: .py and Jinja2 templates), or None without the folder."""
    folder = PACKAGE / "web"
    if not folder.is_dir():
        return None
    method_map = [("**.py", "python"), ("templates/**.html", JINJA)]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    return [(f"policydiff/web/{name}", message, comments)
            for name, _lineno, message, comments, _ctx in
            extract_from_dir(folder, method_map, options_map=options, keywords=KEYWORDS)]


DOMAINS = {"policydiff": policydiff_messages, "web": web_messages}


def template(domain: str, messages, created) -> Catalog:
    """The catalog template of ``domain`` from extracted messages."""
    cat = Catalog(project="policydiff", domain=domain, creation_date=created, fuzzy=False,
                  msgid_bugs_address="", copyright_holder="policydiff")
    for location, message, comments in messages:
        cat.add(message, None, [(location, None)], auto_comments=comments)
    return cat


def render(cat: Catalog) -> str:
    """A catalog as .po text: sorted, file names without line numbers, nothing obsolete."""
    out = io.BytesIO()
    write_po(out, cat, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue().decode("utf-8")


def read(path: Path, lang=None):
    """The catalog in ``path``, or None when there is none yet."""
    if not path.exists():
        return None
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def updated(domain: str, messages, lang) -> tuple:
    """(path, text, text with a new revision date) of one catalog (``lang`` None: the template)."""
    path = LOCALE / f"{domain}.pot" if lang is None else LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
    old = read(path, lang)
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    pot = read(LOCALE / f"{domain}.pot")
    tmpl = template(domain, messages, pot.creation_date if pot else now)
    if lang is None:
        cat = tmpl
        if old is not None:
            cat.revision_date = old.revision_date
    else:
        cat = old or Catalog(locale=lang, domain=domain, project="policydiff", creation_date=now,
                             revision_date=now, fuzzy=False, copyright_holder="policydiff")
        cat.update(tmpl, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    text = render(cat)
    cat.revision_date = now
    return path, text, render(cat)


def _body(text: str) -> str:
    """A .po text without its header dates (what decides whether a catalog is current)."""
    return "\n".join(line for line in text.splitlines() if "-Date: " not in line)


def run(check: bool) -> int:
    """Update (or check) every catalog; return the exit code."""
    stale = []
    for domain, extract in DOMAINS.items():
        messages = extract()
        if messages is None:
            continue
        for lang in (None, *LANGUAGES):
            path, text, revised = updated(domain, messages, lang)
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current is not None and _body(current) == _body(text):
                continue
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(revised, encoding="utf-8")
    for path in stale:
        print(f"{'out of date' if check else 'updated'}: {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if check and stale else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a catalog is out of date; write nothing")
    return run(parser.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
