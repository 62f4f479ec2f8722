"""A comment round's pages: create it, upload the divisions' files, every comment and proposal
clause by clause, the dispositions (saved with who and when, with their history), downloads."""

from __future__ import annotations

import io

from flask import abort, redirect, render_template, request, send_file, url_for

from ..errors import ArchiveError
from ..forms.dispositions import RESULTS
from .app import now, store
from .lang import _
from .security import MAX_FILE_BYTES, MAX_FILES, attachment

STATUSES = ("anchored", "moved", "fuzzy", "deleted", "orphan")


def register(app) -> None:
    app.add_url_rule("/rounds", "create_round", create_round, methods=["POST"])
    app.add_url_rule("/rounds/<name>", "round_page", round_page)
    app.add_url_rule("/rounds/<name>/files", "upload", upload, methods=["POST"])
    app.add_url_rule("/rounds/<name>/dispositions", "dispositions", dispositions_page)
    app.add_url_rule("/rounds/<name>/dispositions", "save", save, methods=["POST"])
    app.add_url_rule("/rounds/<name>/history", "history", history)
    app.add_url_rule("/rounds/<name>/table.<fmt>", "table", table)
    app.add_url_rule("/rounds/<name>/package.docx", "package", package)
    app.add_url_rule("/rounds/<name>/consolidated.docx", "consolidated", consolidated)


def create_round():
    """Record a new round (no files yet) and open its page."""
    from ..workflows.roundwork import create_round as create

    from .pages import versions

    name = request.form.get("name", "").strip()
    if not name or "/" in name or "\\" in name:
        return versions(error=_("Give the round a name without slashes, such as รอบที่ ๑."), status=400)
    create(store(), name, request.form.get("date_from", "").strip(), request.form.get("date_to", "").strip(),
           base=request.form.get("base") or None, added_at=now())
    return redirect(url_for("round_page", name=name))


def _view(name: str):
    from ..workflows.roundview import round_view

    _known(name)
    return round_view(store(), name, request.args.get("against") or None)


def _known(name: str) -> None:
    """404 for a round the archive does not have (a name is only ever looked up, never a path)."""
    if all(r.name != name for r in store().list_rounds()):
        abort(404)


def _filters(view) -> dict:
    """The filters a page was asked for, and the items they keep."""
    wanted = {k: request.args.get(k, "") for k in ("division", "clause", "result", "status")}
    items = [i for i in view.items
             if (not wanted["division"] or i.division == wanted["division"])
             and (not wanted["clause"] or i.clause == wanted["clause"])
             and (not wanted["result"] or i.result == wanted["result"])
             and (not wanted["status"] or i.status == wanted["status"])]
    return {"wanted": wanted, "items": items}


def _context(view, **extra) -> dict:
    from ..workflows.roundview import grouped, later_versions

    shown = _filters(view)
    return dict(view=view, r=view.round, shown=shown, sections=sections(view, shown["items"]),
                divisions=sorted({i.division for i in view.items}), all_clauses=[c for c, _ in grouped(view.items)],
                later=later_versions(store(), view.round), results=RESULTS, statuses=STATUSES,
                max_mb=MAX_FILE_BYTES // (1024 * 1024), **extra)


def sections(view, items) -> list:
    """[(clause label, blocks)]: per clause, each conflict or duplicate group as one block
    ("conflict"|"duplicate", its items), then each other item alone (None, [item])."""
    from ..workflows.roundview import grouped

    group_of = {}
    for kind, found in (("conflict", view.conflicts), ("duplicate", view.duplicates)):
        for n, g in enumerate(found):
            for m in g.members:
                group_of.setdefault(m, (kind, n))
    out = []
    for clause, members in grouped(items):
        blocks, at = [], {}
        for i in members:
            tag = group_of.get(i.key)
            if tag is None:
                blocks.append((None, [i]))
            elif tag in at:
                blocks[at[tag]][1].append(i)
            else:
                at[tag] = len(blocks)
                blocks.append((tag[0], [i]))
        out.append((clause, blocks))
    return out


def round_page(name: str, **extra):
    """Every comment and proposal, clause by clause, with its division, quote and status."""
    status = extra.pop("status", 200)
    return render_template("round.html", **_context(_view(name), **extra)), status


def upload(name: str):
    """Add the divisions' reviewed copies and forms; a bad file is refused with its message."""
    from ..workflows.roundwork import add_round_files

    _known(name)  # a round that is not there is refused before reading any upload
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        return round_page(name, upload_error=_("Choose one or more .docx, .csv or .xlsx files."), status=400)
    if len(files) > MAX_FILES:
        abort(413)
    contents = []
    for f in files:
        data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            abort(413)
        contents.append((_name(f.filename), data))
    done = add_round_files(store(), name, contents, added_at=now())
    skipped = getattr(done, "skipped", ())
    return round_page(name, added=done.added, refused=done.refused, skipped=skipped,
                      status=200 if done.added or skipped or not done.refused else 400)


def _name(filename: str) -> str:
    from .pages import _file_name

    return _file_name(filename)


def dispositions_page(name: str, **extra):
    """For each comment and proposal: the suggested and saved result and reason, a control to change it."""
    status = extra.pop("status", 200)
    return render_template("dispositions.html", **_context(_view(name), **extra)), status


def save(name: str):
    """Save one disposition with who saved it; a save made meanwhile in another tab is kept in the
    history and the page says so."""
    from ..workflows.roundwork import save_disposition

    who = request.form.get("who", "").strip()[:80] or request.cookies.get("who", "")
    result, key = request.form.get("result", ""), request.form.get("key", "")
    if result not in RESULTS:
        return dispositions_page(name, save_error=_("Choose a result."), status=400)
    if not who:
        return dispositions_page(name, save_error=_("Type your name once: it is kept with every save."),
                                 status=400)
    seen = request.form.get("seen_revision", "")
    saved = save_disposition(store(), name, key, result=result, reason=request.form.get("reason", "").strip(),
                             who=who, seen_revision=int(seen) if seen.isdigit() else None, added_at=now(),
                             against=request.args.get("against") or None)
    answer, _status = dispositions_page(name, saved_key=key, overwrote=saved.overwrote)
    response = _response(answer)
    response.set_cookie("who", who, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _response(html: str):
    from flask import make_response

    return make_response(html)


def history(name: str):
    """Every saved change of one disposition: who, when, result, reason."""
    from ..workflows.roundwork import disposition_history

    key = request.args.get("key", "")
    view = _view(name)
    item = next((i for i in view.items if i.key == key), None)
    if item is None:
        abort(404)
    return render_template("history.html", r=view.round, item=item,
                           changes=disposition_history(store(), name, key, request.args.get("against") or None))


def table(name: str, fmt: str):
    """The disposition table as .xlsx or .csv."""
    from ..workflows.roundview import table_bytes

    if fmt not in ("xlsx", "csv"):
        abort(404)
    view = _view(name)
    kind = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8"}[fmt]
    return _download(table_bytes(view, fmt), f"ตารางสรุปผล-{view.round.name}.{fmt}", kind)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def package(name: str):
    """The committee package from the saved dispositions, against the chosen revised version."""
    from ..workflows.roundview import package_bytes

    view = _view(name)
    if view.against is None:
        raise ArchiveError(_("Add the revised draft as a version first: the committee package compares it "
                             "with the round's base."))
    return _download(package_bytes(store(), view), f"ชุดเอกสารคณะกรรมการ-{view.round.name}-{view.against.label}.docx",
                     DOCX)


def consolidated(name: str):
    """The consolidated copy: the base draft with every division's proposals and comments."""
    from ..workflows.roundview import consolidated_bytes

    _known(name)
    r = store().get_round(name)
    return _download(consolidated_bytes(store(), r.name), f"ฉบับรวมความเห็น-{r.name}.docx", DOCX)


def _download(data: bytes, filename: str, mimetype: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment(filename)
    return response
