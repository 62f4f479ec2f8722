"""Shared fixtures: the repository root, the example round's spec, LibreOffice (``lo``), a small .docx
factory, and PostgreSQL (``pg_cluster``, a throwaway cluster for the session; ``pg_url``, a fresh database)."""

import json
import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # before anything imports pythainlp

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.docxgen import write_docx  # noqa: E402
from tests.browser import require_browser  # noqa: E402
from tests.libreoffice import Office, require_libreoffice  # noqa: E402
from tests.pgcluster import Cluster, require_postgres  # noqa: E402

LO_MARKER = "libreoffice: needs LibreOffice headless with python3-uno"
PG_MARKER = "postgres: needs PostgreSQL (initdb, pg_ctl) and psycopg; the tests start their own cluster"


def pytest_configure(config):
    for marker in (LO_MARKER, PG_MARKER):
        name = marker.split(":", 1)[0] + ":"
        if not any(line.startswith(name) for line in config.getini("markers")):
            config.addinivalue_line("markers", marker)


def pytest_collection_modifyitems(items):
    # A test that uses `lo` needs LibreOffice whether or not its author marked it.
    for item in items:
        if "lo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
        if "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice"):
        require_libreoffice()  # skips locally, fails under CI
    if item.get_closest_marker("browser"):
        require_browser()  # skips locally, fails under CI
    if item.get_closest_marker("postgres"):
        require_postgres()  # skips locally, fails under CI


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """The suite reads policydiff's messages in English (Thai is the default everywhere else): set in
    the environment, so CLI runs in a subprocess inherit it, and chosen for the tests' own context (as
    the CLI chooses it once per run). Tests of the Thai interface choose Thai."""
    from policydiff import i18n

    monkeypatch.setenv("LANGUAGE", "en")
    with i18n.using("en"):
        yield


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch):
    """A POLICYDIFF_DB in the developer's shell must not send the tests' archives to a server."""
    monkeypatch.delenv("POLICYDIFF_DB", raising=False)


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


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster started for this session (as an unprivileged user) and stopped after it."""
    require_postgres()
    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a fresh empty database on the session's cluster (dropped after the test)."""
    name = pg_cluster.database()
    yield pg_cluster.url(name)
    pg_cluster.drop(name)
