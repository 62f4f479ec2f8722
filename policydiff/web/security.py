"""What keeps the app safe to run: a token when it listens beyond this machine, a CSRF token in
every form, security headers on every answer, safe download names."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from flask import abort, redirect, render_template, request, session

CSRF_FIELD = "csrf_token"
TOKEN_COOKIE = "pd_token"
MAX_FILES = 40  # files in one upload
MAX_FILE_BYTES = 50 * 1024 * 1024  # as the .docx reader's input limit
MAX_REQUEST_BYTES = 200 * 1024 * 1024

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
# A redline page is one self-contained document (inline CSS, pictures as data: URIs) with no script.
DOCUMENT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'")


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse (403) a POST whose form does not carry this session's CSRF token."""
    if request.method != "POST":
        return
    sent = request.form.get(CSRF_FIELD, "") or request.headers.get("X-CSRF-Token", "")
    known = session.get(CSRF_FIELD, "")
    if not known or not hmac.compare_digest(sent.encode(), known.encode()):
        abort(403)


def check_token(token: str):
    """With a token set: let a request in only with it (cookie, or ``?token=`` once); else the login form."""
    if not token or request.endpoint in ("static", "login"):
        return None
    if hmac.compare_digest(request.cookies.get(TOKEN_COOKIE, "").encode(), token.encode()):
        return None
    given = request.args.get("token", "")
    if given and hmac.compare_digest(given.encode(), token.encode()):
        answer = redirect(request.path)
        answer.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return answer
    return render_template("login.html"), 401


def headers(response, document: bool = False):
    """Add the security headers to an answer."""
    response.headers.setdefault("Content-Security-Policy", DOCUMENT_CSP if document else CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def attachment(filename: str) -> str:
    """A Content-Disposition for a download: an ASCII fallback name and the real one (RFC 5987)."""
    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    return f"attachment; filename=\"{plain or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"
