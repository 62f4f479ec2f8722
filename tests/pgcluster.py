"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl as an unprivileged user, in a
temporary folder (its socket there too), listening on a free port of 127.0.0.1; stopped and
removed at the end.

Under root (CI) the cluster runs as ``nobody`` through ``runuser`` (PostgreSQL refuses to run as
root). ``require_postgres()`` skips a test when PostgreSQL or psycopg is missing, and fails it
under CI, as ``tests.libreoffice.require_libreoffice`` does.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import List, Optional

import pytest

from tests.libreoffice import ci_enabled

SUPERUSER = "postgres"
PASSWORD_ROLE = "pw_editor"  # the one role that must give a password (over TCP), for the PGPASSFILE test
_HBA = f"""local all all trust
host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
"""
_SETTINGS = ("max_connections=60", "shared_buffers=128MB", "listen_addresses=127.0.0.1")
_FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")  # tests need no durability


@functools.lru_cache(maxsize=None)
def bindir() -> Optional[Path]:
    """Return the folder holding initdb and pg_ctl (PATH first, then Debian's), or None."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def missing() -> Optional[str]:
    """Say what is missing to run PostgreSQL tests, or None when nothing is."""
    if bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed (Debian package postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg 3 is not installed (pip install -e '.[test]')"
    return None


def require_postgres() -> None:
    """Skip the calling test without PostgreSQL; under CI, fail it instead (never skip)."""
    problem = missing()
    if problem is None:
        return
    if ci_enabled():
        pytest.fail(problem + "; CI must run these tests", pytrace=False)
    pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One running PostgreSQL cluster; ``database()`` hands out a fresh empty database's URL."""

    def __init__(self, durable: bool = False):
        self.settings = _SETTINGS if durable else _SETTINGS + _FAST
        # Under root the server runs as nobody, who must reach the folder: /tmp, not root's TMPDIR.
        where = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
        self.dir = Path(tempfile.mkdtemp(prefix="policydiff-pg-", dir=where))
        self.data = self.dir / "data"
        self.port = free_port()
        self._as_user: List[str] = []
        self.running = False

    def start(self) -> "Cluster":
        if os.geteuid() == 0:  # postgres refuses root: run it as nobody
            shutil.chown(self.dir, "nobody")
            self._as_user = ["runuser", "-u", "nobody", "--"]
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        (self.data / "pg_hba.conf").write_text(_HBA)
        options = " ".join(f"-c {s}" for s in self.settings + (f"port={self.port}",
                                                           f"unix_socket_directories={self.dir}"))
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, "-w", "start")
        self.running = True
        return self

    def _run(self, tool: str, *args: str) -> None:
        cmd = self._as_user + [str(bindir() / tool), *args]
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                              cwd=self.dir)
        if done.returncode != 0:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}{log}")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """Return a URL (TCP, no password) for ``user`` on ``database``."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, params=(), database: str = "postgres") -> list:
        """Run one statement as the superuser over the socket; return its rows (if any)."""
        import psycopg

        with psycopg.connect(host=str(self.dir), port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def database(self, template: str = "template1") -> str:
        """Create a fresh database (empty, or a copy of ``template``); return its name."""
        name = "t_" + uuid.uuid4().hex[:16]
        self.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def drop(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
