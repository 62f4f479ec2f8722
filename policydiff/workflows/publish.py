"""The archive as a static site: the chosen (by default the latest, approved) version with
clause anchors, the history of versions with B.E. dates, the redline of each consecutive pair,
each comment round with its comments counted by division and its disposition table, and a page
per clause with its history. Every link is relative and every page is a pure function of the
archive, so the same archive gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

from ..core.diff import word_diff
from ..errors import ArchiveError
from ..core.labels import to_thai
from ..core.objects import visible
from ..core.structure import display_label
from ..html import page
from ..html.page import link
from ..store import Store
from ..thaidate import to_be_long
from .archive import load_version, version_clauses
from .blame import NO_PREVIOUS, alignment, blame
from .compare import redline
from .pages import RESULT_TH, TABLE_HEAD
from .web import clause_anchor, reading_html, redline_html
from ..i18n import _

HOME, HISTORY, CLAUSES = "index.html", "history.html", "clauses.html"
MANIFEST = ".policydiff-site.json"  # the pages the last publish wrote into the folder, with their sha256
_PAGE = re.compile(r"(index|history|clauses|version|redline|round|clause)(?:-([0-9]{1,9})(?:-([0-9]{1,9}))?)?\.html")
_HOW = {"first": "มีตั้งแต่ร่างแรก", "edited": "แก้ไขถ้อยคำ", "inserted": "เพิ่มใหม่"}


def _version_file(v) -> str:
    return f"version-{v.seq}.html"


def _redline_file(a, b) -> str:
    return f"redline-{a.seq}-{b.seq}.html"


def _round_file(r) -> str:
    return f"round-{r.seq}.html"


def _clause_file(k: int) -> str:
    return f"clause-{k + 1}.html"


def _name(v) -> str:
    return f"{v.label} ({to_be_long(v.date)})"


class Site:
    """The pages of one archive, built in memory: {file name: HTML}."""

    def __init__(self, store: Store, version: Optional[str] = None):
        self.store = store
        self.versions = store.list_versions()
        if not self.versions:
            raise ArchiveError(_("the archive has no version to publish yet: `policydiff add DRAFT.docx --label v1`"))
        self.rounds = store.list_rounds()
        self.chosen = store.get_version(version) if version else self.versions[-1]
        self.drafts: Dict[int, object] = {}
        self.pages: Dict[str, str] = {}

    def draft(self, v):
        if v.seq not in self.drafts:
            self.drafts[v.seq] = load_version(self.store, v)
        return self.drafts[v.seq]

    def nav(self, here: str) -> str:
        return page.site_nav([(HOME, f"ฉบับ {self.chosen.label}"), (HISTORY, "ประวัติร่าง"),
                              (CLAUSES, "ประวัติรายข้อ")], here)

    def build(self) -> Dict[str, str]:
        self.pages[HOME] = self._version_page(self.chosen, HOME)
        for v in self.versions:
            self.pages[_version_file(v)] = self._version_page(v, _version_file(v))
        for a, b in zip(self.versions, self.versions[1:]):
            self.pages[_redline_file(a, b)] = self._redline_page(a, b)
        for r in self.rounds:
            self.pages[_round_file(r)] = self._round_page(r)
        self.pages[HISTORY] = self._history_page()
        self._clause_pages()
        return self.pages

    def _version_page(self, v, here: str) -> str:
        facts = page.facts([("ฉบับ", v.label), ("วันที่", to_be_long(v.date)), ("หมายเหตุ", v.note or "-")])
        return reading_html(self.draft(v), self.draft(v).clauses[0].text.replace("\n", " ") if self.draft(v).clauses
                            else v.label, nav=self.nav(here), before=facts)

    def _redline_page(self, a, b) -> str:
        old, new = self.draft(a), self.draft(b)
        return redline_html(old, new, redline(old, new), title=f"เปรียบเทียบ {_name(a)} กับ {_name(b)}",
                            nav=self.nav(_redline_file(a, b)))

    def _history_page(self) -> str:
        rows = []
        for k, v in enumerate(self.versions):
            diff = link(_redline_file(self.versions[k - 1], v), f"เทียบกับ {self.versions[k - 1].label}") if k else "-"
            rows.append(f"<tr><td>{link(_version_file(v), v.label)}</td><td>{page.esc(to_be_long(v.date))}</td>"
                        f"<td>{page.words(v.note)}</td><td>{diff}</td></tr>")
        versions = ('<table class="history"><thead><tr><th>ฉบับ</th><th>วันที่</th><th>หมายเหตุ</th>'
                    f'<th>การแก้ไข</th></tr></thead><tbody>{"".join(rows)}</tbody></table>\n')
        rounds = "".join(f"<li>{link(_round_file(r), r.name)} {page.esc(_round_days(r))} "
                         f"(ร่างที่เวียน: {page.esc(r.base_label)})</li>" for r in self.rounds)
        body = versions + (f"<h2>รอบการรับฟังความเห็น</h2><ul>{rounds}</ul>\n" if rounds else "")
        return page.document("ประวัติร่าง", body, self.nav(HISTORY))

    def _round_page(self, r) -> str:
        data = json.loads(r.annotations_json).get("annotations", ())
        counted = Counter(a["division"] for a in data)
        kinds = Counter((a["division"], a["kind"]) for a in data)
        head = ("หน่วยงาน", "ความเห็น", "ข้อเสนอแก้ไข", "รวม")
        rows = [(d, to_thai(str(kinds[(d, "comment")])), to_thai(str(kinds[(d, "proposal")])), to_thai(str(n)))
                for d, n in sorted(counted.items())]
        facts = page.facts([("ช่วงเวลา", _round_days(r)), ("ร่างที่เวียน", r.base_label),
                            ("จำนวน", to_thai(f"{len(data)} รายการ จาก {len(counted)} หน่วยงาน"))])
        body = facts + "<h2>จำนวนความเห็นแยกตามหน่วยงาน</h2>" + page.table(head, rows) + self._dispositions(r)
        return page.document(f"รอบการรับฟังความเห็น {r.name}", body, self.nav(_round_file(r)))

    def _dispositions(self, r) -> str:
        rows, title = _stored_rows(self.store, r.name), "ตารางสรุปผลการพิจารณาความเห็น"
        if not rows:
            rows, title = self._suggested_rows(r), "ตารางสรุปผลการพิจารณาความเห็น (ผลที่เสนอ ยังไม่ได้บันทึกผล)"
        if rows is None:
            return "<p>ยังไม่มีร่างที่แก้ไขหลังรอบนี้ จึงยังไม่มีผลการพิจารณา</p>\n"
        cells = [(to_thai(str(d.number)), d.division, d.clause, d.text, RESULT_TH.get(d.result, d.result), d.reason)
                 for d in rows]
        return f"<h2>{page.esc(title)}</h2>" + page.table(TABLE_HEAD, cells, "dispositions")

    def _suggested_rows(self, r) -> Optional[list]:
        from .merge import committee
        from .pages import disposition_rows
        from .rounds import annotations_from_json

        later = [v for v in self.versions if v.seq > r.base_seq]
        if not later:
            return None
        base = self.draft(self.store.get_version(r.base_seq))
        review = committee(base, self.draft(later[0]), annotations_from_json(r.annotations_json))
        return disposition_rows(review.rows)

    def _clause_pages(self) -> None:
        rows = blame(self.store, self.chosen.seq)
        clauses = self.draft(self.chosen).clauses
        for k, row in enumerate(rows):
            self.pages[_clause_file(k)] = self._clause_page(k, row, clause_anchor(clauses, k))
        self.pages[CLAUSES] = self._clause_index(rows)

    def _clause_index(self, rows) -> str:
        items = [f"<li>{link(_clause_file(k), row['label'])} {page.words(_short(row['text']))}</li>"
                 for k, row in enumerate(rows)]
        body = f"<ul>{''.join(items)}</ul>\n"
        return page.document(f"ประวัติรายข้อ ฉบับ {self.chosen.label}", body, self.nav(CLAUSES))

    def page(self, name: str) -> Optional[str]:
        """One page of the site, built alone (for a server that builds pages when asked); None for
        a name the site has no page by."""
        found = _PAGE.fullmatch(name)
        if found is None:
            return None
        kind, a, b = found.group(1), found.group(2), found.group(3)
        by_seq = {str(v.seq): v for v in self.versions}
        if kind in ("index", "history", "clauses"):
            return {"index": lambda: self._version_page(self.chosen, HOME), "history": self._history_page,
                    "clauses": lambda: self._clause_index(blame(self.store, self.chosen.seq))}[kind]()
        if kind == "version" and a in by_seq:
            return self._version_page(by_seq[a], name)
        if kind == "redline" and a in by_seq and b in by_seq:
            return self._redline_page(by_seq[a], by_seq[b])
        if kind == "round":
            return next((self._round_page(r) for r in self.rounds if str(r.seq) == a), None)
        if kind == "clause":
            return self._one_clause(int(a) - 1)
        return None

    def _one_clause(self, k: int) -> Optional[str]:
        rows = blame(self.store, self.chosen.seq)
        if not 0 <= k < len(rows):
            return None
        return self._clause_page(k, rows[k], clause_anchor(version_clauses(self.store, self.chosen), k))

    def _clause_page(self, k: int, row: dict, anchor: str) -> str:
        came = row["introduced"]
        origin = self._by_seq(came["seq"])
        where = [("ถ้อยคำปัจจุบันมาจาก", f"{came['label']} ({came['date_be']})"), ("ลักษณะ", _HOW[row["how"]])]
        if row["divisions"]:
            where.append(("ตามข้อเสนอของ", ", ".join(row["divisions"])))
        links = [link(f"{HOME}#{anchor}", f"อ่าน {row['label']} ในฉบับ {self.chosen.label}"),
                 link(_version_file(origin), f"ฉบับ {origin.label}")]
        before = self._previous(origin)
        if before is not None:
            links.append(link(_redline_file(before, origin), f"การแก้ไขจาก {before.label} เป็น {origin.label}"))
        body = (f"<p>{page.words(row['text'])}</p>" + page.facts(where)
                + f"<ul>{''.join(f'<li>{x}</li>' for x in links)}</ul>\n" + self._wordings(k))
        return page.document(f"ประวัติ {row['label']}", body, self.nav(_clause_file(k)))

    def _lineage(self, k: int) -> list:
        """[(version, clause index there)] of clause ``k`` of the chosen version, oldest first,
        back to the version that inserted it."""
        history = [v for v in self.versions if v.seq <= self.chosen.seq]
        out, at, i = [], len(history) - 1, k
        while True:
            out.append((history[at], i))
            if at == 0:
                break
            i = alignment(self.store, history[at - 1], history[at]).old[i]
            if i == NO_PREVIOUS:
                break
            at -= 1
        return out[::-1]

    def _wordings(self, k: int) -> str:
        """The clause's wording in each version it is in, each marked against the one before."""
        rows, before = [], None
        for v, i in self._lineage(k):
            clauses = version_clauses(self.store, v)
            text = visible(clauses[i].text)
            shown = page.edits(word_diff(before, text)) if before is not None and before != text else (
                page.words(text) if before is None else "<i>ไม่เปลี่ยนแปลง</i>")
            rows.append(f"<tr><td>{link(_version_file(v), v.label)}<br>{page.esc(to_be_long(v.date))}</td>"
                        f"<td>{page.esc(display_label(clauses, i))}</td><td>{shown}</td></tr>")
            before = text
        head = "<tr><th>ฉบับ</th><th>ข้อ</th><th>ถ้อยคำ (เทียบกับฉบับก่อน)</th></tr>"
        return (f'<h2>ถ้อยคำในแต่ละฉบับ</h2><div class="wide"><table class="history"><thead>{head}</thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>\n')

    def _by_seq(self, seq: int):
        return next(v for v in self.versions if v.seq == seq)

    def _previous(self, v):
        earlier = [x for x in self.versions if x.seq < v.seq]
        return earlier[-1] if earlier else None


def _stored_rows(store: Store, name: str) -> list:
    from .rounds import stored_dispositions

    return list(stored_dispositions(store, name))


def _round_days(r) -> str:
    return f"{to_be_long(r.date_from)} ถึง {to_be_long(r.date_to)}"


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Published(NamedTuple):
    """What ``publish`` did in the site folder: the pages written, and those of an earlier publish
    it removed because the site has them no more."""

    written: List[str]
    removed: List[str]


def publish(store: Store, out: Path, version: Optional[str] = None) -> Published:
    """Write the site into the folder ``out`` (made if missing). A page the previous publish there
    wrote (its list is ``MANIFEST``) that this site has no more (another ``--version`` has other
    clauses) is removed, unless it was changed since: then it is left alone."""
    from ..fsutil import atomic_write

    pages = {name: text.encode("utf-8") for name, text in Site(store, version).build().items()}
    out.mkdir(parents=True, exist_ok=True)
    before = _manifest(out)
    for name, data in sorted(pages.items()):
        atomic_write(out / name, data)
    removed = [name for name, digest in sorted(before.items()) if name not in pages and _unchanged(out / name, digest)]
    for name in removed:
        (out / name).unlink()
    written = {name: hashlib.sha256(data).hexdigest() for name, data in pages.items()}
    atomic_write(out / MANIFEST, json.dumps(written, sort_keys=True, indent=0).encode("utf-8"))
    return Published(sorted(pages), removed)


def _manifest(out: Path) -> Dict[str, str]:
    """{page: sha256} the previous publish wrote into ``out``; only names of our own pages count
    (a list edited by hand cannot point outside the folder)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and _PAGE.fullmatch(k) and isinstance(v, str)}


def _unchanged(path: Path, digest: str) -> bool:
    try:
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False
