"""outline, redline and diff: one draft, or two compared."""

from __future__ import annotations


import click

from ..core.redline import change_counts
from ..i18n import N_, _
from . import main
from .common import (
    DATE_HELP, FORMAT_OPTION, SUFFIXES, VIEW_OPTION, check_output, drafts_named, emit_json, iso_date,
    output_format, plan, print_clauses, print_messages, short, status_word, warn_draft,
)
from .language import option


@main.command(help=N_("Show the clause tree of DRAFT.docx (หมวด / ส่วน / ข้อ / (๑) / (ก), tables)."))
@click.argument("draft", type=click.Path(dir_okay=True, path_type=str))
@VIEW_OPTION
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list of clauses in document order."))
def outline(draft, view, as_json):
    from ..core.structure import outline as build_outline
    from ..docx.reader import read_docx

    doc = read_docx(draft, view=view)
    clauses = build_outline(doc)
    print_messages(doc.warnings, draft)
    print_clauses(clauses, as_json)


@main.command(help=N_("Write NEW with every change against OLD marked: a .docx with native tracked changes, or a "
                "self-contained .html page (OLD and NEW: files, or version labels in the archive)."))
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
        help=N_("The file to write: .docx (tracked changes) or .html (a web page)."))
@FORMAT_OPTION
@option("--author", default="policydiff", show_default=True, help=N_("Author of the tracked changes."))
@option("--date", "date", default=None, help=DATE_HELP)
@option("--no-moves", is_flag=True, help=N_("Write moved clauses as a deletion and an insertion."))
def redline(old, new, out, fmt, author, date, no_moves):
    from ..workflows.compare import redline as redline_of, write_redline

    check_output(out)
    date = iso_date(date)
    fmt = output_format(out, fmt)
    plan([(out, SUFFIXES[fmt])], [old, new])
    a, b = drafts_named(old, new)
    warn_draft(a)
    warn_draft(b)
    red = redline_of(a, b, author=author, date=date, moves=not no_moves)
    if fmt == "html":
        from ..workflows.web import redline_html, write_html

        write_html(out, redline_html(a, b, red))
        stories = []
    else:
        stories = write_redline(red, b, out, old=a)
    counts = change_counts(red.blocks)
    click.echo(_("wrote {out}: {insertions} insertions, {deletions} deletions, {moves} moves, {fmt} formatting "
                 "changes").format(
                     out=out, insertions=counts['+'], deletions=counts['-'], moves=counts['moves'],
                     fmt=counts['fmt']))
    for name, n in stories:
        click.echo(_("  {name}: {insertions} insertions, {deletions} deletions").format(
            name=name, insertions=n['+'], deletions=n['-']))


_STATUS_MARK = {"edited": "~", "inserted": "+", "deleted": "-", "moved": ">", "unchanged": "#"}


@main.command(help=N_("Summarize, clause by clause, what changed from OLD.docx to NEW.docx (files, or version "
                "labels)."))
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list of clause changes."))
def diff(old, new, as_json):
    from ..workflows.compare import clause_changes, story_changes

    a, b = drafts_named(old, new)
    warn_draft(a)
    warn_draft(b)
    changes = [c for c in clause_changes(a, b) if c["status"] != "unchanged" or c["renumbered"]]
    changes += story_changes(a, b)
    if as_json:
        emit_json(changes)
        return
    objects: dict = {}
    for c in changes:
        click.echo(_change_line(c))
        inline = _inline(c) if c["edits"] or c["status"] == "edited" else ""
        if inline.strip():
            click.echo("    " + inline)
        mine = _object_tally(c["edits"])
        if mine:
            click.echo("    " + _object_summary(mine))
        for kind, counts in mine.items():
            for op, n in counts.items():
                objects.setdefault(kind, {}).setdefault(op, 0)
                objects[kind][op] += n
    tally = {}
    for c in changes:
        key = "renumbered" if c["status"] == "unchanged" else c["status"]
        tally[key] = tally.get(key, 0) + 1
    click.echo(", ".join(f"{status_word(k)} {v}" for k, v in sorted(tally.items())) or _("no changes"))
    if objects:
        click.echo(_object_summary(objects))


def _object_tally(edits) -> dict:
    """{kind: {"+": n, "-": n}} of the objects the edits insert and delete."""
    out: dict = {}
    for e in edits:
        for kind in e.get("objects", ()):
            out.setdefault(kind, {}).setdefault(e["op"], 0)
            out[kind][e["op"]] += 1
    return out


def _object_summary(tally: dict) -> str:
    """``ภาพ: เพิ่ม 1, ลบ 1; ฟิลด์: เพิ่ม 3`` (objects inserted and deleted, by kind)."""
    from ..core.objects import THAI_NAMES

    words = {"+": "เพิ่ม", "-": "ลบ"}
    return "; ".join(f"{THAI_NAMES.get(kind, kind)}: "
                     + ", ".join(f"{words[op]} {n}" for op, n in sorted(counts.items(), reverse=True))
                     for kind, counts in sorted(tally.items()))


def _change_line(c: dict) -> str:
    old, new = c["old_ref"], c["new_ref"]
    status = c["status"]
    if status == "unchanged":
        return click.style(_("# {old} → {new}: renumbered only (wording unchanged)").format(
            old=old, new=new), fg="cyan")
    if status == "inserted":
        return click.style(_("+ {new}: inserted — {new_text}").format(
            new=new, new_text=short(c['new_text'])), fg="green")
    if status == "deleted":
        return click.style(_("- {old}: deleted — {old_text}").format(
            old=old, old_text=short(c['old_text'])), fg="red")
    where = f"{old} → {new}" if c["renumbered"] or status == "moved" else new
    what = (_("moved and edited") if c["edits"] else _("moved")) if status == "moved" else \
        (_("edited and renumbered") if c["renumbered"] else _("edited"))
    return f"{_STATUS_MARK[status]} {where}: {what}"


def _inline(c: dict) -> str:
    from ..core.diff import word_diff

    out = []
    for op, text in word_diff(c["old_text"] or "", c["new_text"] or ""):
        text = text.replace("\n", " ¶ ")
        if op == "=":
            out.append(text if len(text) < 40 else text[:18] + " … " + text[-18:])
        elif op == "-":
            out.append(click.style(f"[-{text}-]", fg="red"))
        else:
            out.append(click.style(f"{{+{text}+}}", fg="green"))
    return "".join(out)
