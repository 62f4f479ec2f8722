"""The Open Packaging Conventions model of an opened .docx: its parts by name, content types,
relationships, and the main document part (refusing a zip that holds no Word document)."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from typing import NamedTuple, Optional
from urllib.parse import unquote

from lxml import etree

from . import ns
from ..errors import NotADocxError

from .safexml import _show, parse_xml
from ..i18n import N_, _

_WORD_MAIN_TYPES = {
    t.casefold()
    for t in (
        ns.CONTENT_TYPES["document"],
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    )
}
_OTHER_KINDS = {
    "xl/workbook.xml": N_("is an Excel spreadsheet (.xlsx), not a Word document"),
    "ppt/presentation.xml": N_("is a PowerPoint presentation (.pptx), not a Word document"),
}
_DEFAULT_MAIN = "word/document.xml"
_NO_DOCUMENT_PROBLEM = N_("has no word/document.xml (not a Word document)")


class Relationship(NamedTuple):
    """One relationship: its type URI, resolved target part name (or URL), and target mode."""

    type: str
    target: str
    mode: str  # "Internal" or "External"


@dataclass(frozen=True)
class Member:
    """One zip member as read: its name, uncompressed bytes and original ``ZipInfo``."""

    name: str
    data: bytes
    info: zipfile.ZipInfo


def _normalize(partname: str) -> str:
    """Return a part name without its leading slash, as zip members are named."""
    return partname.lstrip("/")


def rels_name(partname: str) -> str:
    """Return the relationships part of a part ('' or '/' is the package itself)."""
    partname = _normalize(partname)
    folder, name = posixpath.split(partname)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(source: str, target: str) -> str:
    """Resolve a relationship target against its source part into a part name."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        joined = target
    else:
        joined = posixpath.join("/", posixpath.dirname(_normalize(source)), target)
    return posixpath.normpath(joined).lstrip("/")


class Package:
    """An opened .docx: every member's bytes in zip order, content types and relationships."""

    def __init__(self, path, members, data: bytes):
        """Index the members and find the main document part, or raise if there is none."""
        self.path = str(path)
        self.members = tuple(members)
        self.source_bytes = data
        self.warnings = []
        # The main document with an empty body but for its final w:sectPr, set by the reader
        # once it has read the body: the writer fills it instead of parsing the part again.
        self.skeleton: Optional[bytes] = None
        # The body's w:sectPr elements in order, set by the reader with the skeleton.
        self.sections: Optional[tuple] = None
        # Filled by docx.stories as it reads them: a reader per story part, and the parsed notes
        # of each kind ({kind: (part, {id: element})}), each made once per package.
        self.story_readers: dict = {}
        self.notes: dict = {}
        self._by_name = {m.name.casefold(): m for m in self.members}
        self._rels_cache = {}
        self._content_types = self._read_content_types()
        self.main_part = self._find_main_part()
        self._check_main_content_type()
        self._check_main_rels()

    # -- members ------------------------------------------------------------------------------

    @property
    def names(self) -> list:
        """Return the member names in zip order."""
        return [m.name for m in self.members]

    def member(self, partname: str) -> Optional[Member]:
        """Return the member holding a part (names compare case-insensitively), or None."""
        return self._by_name.get(_normalize(partname).casefold())

    def read(self, partname: str) -> Optional[bytes]:
        """Return a part's uncompressed bytes, or None when the package has no such part."""
        m = self.member(partname)
        return None if m is None else m.data

    def xml(self, partname: str):
        """Return a freshly parsed root element of a part, or None when there is no such part."""
        data = self.read(partname)
        return None if data is None else parse_xml(data, _normalize(partname), self.path)

    def main_document(self, data: Optional[bytes] = None):
        """Return the parsed root of the main document part, checking it is a w:document.

        ``data``: the part's bytes as the reader reduced them (see ``known``), parsed instead.
        """
        root = self.xml(self.main_part) if data is None else parse_xml(data, _normalize(self.main_part), self.path)
        if root.tag != ns.qn("w:document"):
            qname = etree.QName(root)
            raise NotADocxError(
                self.path,
                _("{main_part} does not hold a Word document (its root element is {localname}, not "
                  "w:document)").format(
                    main_part=self.main_part, localname=_show(qname.localname)),
            )
        return root

    # -- content types ------------------------------------------------------------------------

    def _read_content_types(self):
        """Return ({extension: type}, {partname: type}), or say what this zip is instead."""
        if self.member("[Content_Types].xml") is None:
            self._raise_not_a_word_zip(
                N_("has no [Content_Types].xml, so Word cannot open it (not a valid .docx package)")
                if self.member(_DEFAULT_MAIN)
                else _NO_DOCUMENT_PROBLEM
            )
        root = self.xml("[Content_Types].xml")
        defaults, overrides = {}, {}
        for el in root.iterfind(ns.qn("ct:Default")):
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        for el in root.iterfind(ns.qn("ct:Override")):
            overrides[_normalize(el.get("PartName", "")).casefold()] = el.get("ContentType", "")
        return defaults, overrides

    def content_type(self, partname: str) -> Optional[str]:
        """Return a part's content type: its Override, else the Default for its extension."""
        defaults, overrides = self._content_types
        key = _normalize(partname).casefold()
        if key in overrides:
            return overrides[key]
        ext = posixpath.splitext(key)[1].lstrip(".")
        return defaults.get(ext)

    # -- relationships ------------------------------------------------------------------------

    def rels(self, partname: str) -> dict:
        """Return a part's relationships as {rId: Relationship(type, target, mode)}."""
        key = rels_name(partname)
        if key not in self._rels_cache:
            self._rels_cache[key] = self._parse_rels(partname, key)
        return dict(self._rels_cache[key])

    def _parse_rels(self, source: str, rels_part: str) -> dict:
        """Parse one relationships part into {rId: Relationship}."""
        root = self.xml(rels_part)
        if root is None:
            return {}
        found = {}
        for el in root.iterfind(ns.qn("pr:Relationship")):
            mode = el.get("TargetMode", "Internal")
            target = el.get("Target", "")
            if mode != "External":
                target = _resolve(source, target)
            found[el.get("Id", "")] = Relationship(el.get("Type", ""), target, mode)
        return found

    def part_by_type(self, source_part: str, rel_type_key: str) -> Optional[str]:
        """Return the part a source part relates to by ``ns.REL_TYPES[key]``, if it exists."""
        wanted = ns.REL_TYPES[rel_type_key]
        for rel in self.rels(source_part).values():
            if rel.type == wanted and rel.mode != "External" and self.member(rel.target):
                return self.member(rel.target).name
        return None

    # -- finding the main part ----------------------------------------------------------------

    def _find_main_part(self) -> str:
        """Return the main document part named by _rels/.rels, else word/document.xml."""
        target = None
        for rel in self.rels("/").values():
            if rel.type.endswith("/officeDocument") and rel.mode != "External":
                if rel.type != ns.REL_TYPES["officeDocument"]:
                    raise NotADocxError(
                        self.path,
                        _("is saved as Strict Open XML; save it in Word as a normal Word Document (.docx)"),
                    )
                target = rel.target
                break
        if target and self.member(target):
            self._refuse_other_office_kind(target)
            return self.member(target).name
        if self.member(_DEFAULT_MAIN):
            if target:
                self.warnings.append(
                    _("_rels/.rels names missing part {target}; reading {main} instead").format(
                        target=_show(target), main=_DEFAULT_MAIN)
                )
            return self.member(_DEFAULT_MAIN).name
        self._raise_not_a_word_zip(_NO_DOCUMENT_PROBLEM)

    def _refuse_other_office_kind(self, partname: str):
        """Refuse a spreadsheet or presentation whose main part the package names."""
        kind = (self.content_type(partname) or "").casefold()
        folder = partname.casefold().split("/")[0]
        if "spreadsheetml" in kind or folder == "xl":
            raise NotADocxError(self.path, _(_OTHER_KINDS["xl/workbook.xml"]))
        if "presentationml" in kind or folder == "ppt":
            raise NotADocxError(self.path, _(_OTHER_KINDS["ppt/presentation.xml"]))

    def _raise_not_a_word_zip(self, fallback: str):
        """Say what a zip without a Word document is (spreadsheet, presentation, ODF...)."""
        for partname, problem in _OTHER_KINDS.items():
            if self.member(partname):
                raise NotADocxError(self.path, _(problem))
        if (self.read("mimetype") or b"").startswith(b"application/vnd.oasis.opendocument"):
            raise NotADocxError(
                self.path, _("is an OpenDocument file (.odt/.ods), not .docx; save it as .docx")
            )
        raise NotADocxError(self.path, _(fallback))

    def _check_main_content_type(self):
        """Warn (not fail) when the main part's content type is not a Word document's."""
        found = self.content_type(self.main_part)
        if (found or "").casefold() not in _WORD_MAIN_TYPES:
            self.warnings.append(
                _("{main_part} has content type {content_type}, not a Word document's; reading it anyway").format(
                    main_part=self.main_part, content_type=_show(found or 'none'))
            )

    def _check_main_rels(self):
        """Parse the main part's relationships now and warn about targets that are missing."""
        for rid, rel in sorted(self.rels(self.main_part).items()):
            if rel.mode != "External" and self.member(rel.target) is None:
                self.warnings.append(
                    _("{main_part} relationship {rid} points at missing part {target}").format(
                        main_part=self.main_part, rid=_show(rid), target=_show(rel.target))
                )
