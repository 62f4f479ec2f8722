"""An example archive (the shipped drafts ร่าง ๑ and ร่าง ๒) made once, copied for each test; the app
over it with a Flask test client that knows its CSRF token."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from policydiff.store import Store
from policydiff.web import create_app
from policydiff.workflows.served import load_example
from tests.paths import REPO

ROUND1 = REPO / "comments" / "round1"
ADDED_AT = "2009-07-15T09:00:00+00:00"


@pytest.fixture(scope="session")
def example_archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "policy"
    folder.mkdir()
    with Store.open(folder, create=True) as store:
        load_example(store, added_at=ADDED_AT)
    return folder


@pytest.fixture
def archive(example_archive, tmp_path) -> Path:
    folder = tmp_path / "policy"
    shutil.copytree(example_archive, folder)
    return folder


class Client:
    """A test client with its session's CSRF token at hand."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self.token = ""

    def get(self, url, **kw):
        answer = self.http.get(url, **kw)
        if not answer.mimetype == "text/html":
            return answer
        found = re.search(r'name="csrf_token" value="([^"]+)"', answer.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return answer

    def post(self, url, data=None, *, csrf=True, **kw):
        if not self.token:
            self.get("/")
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.http.post(url, data=data, **kw)


@pytest.fixture
def app(archive):
    return create_app(archive, secret_key="test")


@pytest.fixture
def client(app) -> Client:
    return Client(app)


def round_files(names=None):
    """The example round's files as upload fields (name, bytes)."""
    paths = sorted(p for p in ROUND1.iterdir() if p.suffix in (".docx", ".csv", ".xlsx"))
    return [(p.read_bytes(), p.name) for p in paths if names is None or p.name in names]


def upload(client: Client, name: str, files):
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    if not client.token:
        client.get("/")
    fields = MultiDict([("csrf_token", client.token)] + [
        ("files", FileStorage(io.BytesIO(data), filename=filename, content_type="application/octet-stream"))
        for data, filename in files])
    # encoded here, in memory: the test client spools a large body to a file it never closes
    boundary, body = encode_multipart(fields)
    return client.http.post(f"/rounds/{name}/files", data=body,
                            content_type=f"multipart/form-data; boundary={boundary}")


def new_round(client: Client, name: str = "รอบที่ ๑", base: str = "ร่าง ๑"):
    return client.post("/rounds", {"name": name, "date_from": "2009-06-30", "date_to": "2009-07-14", "base": base})


def archive_state(folder: Path) -> tuple:
    """What an archive holds: its rounds (with files and annotations) and dispositions, and the files
    in and around its folder."""
    with Store.open(folder) as store:
        rounds = tuple((r.name, r.sources, r.annotations_json) for r in store.list_rounds())
        dispositions = tuple(store.dispositions_history(r[0]) for r in rounds)
        versions = tuple(store.list_versions())
    files = tuple(sorted(str(p.relative_to(folder.parent)) for p in folder.parent.rglob("*")
                         if not p.name.endswith(("-wal", "-shm", "-journal"))))
    return rounds, dispositions, versions, files
