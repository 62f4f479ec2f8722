"""A writer killed with SIGKILL at random moments never leaves a damaged or half-added version."""

import hashlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from policydiff.store import ARCHIVE_DIRNAME, ARCHIVE_FILENAME, Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

SEED = 20090819
KILLS = 15
MAX_DELAY = 0.25  # seconds after the writer's first add; a few 2-5 MB versions fit in it

# Adds versions v<start>, v<start+1>, ... forever, announcing each before and after.
WRITER = """
import hashlib, random, sys
from policydiff.store import Store

store = Store.open(sys.argv[1])
print("ready", flush=True)
number = int(sys.argv[2])
while True:
    rng = random.Random(number)
    data = rng.randbytes(rng.randint(2_000_000, 5_000_000))
    label = f"v{number}"
    print("try", label, hashlib.sha256(data).hexdigest(), flush=True)
    store.add_version(data, label, "2009-08-19", note="crash test",
                      added_at="2026-05-09T10:00:00+07:00")
    print("done", label, flush=True)
    number += 1
"""


def run_writer_and_kill(workdir, start, delay):
    """Run the writer from v<start>, SIGKILL it ``delay`` s after its first finished add; return its log lines."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(workdir), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = writer.stdout.readline()
        assert ready == "ready\n", f"writer did not start: {ready!r} {writer.stderr.read()!r}"
        seen = _until_first_done(writer)  # a loaded machine may take long to write the first one
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=30)
        out = seen + out
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    return [line.split() for line in out.splitlines()]


def _until_first_done(writer) -> str:
    """Return the writer's log up to and including its first "done" line (or its end, if it died)."""
    lines = []
    while not lines or not lines[-1].startswith("done"):
        line = writer.stdout.readline()
        if not line:
            break
        lines.append(line)
    return "".join(lines)


def check_archive(workdir, tried, done):
    """Assert the archive is sound and holds every finished add; return the labels in it."""
    with Store.open(workdir) as store:  # Store.open runs PRAGMA quick_check
        versions = store.list_versions()
        for version in versions:
            data = store.version_bytes(version.label)  # checks the bytes against sha256 too
            assert hashlib.sha256(data).hexdigest() == version.sha256 == tried[version.label]
            assert len(data) == version.size
    labels = [v.label for v in versions]
    assert set(done) <= set(labels), "a committed version was lost"
    assert set(labels) <= set(tried), "a version appeared that was never added"
    assert labels == [label for label in tried if label in labels]  # in the order added
    assert [v.seq for v in versions] == list(range(1, len(versions) + 1))
    db = sqlite3.connect(workdir / ARCHIVE_DIRNAME / ARCHIVE_FILENAME)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
    return labels


def test_versions_survive_a_writer_killed_at_random_moments(tmp_path):
    workdir = tmp_path / "policy"
    workdir.mkdir()
    Store.init(workdir).close()
    rng = random.Random(SEED)
    tried, done = {}, []
    next_number, interrupted, started = 1, 0, time.monotonic()
    try:
        for _ in range(KILLS):
            log = run_writer_and_kill(workdir, next_number, rng.uniform(0.0, MAX_DELAY))
            tried_now = [fields[1] for fields in log if fields[0] == "try"]
            tried.update((fields[1], fields[2]) for fields in log if fields[0] == "try")
            done += [fields[1] for fields in log if fields[0] == "done"]
            labels = check_archive(workdir, tried, done)
            cut_short = [label for label in tried_now if label not in done]
            assert cut_short in ([], tried_now[-1:])  # only the last add can be unfinished
            # ...and it is wholly there (bytes checked above) or wholly absent.
            interrupted += bool(cut_short) and cut_short[0] not in labels
            if tried_now:
                next_number = int(tried_now[-1][1:]) + 1
    finally:
        elapsed = time.monotonic() - started
        shutil.rmtree(workdir, ignore_errors=True)  # up to ~200 MB of random blobs
    assert len(done) >= KILLS, "the writer hardly wrote: the kills tested little"
    assert interrupted >= 1, "no kill landed inside an add: the test exercised nothing"
    assert elapsed < 60
