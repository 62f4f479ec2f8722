"""The command line: each command parses its options, calls the library, prints.

Errors become one-line messages and exit codes here and only here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Optional
import sys

import click

from . import __version__
from .core.objects import visible, visible_offset
from .core.redline import change_counts
from .errors import PolicydiffError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug of ours, not bad input
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class _Group(click.Group):
    """A click group that turns PolicydiffError (and any unexpected error) into one line."""

    def resolve_command(self, ctx, args):
        ctx.meta.setdefault("policydiff.args", list(args))  # for naming the inputs in a last-resort message
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PolicydiffError as e:
            click.echo(f"error: {_one_line(str(e))}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:  # Ctrl-C: outputs are written to temporary files, so none is left
            click.echo("error: interrupted; nothing was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            raise  # `policydiff outline x.docx | head`: click ends quietly with exit 1
        except RecursionError:
            click.echo(f"error: {_inputs(ctx)}: the document is nested too deeply to read", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except MemoryError:
            click.echo(f"error: {_inputs(ctx)}: out of memory reading the input", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except OSError as e:  # a read-only folder, a full disk, a permission: the environment, not a bug
            where = e.filename or _inputs(ctx)
            click.echo(f"error: {where}: {_one_line(e.strerror or str(e))}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as e:  # the last resort: a bug must still end in one line, not a traceback
            click.echo(f"error: internal error while processing {_inputs(ctx)}: {type(e).__name__}: "
                       f"{_one_line(str(e))} (please report this)", err=True)
            ctx.exit(EXIT_INTERNAL)


def _inputs(ctx) -> str:
    """The command and the files it was given, for a message that has no better subject."""
    import os

    args = ctx.meta.get("policydiff.args") or []
    files = [a for a in args[1:] if not a.startswith("-") and os.path.exists(a)]
    return " ".join(args[:1] + (files or args[1:]))[:300] or "the command"


def _one_line(text: str, limit: int = 500) -> str:
    """A message on one line: a hostile file name or part may hold newlines."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _warn_draft(version) -> None:
    """Print a read draft's warnings (odd but readable content) on stderr, each naming the file."""
    for w in version.doc.warnings:
        click.echo(f"warning: {version.path}: {_one_line(w)}", err=True)


def _check_output(path) -> None:
    """Refuse an output path that cannot be written before any slow work (fsutil checks again)."""
    from pathlib import Path

    from .errors import InputError

    if path is None:
        return
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(path, "directory does not exist")
    if target.is_dir():
        raise InputError(path, "is a directory; give a file name to write")


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
    for w in doc.warnings:
        click.echo(f"warning: {draft}: {_one_line(w)}", err=True)
    if as_json:
        _emit_json([_clause_json(c) for c in clauses])
        return
    for c in clauses:
        click.echo("  " * c.level + _clause_line(c))


def _clause_json(c) -> dict:
    return {"label": c.label, "number": c.number, "kind": c.kind, "path": c.path, "level": c.level,
            "text": visible(c.text), "body": visible(c.body)}


def _clause_line(c, width: int = 70) -> str:
    body = visible(c.body)
    first = body.replace("\n", " ") if c.kind == "title" else body.split("\n", 1)[0]  # a title's lines are one
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
    """Write NEW.docx with native tracked changes against OLD.docx (files, or version labels in the archive)."""
    from .workflows.compare import redline as redline_of, write_redline

    _check_output(out)
    date = _iso(date)
    _plan([(out, _DOCX)], [old, new])
    a, b = _drafts(old, new)
    _warn_draft(a)
    _warn_draft(b)
    red = redline_of(a, b, author=author, date=date, moves=not no_moves)
    stories = write_redline(red, b, out, old=a)
    counts = change_counts(red.blocks)
    click.echo(f"wrote {out}: {counts['+']} insertions, {counts['-']} deletions, {counts['moves']} moves, "
               f"{counts['fmt']} formatting changes")
    for name, n in stories:
        click.echo(f"  {name}: {n['+']} insertions, {n['-']} deletions")


_DOCX, _TABLES = (".docx",), (".csv", ".xlsx")


def _plan(outputs, inputs) -> None:
    """Check every output of a command before any work (``fsutil.plan_outputs``); an input that
    is an archive label rather than a path is no file to protect."""
    from .fsutil import plan_outputs

    plan_outputs(outputs, [i for i in inputs if i is not None])


def _iso(value):
    """The ``xsd:dateTime`` of a ``--date`` (ISO or Thai, B.E. or C.E.), or None."""
    if value is None:
        return None
    from .errors import OptionError
    from .thaidate import revision_datetime

    try:
        return revision_datetime(value)
    except ValueError as e:
        raise OptionError(f"--date: {e}") from None


_STATUS_MARK = {"edited": "~", "inserted": "+", "deleted": "-", "moved": ">", "unchanged": "#"}


@main.command()
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of clause changes.")
def diff(old, new, as_json):
    """Summarize, clause by clause, what changed from OLD.docx to NEW.docx (files, or version labels)."""
    from .workflows.compare import clause_changes, story_changes

    a, b = _drafts(old, new)
    _warn_draft(a)
    _warn_draft(b)
    changes = [c for c in clause_changes(a, b) if c["status"] != "unchanged" or c["renumbered"]]
    changes += story_changes(a, b)
    if as_json:
        _emit_json(changes)
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
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(tally.items())) or "no changes")
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
    from .core.objects import THAI_NAMES

    words = {"+": "เพิ่ม", "-": "ลบ"}
    return "; ".join(f"{THAI_NAMES.get(kind, kind)}: "
                     + ", ".join(f"{words[op]} {n}" for op, n in sorted(counts.items(), reverse=True))
                     for kind, counts in sorted(tally.items()))


def _change_line(c: dict) -> str:
    old, new = c["old_ref"], c["new_ref"]
    status = c["status"]
    if status == "unchanged":
        return click.style(f"# {old} → {new}: renumbered only (wording unchanged)", fg="cyan")
    if status == "inserted":
        return click.style(f"+ {new}: inserted — {_short(c['new_text'])}", fg="green")
    if status == "deleted":
        return click.style(f"- {old}: deleted — {_short(c['old_text'])}", fg="red")
    where = f"{old} → {new}" if c["renumbered"] or status == "moved" else new
    what = "moved" + (" and edited" if c["edits"] else "") if status == "moved" else \
        "edited" + (" and renumbered" if c["renumbered"] else "")
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


def _report_import(imported, refuse_drafts: bool = True) -> None:
    # A division's name or comment may hold a line break: one line each, so none can pose as another.
    for w in imported.warnings:
        click.echo(f"warning: {_one_line(w)}", err=True)
    for p in imported.problems:
        click.echo(f"error: {_one_line(p.message)}", err=True)
    if refuse_drafts and any(getattr(p, "draft", False) for p in imported.problems):
        raise click.exceptions.Exit(EXIT_BAD_INPUT)  # a new draft given as a division's copy: said above
    if getattr(imported, "skipped", ()):
        click.echo(f"skipped {len(imported.skipped)} files written by policydiff (ข้ามไฟล์ที่ policydiff สร้าง "
                   f"{len(imported.skipped)} ไฟล์): " + ", ".join(_one_line(n) for n in imported.skipped), err=True)


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
@click.option("--force", is_flag=True,
              help="Read a source that looks like a new draft (no comment, no tracked change) as a division's copy.")
@click.option("--old-title", default="", help="The base draft's name on the cover page (\"ร่างที่ ๑\"); default: its "
              "archive label, else its Subject property, else its file name.")
@click.option("--new-title", default="", help="The revised draft's name on the cover page, chosen like --old-title.")
def merge(base, sources, out, revised, dispositions_in, dispositions_out, author, date, round_from, round_to, force,
          old_title, new_title):
    """Merge the divisions' reviewed copies and forms (SOURCES: files or folders, or a round name) onto BASE.docx.

    Without --revised: the consolidated copy — BASE with every division's proposals as tracked
    changes in its name and every comment on its words. With --revised NEW.docx: the committee
    package — a cover page, the redline BASE → NEW with the comments re-anchored on NEW, and the
    disposition table.
    """
    rf, rt = _round_days(round_from, round_to)
    _check_package_options(revised, dispositions_out, old_title, new_title)
    date = _iso(date)  # checked before any work, like the outputs
    _check_output(out)
    _check_output(dispositions_out)
    _plan([(out, _DOCX), (dispositions_out, _TABLES)], [base, *sources, revised, dispositions_in])
    resolved = _sources(base, sources, rf, rt, force)
    _warn_draft(resolved.base)
    _report_import(resolved.imported)
    if not resolved.imported.annotations and resolved.imported.problems:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)  # each unusable source has had its one line
    if revised is None:
        _consolidated_copy(resolved, out)
        return
    decided = _editor_dispositions(resolved, dispositions_in)
    _committee_package(resolved, _draft(revised), out, dispositions_out, decided, author=author, date=date,
                       round_days=(rf or resolved.round_from, rt or resolved.round_to), titles=(old_title, new_title))


def _check_package_options(revised, dispositions_out, old_title, new_title) -> None:
    """Refuse the committee package's options without --revised: they would do nothing."""
    from .errors import OptionError

    if dispositions_out and revised is None:
        raise OptionError("--write-dispositions needs --revised: the disposition table is part of the committee "
                          "package (suggestions come from what the revised draft did)")
    if (old_title or new_title) and revised is None:
        raise OptionError("--old-title and --new-title need --revised: they name the drafts on the committee "
                          "package's cover page")


def _consolidated_copy(resolved, out: str) -> None:
    from .workflows.compare import write_redline
    from .workflows.merge import consolidate

    b, imported = resolved.base, resolved.imported
    done = consolidate(b, imported, progress=_progress("placing"))
    write_redline(done.redline, b, out)
    click.echo(f"wrote {out}: {len(imported.annotations)} annotations from {_n_sources(imported)} divisions; "
               f"{done.edits} proposals as tracked changes, {done.comments} comments; "
               f"{len(done.conflicts)} conflicts, {len(done.duplicates)} duplicates, "
               f"{len(done.orphans)} orphans, {len(imported.problems)} unusable sources")


def _editor_dispositions(resolved, dispositions_in):
    """The editor's dispositions: from --dispositions (checked against the round), else those
    the archive keeps for the round."""
    if not dispositions_in:
        return resolved.dispositions
    from .forms.dispositions import read_dispositions

    decided, warned = read_dispositions(dispositions_in, strict=True)
    _check_disposition_ids(dispositions_in, decided, resolved.imported.annotations)
    name = Path(dispositions_in).name
    for w in warned:  # the reader's warnings name the file already: once is enough
        click.echo(f"warning: {w if w.startswith(name + ':') else f'{name}: {w}'}", err=True)
    _keep_dispositions(resolved, decided)
    return decided


def _committee_package(resolved, n, out, dispositions_out, decided, *, author, date, round_days,
                       titles=("", "")) -> None:
    from .fsutil import write_together
    from .workflows.compare import clause_counts, redline_bytes
    from .workflows.merge import committee
    from .workflows.pages import disposition_rows, package_blocks

    b, imported = resolved.base, resolved.imported
    _warn_draft(n)
    _warn_if_older(b, n)
    review = committee(b, n, imported, author=author, date=date, editor_dispositions=decided,
                       progress=_progress("re-anchoring"))
    counts = clause_counts(b, n)
    red = package_blocks(review, b, n, round_from=round_days[0], round_to=round_days[1], counts=counts, titles=titles)
    outputs = [(out, redline_bytes(red, n, old=b)[0])]
    if dispositions_out:
        from .forms.dispositions import disposition_bytes

        outputs.append((dispositions_out, disposition_bytes(dispositions_out, disposition_rows(review.rows))))
    write_together(outputs)  # the package and the table both, or neither
    statuses = Counter(p.status for p in review.placed)
    click.echo(f"wrote {out}: {counts['edited']} clauses edited, {counts['inserted']} added, {counts['deleted']} "
               f"deleted, {counts['moved']} moved; {len(imported.annotations)} annotations ("
               + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + f"); {len(review.orphans)} orphan comments")


def _warn_if_older(base, revised) -> None:
    """Warn when the revised draft is dated before the base (BASE and --revised swapped?)."""
    from .thaidate import parse_date

    def day(version):
        for value in (version.doc.meta.modified, version.doc.meta.created):
            try:
                return parse_date(value) if value else None
            except ValueError:
                continue
        return None

    old, new = day(base), day(revised)
    if old and new and new < old:
        click.echo(f"warning: the revised draft {revised.path} ({new}) is older than the base {base.path} ({old}); "
                   "are BASE and --revised swapped?", err=True)


def _n_sources(imported) -> int:
    return len({a.source for a in imported.annotations})


def _day(value: str, name: str) -> str:
    """The ISO date of a day option (ISO or Thai, B.E. or C.E.), or ""."""
    if not value:
        return ""
    from .errors import OptionError
    from .thaidate import parse_date

    try:
        return parse_date(value)
    except ValueError as e:
        raise OptionError(f"{name}: {e}") from None


def _round_days(round_from: str, round_to: str) -> tuple:
    """(first, last) day of a round from its options; a round that ends before it starts is refused."""
    from .errors import OptionError

    first, last = _day(round_from, "--round-from"), _day(round_to, "--round-to")
    if first and last and first > last:
        raise OptionError(f"--round-from {first} is after --round-to {last}: the round would end before it starts")
    return first, last


def _annotation_json(a, placed=None, clause_texts=None) -> dict:
    """An annotation for ``comments --json``: texts as a person reads them, offsets in the
    clause's text as ``outline --json`` gives it (``clause_texts``: clause path -> its text)."""
    text = (clause_texts or {}).get(a.anchor.clause, "")
    out = {
        "id": a.id, "source": a.source, "division": a.division, "kind": a.kind, "action": a.action,
        "clause": a.clause, "clause_path": a.anchor.clause, "quote": visible(a.quote), "text": visible(a.text),
        "prefix": visible(a.anchor.prefix), "suffix": visible(a.anchor.suffix),
        "start": visible_offset(text, a.anchor.start), "end": visible_offset(text, a.anchor.end),
        "author": a.author, "initials": a.initials, "date": a.date, "tracked": a.tracked,
        "new_paragraph": a.new_paragraph,
        "late": a.late, "type": a.type, "done": a.done, "note": a.note,
        "replies": [{"author": r.author, "initials": r.initials, "date": r.date, "text": r.text} for r in a.replies],
        "status": "anchored" if a.anchor.clause else "orphan",
    }
    if placed is not None:
        out["status"] = placed.status
        out["score"] = round(placed.score, 3)
        out["new_clause"] = placed.new_path  # always the full path, or null
        out["new_clause_label"] = placed.new_label
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
@click.option("--force", is_flag=True,
              help="Read a source that looks like a new draft (no comment, no tracked change) as a division's copy.")
def comments(base, sources, against, round_from, round_to, as_json, force):
    """List the divisions' comments and proposed edits from SOURCES (reviewed copies, forms, folders, or a round)."""
    from .core.groups import conflicts, duplicates
    from .workflows.merge import reanchored

    resolved = _sources(base, sources, *_round_days(round_from, round_to), force=force)
    b, imported = resolved.base, resolved.imported
    _warn_draft(b)
    _report_import(imported)
    later = _draft(against) if against else None
    if later is not None:
        _warn_draft(later)
    placed = reanchored(b, later, imported.annotations) if later is not None else {}
    texts = {c.path: c.text for c in b.clauses}
    rows = [_annotation_json(a, placed.get(a.id), texts) for a in imported.annotations]
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
        click.echo(f"{_one_line(r['division'])} · {_one_line(r['clause'] or '-')} · {what} · {r['status']}{flags}")
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


# ---- archive commands ------------------------------------------------------------------
# The version archive (.policydiff/ in the policy's folder): init, add, log, show, blame,
# round add/list; and the helpers that let diff, redline, merge and comments take version
# labels and round names where they take files. The workflows live in policydiff.archive.

def _now() -> str:
    """The moment a record is added, in local time with its offset (the only clock read)."""
    import datetime as _dt

    return _dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def _draft(arg: str):
    """The draft a positional names: an existing file, else a version label in the archive."""
    from .workflows.archive import resolve_draft

    return resolve_draft(arg)


def _drafts(old: str, new: str):
    """The two drafts a comparison names (files read side by side when large)."""
    from .workflows.archive import resolve_drafts

    return resolve_drafts(old, new)


def _sources(base: str, sources, round_from: str, round_to: str, force: bool = False):
    """BASE and SOURCES resolved: files, or one round name whose stored annotations are used."""
    from .workflows.rounds import resolve_sources

    resolved = resolve_sources(base, sources, round_from=round_from, round_to=round_to, force=force)
    if resolved.round_name:
        click.echo(f'using round "{resolved.round_name}" from the archive: {len(resolved.imported.annotations)} '
                   f"annotations on {resolved.base.path}", err=True)
    for note in resolved.notes:
        click.echo(f"warning: {note}", err=True)
    return resolved


def _check_disposition_ids(path, decided, annotations) -> None:
    """Refuse a disposition table whose ids are not the round's: its results would be lost."""
    from .errors import FormError

    known = {a.id for a in annotations}
    stray = [d for d in decided if d.key not in known]
    if stray:
        shown = ", ".join(f"no. {d.number} ({d.key or 'no id'})" for d in stray[:10])
        more = f" and {len(stray) - 10} more" if len(stray) > 10 else ""
        raise FormError(path, f"{len(stray)} of {len(decided)} rows have an id that is no comment of this round: "
                              f"{shown}{more}; was the table written for another round?")


def _keep_dispositions(resolved, rows) -> None:
    """Store the editor's dispositions with the round, when a round was named."""
    if not resolved.round_name:
        return
    from .workflows.rounds import store_dispositions

    kept, created = store_dispositions(resolved.root, resolved.round_name, rows, added_at=_now())
    state = "stored as revision" if created else "unchanged since revision"
    click.echo(f'dispositions of round "{resolved.round_name}": {state} {kept.revision}', err=True)


def _store():
    from .workflows.archive import open_archive

    return open_archive()


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=str))
def init(folder):
    """Create an empty version archive (.policydiff/) in FOLDER (default: the current folder)."""
    from .store import ARCHIVE_DIRNAME, Store

    with Store.init(folder) as store:
        click.echo(f"initialized an empty archive in {store.root / ARCHIVE_DIRNAME}")


@main.command()
@click.argument("draft", type=click.Path(path_type=str))
@click.option("--label", required=True, help='The version\'s name, e.g. "v2" or "ร่าง ๒" (not digits alone).')
@click.option("--date", "date", default=None,
              help="The draft's date, ISO or Thai (2009-08-19, ๑๙ สิงหาคม ๒๕๕๒). "
                   "Default: the file's modified, else created, date.")
@click.option("--note", default="", help="A line saying what this version is.")
def add(draft, label, date, note):
    """Add DRAFT.docx to the archive as a new version (the same file twice changes nothing)."""
    from .workflows.archive import add_file
    from .thaidate import to_be_long

    with _store() as store:
        done = add_file(store, draft, label=label, date=date, note=note, added_at=_now())
    v = done.version
    for w in done.warnings:
        click.echo(f"warning: {draft}: {w}", err=True)
    if not done.created:
        click.echo(f'{draft} is already in the archive as "{v.label}" (version {v.seq}, added '
                   f"{to_be_long(v.added_at)}); nothing changed")
        return
    click.echo(f'added "{v.label}" as version {v.seq}: {to_be_long(v.date)}, {done.clauses} clauses, '
               f"sha256 {v.sha256[:12]}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of versions, oldest first.")
def log(as_json):
    """List the archived versions, oldest first: seq, label, date (B.E.), sha256, clauses, note."""
    from .workflows.archive import log_entries

    with _store() as store:
        rows = log_entries(store)
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        click.echo("no versions yet: `policydiff add DRAFT.docx --label v1`")
    width = max((len(r["label"]) for r in rows), default=0)
    for r in rows:
        line = f"{r['seq']:>3}  {r['label']:<{width}}  {r['date_be']}  {r['sha256'][:12]}  {r['clauses']} ข้อ"
        click.echo(line + (f"  {r['note']}" if r["note"] else ""))


@main.command()
@click.argument("version")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of clauses in document order.")
def show(version, as_json):
    """Show the clause tree of an archived VERSION (a label or a seq number), like `outline`."""
    from .workflows.archive import version_clauses

    with _store() as store:
        clauses = version_clauses(store, store.get_version(version))
    if as_json:
        _emit_json([_clause_json(c) for c in clauses])
        return
    for c in clauses:
        click.echo("  " * c.level + _clause_line(c))


@main.command()
@click.argument("version")
@click.option("--clause", "clause", default=None,
              help='Only this clause: "ข้อ ๕", "ข้อ 5", "5", "หมวด ๒ ข้อ ๘", "ข้อ ๙ (๔)".')
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one entry per clause.")
def blame(version, clause, as_json):
    """For each clause of VERSION: the version that introduced its wording, and whose proposal it was."""
    from .workflows.blame import blame as blame_rows

    with _store() as store:
        rows = blame_rows(store, version, clause=clause)
    if as_json:
        _emit_json(rows)
        return
    width = max((len(r["label"]) for r in rows), default=0)
    for r in rows:
        click.echo(_blame_line(r, width))


_HOW = {"first": "ร่างแรก", "edited": "แก้ไข", "inserted": "เพิ่มใหม่"}


def _blame_line(r: dict, width: int) -> str:
    intro = r["introduced"]
    line = f"{r['label']:<{width}}  {intro['label']} ({intro['date_be']}, {_HOW[r['how']]})"
    if r["proposals"]:
        rounds = ", ".join(dict.fromkeys(p["round"] for p in r["proposals"]))
        line += f"  ตามข้อเสนอของ {', '.join(r['divisions'])} [{rounds}]"
    return f"{line}  {_short(r['text'], 50)}"


@main.group("round")
def round_group():
    """Comment rounds: what the divisions sent back on one version, kept in the archive."""


@round_group.command("add")
@click.argument("name")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--from", "date_from", required=True, help="First day of the round (ISO or Thai date).")
@click.option("--to", "date_to", required=True, help="Last day of the round (ISO or Thai date).")
@click.option("--base", default=None,
              help="The version commented on (label or seq). Default: the latest dated before the round ends.")
def round_add(name, sources, date_from, date_to, base):
    """Record round NAME: its SOURCES (reviewed copies, forms, folders) and their annotations."""
    from .workflows.rounds import add_round

    with _store() as store:
        done = add_round(store, name, date_from, date_to, sources, base=base, added_at=_now())
    _report_import(done.imported, refuse_drafts=False)  # recorded already: the problems are in its report
    r, anns = done.round, done.imported.annotations
    proposals = sum(1 for a in anns if a.kind == "proposal")
    click.echo(f'recorded round "{r.name}" on "{r.base_label}": {len(r.sources)} files, {len(anns) - proposals} '
               f"comments, {proposals} proposals, {len(done.imported.problems)} unusable files")


@round_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rounds.")
def round_list(as_json):
    """List the recorded comment rounds."""
    from .workflows.rounds import round_json

    with _store() as store:
        rows = [round_json(store, r) for r in store.list_rounds()]
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        click.echo("no rounds yet: `policydiff round add NAME --from D --to D SOURCE...`")
    for r in rows:
        disp = f", dispositions revision {r['dispositions_revision']}" if r["dispositions_revision"] else ""
        click.echo(f"{r['name']}  {r['from_be']} ถึง {r['to_be']}  on {r['base']}: {len(r['sources'])} files, "
                   f"{r['comments']} comments, {r['proposals']} proposals{disp}")
