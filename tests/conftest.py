"""Shared fixtures: the repository root, the example round's spec, LibreOffice (``lo``), and a small .docx factory."""

import json
import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # before anything imports pythainlp

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.docxgen import write_docx  # noqa: E402
from tests.browser import require_browser  # noqa: E402
from tests.libreoffice import Office, require_libreoffice  # noqa: E402

LO_MARKER = "libreoffice: needs LibreOffice headless with python3-uno"


def pytest_configure(config):
    if not any(line.startswith("libreoffice:") for line in config.getini("markers")):
        config.addinivalue_line("markers", LO_MARKER)


def pytest_collection_modifyitems(items):
    # A test that uses `lo` needs LibreOffice whether or not its author marked it.
    for item in items:
        if "lo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice"):
        require_libreoffice()  # skips locally, fails under CI
    if item.get_closest_marker("browser"):
        require_browser()  # skips locally, fails under CI


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def spec(repo_root):
    """The example round's comments and proposals as written (comments/src/round1.json)."""
    return json.loads((repo_root / "comments" / "src" / "round1.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def lo():
    """A session-wide LibreOffice (``tests.libreoffice.Office``); restarts itself after a failure."""
    require_libreoffice()
    with Office() as office:
        yield office


@pytest.fixture
def docx_factory(tmp_path):
    """``make(blocks, name="doc.docx", track_revisions=False)`` writes a .docx under tmp_path."""

    def make(blocks, name="doc.docx", **kwargs):
        return write_docx(tmp_path / name, blocks, **kwargs)

    return make
