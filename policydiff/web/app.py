"""The Flask application over one archive: pages rendered on the server, working without
JavaScript; every request in the language it asks for; every form checked for its CSRF token."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from flask import Flask, g, render_template, request

from ..errors import PolicydiffError, one_line
from ..store import Store
from . import lang, security


def create_app(root, *, secret_key: Optional[str] = None, token: str = "") -> Flask:
    """The app over the archive in the folder ``root`` (which must hold one). ``token``: required
    from every request when given (the app listens beyond this machine)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key or secrets.token_hex(32), MAX_CONTENT_LENGTH=security.MAX_REQUEST_BYTES,
                      MAX_FORM_MEMORY_SIZE=security.MAX_FILE_BYTES, MAX_FORM_PARTS=security.MAX_FILES * 4 + 50,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      POLICYDIFF_ROOT=Path(root).resolve(), POLICYDIFF_TOKEN=token)
    lang.install(app)
    _guard(app, token)
    _templates(app)
    from . import pages, roundpages

    pages.register(app)
    roundpages.register(app)
    _errors(app)
    return app


def _guard(app: Flask, token: str) -> None:
    @app.before_request
    def _check():
        refused = security.check_token(token)
        if refused is not None:
            return refused
        security.check_csrf()
        return None

    @app.after_request
    def _headers(response):
        return security.headers(response, document=g.get("document", False))

    @app.teardown_request
    def _close_store(_exc=None):
        store = g.pop("store", None)
        if store is not None:
            store.close()


def _templates(app: Flask) -> None:
    from ..thaidate import to_be_english, to_be_long, to_be_short

    def be(iso: str, short: bool = False) -> str:
        if not iso:
            return ""
        try:
            day = ((to_be_short if short else to_be_long)(iso[:10]) if lang.current() == "th"
                   else to_be_english(iso[:10], short=short))
        except ValueError:
            return iso
        return day + (f" {iso[11:16]}" if len(iso) > 10 else "")

    app.jinja_env.filters["be"] = be
    app.jinja_env.globals.update(csrf_token=security.csrf_token, csrf_field=security.CSRF_FIELD,
                                 max_files=security.MAX_FILES, result_names=lang.RESULT_NAMES,
                                 status_names=lang.STATUS_NAMES, kind_names=lang.KIND_NAMES)

    @app.context_processor
    def _common():
        return {"lang": lang.current(), "who": request.cookies.get("who", "")}


def _errors(app: Flask) -> None:
    from .lang import _

    def page(status: int, message: str):
        return render_template("error.html", status=status, message=message), status

    app.register_error_handler(PolicydiffError, lambda e: page(400, one_line(str(e))))
    app.register_error_handler(403, lambda e: page(403, _("This form has expired or did not come from this "
                                                           "page; open the page again and retry.")))
    app.register_error_handler(404, lambda e: page(404, _("There is no such page in this archive.")))
    app.register_error_handler(413, lambda e: page(413, _("The upload is too large: at most {mb} MB per "
                                                           "file and {n} files at once.").format(
        mb=security.MAX_FILE_BYTES // (1024 * 1024), n=security.MAX_FILES)))


def store() -> Store:
    """The archive, opened once per request."""
    from flask import current_app

    if "store" not in g:
        g.store = Store.open(current_app.config["POLICYDIFF_ROOT"])
    return g.store


def now() -> str:
    """The time of a change, as the archive keeps it (ISO, UTC, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
