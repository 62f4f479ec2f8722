"""The archive commands: init, add, log, show, blame, round add / round list."""

from __future__ import annotations


import click

from . import main
from .common import emit_json, now, open_store, print_clauses, print_messages, report_import, short

@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--db", "db", default=None, metavar="URL",
              help="Keep the archive in this PostgreSQL database (postgresql://[user@]host[:port]/database, "
                   "no password: libpq reads ~/.pgpass, PGPASSFILE or a service file). Default: "
                   "POLICYDIFF_DB, else SQLite in .policydiff/.")
def init(folder, db):
    """Create an empty version archive (.policydiff/) in FOLDER (default: the current folder)."""
    from ..store import ARCHIVE_DIRNAME, PostgresStore, Store

    with Store.init(folder, db=db) as store:
        if not isinstance(store, PostgresStore):
            click.echo(f"initialized an empty archive in {store.root / ARCHIVE_DIRNAME}")
        elif store.was_new:
            click.echo(f"initialized an empty archive in {store.where}, recorded in {store.root / ARCHIVE_DIRNAME}")
        else:
            click.echo(f"{store.root} now uses the archive in {store.where} ({len(store.list_versions())} "
                       "versions)")


@main.command()
@click.argument("draft", type=click.Path(path_type=str))
@click.option("--label", required=True, help='The version\'s name, e.g. "v2" or "ร่าง ๒" (not digits alone).')
@click.option("--date", "date", default=None,
              help="The draft's date, ISO or Thai (2009-08-19, ๑๙ สิงหาคม ๒๕๕๒). "
                   "Default: the file's modified, else created, date.")
@click.option("--note", default="", help="A line saying what this version is.")
def add(draft, label, date, note):
    """Add DRAFT.docx to the archive as a new version (the same file twice changes nothing)."""
    from ..workflows.archive import add_file
    from ..thaidate import to_be_long

    with open_store() as store:
        done = add_file(store, draft, label=label, date=date, note=note, added_at=now())
    v = done.version
    print_messages(done.warnings, draft)
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
    from ..workflows.archive import log_entries

    with open_store() as store:
        rows = log_entries(store)
    if as_json:
        emit_json(rows)
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
    from ..workflows.archive import version_clauses

    with open_store() as store:
        clauses = version_clauses(store, store.get_version(version))
    print_clauses(clauses, as_json)


@main.command()
@click.argument("version")
@click.option("--clause", "clause", default=None,
              help='Only this clause: "ข้อ ๕", "ข้อ 5", "5", "หมวด ๒ ข้อ ๘", "ข้อ ๙ (๔)".')
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one entry per clause.")
def blame(version, clause, as_json):
    """For each clause of VERSION: the version that introduced its wording, and whose proposal it was."""
    from ..workflows.blame import blame as blame_rows

    with open_store() as store:
        rows = blame_rows(store, version, clause=clause)
    if as_json:
        emit_json(rows)
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
    return f"{line}  {short(r['text'], 50)}"


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
    from ..workflows.rounds import add_round

    with open_store() as store:
        done = add_round(store, name, date_from, date_to, sources, base=base, added_at=now())
    report_import(done.imported, refuse_drafts=False)  # recorded already: the problems are in its report
    r, anns = done.round, done.imported.annotations
    proposals = sum(1 for a in anns if a.kind == "proposal")
    click.echo(f'recorded round "{r.name}" on "{r.base_label}": {len(r.sources)} files, {len(anns) - proposals} '
               f"comments, {proposals} proposals, {len(done.imported.problems)} unusable files")


@round_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rounds.")
def round_list(as_json):
    """List the recorded comment rounds."""
    from ..workflows.rounds import round_json

    with open_store() as store:
        rows = [round_json(store, r) for r in store.list_rounds()]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no rounds yet: `policydiff round add NAME --from D --to D SOURCE...`")
    for r in rows:
        disp = f", dispositions revision {r['dispositions_revision']}" if r["dispositions_revision"] else ""
        click.echo(f"{r['name']}  {r['from_be']} ถึง {r['to_be']}  on {r['base']}: {len(r['sources'])} files, "
                   f"{r['comments']} comments, {r['proposals']} proposals{disp}")


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="The folder to write the site into (made if missing; our pages in it are replaced).")
@click.option("--version", "version", default=None, help="The version the home page shows (default: the latest).")
def publish(folder, out, version):
    """Write a static web site from the archive in FOLDER: the chosen version with clause anchors,
    the history of versions, a redline per consecutive pair, the rounds, a page per clause."""
    from pathlib import Path

    from ..errors import InputError
    from ..workflows.archive import open_archive
    from ..workflows.publish import publish as write_site

    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(out, "is a file; give a folder for the site")
    if not target.parent.is_dir():
        raise InputError(out, "its parent folder does not exist")
    with open_archive(folder) as store:
        if ".policydiff" in target.resolve().parts:
            raise InputError(out, "is inside the archive; write the site elsewhere")
        written = write_site(store, target, version)
    click.echo(f"wrote {len(written)} pages to {out} (open {target / 'index.html'})")


@main.group("archive")
def archive_group():
    """The archive as a whole: check it, or copy it to another store."""


@archive_group.command("verify")
def archive_verify():
    """Read every version, round file and disposition back: hashes, references, numbering."""
    from ..errors import ArchiveError
    from ..workflows.transfer import verify

    with open_store() as store:
        done = verify(store)
        where = getattr(store, "where", None) or store.root
    for problem in done.problems:
        click.echo(f"problem: {problem}", err=True)
    if done.problems:
        raise ArchiveError(f"{where}: the archive is inconsistent ({len(done.problems)} problems above)")
    click.echo(f"{where}: consistent: {done.versions} versions, {done.rounds} rounds, {done.files} round files, "
               f"{done.dispositions} disposition revisions; every hash matches")


@archive_group.command("copy")
@click.option("--to", "target", required=True, metavar="URL|FOLDER",
              help="An empty PostgreSQL database (postgresql://…), or a folder to hold a new SQLite archive.")
def archive_copy(target):
    """Copy the whole archive (history and cache) to another store, then check every hash there."""
    from ..workflows.archive import BUSY_TIMEOUT
    from ..workflows.transfer import copy

    with open_store() as store:
        done = copy(store, target, busy_timeout=BUSY_TIMEOUT)
    click.echo(f"copied to {done.target}: {done.versions} versions, {done.rounds} rounds, {done.dispositions} "
               f"disposition revisions, {done.cache_entries} cache entries; every hash matches")
