"""Benchmark ``policydiff serve`` on a 3,000-clause round: how long the round page and the
dispositions page take to answer (Flask's test client, so the figures are the app's own time).

    python benchmarks/bench_serve.py                    3,000 clauses, 20 reviewed copies
    python benchmarks/bench_serve.py --clauses 300 --copies 5 --json
    python benchmarks/bench_serve.py --generated /tmp/gen3000   keep the generated drafts for the next run

The drafts and the reviewed copies come from benchmarks/generate.py (seeded: the same every run).
The archive holds the base and the edited draft, and one round with the reviewed copies uploaded
through ``roundwork.add_round_files`` (as the upload form does). Each page is timed cold (the first
request after the app starts: the round's annotations placed on the revised draft and their results
suggested, then kept in memory) and warm (the median of 5 more), then after a disposition is saved
(a new revision: only the saved rows are read again).

Target (issue 18): a page of a 3,000-clause round answers in ≤ 1 s (warm).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 1.0
ADDED_AT = "2026-01-01T00:00:00+00:00"


def build(folder: Path, clauses: int, copies: int, generated=None) -> dict:
    """The archive in ``folder``: base and edited drafts, one round with the reviewed copies."""
    from benchmarks.generate import ensure
    from policydiff.store import Store
    from policydiff.workflows.archive import add_file
    from policydiff.workflows.roundwork import add_round_files, create_round

    gen = generated or folder / "generated"
    truth = ensure(gen, clauses, copies=copies)
    root = folder / "policy"
    root.mkdir()
    timings = {}
    with Store.open(root, create=True) as store:
        add_file(store, gen / "base.docx", label="v1", date="2026-01-01", added_at=ADDED_AT)
        add_file(store, gen / "edited.docx", label="v2", date="2026-02-01", added_at=ADDED_AT)
        create_round(store, "big", "2026-01-02", "2026-01-20", base="v1", added_at=ADDED_AT)
        files = [(gen / f).name for f in truth["reviews"]["files"]]
        start = time.perf_counter()
        done = add_round_files(store, "big", [(name, (gen / f).read_bytes())
                                              for name, f in zip(files, truth["reviews"]["files"])], added_at=ADDED_AT)
        timings["upload"] = time.perf_counter() - start
        timings["annotations"] = len(done.imported.annotations)
        timings["refused"] = len(done.refused)
    return {"root": root, **timings}


def timed(client, url: str, data=None) -> tuple:
    start = time.perf_counter()
    answer = client.post(url, data=data) if data is not None else client.get(url)
    took = time.perf_counter() - start
    assert answer.status_code == 200, (url, answer.status_code)
    return took, answer.get_data(as_text=True)


def measure(root: Path) -> dict:
    from policydiff.web import create_app

    client = create_app(root, secret_key="bench").test_client()
    out = {}
    for name, url in (("round", "/rounds/big"), ("dispositions", "/rounds/big/dispositions"),
                      ("round_one_division", "/rounds/big?division=" + _first_division(client))):
        cold, page = timed(client, url)
        warm = statistics.median(timed(client, url)[0] for _ in range(5))
        out[name] = {"cold": cold, "warm": warm, "bytes": len(page.encode("utf-8"))}
    page = timed(client, "/rounds/big/dispositions")[1]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    seen = _seen(page)
    fields = {"csrf_token": token, "key": key, "result": "noted", "reason": "bench", "who": "bench",
              "seen_revision": seen}
    took, page = timed(client, "/rounds/big/dispositions", fields)
    out["first_save"] = {"cold": took}  # the round's first: its whole table is suggested (roundwork)
    fields.update(reason="bench 2", seen_revision=_seen(page))
    took, page = timed(client, "/rounds/big/dispositions", fields)
    out["next_save"] = {"cold": took}
    fields.update(reason="bench 3")  # the page another tab still shows: one save behind
    out["save_from_a_stale_tab"] = {"cold": timed(client, "/rounds/big/dispositions", fields)[0]}
    after = [timed(client, "/rounds/big/dispositions")[0] for _ in range(3)]
    out["dispositions_after_save"] = {"warm": statistics.median(after)}
    return out


def _seen(page: str) -> str:
    return re.search(r'name="seen_revision" value="([0-9]+)"', page).group(1)


def _first_division(client) -> str:
    from urllib.parse import quote

    page = client.get("/rounds/big").get_data(as_text=True)
    return quote(re.search(r'<div class="meta"><b>([^<]+)</b>', page).group(1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=3000)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--generated", type=Path, help="keep the generated drafts here (reused when there)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        built = build(Path(tmp), args.clauses, args.copies, args.generated)
        figures = measure(built["root"])
    print(f"{args.clauses} clauses, {args.copies} reviewed copies: {built['annotations']} comments and proposals "
          f"(upload of all copies {built['upload']:.1f} s, {built['refused']} refused)")
    print(f"{'page':28} {'cold s':>8} {'warm s':>8} {'KB':>6}")
    for name, f in figures.items():
        cold = f"{f['cold']:.2f}" if "cold" in f else "-"
        warm = f"{f['warm']:.3f}" if "warm" in f else "-"
        size = f"{f['bytes'] // 1024}" if "bytes" in f else "-"
        print(f"{name:28} {cold:>8} {warm:>8} {size:>6}")
    worst = max(f["warm"] for f in figures.values() if "warm" in f)
    print(f"target: every page warm ≤ {TARGET:.1f} s: {'met' if worst <= TARGET else 'NOT met'} (worst {worst:.3f} s)")
    if args.json:
        print(json.dumps({"clauses": args.clauses, "copies": args.copies, **{k: v for k, v in built.items()
                                                                             if k != "root"}, "pages": figures}))
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
