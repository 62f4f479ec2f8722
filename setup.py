"""Build hook: compile the gettext catalogs (policydiff/locale/*/LC_MESSAGES/*.po) to .mo with Babel.

Everything else about the package is in setup.cfg. A source checkout works without this step:
policydiff.i18n reads a .po itself when no current .mo is beside it.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogs(build_py):
    """build_py, then each catalog compiled into the build next to its .po."""

    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("policydiff/locale").glob("*/LC_MESSAGES/*.po")):
            mo = Path(self.build_lib) / po.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with open(po, "rb") as f:
                catalog = read_po(f)
            with open(mo, "wb") as f:
                write_mo(f, catalog)


setup(cmdclass={"build_py": build_py_with_catalogs})
