"""The archive's pages: the versions (log and upload), the redline between any two versions,
the published site's pages served live (a clause's history), the language switch, the name."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from .app import now, store
from .lang import _
from .security import MAX_FILE_BYTES, TOKEN_COOKIE

YEAR = 365 * 24 * 3600


def register(app) -> None:
    app.add_url_rule("/", "versions", versions)
    app.add_url_rule("/versions", "add_version", add_version, methods=["POST"])
    app.add_url_rule("/redline", "redline", redline_page)
    app.add_url_rule("/site/<page>", "site", site_page)
    app.add_url_rule("/lang/<code>", "switch_language", switch_language)
    app.add_url_rule("/who", "set_who", set_who, methods=["POST"])
    app.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))


def versions(message: str = "", error: str = "", status: int = 200):
    """The log with B.E. dates and notes, the rounds, and the forms to add a version or a round."""
    s = store()
    listed = s.list_versions()
    return render_template("versions.html", versions=listed, rounds=s.list_rounds(), message=message,
                           error=error), status


def add_version():
    """Archive an uploaded draft with its label, date and note."""
    from ..workflows.archive import add_bytes

    upload = request.files.get("file")
    label = request.form.get("label", "").strip()
    if upload is None or not upload.filename:
        return versions(error=_("Choose the draft's .docx file."), status=400)
    if not label:
        return versions(error=_("Give the version a label, such as ร่าง ๒."), status=400)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        abort(413)
    name = _file_name(upload.filename)
    added = add_bytes(store(), data, name, label=label, date=request.form.get("date", "").strip() or None,
                      note=request.form.get("note", "").strip(), added_at=now())
    if not added.created:
        return versions(message=_("This file is already in the archive as {label}; nothing was added.").format(
            label=added.version.label))
    return versions(message=_("Added {label}.").format(label=added.version.label))


def _file_name(name: str) -> str:
    """An uploaded file's name as a name only: whatever a browser sent, no folder survives."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"


def redline_page():
    """The redline between any two versions, as the HTML writer draws it."""
    from ..workflows.served import redline_page as page

    s = store()
    old, new = request.args.get("old", ""), request.args.get("new", "")
    if not old or not new:
        return redirect(url_for("versions"))
    g.document = True
    return page(s, s.get_version(old), s.get_version(new), nav=_nav())


def site_page(page: str):
    """A page of the archive's published site (history, a clause's history), built when asked."""
    from ..workflows.served import site_page as build

    g.document = True
    html = build(store(), page, nav=_nav(), version=request.args.get("version") or None)
    if html is None:
        abort(404)
    return html


def _nav() -> list:
    return [(url_for("versions"), _("Versions")), (url_for("site", page="clauses.html"), _("Clause history"))]


def switch_language(code: str):
    """Remember the chosen language and go back to the page it was chosen on."""
    from .. import i18n

    if i18n.supported(code) is None:
        abort(404)
    answer = redirect(_local(request.args.get("next", "")))
    answer.set_cookie("lang", i18n.supported(code), max_age=YEAR, samesite="Lax")
    return answer


def _local(target: str) -> str:
    """``target`` when it is a path of this app, else the home page (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("versions")


def set_who():
    """Remember the name shown with every save."""
    answer = redirect(_local(request.form.get("next", "")))
    answer.set_cookie("who", request.form.get("who", "").strip()[:80], max_age=YEAR, samesite="Lax",
                      httponly=True)
    return answer


def login():
    """The token form of an app that listens beyond this machine."""
    import hmac

    from flask import current_app

    token = current_app.config["POLICYDIFF_TOKEN"]
    if request.method == "POST" and token and hmac.compare_digest(request.form.get("token", "").encode(),
                                                                  token.encode()):
        answer = redirect(url_for("versions"))
        answer.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return answer
    status = 401 if request.method == "POST" else 200
    return render_template("login.html", failed=request.method == "POST"), status
