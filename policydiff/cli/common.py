"""What the commands share: checking outputs and dates before any work, reading drafts and
sources named by path or archive label, printing warnings, JSON and progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from ..core.objects import visible
from ..errors import one_line
from ..i18n import N_, _, language
from ..thaidate import to_be_english, to_be_long
from .language import option

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug of ours, not bad input
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C

# The words printed for the statuses of clauses (diff) and annotations (merge, comments); the
# statuses themselves stay as they are in --json.
STATUS_WORDS = {"anchored": N_("anchored"), "moved": N_("moved"), "fuzzy": N_("fuzzy"), "deleted": N_("deleted"),
                "orphan": N_("orphan"), "edited": N_("edited"), "inserted": N_("inserted"),
                "renumbered": N_("renumbered")}


def status_word(status: str) -> str:
    """A status as a person reads it, in the current language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def print_messages(messages, source: str = "") -> None:
    """Print messages (odd but usable input) on stderr, one line each, each naming its file once:
    the one way every command shows a Result's messages or a draft's warnings."""
    for m in messages:
        named = not source or m.startswith(f"{source}:") or m.startswith(f"{Path(source).name}:")
        click.echo(_("warning: {message}").format(message=one_line(m if named else f"{source}: {m}")), err=True)


def print_clauses(clauses, as_json: bool) -> None:
    """The clause tree as ``outline`` and ``show`` print it: JSON, or one indented line each."""
    if as_json:
        emit_json([clause_json(c) for c in clauses])
        return
    for c in clauses:
        click.echo("  " * c.level + clause_line(c))


def warn_draft(version) -> None:
    """Print a read draft's warnings on stderr, each naming the file."""
    print_messages(version.doc.warnings, version.path)


def check_output(path) -> None:
    """Refuse an output path that cannot be written before any slow work (fsutil checks again)."""
    from pathlib import Path

    from ..errors import InputError

    if path is None:
        return
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(path, _("directory does not exist"))
    if target.is_dir():
        raise InputError(path, _("is a directory; give a file name to write"))


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


VIEW_OPTION = option(
    "--view", type=click.Choice(["accept", "reject"]), default="accept", show_default=True,
    help=N_("How to read tracked changes already in the file: accept them or reject them."),
)


DATE_HELP = N_("Revision date (ISO 8601). Default: the new file's modified date, else now.")


DOCX, TABLES, HTML = (".docx",), (".csv", ".xlsx"), (".html", ".htm")
SUFFIXES = {"docx": DOCX, "html": HTML}

FORMAT_OPTION = option(
    "--format", "fmt", type=click.Choice(["docx", "html"]), default=None,
    help=N_("Output format; default: from the output's extension (.docx or .html)."))


def output_format(out, fmt):
    """The format of an output: the one asked for, else the one its extension names (else docx,
    refused with the suffixes it needs when planned)."""
    if fmt:
        return fmt
    return "html" if str(out).lower().endswith(HTML) else "docx"


def plan(outputs, inputs) -> None:
    """Check every output of a command before any work (``fsutil.plan_outputs``); an input that
    is an archive label rather than a path is no file to protect."""
    from ..fsutil import plan_outputs

    plan_outputs(outputs, [i for i in inputs if i is not None])


def iso_date(value):
    """The ``xsd:dateTime`` of a ``--date`` (ISO or Thai, B.E. or C.E.), or None."""
    if value is None:
        return None
    from ..errors import OptionError
    from ..thaidate import revision_datetime

    try:
        return revision_datetime(value)
    except ValueError as e:
        raise OptionError(_("--date: {problem}").format(problem=e)) from None


def short(text: Optional[str], width: int = 60) -> str:
    first = (text or "").split("\n", 1)[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def progress(label: str):
    """A progress bar on a terminal; nothing when output is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def wrap(items):
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


def report_import(imported, refuse_drafts: bool = True) -> None:
    # A division's name or comment may hold a line break: one line each, so none can pose as another.
    print_messages(imported.warnings)
    for p in imported.problems:
        click.echo(_("error: {message}").format(message=one_line(p.message)), err=True)
    if refuse_drafts and any(getattr(p, "draft", False) for p in imported.problems):
        raise click.exceptions.Exit(EXIT_BAD_INPUT)  # a new draft given as a division's copy: said above
    if getattr(imported, "skipped", ()):
        names = ", ".join(one_line(n) for n in imported.skipped)
        click.echo(_("skipped {count} files written by policydiff (ข้ามไฟล์ที่ policydiff สร้าง {count} ไฟล์): "
                     "{names}").format(count=len(imported.skipped), names=names), err=True)


def n_sources(imported) -> int:
    return len({a.source for a in imported.annotations})


def day(value: str, name: str) -> str:
    """The ISO date of a day option (ISO or Thai, B.E. or C.E.), or ""."""
    if not value:
        return ""
    from ..errors import OptionError
    from ..thaidate import parse_date

    try:
        return parse_date(value)
    except ValueError as e:
        raise OptionError(_("{option}: {problem}").format(option=name, problem=e)) from None


def round_days(round_from: str, round_to: str) -> tuple:
    """(first, last) day of a round from its options; a round that ends before it starts is refused."""
    from ..errors import OptionError

    first, last = day(round_from, "--round-from"), day(round_to, "--round-to")
    if first and last and first > last:
        raise OptionError(_("--round-from {first} is after --round-to {last}: the round would end before it "
                            "starts").format(
            first=first, last=last))
    return first, last


def shown_date(iso_date: str) -> str:
    """A date as the reader's language writes it: ๑๙ สิงหาคม ๒๕๕๒, or 19 August B.E. 2552."""
    return to_be_english(iso_date) if language() == "en" else to_be_long(iso_date)


def now() -> str:
    """The moment a record is added, in local time with its offset (the only clock read)."""
    import datetime as _dt

    return _dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def draft_named(arg: str):
    """The draft a positional names: an existing file, else a version label in the archive."""
    from ..workflows.archive import resolve_draft

    return resolve_draft(arg)


def drafts_named(old: str, new: str):
    """The two drafts a comparison names (files read side by side when large)."""
    from ..workflows.archive import resolve_drafts

    return resolve_drafts(old, new)


def sources_named(base: str, sources, round_from: str, round_to: str, force: bool = False):
    """BASE and SOURCES resolved: files, or one round name whose stored annotations are used."""
    from ..workflows.rounds import resolve_sources

    resolved = resolve_sources(base, sources, round_from=round_from, round_to=round_to, force=force)
    if resolved.round_name:
        click.echo(_('using round "{name}" from the archive: {count} annotations on {path}').format(
            name=resolved.round_name, count=len(resolved.imported.annotations),
            path=resolved.base.path), err=True)
    print_messages(resolved.notes)
    return resolved


def open_store():
    from ..workflows.archive import open_archive

    return open_archive()


def clause_json(c) -> dict:
    return {"label": c.label, "number": c.number, "kind": c.kind, "path": c.path, "level": c.level,
            "text": visible(c.text), "body": visible(c.body)}


def clause_line(c, width: int = 70) -> str:
    body = visible(c.body)
    first = body.replace("\n", " ") if c.kind == "title" else body.split("\n", 1)[0]  # a title's lines are one
    if len(first) > width:
        first = first[: width - 1] + "…"
    head = c.label or {"title": "[ชื่อเรื่อง]", "preamble": "[อารัมภบท]", "closing": "[ท้ายประกาศ]",
                       "table": f"[ตาราง {c.number}]"}.get(c.kind, "")
    return f"{head} {first}".strip()
