"""An independent, XML-level view of a .docx: every story's paragraphs as (text, objects).

Used to check redlines from the outside: ``stories(out, "accept")`` must equal the new draft and
``stories(out, "reject")`` the old one, in every story, with every object (image, field, note,
hyperlink, bookmark, text box...) kept. It reads the XML itself and never the policydiff reader
or model. Views: "accept" (accept all tracked changes), "reject" (reject all), "as-is" (both
sides of every change kept, nothing joined).

This module holds the checks on those views (object counts, story-by-story comparison,
dangling relationships); the views are built by ``inventory_view`` (accept/reject),
``inventory_paragraphs`` (signatures) and ``inventory_stories`` (every story of a package).
"""

from __future__ import annotations

import posixpath
from collections import Counter

from lxml import etree

from .inventory_paragraphs import _is_r
from .inventory_stories import _open, stories
from .opc import Package
from .safexml import parse_xml


def kind_of(signature: str) -> str:
    """The kind of an object signature (the part before the first ':')."""
    return signature.split(":", 1)[0]


def object_counts(views: dict) -> Counter:
    """Counter of object kinds over every paragraph of a ``stories()`` result."""
    return Counter(kind_of(o) for sigs in views.values() for s in sigs for o in s.objects)


def inventory(path) -> Counter:
    """Counter of object kinds over all stories in the as-is view."""
    return object_counts(stories(path, "as-is"))


def compare(a_views: dict, b_views: dict, limit: int = 10) -> list:
    """Readable differences between two ``stories()`` results; empty when equal."""
    problems = []
    for name in a_views:
        if name not in b_views:
            problems.append(f"story {name!r} only on the left")
    for name in b_views:
        if name not in a_views:
            problems.append(f"story {name!r} only on the right")
    for name in a_views:
        if name in b_views and a_views[name] != b_views[name]:
            problems.append(_story_difference(name, a_views[name], b_views[name]))
    return problems[:limit] if limit else problems


def _story_difference(name: str, a: list, b: list) -> str:
    """The paragraph count and the first differing paragraph of one story."""
    counts = f"{len(a)} vs {len(b)} paragraphs; " if len(a) != len(b) else ""
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left != right:
            both = bool((left and left.objects) or (right and right.objects))
            return f"{name}: {counts}paragraph {i + 1}: {_show(left, both)} != {_show(right, both)}"
    return f"{name}: {counts}".rstrip("; ")


def _show(sig, with_objects: bool = False, width: int = 120) -> str:
    """A short display of one ParaSig (objects shown when it or ``with_objects`` says so)."""
    if sig is None:
        return "(none)"
    text = sig.text if len(sig.text) <= width else sig.text[:width] + "…"
    objects = f" {list(sig.objects)}" if sig.objects or with_objects else ""
    return _escape(repr(text)) + objects


def _escape(text: str) -> str:
    """Show object placeholders and tag/variation characters as escapes."""
    return "".join(f"\\u{{{ord(c):x}}}" if ord(c) >= 0xE0000 or c == "\ufffc" else c for c in text)


# -- package checks -----------------------------------------------------------------------------------

def dangling_relationships(path) -> list:
    """Relationship ids without a relationship, missing targets, parts without a content type."""
    pkg = _open(path)
    problems = []
    names = {m.name.casefold() for m in pkg.members}
    for member in pkg.members:
        name = member.name
        if name.endswith("/"):
            continue
        if _is_rels(name):
            problems.extend(_missing_targets(pkg, name, names))
        elif name != "[Content_Types].xml":
            if pkg.content_type(name) is None:
                problems.append(f"{name}: no content type in [Content_Types].xml")
            if _is_xml(pkg, name):
                problems.extend(_unknown_ids(pkg, name))
    return problems


def _is_rels(name: str) -> bool:
    return name.endswith(".rels") and "/_rels/" in "/" + name


def _is_xml(pkg: Package, name: str) -> bool:
    """True for XML parts (by content type or extension)."""
    ctype = (pkg.content_type(name) or "").lower()
    return ctype.endswith("xml") or name.lower().endswith(".xml")


def _source_of(rels_name: str) -> str:
    """The part a relationships part belongs to ('/' for the package)."""
    folder, file = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, file[: -len(".rels")]) if file != ".rels" else "/"


def _missing_targets(pkg: Package, rels_name: str, names: set) -> list:
    """Internal relationships of one .rels part whose target part is missing."""
    try:
        rels = pkg.rels(_source_of(rels_name))
    except Exception as exc:  # noqa: BLE001 - a broken rels part is itself a problem
        return [f"{rels_name}: unreadable ({exc})"]
    return [f"{rels_name}: {rid} -> missing part {rel.target}"
            for rid, rel in sorted(rels.items())
            if rel.mode != "External" and rel.target.casefold() not in names]


def _unknown_ids(pkg: Package, name: str) -> list:
    """Attributes in the r namespace of one XML part that name no relationship of it."""
    try:
        root = parse_xml(pkg.read(name), name, pkg.path)
        rels = pkg.rels(name)
    except Exception as exc:  # noqa: BLE001
        return [f"{name}: unreadable ({exc})"]
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            if _is_r(attr) and value and value not in rels:
                found.append(f"{name}: {etree.QName(el).localname} r:{etree.QName(attr).localname}="
                             f"{value!r} has no relationship")
    return found
