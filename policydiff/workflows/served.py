"""The pages a local server shows that the HTML writer already draws: the redline between any
two versions, and the archive's published site, each page built when asked."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

from ..html import page
from ..store import Store
from ..store.base import Version
from .publish import Site


def _nav(links: Sequence[Tuple[str, str]]) -> str:
    return page.site_nav(list(links))


def redline_page(store: Store, old: Version, new: Version, *, nav: Sequence[Tuple[str, str]] = ()) -> str:
    """The redline OLD → NEW as one page (``nav``: the server's links above it)."""
    from .archive import load_version
    from .compare import redline
    from .web import redline_html

    a, b = load_version(store, old), load_version(store, new)
    return redline_html(a, b, redline(a, b), nav=_nav(nav))


class _ServedSite(Site):
    """The published site, one page at a time, with the server's links above the site's own."""

    def __init__(self, store: Store, version: Optional[str], links: Sequence[Tuple[str, str]]):
        super().__init__(store, version)
        self.links = _nav(links)

    def nav(self, here: str) -> str:
        return self.links + super().nav(here)


def site_page(store: Store, name: str, *, nav: Sequence[Tuple[str, str]] = (),
              version: Optional[str] = None) -> Optional[str]:
    """The site's page ``name`` ("clauses.html", "clause-5.html", "history.html"…), None if none."""
    return _ServedSite(store, version, nav).page(name)
