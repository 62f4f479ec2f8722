"""The command line: each command parses its options, calls the library, prints.

Errors become one-line messages and exit codes here and only here.
"""

from __future__ import annotations

import json
from typing import Optional
import sys

import click

from . import __version__
from .errors import PolicydiffError

EXIT_BAD_INPUT = 2


class _Group(click.Group):
    """A click group that turns PolicydiffError (and any unexpected error) into one line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PolicydiffError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except RecursionError:
            click.echo("error: the document is nested too deeply to read", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except MemoryError:
            click.echo("error: out of memory reading the input", err=True)
            ctx.exit(EXIT_BAD_INPUT)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="policydiff")
def main():
    """policydiff: Thai policy drafts as clauses; redlines, division comments, merge, archive."""


def _emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


VIEW_OPTION = click.option(
    "--view", type=click.Choice(["accept", "reject"]), default="accept", show_default=True,
    help="How to read tracked changes already in the file: accept them or reject them.",
)


@main.command()
@click.argument("draft", type=click.Path(dir_okay=True, path_type=str))
@VIEW_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of clauses in document order.")
def outline(draft, view, as_json):
    """Show the clause tree of DRAFT.docx (หมวด / ส่วน / ข้อ / (๑) / (ก), tables)."""
    from .core.structure import outline as build_outline
    from .docx.reader import read_docx

    doc = read_docx(draft, view=view)
    clauses = build_outline(doc)
    if as_json:
        _emit_json([_clause_json(c) for c in clauses])
        return
    for w in doc.warnings:
        click.echo(f"warning: {draft}: {w}", err=True)
    for c in clauses:
        click.echo("  " * c.level + _clause_line(c))


def _clause_json(c) -> dict:
    return {"label": c.label, "number": c.number, "kind": c.kind, "path": c.path, "level": c.level,
            "text": c.text, "body": c.body}


def _clause_line(c, width: int = 70) -> str:
    first = c.body.split("\n", 1)[0]
    if len(first) > width:
        first = first[: width - 1] + "…"
    head = c.label or {"title": "[ชื่อเรื่อง]", "preamble": "[อารัมภบท]", "closing": "[ท้ายประกาศ]",
                       "table": f"[ตาราง {c.number}]"}.get(c.kind, "")
    return f"{head} {first}".strip()


DATE_HELP = "Revision date (ISO 8601). Default: the new file's modified date, else now."


@main.command()
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str), help="The .docx to write.")
@click.option("--author", default="policydiff", show_default=True, help="Author of the tracked changes.")
@click.option("--date", "date", default=None, help=DATE_HELP)
@click.option("--no-moves", is_flag=True, help="Write moved clauses as a deletion and an insertion.")
def redline(old, new, out, author, date, no_moves):
    """Write NEW.docx with native tracked changes against OLD.docx."""
    from . import api

    a, b = api.load(old), api.load(new)
    red = api.redline(a, b, author=author, date=_iso(date), moves=not no_moves)
    api.write_redline(red, b, out, old=a)
    counts = _count_pieces(red.blocks)
    click.echo(f"wrote {out}: {counts['+']} insertions, {counts['-']} deletions, {counts['moves']} moves, "
               f"{counts['fmt']} formatting changes")


def _iso(value):
    if value is None:
        return None
    from .thaidate import parse_date

    try:
        return parse_date(value) if "T" not in value else value
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r}", param_hint="--date")


def _count_pieces(blocks) -> dict:
    from .core.redline import RTable

    counts = {"+": 0, "-": 0, "moves": 0, "fmt": 0}
    for b in blocks:
        if isinstance(b, RTable):
            for row in b.rows:
                for cell in row.cells:
                    sub = _count_pieces(cell.blocks)
                    for k in counts:
                        counts[k] += sub[k]
            continue
        for p in b.pieces:
            if p.op in ("+", "-"):
                counts[p.op] += 1
            if p.old_props is not None:
                counts["fmt"] += 1
        if b.move and b.mark == "moveTo":
            counts["moves"] += 1
    return counts


_STATUS_MARK = {"edited": "~", "inserted": "+", "deleted": "-", "moved": ">", "unchanged": "#"}


@main.command()
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of clause changes.")
def diff(old, new, as_json):
    """Summarize, clause by clause, what changed from OLD.docx to NEW.docx."""
    from . import api

    changes = [c for c in api.clause_changes(api.load(old), api.load(new))
               if c["status"] != "unchanged" or c["renumbered"]]
    if as_json:
        _emit_json(changes)
        return
    for c in changes:
        click.echo(_change_line(c))
        if c["edits"] or c["status"] in ("edited",):
            click.echo("    " + _inline(c))
    tally = {}
    for c in changes:
        key = "renumbered" if c["status"] == "unchanged" else c["status"]
        tally[key] = tally.get(key, 0) + 1
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(tally.items())) or "no changes")


def _change_line(c: dict) -> str:
    old, new = c["old_label"] or c["old_path"], c["new_label"] or c["new_path"]
    status = c["status"]
    if status == "unchanged":
        return click.style(f"# {old} → {new}: renumbered only (wording unchanged)", fg="cyan")
    if status == "inserted":
        return click.style(f"+ {new}: inserted — {_short(c['new_text'])}", fg="green")
    if status == "deleted":
        return click.style(f"- {old}: deleted — {_short(c['old_text'])}", fg="red")
    where = f"{old} → {new}" if c["renumbered"] or status == "moved" else new
    what = "moved" + (" and edited" if c["edits"] else "") if status == "moved" else "edited"
    return f"{_STATUS_MARK[status]} {where}: {what}"


def _short(text: Optional[str], width: int = 60) -> str:
    first = (text or "").split("\n", 1)[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def _inline(c: dict) -> str:
    from .core.diff import word_diff

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


def _progress(label: str):
    """A progress bar on a terminal; nothing when output is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def wrap(items):
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


def _report_import(imported) -> None:
    for w in imported.warnings:
        click.echo(f"warning: {w}", err=True)
    for p in imported.problems:
        click.echo(f"error: {p.message}", err=True)


@main.command()
@click.argument("base", type=click.Path(path_type=str))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str), help="The .docx to write.")
@click.option("--revised", type=click.Path(path_type=str), default=None,
              help="The revised draft: write the committee package (redline BASE → REVISED) instead of the "
                   "consolidated copy.")
@click.option("--dispositions", "dispositions_in", type=click.Path(path_type=str), default=None,
              help="The editor's dispositions (CSV/XLSX): results and reasons that override the suggestions.")
@click.option("--write-dispositions", "dispositions_out", type=click.Path(path_type=str), default=None,
              help="Also write the (suggested) disposition table to this CSV/XLSX for the editor.")
@click.option("--author", default="ฝ่ายเลขานุการ", show_default=True, help="Author of the editor's own changes.")
@click.option("--date", "date", default=None, help=DATE_HELP)
@click.option("--round-from", default="", help="First day of the comment round (ISO or Thai date).")
@click.option("--round-to", default="", help="Last day of the comment round (ISO or Thai date).")
def merge(base, sources, out, revised, dispositions_in, dispositions_out, author, date, round_from, round_to):
    """Merge the divisions' reviewed copies and forms (SOURCES: files or folders) onto BASE.docx.

    Without --revised: the consolidated copy — BASE with every division's proposals as tracked
    changes in its name and every comment on its words. With --revised NEW.docx: the committee
    package — a cover page, the redline BASE → NEW with the comments re-anchored on NEW, and the
    disposition table.
    """
    from . import api
    from .sources import import_sources

    rf, rt = _day(round_from, "--round-from"), _day(round_to, "--round-to")
    b = api.load(base)
    imported = import_sources(b, sources, round_from=rf, round_to=rt)
    _report_import(imported)
    if not imported.annotations and imported.problems:
        raise click.ClickException("no usable comments or proposals in the sources")
    if revised is None:
        red, info = api.consolidate(b, imported, progress=_progress("placing"))
        api.write_redline(red, b, out)
        click.echo(f"wrote {out}: {len(imported.annotations)} annotations from {_n_sources(imported)} divisions; "
                   f"{info['edits']} proposals as tracked changes, {info['comments']} comments; "
                   f"{len(info['conflicts'])} conflicts, {len(info['duplicates'])} duplicates, "
                   f"{len(info['orphans'])} orphans, {len(imported.problems)} unusable sources")
        return
    n = api.load(revised)
    decided = []
    if dispositions_in:
        from .forms.dispositions import read_dispositions

        decided, warned = read_dispositions(dispositions_in)
        for w in warned:
            click.echo(f"warning: {dispositions_in}: {w}", err=True)
    red, rows, placed, orphans = api.committee(b, n, imported, author=author, date=_iso(date),
                                               editor_dispositions=decided, round_from=rf, round_to=rt,
                                               progress=_progress("re-anchoring"))
    counts = api.change_counts(b, n)
    red = api.package_blocks(red, b, n, rows, orphans, round_from=rf, round_to=rt, counts=counts)
    api.write_redline(red, n, out, old=b)
    if dispositions_out:
        from .forms.dispositions import write_dispositions

        write_dispositions(dispositions_out, api.disposition_rows(rows))
    statuses = {}
    for p in placed:
        statuses[p.status] = statuses.get(p.status, 0) + 1
    click.echo(f"wrote {out}: {counts['edited']} clauses edited, {counts['inserted']} added, {counts['deleted']} "
               f"deleted, {counts['moved']} moved; {len(imported.annotations)} annotations ("
               + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + f"); {len(orphans)} orphan comments")


def _n_sources(imported) -> int:
    return len({a.source for a in imported.annotations})


def _day(value: str, name: str) -> str:
    if not value:
        return ""
    from .thaidate import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r}", param_hint=name)


def _annotation_json(a, placed=None) -> dict:
    out = {
        "id": a.id, "source": a.source, "division": a.division, "kind": a.kind, "action": a.action,
        "clause": a.clause, "clause_path": a.anchor.clause, "quote": a.quote, "text": a.text,
        "prefix": a.anchor.prefix, "suffix": a.anchor.suffix, "start": a.anchor.start, "end": a.anchor.end,
        "author": a.author, "date": a.date, "tracked": a.tracked, "new_paragraph": a.new_paragraph,
        "late": a.late, "type": a.type, "done": a.done,
        "replies": [{"author": r.author, "date": r.date, "text": r.text} for r in a.replies],
        "status": "anchored" if a.anchor.clause else "orphan",
    }
    if placed is not None:
        out["status"] = placed.status
        out["score"] = round(placed.score, 3)
        out["new_clause"] = placed.new_label
        out["new_start"], out["new_end"] = placed.start, placed.end
    return out


def _group_json(g) -> dict:
    return {"clause": g.clause, "quote": g.quote, "annotations": list(g.members), "divisions": list(g.divisions),
            "texts": list(g.texts)}


@main.command()
@click.argument("base", type=click.Path(path_type=str))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--against", type=click.Path(path_type=str), default=None,
              help="A later version: re-anchor every annotation onto it and report where each landed.")
@click.option("--round-from", default="", help="First day of the round: earlier comments are flagged late.")
@click.option("--round-to", default="", help="Last day of the round: later comments are flagged late.")
@click.option("--json", "as_json", is_flag=True, help="Print annotations, conflicts, duplicates and orphans as JSON.")
def comments(base, sources, against, round_from, round_to, as_json):
    """List the divisions' comments and proposed edits from SOURCES (reviewed copies, forms, folders)."""
    from . import api
    from .core.annotations import conflicts, duplicates
    from .sources import import_sources

    b = api.load(base)
    imported = import_sources(b, sources, round_from=_day(round_from, "--round-from"),
                              round_to=_day(round_to, "--round-to"))
    _report_import(imported)
    placed = api.reanchored(b, api.load(against), imported.annotations) if against else {}
    rows = [_annotation_json(a, placed.get(a.id)) for a in imported.annotations]
    groups_c, groups_d = conflicts(imported.annotations), duplicates(imported.annotations)
    orphans = [r["id"] for r in rows if r["status"] == "orphan"]
    if as_json:
        _emit_json({"annotations": rows, "conflicts": [_group_json(g) for g in groups_c],
                    "duplicates": [_group_json(g) for g in groups_d], "orphans": orphans,
                    "problems": [{"source": p.source, "message": p.message} for p in imported.problems]})
    else:
        _print_annotations(rows, groups_c, groups_d, orphans)
    if not imported.annotations and imported.problems:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)


def _print_annotations(rows, groups_c, groups_d, orphans) -> None:
    for r in rows:
        what = "ความเห็น" if r["kind"] == "comment" else f"เสนอแก้ ({r['action']})"
        flags = "".join([" [ไม่ได้ใช้ Track Changes]" if not r["tracked"] else "", " [ส่งช้า]" if r["late"] else ""])
        click.echo(f"{r['division']} · {r['clause'] or '-'} · {what} · {r['status']}{flags}")
        if r["quote"]:
            click.echo(f"    ข้อความที่อ้างถึง: “{_short(r['quote'], 70)}”")
        click.echo(f"    {_short(r['text'], 90)}")
    click.echo(f"\n{len(rows)} annotations")
    for g in groups_c:
        click.echo(click.style(f"conflict in {g.clause} on “{_short(g.quote, 40)}”: " +
                               " | ".join(f"{d}: “{_short(t, 30)}”" for d, t in zip(g.divisions, g.texts)), fg="red"))
    for g in groups_d:
        click.echo(f"duplicate in {g.clause}: " + ", ".join(g.divisions))
    click.echo(f"{len(groups_c)} conflicts, {len(groups_d)} duplicates, {len(orphans)} orphans"
               + (": " + ", ".join(orphans) if orphans else ""))
