"""The writer fills the template the reader left (Package.skeleton) exactly as it would fill a
fresh parse of the template's document part, however that part is written."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from policydiff.core.redline import Revision, build_redline
from policydiff.docx.package import open_package_bytes
from policydiff.docx.reader import read_package
from policydiff.docx.writer import write_package
from tests.paths import REPO

DRAFTS = REPO / "drafts"
W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _default_namespace(xml: bytes) -> bytes:
    xml = xml.replace(b'xmlns:w="' + W + b'"', b'xmlns="' + W + b'"')
    return re.sub(rb"(</?)w:", rb"\1", xml).replace(b" w:", b" ")


def _other_prefix(xml: bytes) -> bytes:
    return (xml.replace(b"xmlns:w=", b"xmlns:x=").replace(b"<w:", b"<x:").replace(b"</w:", b"</x:")
            .replace(b" w:", b" x:"))


def _background(xml: bytes) -> bytes:
    return xml.replace(b"<w:body>", b'<w:background w:color="FFFFFF"/>\n<w:body>\n', 1)


def _rewritten(path: Path, rewrite) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, rewrite(data) if name == "word/document.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize("rewrite", [lambda x: x, _default_namespace, _other_prefix, _background],
                         ids=["as-built", "default-namespace", "other-prefix", "background"])
@pytest.mark.parametrize("pair", [("v1", "v2"), ("v3", "v4")])
def test_the_skeleton_gives_the_bytes_a_fresh_parse_gives(pair, rewrite):
    old_pkg = open_package_bytes(_rewritten(DRAFTS / f"{pair[0]}.docx", rewrite), "old.docx")
    new_pkg = open_package_bytes(_rewritten(DRAFTS / f"{pair[1]}.docx", rewrite), "new.docx")
    red = build_redline(read_package(old_pkg), read_package(new_pkg), Revision("กองกลาง", "2024-01-01T00:00:00Z"))
    assert new_pkg.skeleton is not None and b"<w:p>" not in new_pkg.skeleton
    from_skeleton = write_package(new_pkg, red, old_pkg)
    new_pkg.skeleton = None
    assert from_skeleton == write_package(new_pkg, red, old_pkg)
