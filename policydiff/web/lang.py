"""The interface's language per request: the ``lang`` cookie (the switch), else the browser's
Accept-Language, else Thai. Every string of the pages is in the gettext domain ``web``."""

from __future__ import annotations

from typing import Optional

from flask import g, has_request_context, request

from .. import i18n

DOMAIN = "web"
COOKIE = "lang"


def choose(cookie: Optional[str], accept_language) -> str:
    """The language to show: the cookie's when we have it, else the browser's first we have, else Thai."""
    if cookie and i18n.supported(cookie):
        return i18n.supported(cookie)
    for tag, _quality in accept_language or ():
        found = i18n.supported(tag) if tag != "*" else None
        if found:
            return found
    return i18n.DEFAULT


def current() -> str:
    """The current request's language (Thai outside a request)."""
    if has_request_context() and "lang" in g:
        return g.lang
    return i18n.DEFAULT


def _(message: str) -> str:
    """``message`` in the current request's language."""
    return i18n.translation(current(), DOMAIN).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translation(current(), DOMAIN).ngettext(singular, plural, n)


def install(app) -> None:
    """Choose the language before each request (errors raised below speak it too) and give the
    templates gettext bound to it."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(_, ngettext, newstyle=True)

    @app.before_request
    def _choose_language():
        g.lang = choose(request.cookies.get(COOKIE), request.accept_languages)
        i18n.set_language(g.lang)

    @app.teardown_request
    def _reset_language(_exc=None):
        i18n.set_language(None)  # the next request on this thread chooses again


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where shown."""
    return message


RESULT_NAMES = {"accepted": N_("accepted"), "partly accepted": N_("partly accepted"),
                "not accepted": N_("not accepted"), "noted": N_("noted"), "": N_("no result yet")}
STATUS_NAMES = {"anchored": N_("anchored"), "moved": N_("moved"), "fuzzy": N_("fuzzy"),
                "deleted": N_("words cut"), "orphan": N_("orphan")}
KIND_NAMES = {"comment": N_("comment"), "proposal": N_("proposal")}
