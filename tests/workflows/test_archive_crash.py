"""`policydiff add` killed with SIGKILL at random moments: the archive stays readable, the version all or nothing."""

import hashlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest
from click.testing import CliRunner

from benchmarks.bench_archive import initial_draft, revise
from policydiff.cli import main
from policydiff.store import ARCHIVE_DIRNAME, ARCHIVE_FILENAME, Store, outline_key

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

SEED = 20090721
KILLS = 10
MAX_KILLS = 3 * KILLS  # kills beyond KILLS only until both outcomes have been seen
CLAUSES = 600  # a long draft: reading it is most of an add
EMBLEM_BYTES = 3_000_000  # an incompressible picture in the package, so writing the blob takes a moment
ADD = "from policydiff.cli import main; main()"


def with_emblem(data: bytes, seed: int) -> bytes:
    """Return the .docx with a large picture part added (as a Garuda emblem on a letterhead would be)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        picture = zipfile.ZipInfo("word/media/image1.png", date_time=(1980, 1, 1, 0, 0, 0))
        dst.writestr(picture, random.Random(seed).randbytes(EMBLEM_BYTES), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def drafts(folder):
    """Successive revisions of one long draft, written as they are asked for: (label, path)."""
    rng = random.Random(SEED)
    draft = initial_draft(CLAUSES, SEED)
    n = 0
    while True:
        if n:
            revise(draft, rng)
        path = folder / f"draft{n}.docx"
        path.write_bytes(with_emblem(draft.docx(), n))
        yield f"v{n}", path
        n += 1


def start_add(workdir, path, label):
    """Start `policydiff add` as its own process, as a person would run it in the policy folder."""
    return subprocess.Popen(
        [sys.executable, "-c", ADD, "add", str(path), "--label", label, "--date", "2009-07-21"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHAINLP_READ_ONLY": "1"},
    )


def check_archive(workdir, files_by_label):
    """Assert `policydiff log` works and every archived version is complete; return its labels."""
    result = CliRunner().invoke(main, ["log", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    with Store.open(workdir) as store:
        for row in rows:
            data = store.version_bytes(row["label"])  # checked against its sha256 by the store too
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            assert data == files_by_label[row["label"]].read_bytes()
            assert store.get_cache(outline_key(row["sha256"])) is not None  # committed with the version
            assert row["clauses"] > CLAUSES * 0.9
    db = sqlite3.connect(workdir / ARCHIVE_DIRNAME / ARCHIVE_FILENAME)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
    return [row["label"] for row in rows]


def test_add_killed_at_random_moments_leaves_each_version_whole_or_absent(tmp_path, monkeypatch):
    workdir = tmp_path / "policy"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    Store.init(workdir).close()
    revisions = drafts(tmp_path)
    files = {}

    # One add run to its end tells how long an add takes on this machine.
    label, path = files_next(revisions, files)
    timer = time.monotonic()
    first = start_add(workdir, path, label)
    out, err = first.communicate(timeout=120)
    full = time.monotonic() - timer
    assert first.returncode == 0, err
    assert out.startswith('added "v0" as version 1')

    rng = random.Random(SEED)
    outcomes = []
    while len(outcomes) < KILLS or not _both_seen(outcomes):
        assert len(outcomes) < MAX_KILLS, f"the kills never both cut an add short and let one through: {outcomes}"
        label, path = files_next(revisions, files)
        proc = start_add(workdir, path, label)
        time.sleep(rng.uniform(*_delays(outcomes)) * full)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        killed = proc.returncode == -signal.SIGKILL
        labels = check_archive(workdir, files)
        outcomes.append((killed, label in labels))
        # Nothing else appeared, and earlier versions were kept in order.
        assert set(labels) <= set(files)
        assert labels[0] == "v0" and labels == sorted(labels, key=lambda s: int(s[1:]))

    # Every add that was cut off can be run again: the archive has no half of it in the way.
    with Store.open(workdir) as store:
        missing = [label for label, path in files.items() if store.find_sha(
            hashlib.sha256(path.read_bytes()).hexdigest()) is None]
    assert missing
    for label in missing:
        result = CliRunner().invoke(main, ["add", str(files[label]), "--label", label, "--date", "2009-07-21"])
        assert result.exit_code == 0, result.stderr
    assert sorted(check_archive(workdir, files)) == sorted(files)


def files_next(revisions, files: dict):
    label, path = next(revisions)
    files[label] = path
    return label, path


def _both_seen(outcomes) -> bool:
    return any(killed and not present for killed, present in outcomes) and any(p for _, p in outcomes)


def _delays(outcomes) -> tuple:
    """The range of the next kill's delay, as a share of a whole add: around its end at first; after
    KILLS kills, earlier if none has cut an add short yet, later if none has let one through (the
    machine's speed can change between the timed add and the kills)."""
    if len(outcomes) < KILLS:
        return 0.3, 1.3
    if not any(killed and not present for killed, present in outcomes):
        return 0.05, 0.5
    return 1.5, 3.0
