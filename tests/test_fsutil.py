"""Atomic output: a destination is either wholly new or untouched, and no temp file is left."""

import os

import pytest

from policydiff import fsutil
from policydiff.errors import InputError
from policydiff.fsutil import atomic_output, atomic_path, atomic_write


class Boom(Exception):
    """A failure in the middle of writing."""


def _listing(folder):
    """Return the names in a folder, sorted."""
    return sorted(p.name for p in folder.iterdir())


def test_write_creates_the_file_with_exactly_the_data(tmp_path):
    out = tmp_path / "OUT.docx"
    atomic_write(out, b"PK\x03\x04 whole")
    assert out.read_bytes() == b"PK\x03\x04 whole"
    assert _listing(tmp_path) == ["OUT.docx"]


def test_write_replaces_an_existing_file_and_keeps_its_mode(tmp_path):
    out = tmp_path / "OUT.docx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    atomic_write(out, b"new")
    assert out.read_bytes() == b"new"
    assert out.stat().st_mode & 0o777 == 0o640
    assert _listing(tmp_path) == ["OUT.docx"]


def test_new_file_gets_the_mode_plain_open_would_give(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "OUT.docx", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "OUT.docx").stat().st_mode & 0o777 == 0o640


def test_reader_of_the_old_file_keeps_the_old_bytes_after_replace(tmp_path):
    out = tmp_path / "OUT.docx"
    out.write_bytes(b"old")
    with open(out, "rb") as reader:
        atomic_write(out, b"new")
        assert reader.read() == b"old"
    assert out.read_bytes() == b"new"


def test_destination_does_not_appear_while_writing(tmp_path):
    out = tmp_path / "OUT.docx"
    with atomic_output(out) as f:
        f.write(b"first half")
        f.flush()
        assert not out.exists()
        (temp,) = [p for p in tmp_path.iterdir()]
        assert temp.name.startswith(".OUT.docx.tmp-")
        assert temp.read_bytes() == b"first half"
        f.write(b", second half")
    assert out.read_bytes() == b"first half, second half"
    assert _listing(tmp_path) == ["OUT.docx"]


def test_failure_midway_leaves_no_destination_and_no_temp_file(tmp_path):
    out = tmp_path / "OUT.docx"
    with pytest.raises(Boom):
        with atomic_output(out) as f:
            f.write(b"half")
            raise Boom()
    assert _listing(tmp_path) == []


def test_failure_midway_leaves_the_existing_destination_untouched(tmp_path):
    out = tmp_path / "OUT.docx"
    out.write_bytes(b"previous good output")
    inode = out.stat().st_ino
    with pytest.raises(Boom):
        with atomic_output(out) as f:
            f.write(b"half of the new one")
            raise Boom()
    assert out.read_bytes() == b"previous good output"
    assert out.stat().st_ino == inode
    assert _listing(tmp_path) == ["OUT.docx"]


def test_keyboard_interrupt_midway_cleans_up_and_propagates(tmp_path):
    out = tmp_path / "OUT.docx"
    out.write_bytes(b"previous")
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(out) as f:
            f.write(b"half")
            raise KeyboardInterrupt()
    assert out.read_bytes() == b"previous"
    assert _listing(tmp_path) == ["OUT.docx"]


def test_missing_directory_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "no-such-dir" / "OUT.docx"
    with pytest.raises(InputError) as exc:
        atomic_write(out, b"x")
    assert str(exc.value) == f"{out}: directory does not exist"
    assert _listing(tmp_path) == []


def test_directory_as_destination_is_refused(tmp_path):
    (tmp_path / "OUT.docx").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        atomic_write(tmp_path / "OUT.docx", b"x")
    assert _listing(tmp_path) == ["OUT.docx"]
    assert (tmp_path / "OUT.docx").is_dir()


def test_relative_path_writes_into_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    atomic_write("OUT.docx", b"here")
    assert (tmp_path / "OUT.docx").read_bytes() == b"here"
    assert _listing(tmp_path) == ["OUT.docx"]


def test_atomic_path_lets_a_tool_write_by_name(tmp_path):
    out = tmp_path / "OUT.xlsx"
    with atomic_path(out) as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".OUT.xlsx.tmp-")
        temp.write_bytes(b"written by name")
        assert not out.exists()
    assert out.read_bytes() == b"written by name"
    assert _listing(tmp_path) == ["OUT.xlsx"]


def test_atomic_path_failure_removes_what_the_tool_wrote(tmp_path):
    out = tmp_path / "OUT.xlsx"
    with pytest.raises(Boom):
        with atomic_path(out) as temp:
            temp.write_bytes(b"partial")
            raise Boom()
    assert _listing(tmp_path) == []


def test_unwritable_directory_is_an_input_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", refuse)
    out = tmp_path / "OUT.docx"
    with pytest.raises(InputError) as exc:
        atomic_write(out, b"x")
    assert str(exc.value) == f"{out}: cannot write in its directory: Permission denied"
    assert _listing(tmp_path) == []


def test_failed_rename_is_an_input_error_and_removes_the_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "OUT.docx"
    out.write_bytes(b"previous")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", full)
    with pytest.raises(InputError, match="could not be written: No space left on device"):
        atomic_write(out, b"new")
    assert out.read_bytes() == b"previous"
    assert _listing(tmp_path) == ["OUT.docx"]
