"""Benchmark the archive: 100 versions of a 3,000-clause Thai draft; time `log` and `blame` of one clause.

    python benchmarks/bench_archive.py                      100 versions x 3,000 clauses (a few minutes)
    python benchmarks/bench_archive.py --versions 10 --clauses 300 --keep /tmp/arch
    python benchmarks/bench_archive.py --json               the table, then one JSON line
    python benchmarks/bench_archive.py --db postgresql://…  the same archive copied into an empty database:
                                                            log and blame on both stores, and the ratio
    python benchmarks/bench_archive.py --db throwaway       ... into a cluster started for the run (fsync on)
    python benchmarks/bench_archive.py --writers 8          8 processes adding versions at once, per store

The drafts are synthetic but shaped like real ones: หมวด headings every 100 clauses, ข้อ with
typed Thai-digit labels, half the clauses carrying items (๑) (๒), Thai sentences of
governance vocabulary. Each version applies a few seeded random edits to the previous one —
word replacements, an inserted clause (the rest renumber), a deleted clause, now and then a
moved clause — so blame has real history to walk. Versions are added with
``archive.add_file`` (the code behind ``policydiff add``) into an archive in a temporary folder.

Targets (issue 6): log < 0.5 s, blame of one clause < 2 s; (issue 19) PostgreSQL within 1.5x of SQLite.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import List, Sequence
from xml.sax.saxutils import escape

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.docxgen import docx_bytes  # noqa: E402

TARGETS = {"log": 0.5, "blame_clause": 2.0}
_CLI = "from policydiff.cli import main; main()"  # the `policydiff` script, without relying on PATH
_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

SUBJECTS = ("สำนักงาน", "ส่วนราชการ", "หน่วยงาน", "ผู้บริหารทุกระดับ", "คณะทำงาน", "ผู้ปฏิบัติงาน",
            "กลุ่มพัฒนาระบบบริหาร", "สำนักนโยบายและแผน", "กองคลัง", "กองการเจ้าหน้าที่")
VERBS = ("จะส่งเสริมให้มีการ", "จะจัดให้มีการ", "ต้องดำเนินการ", "จะพัฒนาระบบ", "จะกำกับดูแลการ",
         "จะสนับสนุนการ", "มีหน้าที่ติดตามการ", "จะทบทวนการ", "ต้องรายงานผลการ", "จะปรับปรุงการ")
OBJECTS = ("บริหารงบประมาณอย่างโปร่งใส", "เปิดเผยข้อมูลข่าวสารของราชการ", "รับเรื่องร้องเรียนจากประชาชน",
           "พัฒนาบุคลากรอย่างต่อเนื่อง", "ควบคุมภายในและบริหารความเสี่ยง", "จัดซื้อจัดจ้างตามระเบียบ",
           "ใช้ทรัพยากรน้ำอย่างยั่งยืน", "ให้บริการประชาชนอย่างเสมอภาค", "จัดการความรู้ภายในองค์การ",
           "ประเมินผลการปฏิบัติราชการ", "สื่อสารนโยบายแก่ผู้ปฏิบัติงาน", "รักษาความมั่นคงปลอดภัยของสารสนเทศ")
TAILS = ("ตามหลักธรรมาภิบาล", "อย่างน้อยปีละหนึ่งครั้ง", "ภายในสิบห้าวันทำการ", "ตามที่กฎหมายกำหนด",
         "โดยคำนึงถึงประโยชน์สุขของประชาชน", "และเผยแพร่ทางเว็บไซต์ของสำนักงาน", "อย่างเคร่งครัด",
         "ให้เกิดผลสัมฤทธิ์ต่อภารกิจของรัฐ", "ตามแผนปฏิบัติราชการประจำปี", "ทุกสิ้นปีงบประมาณ")
WORDS = ("อย่างทั่วถึง", "อย่างเป็นระบบ", "โดยเร็ว", "ทุกสามเดือน", "ทุกหกเดือน", "อย่างต่อเนื่อง",
         "ตามความเหมาะสม", "อย่างมีประสิทธิภาพ", "โดยไม่ชักช้า", "อย่างโปร่งใส")


def sentence(rng: random.Random) -> str:
    """Return one Thai clause sentence of governance vocabulary."""
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS) + rng.choice(OBJECTS), rng.choice(TAILS)]
    if rng.random() < 0.6:
        parts.append(rng.choice(WORDS))
    if rng.random() < 0.4:
        parts.append("ทั้งนี้ " + rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS))
    return " ".join(parts)


@dataclass
class SynClause:
    """One ข้อ of the synthetic draft: its sentence and its items, each carrying a stable id."""

    uid: int
    body: str
    items: List[str] = field(default_factory=list)


@dataclass
class SynDraft:
    """A synthetic draft: clauses in order, a chapter heading every ``per_chapter`` clauses."""

    clauses: List[SynClause]
    per_chapter: int = 100
    next_uid: int = 0

    def paragraphs(self) -> List[str]:
        """Return the draft's paragraphs with typed Thai labels (numbers follow the order)."""
        out = ["ประกาศสำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ",
               "เรื่อง นโยบายการกำกับดูแลองค์การที่ดี (ร่างสังเคราะห์เพื่อวัดความเร็ว)",
               "โดยที่เป็นการสมควรกำหนดนโยบายการกำกับดูแลองค์การที่ดี จึงออกประกาศไว้ ดังต่อไปนี้"]
        for n, c in enumerate(self.clauses, 1):
            if (n - 1) % self.per_chapter == 0:
                chapter = (n - 1) // self.per_chapter + 1
                out.append(f"หมวด {chapter}".translate(_THAI))
                out.append(f"นโยบายด้านที่ {chapter}".translate(_THAI))
            out.append(f"ข้อ {n} ".translate(_THAI) + c.body)
            out.extend(f"({k}) ".translate(_THAI) + item for k, item in enumerate(c.items, 1))
        out.append("ประกาศ ณ วันที่ ๑๙ สิงหาคม พ.ศ. ๒๕๕๒")
        return out

    def docx(self) -> bytes:
        """Return the draft as .docx bytes."""
        return fast_docx(self.paragraphs())


@lru_cache(maxsize=1)
def _skeleton():
    """Return (package parts, document.xml head, paragraph XML with a {} for the text, tail)."""
    marker = "@@TEXT@@"
    with zipfile.ZipFile(io.BytesIO(docx_bytes([marker]))) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start, end = xml.index("<w:p>"), xml.index("</w:p>") + len("</w:p>")
    paragraph = xml[start:end].replace("{", "{{").replace("}", "}}").replace(marker, "{}")
    return parts, xml[:start], paragraph, xml[end:]


def fast_docx(paragraphs: Sequence[str]) -> bytes:
    """Return a .docx of plain Thai paragraphs, as ``tests.docxgen.docx_bytes`` writes them, but fast.

    docxgen builds every element with lxml (seconds for 5,000 paragraphs); this fills its
    paragraph XML as a string template, so a 100-version benchmark spends its time in policydiff.
    """
    parts, head, paragraph, tail = _skeleton()
    body = "".join(paragraph.format(escape(text)) for text in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name == "word/document.xml":
                data = (head + body + tail).encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def initial_draft(n_clauses: int, seed: int = 1) -> SynDraft:
    """Return a draft of ``n_clauses`` clauses, half with one or two items (3,000 clauses: ~5,000 paragraphs)."""
    rng = random.Random(seed)
    clauses = []
    for uid in range(n_clauses):
        items = [sentence(rng) for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))]
        clauses.append(SynClause(uid, sentence(rng), items))
    return SynDraft(clauses, next_uid=n_clauses)


def _replace_word(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    k = rng.randrange(len(words))
    words[k] = rng.choice(WORDS + TAILS)
    return " ".join(words)


def revise(draft: SynDraft, rng: random.Random, edits: int = 5) -> List[str]:
    """Apply ``edits`` random edits in place; return what was done ("edit 17", "insert 40", ...)."""
    done = []
    for _ in range(edits):
        roll = rng.random()
        k = rng.randrange(len(draft.clauses))
        c = draft.clauses[k]
        if roll < 0.6:
            if c.items and rng.random() < 0.4:
                j = rng.randrange(len(c.items))
                c.items[j] = _replace_word(c.items[j], rng)
            else:
                c.body = _replace_word(c.body, rng)
            done.append(f"edit {c.uid}")
        elif roll < 0.8:
            draft.clauses.insert(k, SynClause(draft.next_uid, sentence(rng)))
            done.append(f"insert {draft.next_uid}")
            draft.next_uid += 1
        elif roll < 0.92 and len(draft.clauses) > 10:
            del draft.clauses[k]
            done.append(f"delete {c.uid}")
        else:
            moved = draft.clauses.pop(k)
            draft.clauses.insert(rng.randrange(len(draft.clauses)), moved)
            done.append(f"move {moved.uid}")
    return done


def build_archive(workdir: Path, versions: int, clauses: int, seed: int, progress=print) -> dict:
    """Create an archive in ``workdir`` holding ``versions`` synthetic versions; return timings."""
    from policydiff.workflows import archive
    from policydiff.store import Store

    rng = random.Random(seed)
    draft = initial_draft(clauses, seed)
    Store.init(workdir).close()
    add_times, docx_size = [], 0
    for n in range(1, versions + 1):
        if n > 1:
            revise(draft, rng)
        data = draft.docx()
        docx_size = len(data)
        path = workdir / f"v{n}.docx"
        path.write_bytes(data)
        day = f"2009-{1 + (n - 1) // 28 % 12:02d}-{1 + (n - 1) % 28:02d}"
        started = time.perf_counter()
        with Store.open(workdir) as store:
            archive.add_file(store, path, label=f"v{n}", date=day, note=f"synthetic revision {n}",
                             added_at="2026-05-09T10:00:00+07:00")
        add_times.append(time.perf_counter() - started)
        path.unlink()
        if progress and (n % 10 == 0 or n == versions):
            progress(f"  added v{n} ({add_times[-1]:.2f} s)", file=sys.stderr)
    return {"add_mean_s": statistics.mean(add_times), "add_max_s": max(add_times), "docx_bytes": docx_size}


def _best(fn, repeat: int) -> float:
    """Return the fastest of ``repeat`` timed calls of ``fn``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


class _WithoutAlignments:
    """The store as if no alignment had been cached: what blame costs without that cache."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def get_cache(self, key):
        return None if key[0] == "align" else self._store.get_cache(key)

    def put_cache(self, key, value_json):
        pass


def _cli_seconds(workdir: Path, args: List[str], repeat: int) -> float:
    """Return the fastest wall time of ``policydiff ARGS`` run as a fresh process in ``workdir``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", _CLI, *args], cwd=workdir, check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "PYTHAINLP_READ_ONLY": "1"})
        best = min(best, time.perf_counter() - started)
    return best


def measure(workdir: Path, clause_ref: str, repeat: int) -> dict:
    """Time log and blame (in process, cold and warm caches) and the same through the CLI."""
    from policydiff.workflows import archive, blame
    from policydiff.store import Store

    out = {}
    with Store.open(workdir) as store:
        latest = store.list_versions()[-1].label
        out["log"] = _best(lambda: archive.log_entries(store), repeat)
        out["blame_clause_first"] = _best(lambda: blame.blame(store, latest, clause=clause_ref), 1)
        out["blame_clause"] = _best(lambda: blame.blame(store, latest, clause=clause_ref), repeat)
        uncached = _WithoutAlignments(store)
        out["blame_clause_uncached"] = _best(lambda: blame.blame(uncached, latest, clause=clause_ref), 1)
        out["blame_all"] = _best(lambda: blame.blame(store, latest), repeat)
        rows = blame.blame(store, latest, clause=clause_ref)
        out["blamed"] = {"clause": rows[0]["label"], "introduced": rows[0]["introduced"]["label"]}
    out["cli_log"] = _cli_seconds(workdir, ["log"], repeat)
    out["cli_blame_clause"] = _cli_seconds(workdir, ["blame", latest, "--clause", clause_ref], repeat)
    return out


# One writer of the throughput run: adds versions of a small draft through the `add` workflow.
_WRITER = """
import sys, time
from tests.docxgen import docx_bytes
from policydiff.workflows.archive import add_bytes, open_archive
who, count = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()
for i in range(count):
    data = docx_bytes([f"ข้อ {n} ร่างของ {who} ฉบับที่ {i} ถ้อยคำ {n}" for n in range(1, 31)])
    with open_archive() as store:
        add_bytes(store, data, f"{who}-{i}.docx", label=f"{who}-{i}", date="2009-07-21",
                  added_at="2026-05-09T10:00:00+07:00")
"""


def writers_throughput(workdir: Path, writers: int, each: int) -> float:
    """Return versions stored per second by ``writers`` processes adding ``each`` versions at once."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHAINLP_READ_ONLY": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, f"w{n}", str(each)], cwd=workdir, env=env,
                              stdin=subprocess.PIPE, text=True) for n in range(writers)]
    time.sleep(3)  # let every writer import policydiff before the clock starts
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.close()
    if any(proc.wait() != 0 for proc in procs):
        raise SystemExit("a writer failed")
    return writers * each / (time.perf_counter() - started)


def postgres_folder(workdir: Path, url: str) -> Path:
    """Copy the SQLite archive in ``workdir`` into the database ``url``; return a folder that uses it."""
    from policydiff.store import Store
    from policydiff.store.location import write_config
    from policydiff.workflows.transfer import copy

    with Store.open(workdir) as store:
        copy(store, url, busy_timeout=60)
    folder = workdir / "pg"
    (folder / ".policydiff").mkdir(parents=True)
    write_config(folder, url)
    return folder


def _throwaway(url: str):
    """Start a durable throwaway cluster when ``url`` is "throwaway"; return (cluster or None, url)."""
    if url != "throwaway":
        return None, url
    from tests.pgcluster import Cluster

    cluster = Cluster(durable=True).start()
    return cluster, cluster.url(cluster.database())


def compare_stores(workdir: Path, url: str, clause_ref: str, repeat: int) -> dict:
    """Time log and blame on the same archive in PostgreSQL; return the timings and PG/SQLite ratios."""
    cluster, url = _throwaway(url)
    try:
        started = time.perf_counter()
        folder = postgres_folder(workdir, url)
        out = {"copy_s": time.perf_counter() - started, **measure(folder, clause_ref, repeat)}
        return out
    finally:
        if cluster is not None:
            cluster.stop()


def throughput(writers: int, each: int, url) -> dict:
    """Versions per second with ``writers`` processes, on SQLite and (given ``url``) PostgreSQL."""
    from policydiff.store import Store

    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-writers-") as tmp:
        Store.init(Path(tmp)).close()
        out["sqlite"] = writers_throughput(Path(tmp), writers, each)
    if url:
        cluster, real = _throwaway(url)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-writers-") as tmp:
                Store.init(Path(tmp), db=real).close()
                out["postgresql"] = writers_throughput(Path(tmp), writers, each)
        finally:
            if cluster is not None:
                cluster.stop()
    return out


def _print_comparison(sqlite: dict, pg: dict) -> None:
    print(f"\nthe same archive in PostgreSQL (copied in {pg['copy_s']:.1f} s)")
    print(f"{'operation':40} {'SQLite':>9} {'PgSQL':>9} {'ratio':>6}")
    for key, name in (("log", "log (in process)"), ("cli_log", "log (CLI, fresh process)"),
                      ("blame_clause", "blame one clause (in process)"),
                      ("cli_blame_clause", "blame one clause (CLI)"), ("blame_all", "blame every clause")):
        ratio = pg[key] / sqlite[key]
        print(f"{name:40} {sqlite[key]:9.3f} {pg[key]:9.3f} {ratio:6.2f}{'  ok' if ratio <= 1.5 else '  SLOW'}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--clauses", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20090819)
    parser.add_argument("--clause", default=None, help='the clause to blame (default: the middle one, "ข้อ N")')
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build the archive here and keep it")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    parser.add_argument("--db", default=None, help='an empty PostgreSQL database (or "throwaway") to compare with')
    parser.add_argument("--writers", type=int, default=0, help="also measure N processes adding at once")
    parser.add_argument("--each", type=int, default=20, help="versions each writer adds")
    return parser


def _print_table(args, built: dict, timings: dict, clause_ref: str) -> None:
    rows = [
        ("log (in process)", timings["log"], TARGETS["log"]),
        ("log (CLI, fresh process)", timings["cli_log"], TARGETS["log"]),
        ("blame one clause, first run", timings["blame_clause_first"], TARGETS["blame_clause"]),
        ("blame one clause (in process)", timings["blame_clause"], TARGETS["blame_clause"]),
        ("blame one clause (CLI, fresh process)", timings["cli_blame_clause"], TARGETS["blame_clause"]),
        ("blame one clause, no cached alignments", timings["blame_clause_uncached"], None),
        ("blame every clause (in process)", timings["blame_all"], None),
        ("add one version (mean)", built["add_mean_s"], None),
    ]
    print(f"{args.versions} versions of a {args.clauses:,}-clause draft ({built['docx_bytes']:,} bytes each); "
          f"archive {built['archive_mb']} MB; blamed {clause_ref}")
    print(f"{'operation':40} {'seconds':>9} {'target':>8}")
    for name, seconds, target in rows:
        verdict = "" if target is None else ("  ok" if seconds < target else "  SLOW")
        print(f"{name:40} {seconds:9.3f} {'' if target is None else f'< {target}':>8}{verdict}")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    clause_ref = args.clause or f"ข้อ {args.clauses // 2}".translate(_THAI)
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        built = build_archive(workdir, args.versions, args.clauses, args.seed)
        built["build_s"] = time.perf_counter() - started
        timings = measure(workdir, clause_ref, args.repeat)
        db = workdir / ".policydiff" / "archive.sqlite"
        built["archive_mb"] = round(db.stat().st_size / 1e6, 1) if db.exists() else None
        pg = compare_stores(workdir, args.db, clause_ref, args.repeat) if args.db else None
    result = {"versions": args.versions, "clauses": args.clauses, "clause": clause_ref, **built, **timings,
              "python": sys.version.split()[0], "cpus": os.cpu_count()}
    _print_table(args, built, timings, clause_ref)
    if pg:
        _print_comparison(timings, pg)
        result["postgresql"] = pg
    if args.writers:
        result["writers"] = rate = throughput(args.writers, args.each, args.db)
        print(f"\n{args.writers} writers x {args.each} versions at once: " +
              ", ".join(f"{k} {v:.1f} versions/s" for k, v in rate.items()))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
