"""The archive commands: init, add, log, show, blame, round add / round list."""

from __future__ import annotations

import click

from ..i18n import N_, _, ngettext
from . import main
from .common import emit_json, now, open_store, print_clauses, print_messages, report_import, short, shown_date
from .language import option


@main.command(help=N_("Create an empty version archive (.policydiff/) in FOLDER (default: the current folder)."))
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=str))
@option("--db", "db", default=None, metavar="URL",
        help=N_("Keep the archive in this PostgreSQL database (postgresql://[user@]host[:port]/database, no "
                "password: libpq reads ~/.pgpass, PGPASSFILE or a service file). Default: POLICYDIFF_DB, "
                "else SQLite in .policydiff/."))
def init(folder, db):
    from ..store import ARCHIVE_DIRNAME, PostgresStore, Store

    with Store.init(folder, db=db) as store:
        if not isinstance(store, PostgresStore):
            click.echo(_("initialized an empty archive in {folder}").format(folder=store.root / ARCHIVE_DIRNAME))
        elif store.was_new:
            click.echo(_("initialized an empty archive in {where}, recorded in {folder}").format(
                where=store.where, folder=store.root / ARCHIVE_DIRNAME))
        else:
            click.echo(_("{root} now uses the archive in {where} ({count} versions)").format(
                root=store.root, where=store.where, count=len(store.list_versions())))


@main.command(help=N_("Add DRAFT.docx to the archive as a new version (the same file twice changes nothing)."))
@click.argument("draft", type=click.Path(path_type=str))
@option("--label", required=True, help=N_("The version's name, e.g. \"v2\" or \"ร่าง ๒\" (not digits alone)."))
@option("--date", "date", default=None,
        help=N_("The draft's date, ISO or Thai (2009-08-19, ๑๙ สิงหาคม ๒๕๕๒). Default: the file's modified, "
                "else created, date."))
@option("--note", default="", help=N_("A line saying what this version is."))
def add(draft, label, date, note):
    from ..workflows.archive import add_file

    with open_store() as store:
        done = add_file(store, draft, label=label, date=date, note=note, added_at=now())
    v = done.version
    print_messages(done.warnings, draft)
    if not done.created:
        click.echo(_('{draft} is already in the archive as "{label}" (version {seq}, added {added}); nothing '
                     "changed").format(draft=draft, label=v.label, seq=v.seq, added=shown_date(v.added_at)))
        return
    click.echo(ngettext('added "{label}" as version {seq}: {date}, {clauses} clause, sha256 {sha256}',
                        'added "{label}" as version {seq}: {date}, {clauses} clauses, sha256 {sha256}',
                        done.clauses).format(label=v.label, seq=v.seq, date=shown_date(v.date), clauses=done.clauses,
                                             sha256=v.sha256[:12]))


@main.command(help=N_("List the archived versions, oldest first: seq, label, date (B.E.), sha256, clauses, note."))
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list of versions, oldest first."))
def log(as_json):
    from ..workflows.archive import log_entries

    with open_store() as store:
        rows = log_entries(store)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(_("no versions yet: `policydiff add DRAFT.docx --label v1`"))
    width = max((len(r["label"]) for r in rows), default=0)
    for r in rows:
        clauses = ngettext("{n} clause", "{n} clauses", r["clauses"]).format(n=r["clauses"])
        line = f"{r['seq']:>3}  {r['label']:<{width}}  {shown_date(r['date'])}  {r['sha256'][:12]}  {clauses}"
        click.echo(line + (f"  {r['note']}" if r["note"] else ""))


@main.command(help=N_("Show the clause tree of an archived VERSION (a label or a seq number), like `outline`."))
@click.argument("version")
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list of clauses in document order."))
def show(version, as_json):
    from ..workflows.archive import version_clauses

    with open_store() as store:
        clauses = version_clauses(store, store.get_version(version))
    print_clauses(clauses, as_json)


@main.command(help=N_("For each clause of VERSION: the version that introduced its wording, and whose proposal it "
                "was."))
@click.argument("version")
@option("--clause", "clause", default=None,
        help=N_('Only this clause: "ข้อ ๕", "ข้อ 5", "5", "หมวด ๒ ข้อ ๘", "ข้อ ๙ (๔)".'))
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list, one entry per clause."))
def blame(version, clause, as_json):
    from ..workflows.blame import blame as blame_rows

    with open_store() as store:
        rows = blame_rows(store, version, clause=clause)
    if as_json:
        emit_json(rows)
        return
    width = max((len(r["label"]) for r in rows), default=0)
    for r in rows:
        click.echo(_blame_line(r, width))


_HOW = {"first": N_("first draft"), "edited": N_("edited"), "inserted": N_("inserted")}


def _blame_line(r: dict, width: int) -> str:
    intro = r["introduced"]
    line = f"{r['label']:<{width}}  {intro['label']} ({shown_date(intro['date'])}, {_(_HOW[r['how']])})"
    if r["proposals"]:
        rounds = ", ".join(dict.fromkeys(p["round"] for p in r["proposals"]))
        line += "  " + _("as proposed by {divisions} [{rounds}]").format(divisions=", ".join(r["divisions"]),
                                                                         rounds=rounds)
    return f"{line}  {short(r['text'], 50)}"


@main.group("round", help=N_("Comment rounds: what the divisions sent back on one version, kept in the archive."))
def round_group():
    pass


@round_group.command("add", help=N_("Record round NAME: its SOURCES (reviewed copies, forms, folders) and their "
                                    "annotations."))
@click.argument("name")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@option("--from", "date_from", required=True, help=N_("First day of the round (ISO or Thai date)."))
@option("--to", "date_to", required=True, help=N_("Last day of the round (ISO or Thai date)."))
@option("--base", default=None,
        help=N_("The version commented on (label or seq). Default: the latest dated before the round ends."))
def round_add(name, sources, date_from, date_to, base):
    from ..workflows.rounds import add_round

    with open_store() as store:
        done = add_round(store, name, date_from, date_to, sources, base=base, added_at=now())
    report_import(done.imported, refuse_drafts=False)  # recorded already: the problems are in its report
    r, anns = done.round, done.imported.annotations
    proposals = sum(1 for a in anns if a.kind == "proposal")
    click.echo(_('recorded round "{name}" on "{base_label}": {files} files, {comments} comments, {proposals} '
                 "proposals, {problems} unusable files").format(
                     name=r.name, base_label=r.base_label, files=len(r.sources), comments=len(anns) - proposals,
                     proposals=proposals, problems=len(done.imported.problems)))


@round_group.command("list", help=N_("List the recorded comment rounds."))
@option("--json", "as_json", is_flag=True, help=N_("Print a JSON list of rounds."))
def round_list(as_json):
    from ..workflows.rounds import round_json

    with open_store() as store:
        rows = [round_json(store, r) for r in store.list_rounds()]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(_("no rounds yet: `policydiff round add NAME --from D --to D SOURCE...`"))
    for r in rows:
        line = (_("{name}  {first_day} to {last_day}  on {base}: {files} files, {comments} comments, {proposals} "
                  "proposals, dispositions revision {revision}") if r["dispositions_revision"] else
                _("{name}  {first_day} to {last_day}  on {base}: {files} files, {comments} comments, {proposals} "
                  "proposals"))
        click.echo(line.format(name=r["name"], first_day=shown_date(r["from"]), last_day=shown_date(r["to"]),
                               base=r["base"],
                               files=len(r["sources"]), comments=r["comments"], proposals=r["proposals"],
                               revision=r["dispositions_revision"]))


@main.command(help=N_("Write a static web site from the archive in FOLDER: the chosen version with clause anchors, "
                "the history of versions, a redline per consecutive pair, the rounds, a page per clause."))
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=str))
@option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
        help=N_("The folder to write the site into (made if missing; our pages in it are replaced, and those of "
                "an earlier publish the site has no more are removed)."))
@option("--version", "version", default=None, help=N_("The version the home page shows (default: the latest)."))
def publish(folder, out, version):
    from pathlib import Path

    from ..errors import InputError
    from ..workflows.archive import open_archive
    from ..workflows.publish import publish as write_site

    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(out, _("is a file; give a folder for the site"))
    if not target.parent.is_dir():
        raise InputError(out, _("its parent folder does not exist"))
    with open_archive(folder) as store:
        if ".policydiff" in target.resolve().parts:
            raise InputError(out, _("is inside the archive; write the site elsewhere"))
        done = write_site(store, target, version)
    click.echo(_("wrote {count} pages to {out} (open {index})").format(
        count=len(done.written), out=out, index=target / "index.html"))
    if done.removed:
        click.echo(ngettext("removed {count} page an earlier publish wrote there that the site has no more",
                            "removed {count} pages an earlier publish wrote there that the site has no more",
                            len(done.removed)).format(count=len(done.removed)))


@main.group("archive", help=N_("The archive as a whole: check it, or copy it to another store."))
def archive_group():
    pass


@archive_group.command("verify", help=N_("Read every version, round file and disposition back: hashes, references, "
                                         "numbering."))
def archive_verify():
    from ..errors import ArchiveError
    from ..workflows.transfer import verify

    with open_store() as store:
        done = verify(store)
        where = getattr(store, "where", None) or store.root
    for problem in done.problems:
        click.echo(_("problem: {problem}").format(problem=problem), err=True)
    if done.problems:
        raise ArchiveError(_("{where}: the archive is inconsistent ({count} problems above)").format(
            where=where, count=len(done.problems)))
    click.echo(_("{where}: consistent: {versions} versions, {rounds} rounds, {files} round files, {dispositions} "
                 "disposition revisions; every hash matches").format(
                     where=where, versions=done.versions, rounds=done.rounds, files=done.files,
                     dispositions=done.dispositions))


@archive_group.command("copy", help=N_("Copy the whole archive (history and cache) to another store, then check "
                                       "every hash there."))
@option("--to", "target", required=True, metavar="URL|FOLDER",
        help=N_("An empty PostgreSQL database (postgresql://…), or a folder to hold a new SQLite archive."))
def archive_copy(target):
    from ..workflows.archive import BUSY_TIMEOUT
    from ..workflows.transfer import copy

    with open_store() as store:
        done = copy(store, target, busy_timeout=BUSY_TIMEOUT)
    click.echo(_("copied to {target}: {versions} versions, {rounds} rounds, {dispositions} disposition "
                 "revisions, {cache_entries} cache entries; every hash matches").format(
                     target=done.target, versions=done.versions, rounds=done.rounds, dispositions=done.dispositions,
                     cache_entries=done.cache_entries))
