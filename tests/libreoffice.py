"""LibreOffice headless as a real consumer in tests: convert, accept/reject all, comments, render.

Conversions use ``soffice --convert-to``; document operations run ``tests/uno_worker.py``
under Debian's ``/usr/bin/python3`` (python3-uno imports only there) against a soffice that
listens on a private pipe. Every soffice gets its own profile directory and is ended by its
process group, because ``soffice`` is a wrapper script around ``oosplash``/``soffice.bin``.

One-shot functions (``accept_all(docx)``) start and stop a soffice per call; an ``Office``
keeps one running for many operations (the ``lo`` fixture is a session-wide ``Office``).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
WORKER = Path(__file__).with_name("uno_worker.py")
DEFAULT_TIMEOUT = 120.0
WORD_FILTER = "MS Word 2007 XML"
_STOP_GRACE = 5.0
# Variables of the project's Python that must not leak into Debian's Python.
_FOREIGN_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV")


class LibreOfficeError(RuntimeError):
    """LibreOffice failed, timed out, or produced no output; the message carries its output."""


@dataclass(frozen=True)
class LoResult:
    """Paragraph texts as LibreOffice sees them, and the tracked-change counts around the op."""

    paragraphs: List[str]
    redlines_before: int
    redlines_after: int


def soffice_path() -> Optional[str]:
    return shutil.which("soffice")


@functools.lru_cache(maxsize=None)
def available() -> bool:
    """True when soffice runs headless and Debian's Python can ``import uno``."""
    if not soffice_path() or not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    try:
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], env=_system_python_env(),
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def ci_enabled(environ=None) -> bool:
    """True under CI (the ``CI`` variable set to anything but empty/0/false/no)."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def require_libreoffice() -> None:
    """Skip the calling test without LibreOffice; under CI, fail it instead (never skip)."""
    if available():
        return
    message = (f"LibreOffice headless is not available (need `soffice` on PATH and "
               f"`{SYSTEM_PYTHON} -c 'import uno'`, Debian packages libreoffice-writer python3-uno)")
    if ci_enabled():
        pytest.fail(message + "; CI must run these tests", pytrace=False)
    pytest.skip(message)


def _system_python_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _profile_arg(profile: Path) -> str:
    return "-env:UserInstallation=" + profile.as_uri()


def _stop_group(proc: subprocess.Popen) -> None:
    """End ``proc`` and every process it started (its own session/group), then reap it."""
    for sig, grace in ((signal.SIGTERM, _STOP_GRACE), (signal.SIGKILL, _STOP_GRACE)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        if _group_gone(proc, grace):
            break
    try:
        proc.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        pass


def _group_gone(proc: subprocess.Popen, grace: float) -> bool:
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader so it does not linger as a zombie
        if not _group_alive(proc.pid):
            return True
        time.sleep(0.05)
    return False


def _group_alive(pgid: int) -> bool:
    """True while a process of group ``pgid`` still runs (zombies left to init do not count)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc_dir.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        # After the command: state, ppid, pgrp, ...
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def _run_group(cmd, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd`` in its own process group; on timeout kill the whole group and raise."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(proc)
        proc.communicate()
        raise LibreOfficeError(f"timed out after {timeout:.0f} s: {' '.join(map(str, cmd))}")
    finally:
        if proc.returncode is None or _group_alive(proc.pid):
            _stop_group(proc)  # no straggler may outlive the call (or its profile directory)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(src: Path, fmt: str, outdir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert ``src`` with ``soffice --convert-to fmt`` (pdf, odt, docx, fodt) into ``outdir``."""
    src, outdir = Path(src).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    if target.exists():
        target.unlink()  # a stale file must not pass for this run's output
    with tempfile.TemporaryDirectory(prefix="policydiff-lo-") as tmp:
        cmd = [soffice_path() or "soffice", _profile_arg(Path(tmp) / "profile"), "--headless",
               "--norestore", "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir),
               str(src)]
        done = _run_group(cmd, timeout, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not target.is_file():
        raise LibreOfficeError(f"soffice --convert-to {fmt} {src} gave no {target.name} "
                               f"(exit {done.returncode}):\n{_text(done.stdout)}{_text(done.stderr)}")
    return target


def render_png(docx: Path, outdir: Path, dpi: int = 60, timeout: float = DEFAULT_TIMEOUT) -> List[Path]:
    """Render every page of ``docx`` to ``outdir/<stem>-<page>.png`` via PDF and pdftoppm."""
    outdir = Path(outdir).resolve()
    pdf = convert(docx, "pdf", outdir, timeout)
    for stale in outdir.glob(f"{pdf.stem}-*.png"):
        stale.unlink()
    if not shutil.which("pdftoppm"):
        raise LibreOfficeError("pdftoppm is missing (Debian package poppler-utils)")
    done = _run_group(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / pdf.stem)],
                      timeout, stdin=subprocess.DEVNULL)
    pages = sorted(outdir.glob(f"{pdf.stem}-*.png"))  # pdftoppm zero-pads page numbers
    if done.returncode != 0 or not pages:
        raise LibreOfficeError(f"pdftoppm {pdf} failed (exit {done.returncode}):\n{_text(done.stderr)}")
    return pages


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


class Office:
    """One headless soffice on a private pipe, serving UNO operations until ``close()``."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT):
        self.timeout = timeout
        self._proc: Optional[subprocess.Popen] = None
        self._dir: Optional[Path] = None
        self._log = None
        self._pipe = ""

    def __enter__(self) -> "Office":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start soffice listening on a fresh pipe with a fresh profile."""
        self._dir = Path(tempfile.mkdtemp(prefix="policydiff-lo-"))
        self._pipe = "policydiff_" + uuid.uuid4().hex
        self._log = open(self._dir / "soffice.log", "wb")
        cmd = [soffice_path() or "soffice", _profile_arg(self._dir / "profile"), "--headless",
               "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
               f"--accept={self._connection()}"]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.close)

    def close(self) -> None:
        """Stop soffice (its whole process group) and remove its profile directory."""
        if self._proc is not None:
            _stop_group(self._proc)
            self._proc = None
            atexit.unregister(self.close)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _connection(self) -> str:
        return f"pipe,name={self._pipe};urp;StarOffice.ComponentContext"

    def _soffice_log(self) -> str:
        if self._dir is None:
            return ""
        return (self._dir / "soffice.log").read_text("utf-8", "replace")

    def request(self, op: str, **args) -> dict:
        """Run one worker operation against this soffice, starting it (again) if needed."""
        if not self.running:
            self.close()
            self.start()
        req = dict(args, op=op, connect=self._connection(), wait=self.timeout)
        worker = subprocess.Popen([SYSTEM_PYTHON, str(WORKER)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=_system_python_env(), start_new_session=True)
        try:
            out, err = self._communicate(worker, json.dumps(req).encode())
        finally:
            if worker.returncode is None:
                _stop_group(worker)
        if worker.returncode != 0:
            self._fail(f"{op} {args.get('src', '')} failed (worker exit {worker.returncode})",
                       _text(err))
        return json.loads(out)

    def _communicate(self, worker: subprocess.Popen, data: bytes):
        # Poll so that a soffice that dies mid-request fails the call at once, not at timeout.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return worker.communicate(data, timeout=0.5)
            except subprocess.TimeoutExpired:
                data = None
                if not self.running:
                    _stop_group(worker)
                    self._fail("soffice exited during the request", "")
                if time.monotonic() > deadline:
                    _stop_group(worker)
                    self._fail(f"request timed out after {self.timeout:.0f} s", "")

    def _fail(self, what: str, worker_err: str):
        log = self._soffice_log()
        self.close()  # a failed soffice is not trusted with the next request
        raise LibreOfficeError(f"LibreOffice: {what}\n--- worker stderr ---\n{worker_err}"
                               f"--- soffice output ---\n{log}")

    def read(self, docx: Path) -> LoResult:
        """The paragraphs as loaded, tracked changes still in place (both old and new text)."""
        return LoResult(**self.request("read", src=_abs(docx)))

    def accept_all(self, docx: Path, dst: Optional[Path] = None) -> LoResult:
        """Accept every tracked change; optionally save the result as .docx at ``dst``."""
        return self._change_all("accept_all", docx, dst)

    def reject_all(self, docx: Path, dst: Optional[Path] = None) -> LoResult:
        """Reject every tracked change; optionally save the result as .docx at ``dst``."""
        return self._change_all("reject_all", docx, dst)

    def _change_all(self, op: str, docx: Path, dst: Optional[Path]) -> LoResult:
        extra = {"dst": _abs(dst), "filter": WORD_FILTER} if dst else {}
        return LoResult(**self.request(op, src=_abs(docx), **extra))

    def resave(self, src: Path, dst: Path, filter: str = WORD_FILTER) -> Path:
        """Load ``src`` and store it at ``dst`` with LibreOffice's export ``filter``."""
        self.request("resave", src=_abs(src), dst=_abs(dst), filter=filter)
        return Path(dst)

    def comments(self, docx: Path) -> List[dict]:
        """Comments in document order: author, initials, date, content, anchor, paragraph."""
        return self.request("comments", src=_abs(docx))["comments"]

    def convert(self, src: Path, fmt: str, outdir: Path) -> Path:
        return convert(src, fmt, outdir, self.timeout)

    def render_png(self, docx: Path, outdir: Path, dpi: int = 60) -> List[Path]:
        return render_png(docx, outdir, dpi, self.timeout)


def _abs(path) -> str:
    return str(Path(path).resolve())


def read(docx: Path) -> LoResult:
    """One-shot ``Office.read``."""
    with Office() as office:
        return office.read(docx)


def accept_all(docx: Path, dst: Optional[Path] = None) -> LoResult:
    """One-shot ``Office.accept_all``: paragraphs after accepting all, with redline counts."""
    with Office() as office:
        return office.accept_all(docx, dst)


def reject_all(docx: Path, dst: Optional[Path] = None) -> LoResult:
    """One-shot ``Office.reject_all``: paragraphs after rejecting all, with redline counts."""
    with Office() as office:
        return office.reject_all(docx, dst)


def resave(src: Path, dst: Path, filter: str = WORD_FILTER) -> Path:
    """One-shot ``Office.resave``: a copy written by another program."""
    with Office() as office:
        return office.resave(src, dst, filter)


def comments(docx: Path) -> List[dict]:
    """One-shot ``Office.comments``."""
    with Office() as office:
        return office.comments(docx)
