"""Atomic output files: write to a hidden temporary file beside the target, then rename.

A failed or interrupted run leaves the destination as it was (absent or the old file) and
removes its temporary file; only a killed process (SIGKILL, power loss) can leave a
``.NAME.tmp-XXXX`` file behind, never a half-written destination.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError
from .i18n import _


def plan_outputs(outputs, inputs) -> None:
    """Refuse, before any work, outputs that cannot or must not be written: ``outputs`` are
    (path, allowed suffixes) pairs (None paths skipped), ``inputs`` the files and folders the
    command reads. An output must have an allowed suffix, be in a writable folder, and be
    neither one of the inputs (a file in an input folder included) nor another output."""
    taken: dict = {}
    read = _files_of(inputs)
    for path, suffixes in outputs:
        if path is None:
            continue
        target = Path(path)
        if target.suffix.lower() not in suffixes:
            raise InputError(path, _("must end in {suffixes} (the format is taken from the name)").format(
                suffixes=" or ".join(suffixes)))
        if target.is_dir():
            raise InputError(path, _("is a directory; give a file name to write"))
        folder = _check_target(target)
        if not os.access(folder, os.W_OK):
            raise InputError(path, _("its folder is not writable"))
        key = os.path.realpath(target)
        if key in taken:
            raise InputError(path, _("is also the output {other}; give each output its own name").format(
                other=taken[key]))
        for source in read:
            if key == os.path.realpath(source) or (target.exists() and _same(target, source)):
                raise InputError(path, _("is an input; write the output elsewhere so the input is kept")
                                 if os.path.abspath(source) == os.path.abspath(path) else
                                 _("is an input ({source}); write the output elsewhere so the input is kept").format(
                                     source=source))
        taken[key] = path


def _files_of(inputs) -> list:
    """The input files, those directly in an input folder included."""
    out = []
    for item in inputs:
        if item is None:
            continue
        p = Path(item)
        if p.is_dir():
            out.extend(str(child) for child in sorted(p.iterdir()) if child.is_file())
        elif p.exists():
            out.append(str(p))
    return out


def _same(a: Path, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_together(outputs) -> None:
    """Write several files, (path, bytes) each, so that either all are new or none changed: each
    goes to a temporary file beside its target first, and only when all are written are they
    renamed into place."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        temps = [(path, stack.enter_context(atomic_path(path))) for path, _unused in outputs]
        for (path, tmp), (_unused, data) in zip(temps, outputs):
            try:
                Path(tmp).write_bytes(data)
            except OSError as exc:
                raise InputError(path, _("could not be written: {strerror}").format(strerror=exc.strerror)) from None


def atomic_write(path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either entirely new or untouched."""
    with atomic_output(path) as f:
        try:
            f.write(data)
        except OSError as exc:
            raise InputError(path, _("could not be written: {strerror}").format(strerror=exc.strerror)) from None


@contextmanager
def atomic_output(path):
    """Yield a binary file to write; on success it replaces ``path``, on any error it vanishes."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            yield f


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path`` for a tool that writes by name; rename on success.

    Use it for writers that insist on a file name (python-docx ``save``, openpyxl, soffice).
    """
    target = Path(path)
    folder = _check_target(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=folder)
    except OSError as exc:
        raise InputError(path, _("cannot write in its directory: {strerror}").format(strerror=exc.strerror)) from None
    os.close(fd)
    try:
        yield Path(tmp)
        _finish(path, target, tmp)
    except BaseException:  # KeyboardInterrupt and SystemExit too: never leave the temp file
        _unlink_quietly(tmp)
        raise


def _check_target(target: Path) -> Path:
    """Return the target's directory, refusing a missing directory or a directory target."""
    folder = target.parent
    if not folder.is_dir():
        raise InputError(target, _("directory does not exist"))
    if target.is_dir():
        raise InputError(target, _("is a directory; give a file name to write"))
    return folder


def _finish(path, target: Path, tmp: str) -> None:
    """Give the temp file the target's permissions, flush it to disk and rename it over."""
    try:
        os.chmod(tmp, _mode_for(target))
        fd = os.open(tmp, os.O_RDONLY)
        try:
            _fsync(path, fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(path, _("could not be written: {strerror}").format(strerror=exc.strerror)) from None
    _fsync_dir(target.parent)


def _mode_for(target: Path) -> int:
    """Return the existing file's mode, or what a plain ``open(..., 'w')`` would have given."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # reading the umask means setting it; restore at once
        os.umask(umask)
        return 0o666 & ~umask


def _fsync(path, fd: int) -> None:
    """Flush a file to disk, as an InputError naming the destination when that fails."""
    try:
        os.fsync(fd)
    except OSError as exc:
        raise InputError(path, _("could not be written: {strerror}").format(strerror=exc.strerror)) from None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(tmp: str) -> None:
    """Remove a temporary file if it is still there."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
