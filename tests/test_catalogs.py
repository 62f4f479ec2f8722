"""The gettext catalogs: in step with the source, every message translated into Thai with the same
placeholders, the English catalog empty (its msgids are the English), compiled when built."""

import gettext
import io
import shutil
import string
import subprocess
import sys
import zipfile

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from policydiff import i18n
from tests.paths import REPO, script

LOCALE = REPO / "policydiff" / "locale"


catalogs = script(REPO / "scripts" / "catalogs.py", "catalogs_script")


def _catalog(lang: str, domain: str = "policydiff") -> Catalog:
    with open(LOCALE / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=lang)


def extracted_ids():
    """Every msgid the source (ours and click's) asks for, as the catalog keys it."""
    return {m if isinstance(m, str) else m[0]: m for _loc, m, _c in catalogs.policydiff_messages()}


def untranslated(ids, catalog: Catalog) -> list:
    """The msgids with no Thai: missing from ``catalog``, or an empty msgstr (any plural form)."""
    out = []
    for key in sorted(ids):
        entry = catalog.get(key)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not strings or not all(strings):
            out.append(key)
    return out


def placeholders(text: str) -> list:
    """The ``{name!r:spec}`` fields of a brace-format message, or the ``%(name)s`` of a percent one."""
    if "%(" in text:
        import re

        return sorted(set(re.findall(r"%\(\w+\)\w", text)))
    return sorted({f"{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}"
                   for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None})


def test_every_message_of_the_source_has_a_thai_translation():
    missing = untranslated(extracted_ids(), _catalog("th"))
    assert not missing, "messages without Thai in policydiff/locale/th/LC_MESSAGES/policydiff.po (run " \
                        "scripts/catalogs.py, then translate):\n" + "\n".join(f"  {m!r}" for m in missing)


def test_the_check_fails_on_an_untranslated_message():
    catalog = Catalog(locale="th")
    catalog.add("done", "เสร็จแล้ว")
    catalog.add("no such file", "")
    catalog.add(("{n} file", "{n} files"), ("",))
    assert untranslated({"done", "no such file", "{n} file", "not in the catalog"}, catalog) == [
        "no such file", "not in the catalog", "{n} file"]


def test_the_catalogs_are_in_step_with_the_source():
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "catalogs.py"), "--check"], capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr


def test_each_thai_message_has_the_placeholders_of_its_msgid():
    wrong = []
    for m in _catalog("th"):
        if not m.id:
            continue
        source = m.id[-1] if isinstance(m.id, tuple) else m.id  # Thai has one form: the general (plural) one
        for thai in (m.string if isinstance(m.string, tuple) else (m.string,)):
            if placeholders(thai) != placeholders(source):
                wrong.append(f"{m.id!r}: {placeholders(source)} ≠ {placeholders(thai)} in {thai!r}")
    assert not wrong, "\n".join(wrong)


def test_each_thai_message_formats_with_the_arguments_its_code_gives():
    """What .format() gets is what the msgid names: the Thai names nothing else (a KeyError there
    would be an error message that cannot be shown)."""
    for m in _catalog("th"):
        if m.id and "%(" not in str(m.id) and m.string:
            thai = m.string[0] if isinstance(m.string, tuple) else m.string
            source = m.id[-1] if isinstance(m.id, tuple) else m.id
            names = {name for _l, name, _s, _c in string.Formatter().parse(source) if name}
            values = {name: 1234 for name in names}
            if "{" in source:
                assert thai.format(**values)


def test_the_english_catalog_leaves_every_message_as_its_msgid():
    english = _catalog("en")
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in english if m.id} == set(extracted_ids())
    assert all(not any(m.string) if isinstance(m.string, tuple) else not m.string for m in english if m.id)


def test_catalogs_have_no_line_numbers_and_are_sorted():
    text = (LOCALE / "th" / "LC_MESSAGES" / "policydiff.po").read_text(encoding="utf-8")
    locations = [line for line in text.splitlines() if line.startswith("#: ")]
    assert locations and not any(":" in loc.split()[-1].rsplit(".py", 1)[-1] for loc in locations)
    ids = [m.id for m in _catalog("th") if m.id]
    keys = [i if isinstance(i, str) else i[0] for i in ids]
    assert keys == sorted(keys)


def test_thai_is_read_from_the_po_of_a_source_checkout():
    i18n.translation.cache_clear()
    try:
        with i18n.using("th"):
            assert i18n._("no such file") == "ไม่พบไฟล์"
            assert i18n.ngettext("has no {names} column", "has no {names} columns", 2) == "ไม่มีคอลัมน์ {names}"
        with i18n.using("en"):
            assert i18n._("no such file") == "no such file"
    finally:
        i18n.translation.cache_clear()


@pytest.mark.parametrize("env, lang", [
    ({}, "th"), ({"LANG": "C"}, "th"), ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "th_TH.UTF-8"}, "th"),
    ({"LANGUAGE": "fr:en", "LANG": "th_TH.UTF-8"}, "en"), ({"LANGUAGE": "fr", "LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "th_TH.UTF-8", "LANG": "en_US.UTF-8"}, "th"), ({"LC_MESSAGES": "en_US", "LANG": "th_TH"}, "en"),
    ({"LC_ALL": "POSIX", "LANG": "en_US.UTF-8"}, "th"),
])
def test_the_language_the_environment_names(env, lang):
    assert i18n.from_environment(env) == lang


def _reads_thai(mo: bytes) -> bool:
    return gettext.GNUTranslations(io.BytesIO(mo)).gettext("no such file") == "ไม่พบไฟล์"


def _source_tree(tmp_path):
    """A copy of what building the package reads, so that building leaves nothing in the checkout."""
    tree = tmp_path / "src"
    for name in ("setup.py", "setup.cfg", "pyproject.toml", "README.md"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tree / name)
    shutil.copytree(REPO / "policydiff", tree / "policydiff", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    return tree


def test_the_build_hook_compiles_each_catalog(tmp_path):
    """setup.py's build_py writes a .mo beside each .po of the build, and the .mo reads as Thai."""
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
                          cwd=_source_tree(tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        assert (tmp_path / po.relative_to(REPO)).with_suffix(".mo").is_file(), po
    assert _reads_thai((tmp_path / "policydiff/locale/th/LC_MESSAGES/policydiff.mo").read_bytes())


def test_the_wheel_carries_the_compiled_catalogs(tmp_path):
    """``pip wheel``: the package as installed has a .mo beside each .po (needs the wheel package,
    which the test extra installs)."""
    pytest.importorskip("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path / "dist"), str(_source_tree(tmp_path))], capture_output=True, text=True,
                          timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("policydiff-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for lang in ("th", "en"):
            assert f"policydiff/locale/{lang}/LC_MESSAGES/policydiff.po" in names
            assert f"policydiff/locale/{lang}/LC_MESSAGES/policydiff.mo" in names
        assert _reads_thai(z.read("policydiff/locale/th/LC_MESSAGES/policydiff.mo"))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_po_reader_of_a_source_checkout_reads_as_babel_compiles(lang):
    """policydiff.i18n reads a .po itself (Babel's import would slow every command's start): every
    message translates exactly as through the .mo Babel writes at build."""
    from babel.messages.mofile import write_mo

    po = LOCALE / lang / "LC_MESSAGES" / "policydiff.po"
    ours = gettext.GNUTranslations(i18n.compiled(po))
    built = io.BytesIO()
    write_mo(built, _catalog(lang))
    built.seek(0)
    babels = gettext.GNUTranslations(built)
    for m in _catalog(lang):
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            for n in (1, 2, 5):
                assert ours.ngettext(m.id[0], m.id[1], n) == babels.ngettext(m.id[0], m.id[1], n)
        else:
            assert ours.gettext(m.id) == babels.gettext(m.id)
    assert ours.info()["plural-forms"] == babels.info()["plural-forms"]


def test_the_po_reader_reads_escapes_continuations_and_skips_fuzzy_and_obsolete():
    text = ('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
            'msgid "a \\"quoted\\"\\n"\n"line"\nmsgstr "ก \\"อ้าง\\"\\n"\n"บรรทัด"\n\n'
            '#, fuzzy\nmsgid "guess"\nmsgstr "เดา"\n\n'
            '#~ msgid "old"\n#~ msgstr "เก่า"\n\n'
            'msgid "untranslated"\nmsgstr ""\n\n'
            'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{n} ไฟล์"\n')
    found = i18n.po_messages(text)
    assert found["a \"quoted\"\nline"] == "ก \"อ้าง\"\nบรรทัด"
    assert found["{n} file\0{n} files"] == "{n} ไฟล์"
    assert "guess" not in found and "old" not in found and "untranslated" not in found
    assert found[""].startswith("Plural-Forms")
