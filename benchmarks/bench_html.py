"""Benchmark the redline as a web page on the generated 3,000-clause pair.

    python benchmarks/bench_html.py [--clauses 3000] [--runs 3] [--keep DIR]

Times, in one process: reading both drafts and the redline (as ``redline -o OUT.html`` does),
then writing the page (wall time, and CPU time with its workers') — *cold* (the Thai segmenter's cache holds only what the diff needed:
every unchanged paragraph is segmented for the first time, for its <wbr>s) and *warm* (a second
page in the same process). Then loads the page in Chromium (Debian's package, through Selenium,
as the tests do) and reports the navigation's loadEventEnd, the median of ``--runs``.

Targets (issue 17): the page written in ≤ 1 s, loaded in Chromium in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LOAD = "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd"


def cpu_seconds() -> float:
    """User + system CPU of this process and of the worker processes it has waited for."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(fn):
    """(fn(), (wall seconds, CPU seconds of this process and its workers))."""
    start, cpu = time.perf_counter(), cpu_seconds()
    value = fn()
    return value, (time.perf_counter() - start, cpu_seconds() - cpu)


def write_times(folder: Path):
    from policydiff.workflows.compare import redline
    from policydiff.workflows.drafts import load
    from policydiff.workflows.web import redline_html

    (a, b), read = timed(lambda: (load(folder / "base.docx"), load(folder / "edited.docx")))
    red, diffed = timed(lambda: redline(a, b))
    page, cold = timed(lambda: redline_html(a, b, red))
    _, warm = timed(lambda: redline_html(a, b, red))
    return page, {"read": read, "redline": diffed, "page (cold)": cold, "page (warm)": warm}


def load_times(path: Path, runs: int) -> list:
    from tests import browser

    driver = browser.start()
    try:
        out = []
        for _ in range(runs):
            driver.get(path.as_uri())
            assert browser.console_errors(driver) == []
            out.append(driver.execute_script(LOAD) / 1000)
        return out
    finally:
        driver.quit()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3, help="Chromium loads (0: none)")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the generated drafts (kept)")
    args = parser.parse_args(argv)
    from benchmarks.generate import ensure

    folder = args.keep or Path(tempfile.mkdtemp(prefix="policydiff-html-"))
    ensure(folder, args.clauses, copies=0)
    page, times = write_times(folder)
    out = folder / "redline.html"
    out.write_text(page, encoding="utf-8")
    loads = load_times(out, args.runs) if args.runs else [float("nan")]
    for name, (wall, cpu) in times.items():
        print(f"{name:<12} {wall:6.2f} s  (CPU {cpu:.2f} s)")
    print(f"{'page size':<12} {len(page.encode()) / 1e6:6.2f} MB")
    print(f"{'Chromium':<12} {statistics.median(loads):6.2f} s (loadEventEnd, median of {len(loads)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
