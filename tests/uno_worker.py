"""UNO side of the LibreOffice test harness; runs under Debian's /usr/bin/python3 (python3-uno).

Reads one JSON request on stdin, connects to a running soffice, does the operation, and
writes one JSON result on stdout. Failures exit non-zero with the traceback on stderr.

Request: {"connect": "<UNO connection string>", "wait": seconds, "op": ..., ...}
    op "read"        {"src"}                    -> {"paragraphs", "redlines_before", "redlines_after"}
    op "accept_all"  {"src", "dst"?, "filter"?} -> same, after accepting every tracked change
    op "reject_all"  {"src", "dst"?, "filter"?} -> same, after rejecting every tracked change
    op "resave"      {"src", "dst", "filter"}   -> {"dst"}
    op "comments"    {"src"}                    -> {"comments": [{author, initials, date, content,
                                                                  anchor, paragraph}, ...]}
This file must stay importable by a plain Python 3 without the project's dependencies.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

DISPATCH = {
    "accept_all": ".uno:AcceptAllTrackedChanges",
    "reject_all": ".uno:RejectAllTrackedChanges",
}


def connect(connection: str, wait: float):
    """The remote component context, retrying until soffice listens or ``wait`` runs out."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    while True:
        try:
            return resolver.resolve("uno:" + connection)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def load(ctx, path: str):
    """Open ``path`` hidden; raise when LibreOffice cannot load it."""
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    url = uno.systemPathToFileUrl(path)
    try:
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    except Exception as exc:  # UNO raises IllegalArgumentException, IOException, ...
        raise RuntimeError(f"LibreOffice could not load {path}: {exc}") from exc
    if doc is None:
        raise RuntimeError(f"LibreOffice could not load {path}")
    return doc


def store(doc, path: str, filter_name: str):
    doc.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", filter_name),))


def redline_count(doc) -> int:
    return doc.getRedlines().getCount()


def walk(text, paragraphs, annotations):
    """Append each paragraph's text in order, descending into tables row by row."""
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            # getCellNames lists cells row by row; split cells have names like "A1.1.1".
            for name in element.getCellNames():
                walk(element.getCellByName(name), paragraphs, annotations)
        else:
            collect_annotations(element, len(paragraphs), annotations)
            paragraphs.append(shown(element))


def shown(paragraph) -> str:
    """The paragraph as a reader sees it: its automatic-numbering label, a space, its text.

    A footnote's or endnote's reference mark is left out, as policydiff's visible text leaves
    out every object (the note itself is a story of its own).
    """
    try:
        label = paragraph.getPropertyValue("ListLabelString")
    except Exception:  # not every paragraph-like element has the property
        label = ""
    parts = []
    portions = paragraph.createEnumeration()
    while portions.hasMoreElements():
        portion = portions.nextElement()
        if portion.TextPortionType != "Footnote":
            parts.append(portion.getString())
    text = "".join(parts)
    return f"{label} {text}" if label else text


def collect_annotations(paragraph, index, annotations):
    portions = paragraph.createEnumeration()
    while portions.hasMoreElements():
        portion = portions.nextElement()
        if portion.TextPortionType == "Annotation":
            annotations.append(describe_annotation(portion.TextField, index))


def iso(dt) -> str:
    return "%04d-%02d-%02dT%02d:%02d:%02d" % (dt.Year, dt.Month, dt.Day, dt.Hours, dt.Minutes,
                                              dt.Seconds)


def describe_annotation(field, paragraph_index):
    return {
        "author": field.Author,
        "initials": field.Initials,
        "date": iso(field.DateTimeValue),
        "content": field.Content,
        "anchor": field.getAnchor().getString(),
        "paragraph": paragraph_index,
    }


def contents(doc):
    paragraphs, annotations = [], []
    walk(doc.getText(), paragraphs, annotations)
    return paragraphs, annotations


def op_read(ctx, doc, req):
    count = redline_count(doc)
    paragraphs, _ = contents(doc)
    return {"paragraphs": paragraphs, "redlines_before": count, "redlines_after": count}


def op_change_all(ctx, doc, req):
    before = redline_count(doc)
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    frame = doc.getCurrentController().getFrame()
    helper.executeDispatch(frame, DISPATCH[req["op"]], "", 0, ())
    after = redline_count(doc)
    paragraphs, _ = contents(doc)
    if req.get("dst"):
        store(doc, req["dst"], req.get("filter", "MS Word 2007 XML"))
    return {"paragraphs": paragraphs, "redlines_before": before, "redlines_after": after}


def op_resave(ctx, doc, req):
    store(doc, req["dst"], req["filter"])
    return {"dst": req["dst"]}


def op_comments(ctx, doc, req):
    _, annotations = contents(doc)
    return {"comments": annotations}


OPS = {
    "read": op_read,
    "accept_all": op_change_all,
    "reject_all": op_change_all,
    "resave": op_resave,
    "comments": op_comments,
}


def run(req):
    handler = OPS[req["op"]]
    ctx = connect(req["connect"], req.get("wait", 60))
    doc = load(ctx, req["src"])
    try:
        return handler(ctx, doc, req)
    finally:
        doc.close(True)


def main():
    req = json.load(sys.stdin)
    json.dump(run(req), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
