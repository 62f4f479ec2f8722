"""The pages a local server shows that the HTML writer already draws: the redline between any
two versions, and the archive's published site, each page built when asked."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..html import page
from ..i18n import _
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


EXAMPLE = (("v1.docx", "ร่าง ๑", "2009-06-26", "ร่าง ๑ เวียนหน่วยงานเพื่อขอความเห็น"),
           ("v2.docx", "ร่าง ๒", "2009-07-21", "ปรับตามความเห็นของหน่วยงาน"))
# ร่าง ๓ and ร่าง ๔ (drafts/v3.docx, v4.docx) are left for the user to add from the versions page.


def example_folder() -> Path:
    """The shipped example (a source checkout's ``drafts/`` and ``comments/``)."""
    return Path(__file__).resolve().parents[2]


def load_example(store: Store, *, added_at: str = "") -> List[str]:
    """Add the example's versions ร่าง ๑ and ร่าง ๒ to an archive that has none; return what was done, one line each."""
    from datetime import datetime, timezone

    from ..errors import ArchiveError
    from .archive import add_file

    drafts = example_folder() / "drafts"
    if not (drafts / "v1.docx").is_file():
        raise ArchiveError(_("{folder}: the example's drafts are not here (they come with a source "
                             "checkout)").format(folder=drafts))
    if store.list_versions():
        return [_("{root}: the archive already has versions; the example was not added").format(root=store.root)]
    when = added_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    lines = []
    for name, label, date, note in EXAMPLE:
        added = add_file(store, drafts / name, label=label, date=date, note=note, added_at=when)
        lines.append(_("added {label} ({file})").format(label=label, file=name) if added.created
                     else _("{file} was already there").format(file=name))
    lines.append(_("the divisions' files of the example round are in {folder}").format(
        folder=example_folder() / "comments" / "round1"))
    return lines
