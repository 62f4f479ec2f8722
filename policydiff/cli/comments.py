"""merge and comments: a round's comments and proposals on the base draft; the committee package."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from ..core.objects import visible, visible_offset
from ..errors import one_line
from ..i18n import N_, _
from . import main
from .common import (
    DATE_HELP, DOCX, EXIT_BAD_INPUT, HTML, TABLES, check_output, draft_named, emit_json, iso_date, n_sources, now,
    plan, print_messages, progress, report_import, round_days, short, sources_named, status_word, warn_draft,
)
from .language import option


@main.command(help=N_("Merge the divisions' reviewed copies and forms (SOURCES: files or folders, or a round name) "
                "onto BASE.docx.\n\n"
                "Without --revised: the consolidated copy — BASE with every division's proposals as tracked "
                "changes in its name and every comment on its words. With --revised NEW.docx: the committee "
                "package — a cover page, the redline BASE → NEW with the comments re-anchored on NEW, and "
                "the disposition table."))
@click.argument("base", type=click.Path(path_type=str))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
        help=N_("The .docx to write; with --revised also .html (the committee's view as a web page)."))
@option("--revised", type=click.Path(path_type=str), default=None,
        help=N_("The revised draft: write the committee package (redline BASE → REVISED) instead of the "
                "consolidated copy."))
@option("--dispositions", "dispositions_in", type=click.Path(path_type=str), default=None,
        help=N_("The editor's dispositions (CSV/XLSX): results and reasons that override the suggestions."))
@option("--write-dispositions", "dispositions_out", type=click.Path(path_type=str), default=None,
        help=N_("Also write the (suggested) disposition table to this CSV/XLSX for the editor."))
@option("--author", default="ฝ่ายเลขานุการ", show_default=True, help=N_("Author of the editor's own changes."))
@option("--date", "date", default=None, help=DATE_HELP)
@option("--round-from", default="", help=N_("First day of the comment round (ISO or Thai date)."))
@option("--round-to", default="", help=N_("Last day of the comment round (ISO or Thai date)."))
@option("--force", is_flag=True,
        help=N_("Read a source that looks like a new draft (no comment, no tracked change) as a division's "
                "copy."))
@option("--old-title", default="", help=N_("The base draft's name on the cover page (\"ร่างที่ ๑\"); default: its "
                                           "archive label, else its Subject property, else its file name."))
@option("--new-title", default="", help=N_("The revised draft's name on the cover page, chosen like --old-title."))
def merge(base, sources, out, revised, dispositions_in, dispositions_out, author, date, round_from, round_to, force,
          old_title, new_title):
    rf, rt = round_days(round_from, round_to)
    _check_package_options(revised, dispositions_out, old_title, new_title)
    date = iso_date(date)  # checked before any work, like the outputs
    check_output(out)
    check_output(dispositions_out)
    plan([(out, DOCX + HTML if revised else DOCX), (dispositions_out, TABLES)],
         [base, *sources, revised, dispositions_in])
    resolved = sources_named(base, sources, rf, rt, force)
    warn_draft(resolved.base)
    report_import(resolved.imported)
    if not resolved.imported.annotations and resolved.imported.problems:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)  # each unusable source has had its one line
    if revised is None:
        _consolidated_copy(resolved, out)
        return
    decided = _editor_dispositions(resolved, dispositions_in)
    _committee_package(resolved, draft_named(revised), out, dispositions_out, decided, author=author, date=date,
                       round_days=(rf or resolved.round_from, rt or resolved.round_to), titles=(old_title, new_title))


def _check_package_options(revised, dispositions_out, old_title, new_title) -> None:
    """Refuse the committee package's options without --revised: they would do nothing."""
    from ..errors import OptionError

    if dispositions_out and revised is None:
        raise OptionError(_("--write-dispositions needs --revised: the disposition table is part of the committee "
                            "package "
                            "(suggestions come from what the revised draft did)"))
    if (old_title or new_title) and revised is None:
        raise OptionError(_("--old-title and --new-title need --revised: they name the drafts on the committee "
                            "package's "
                            "cover page"))


def _consolidated_copy(resolved, out: str) -> None:
    from ..workflows.compare import write_redline
    from ..workflows.merge import consolidate

    b, imported = resolved.base, resolved.imported
    done = consolidate(b, imported, progress=progress(_("placing")))
    write_redline(done.redline, b, out)
    click.echo(_("wrote {out}: {n_annotations} annotations from {n_sources} divisions; {edits} proposals as "
                 "tracked changes, {comments} comments; {n_conflicts} conflicts, {n_duplicates} duplicates, "
                 "{n_orphans} orphans, {n_problems} unusable sources").format(
                     out=out, n_annotations=len(imported.annotations), n_sources=n_sources(imported),
                     edits=done.edits, comments=done.comments, n_conflicts=len(done.conflicts),
                     n_duplicates=len(done.duplicates), n_orphans=len(done.orphans),
                     n_problems=len(imported.problems)))


def _editor_dispositions(resolved, dispositions_in):
    """The editor's dispositions: from --dispositions (checked against the round), else those
    the archive keeps for the round."""
    if not dispositions_in:
        return resolved.dispositions
    from ..forms.dispositions import read_dispositions

    read = read_dispositions(dispositions_in, strict=True)
    decided = read.value
    _check_disposition_ids(dispositions_in, decided, resolved.imported.annotations)
    print_messages(read.messages, Path(dispositions_in).name)
    _keep_dispositions(resolved, decided)
    return decided


def _committee_package(resolved, n, out, dispositions_out, decided, *, author, date, round_days,
                       titles=("", "")) -> None:
    from ..fsutil import write_together
    from ..workflows.compare import clause_counts
    from ..workflows.merge import committee
    from ..workflows.pages import disposition_rows

    b, imported = resolved.base, resolved.imported
    warn_draft(n)
    _warn_if_older(b, n)
    review = committee(b, n, imported, author=author, date=date, editor_dispositions=decided,
                       progress=progress(_("re-anchoring")))
    counts = clause_counts(b, n)
    outputs = [(out, _package_bytes(out, review, b, n, round_days, counts, titles))]
    if dispositions_out:
        from ..forms.dispositions import disposition_bytes

        outputs.append((dispositions_out, disposition_bytes(dispositions_out, disposition_rows(review.rows))))
    write_together(outputs)  # the package and the table both, or neither
    statuses = Counter(p.status for p in review.placed)
    click.echo(_("wrote {out}: {edited} clauses edited, {inserted} added, {deleted} deleted, {moved} moved; "
                 "{annotations} annotations ({statuses}); {orphans} orphan comments").format(
                     out=out, edited=counts["edited"], inserted=counts["inserted"], deleted=counts["deleted"],
                     moved=counts["moved"], annotations=len(imported.annotations),
                     statuses=", ".join(f"{status_word(k)} {v}" for k, v in sorted(statuses.items())),
                     orphans=len(review.orphans)))


def _package_bytes(out, review, b, n, round_days, counts, titles) -> bytes:
    """The committee package as .docx, or as one web page when ``out`` is an .html."""
    from ..workflows.compare import redline_bytes
    from ..workflows.pages import committee_html, package_blocks

    days = {"round_from": round_days[0], "round_to": round_days[1], "counts": counts, "titles": titles}
    if str(out).lower().endswith(HTML):
        return committee_html(review, b, n, **days).encode("utf-8")
    return redline_bytes(package_blocks(review, b, n, **days), n, old=b)[0]


def _warn_if_older(base, revised) -> None:
    """Warn when the revised draft is dated before the base (BASE and --revised swapped?)."""
    from ..thaidate import parse_date

    def dated(version):
        for value in (version.doc.meta.modified, version.doc.meta.created):
            try:
                return parse_date(value) if value else None
            except ValueError:
                continue
        return None

    old, new = dated(base), dated(revised)
    if old and new and new < old:
        click.echo(_("warning: the revised draft {path} ({new}) is older than the base {base} ({old}); are BASE and "
                     "--revised swapped?").format(path=revised.path, new=new, base=base.path, old=old), err=True)


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


@main.command(help=N_("List the divisions' comments and proposed edits from SOURCES (reviewed copies, forms, "
                "folders, or a round)."))
@click.argument("base", type=click.Path(path_type=str))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@option("--against", type=click.Path(path_type=str), default=None,
        help=N_("A later version: re-anchor every annotation onto it and report where each landed."))
@option("--round-from", default="", help=N_("First day of the round: earlier comments are flagged late."))
@option("--round-to", default="", help=N_("Last day of the round: later comments are flagged late."))
@option("--json", "as_json", is_flag=True, help=N_("Print annotations, conflicts, duplicates and orphans as JSON."))
@option("--force", is_flag=True,
        help=N_("Read a source that looks like a new draft (no comment, no tracked change) as a division's "
                "copy."))
def comments(base, sources, against, round_from, round_to, as_json, force):
    from ..core.groups import conflicts, duplicates
    from ..workflows.merge import reanchored

    resolved = sources_named(base, sources, *round_days(round_from, round_to), force=force)
    b, imported = resolved.base, resolved.imported
    warn_draft(b)
    report_import(imported)
    later = draft_named(against) if against else None
    if later is not None:
        warn_draft(later)
    placed = reanchored(b, later, imported.annotations) if later is not None else {}
    texts = {c.path: c.text for c in b.clauses}
    rows = [_annotation_json(a, placed.get(a.id), texts) for a in imported.annotations]
    groups_c, groups_d = conflicts(imported.annotations), duplicates(imported.annotations)
    orphans = [r["id"] for r in rows if r["status"] == "orphan"]
    if as_json:
        emit_json({"annotations": rows, "conflicts": [_group_json(g) for g in groups_c],
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
        click.echo(f"{one_line(r['division'])} · {one_line(r['clause'] or '-')} · {what} · {status_word(r['status'])}{flags}")
        if r["quote"]:
            click.echo(f"    ข้อความที่อ้างถึง: “{short(r['quote'], 70)}”")
        click.echo(f"    {short(r['text'], 90)}")
    click.echo("\n" + _("{count} annotations").format(count=len(rows)))
    for g in groups_c:
        texts = " | ".join(f"{d}: “{short(t, 30)}”" for d, t in zip(g.divisions, g.texts))
        click.echo(click.style(_("conflict in {clause} on “{quote}”: {texts}").format(
            clause=g.clause, quote=short(g.quote, 40), texts=texts), fg="red"))
    for g in groups_d:
        click.echo(_("duplicate in {clause}: {divisions}").format(clause=g.clause, divisions=", ".join(g.divisions)))
    counts = _("{conflicts} conflicts, {duplicates} duplicates, {orphans} orphans").format(
        conflicts=len(groups_c), duplicates=len(groups_d), orphans=len(orphans))
    click.echo(counts + (": " + ", ".join(orphans) if orphans else ""))


def _check_disposition_ids(path, decided, annotations) -> None:
    """Refuse a disposition table whose ids are not the round's: its results would be lost."""
    from ..errors import FormError

    known = {a.id for a in annotations}
    stray = [d for d in decided if d.key not in known]
    if stray:
        shown = ", ".join(_("no. {number} "
                            "({id})").format(number=d.number, id=d.key or _("no id")) for d in stray[:10])
        if len(stray) > 10:
            shown = _("{listing} and {count} more").format(listing=shown, count=len(stray) - 10)
        raise FormError(path, _("{count} of {total} rows have an id that is no comment of this round: {listing}; "
                                "was the table written for another round?").format(
                                    count=len(stray), total=len(decided), listing=shown))


def _keep_dispositions(resolved, rows) -> None:
    """Store the editor's dispositions with the round, when a round was named."""
    if not resolved.round_name:
        return
    from ..workflows.rounds import store_dispositions

    kept, created = store_dispositions(resolved.root, resolved.round_name, rows, added_at=now())
    state = (_('dispositions of round "{name}": stored as revision {revision}') if created else
             _('dispositions of round "{name}": unchanged since revision {revision}'))
    click.echo(state.format(name=resolved.round_name, revision=kept.revision), err=True)
