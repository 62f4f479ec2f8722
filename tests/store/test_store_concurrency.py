"""Several editors at once: 8 processes adding versions and saving dispositions together, and a
writer killed with SIGKILL mid-transaction; on SQLite and on PostgreSQL."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from policydiff.cli import main
from policydiff.store import Store
from policydiff.workflows.transfer import verify
from tests.docxgen import docx_bytes

from tests.paths import REPO  # noqa: E402
NOW = "2026-05-09T10:00:00+07:00"
WRITERS, EACH = 8, 20
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# One editor: EACH drafts added through the `add` workflow, a disposition revision after each.
EDITOR = """
import sys
from tests.docxgen import docx_bytes
from policydiff.workflows.archive import add_bytes, open_archive
who, each = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # every editor starts at once
for i in range(each):
    data = docx_bytes([f"ข้อ ๑ ร่างของ {who} ฉบับที่ {i}", f"ข้อ ๒ ถ้อยคำ {who}-{i}"])
    with open_archive() as store:
        done = add_bytes(store, data, f"{who}-{i}.docx", label=f"{who}-{i}", date="2009-07-21",
                         added_at="2026-05-09T10:00:00+07:00")
        assert done.created, done
        store.set_dispositions("round1", f'["{who}", {i}]', added_at="2026-05-09T10:00:00+07:00")
"""

# A writer that adds big versions in a loop until it is killed, saying which ones committed.
KILLED = """
import sys, os
from policydiff.store import Store
store = Store.open(sys.argv[1])
run = sys.argv[2]
for i in range(1000):
    data = os.urandom(64) * 40000  # 2.5 MB: a kill often lands inside the transaction
    store.add_version(data, f"{run}-{i}", "2009-07-21", added_at="2026-05-09T10:00:00+07:00")
    store.set_dispositions("round1", f'["{run}", {i}]', added_at="2026-05-09T10:00:00+07:00")
    print(f"{run}-{i}", flush=True)
"""


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    """A policy folder whose archive holds one version and round1 (SQLite or PostgreSQL)."""
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    with Store.init(tmp_path, db=db) as store:
        store.add_version(docx_bytes(["ข้อ ๑ ร่างแรก"]), "base", "2009-06-26", added_at=NOW)
        store.add_round("round1", "2009-06-30", "2009-07-14", "base", [], "[]", added_at=NOW)
    return tmp_path


def spawn(script, *args, cwd):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=cwd, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_eight_editors_at_once_store_every_version_and_disposition_once(archive, monkeypatch):
    editors = [spawn(EDITOR, f"p{n}", EACH, cwd=archive) for n in range(WRITERS)]
    try:
        for editor in editors:
            assert editor.stdout.readline() == "ready\n"
        for editor in editors:
            editor.stdin.write("go\n")
            editor.stdin.flush()
        results = [editor.communicate(timeout=600) for editor in editors]
    finally:
        for editor in editors:
            if editor.returncode is None:
                editor.kill()
                editor.communicate()
    assert [e.returncode for e in editors] == [0] * WRITERS, [err for _, err in results]
    monkeypatch.chdir(archive)
    log = json.loads(CliRunner().invoke(main, ["log", "--json"]).stdout)
    expected = {f"p{n}-{i}" for n in range(WRITERS) for i in range(EACH)}
    assert [r["seq"] for r in log] == list(range(1, WRITERS * EACH + 2))
    assert sorted(r["label"] for r in log[1:]) == sorted(expected)  # each once: no duplicate label
    assert all(r["clauses"] == 2 for r in log[1:])
    with Store.open(archive) as store:
        history = store.dispositions_history("round1")
        assert [d.revision for d in history] == list(range(1, WRITERS * EACH + 1))
        assert sorted(d.rows_json for d in history) == sorted(f'["p{n}", {i}]' for n in range(WRITERS)
                                                              for i in range(EACH))
        for n in range(WRITERS):  # each editor's revisions in the order it saved them
            mine = [json.loads(d.rows_json)[1] for d in history if json.loads(d.rows_json)[0] == f"p{n}"]
            assert mine == list(range(EACH))
        assert verify(store).problems == ()


def test_a_writer_killed_mid_transaction_leaves_the_archive_consistent(archive):
    rng = random.Random(19)
    committed = []
    for run in range(4):
        writer = spawn(KILLED, archive, f"k{run}", cwd=archive)
        time.sleep(1.0 + rng.random() * 1.5)  # imports take about a second; then it writes
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=60)
        assert writer.returncode == -signal.SIGKILL
        committed += out.split()
    assert committed, "the writer never committed: the test proves nothing"
    with Store.open(archive) as store:
        labels = [v.label for v in store.list_versions()][1:]
        # Every reported add is there; at most one more per kill (committed, not yet reported).
        assert set(committed) <= set(labels) and len(labels) - len(committed) <= 4
        revisions = [json.loads(d.rows_json) for d in store.dispositions_history("round1")]
        assert {f"{run}-{i}" for run, i in revisions} <= set(labels)
        assert verify(store).problems == ()
    checked = subprocess.run([sys.executable, "-m", "policydiff", "archive", "verify"], cwd=archive,
                             env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert f": consistent: {len(labels) + 1} versions, 1 rounds" in checked.stdout
