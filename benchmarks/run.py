"""Benchmarks: speed, memory and redline quality at 30 / 300 / 3,000 clauses, peers side by side.

    python benchmarks/run.py                          every size, 5 runs of each operation
    python benchmarks/run.py --peers --profile        also python-redlines and LibreOffice; cProfile
    python benchmarks/run.py --sizes 30,300 --runs 3  a quicker look
    python benchmarks/run.py --flavours word          only the Word-style drafts

For each size, a generated draft (benchmarks/generate.py), its edited version and 20 reviewed
copies; each operation runs RUNS times, each time in a fresh Python process (cold caches, as
from the command line), and we take the median of:
    op       seconds from opening the first file to the output written (what the issue's targets mean)
    process  the whole process: interpreter start, imports, the operation
    cpu      user + system CPU seconds of the process (steadier than wall time on a busy machine)
    rss      the process's peak resident memory (``os.wait4`` rusage)
Operations: outline (read + clause tree), redline (load both, diff, write), comments (import the
reviewed copies), merge (consolidated copy), committee (merge --revised: redline + comments +
disposition table). Then the redline's quality against the recorded edits (benchmarks/quality.py),
checked with policydiff's reader and, up to --lo-max clauses, with LibreOffice accepting and
rejecting all changes.

Every size is measured in two flavours of the same drafts (--flavours): *clean*, as
scripts/build_example.py writes them (one run per paragraph, formatting in styles; data in
results/data/N), and *word*, rewritten by benchmarks/wordlike.py as Word saves a draft after a
few editing sessions (about 4 runs per paragraph, each with its own Thai w:rPr, rsids, w14 ids;
data in results/data/N-word). The texts, and so the recorded edits, are the same.

Writes benchmarks/results/latest.json (git-ignored) and benchmarks/RESULTS.md (committed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path[:0] = [str(HERE), str(ROOT)]

import generate  # noqa: E402
import quality  # noqa: E402
from policydiff.core.objects import visible  # noqa: E402

OPS = ("outline", "redline", "comments", "merge", "committee")
AUTHOR, DATE = "policydiff-bench", "2024-04-10T10:30:00Z"
TARGETS = {"redline_s": 1.0, "redline_rss_mb": 250, "merge_s": 3.0, "growth": 12.0, "ratio": 1.15}


# ---------------------------------------------------------------- the operations (child side)


def op_outline(d: Path, out: Path) -> dict:
    from policydiff.workflows.drafts import load

    return {"clauses": len(load(d / "base.docx").clauses)}


def op_redline(d: Path, out: Path) -> dict:
    from policydiff.workflows.compare import redline, write_redline
    from policydiff.workflows.drafts import load

    a, b = load(d / "base.docx"), load(d / "edited.docx")
    red = redline(a, b, author=AUTHOR, date=DATE)
    write_redline(red, b, out / "redline.docx", old=a)
    return {"blocks": len(red.blocks)}


def _imported(d: Path):
    from policydiff.workflows.drafts import load
    from policydiff.workflows.sources import import_sources

    base = load(d / "base.docx")
    return base, import_sources(base, [d / "reviews"])


def op_comments(d: Path, out: Path) -> dict:
    from policydiff.core.groups import conflicts, duplicates

    _, imported = _imported(d)
    return {"annotations": len(imported.annotations), "conflicts": len(conflicts(imported.annotations)),
            "duplicates": len(duplicates(imported.annotations)), "problems": len(imported.problems)}


def op_merge(d: Path, out: Path) -> dict:
    from policydiff.workflows.compare import write_redline
    from policydiff.workflows.merge import consolidate

    base, imported = _imported(d)
    done = consolidate(base, imported)
    write_redline(done.redline, base, out / "merged.docx")
    return {"annotations": len(imported.annotations), "edits": done.edits, "comments": done.comments,
            "orphans": len(done.orphans)}


def op_committee(d: Path, out: Path) -> dict:
    from policydiff.workflows.compare import clause_counts, write_redline
    from policydiff.workflows.drafts import load
    from policydiff.workflows.merge import committee
    from policydiff.workflows.pages import package_blocks

    base, imported = _imported(d)
    new = load(d / "edited.docx")
    review = committee(base, new, imported, author=AUTHOR, date=DATE)
    red = package_blocks(review, base, new, round_from="", round_to="", counts=clause_counts(base, new))
    write_redline(red, new, out / "committee.docx", old=base)
    return {"rows": len(review.rows), "orphans": len(review.orphans)}


def child(op: str, d: Path, out: Path, profile: Optional[Path]) -> None:
    """Run one operation in this (fresh) process and print its timing as JSON."""
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    import policydiff.workflows.merge  # noqa: F401  (imports are the process's cost, not the operation's)
    import policydiff.workflows.pages  # noqa: F401
    import policydiff.workflows.sources  # noqa: F401,F811

    fn = globals()[f"op_{op}"]
    out.mkdir(parents=True, exist_ok=True)
    if profile:
        import cProfile

        prof = cProfile.Profile()
        t0 = time.perf_counter()
        info = prof.runcall(fn, d, out)
        seconds = time.perf_counter() - t0
        prof.dump_stats(str(profile))
    else:
        t0 = time.perf_counter()
        info = fn(d, out)
        seconds = time.perf_counter() - t0
    import resource  # the largest of the worker processes that read reviewed copies, if any

    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "info": info, "hwm_mb": _hwm_kb(os.getpid()) / 1024,
                      "workers_mb": workers_mb}))


# ---------------------------------------------------------------- measuring processes


def measure(cmd: List[str], stdin: Optional[bytes] = None, env=None, timeout: float = 1800) -> dict:
    """Run ``cmd``; its wall time, CPU time, peak RSS (MB), exit code and output."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=out, stderr=err, env=env)
        if stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all children).
        _, status, ru, hwm_kb = _wait4(proc, timeout)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # Linux carries the parent's peak RSS into a child's ru_maxrss across fork and exec, so
        # ru_maxrss is at least this (large) process's own peak; the child's VmHWM is its own.
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": (hwm_kb or ru.ru_maxrss) / 1024,
                "ru_maxrss_mb": ru.ru_maxrss / 1024,
                "code": proc.returncode, "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


def _wait4(proc, timeout: float):
    """os.wait4 of the child, and the last VmHWM (kB) read from it while it ran (0 if never read)."""
    deadline = time.monotonic() + timeout
    hwm = 0
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return pid, status, ru, hwm
        hwm = max(hwm, _hwm_kb(proc.pid))
        if time.monotonic() > deadline:
            proc.kill()
            return (*os.wait4(proc.pid, 0), hwm)
        time.sleep(0.005)


def _hwm_kb(pid: int) -> int:
    """A running process's peak resident memory since its exec (VmHWM), in kB; 0 when unreadable."""
    return _status_kb(pid, "VmHWM")


def _status_kb(pid, field: str) -> int:
    """A memory field (VmHWM, VmRSS) of /proc/PID/status in kB; 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _child_env() -> dict:
    env = dict(os.environ, PYTHAINLP_READ_ONLY="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def run_op(op: str, d: Path, out: Path, runs: int) -> dict:
    """Median op / process / CPU seconds and peak RSS of ``runs`` fresh processes."""
    samples = []
    for _ in range(runs):
        m = measure([sys.executable, str(Path(__file__)), "--child", op, "--data", str(d), "--out", str(out)],
                    env=_child_env())
        if m["code"] != 0:
            raise RuntimeError(f"{op} on {d} failed (exit {m['code']}):\n{m['stderr'][-3000:]}")
        got = json.loads(m["stdout"].strip().splitlines()[-1])
        # The child's own VmHWM at the end of the op is exact; polling may miss a last short peak.
        rss = max(m["rss_mb"], got.get("hwm_mb", 0))
        samples.append({"op": got["seconds"], "process": m["wall"], "cpu": m["cpu"], "rss_mb": rss,
                        "workers_rss_mb": got.get("workers_mb", 0.0), "info": got["info"]})
    return summarize(samples)


def summarize(samples: List[dict]) -> dict:
    out = {k: round(statistics.median(s[k] for s in samples), 3) if samples[0][k] is not None else None
           for k in ("op", "process", "cpu")}
    out["rss_mb"] = round(max(s["rss_mb"] for s in samples), 1)
    out["workers_rss_mb"] = round(max(s.get("workers_rss_mb", 0.0) for s in samples), 1)
    out["runs"] = [round(s["op"], 3) for s in samples]
    out["info"] = samples[-1].get("info", {})
    return out


# ---------------------------------------------------------------- LibreOffice


def libreoffice():
    """tests/libreoffice.py (the test harness), or None when LibreOffice is not usable here."""
    try:
        from tests import libreoffice as lo
    except Exception:  # pytest missing, or the harness moved: LibreOffice checks are optional here
        return None
    return lo if lo.available() else None


def lo_exact(lo, docx: Path, base: Path, edited: Path) -> dict:
    """Accept-all and reject-all by LibreOffice, compared with the drafts (digits compared as Arabic)."""
    with lo.Office(timeout=900) as office:
        acc = office.accept_all(docx)
        rej = office.reject_all(docx)
    # LibreOffice gives the text a person reads: objects' markers left out, note marks too.
    want_a = quality.digits_arabic([visible(p) for p in quality.shown(edited, "accept")])
    want_r = quality.digits_arabic([visible(p) for p in quality.shown(base, "accept")])
    got_a, got_r = quality.digits_arabic(acc.paragraphs), quality.digits_arabic(rej.paragraphs)
    return {"lo_accept_exact": got_a == want_a, "lo_reject_exact": got_r == want_r,
            "lo_accept_diff": quality.first_difference(got_a, want_a),
            "lo_reject_diff": quality.first_difference(got_r, want_r),
            "lo_redlines_left": [acc.redlines_after, rej.redlines_after]}


def lo_compare(lo, d: Path, out: Path) -> dict:
    """One run of LibreOffice's Compare Document: timings from the worker, soffice's peak RSS meanwhile."""
    office = lo.Office(timeout=900)
    office.start()
    try:
        req = {"connect": office._connection(), "wait": 120, "old": str((d / "base.docx").resolve()),
               "new": str((d / "edited.docx").resolve()), "dst": str(out.resolve())}
        worker = [lo.SYSTEM_PYTHON, str(HERE / "lo_compare.py")]
        measure(worker, stdin=json.dumps(dict(req, ping=True)).encode(), env=lo._system_python_env())
        time.sleep(1.0)
        # soffice.bin's own start-up peaks near 210 MB, so its VmHWM says little about the
        # comparison: sample its resident size while the worker runs instead.
        with _RssSampler(office._proc.pid) as sampler:
            m = measure([lo.SYSTEM_PYTHON, str(HERE / "lo_compare.py")], stdin=json.dumps(req).encode(),
                        env=lo._system_python_env())
        rss = sampler.peak_mb
    finally:
        office.close()
    if m["code"] != 0:
        raise RuntimeError(f"LibreOffice compare failed:\n{m['stderr'][-3000:]}")
    got = json.loads(m["stdout"])
    return {"op": got["load"] + got["compare"] + got["store"], "compare": got["compare"], "process": m["wall"],
            "cpu": None, "rss_mb": rss, "info": {"redlines": got["redlines"]}}


class _RssSampler:
    """Polls the summed VmRSS of a process group's processes every 20 ms; ``peak_mb`` is the largest seen."""

    def __init__(self, pgid: int):
        self.pgid, self.peak_kb = pgid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    def __enter__(self) -> "_RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        polls, pids = 0, []
        while not self._stop.wait(0.02):
            if polls % 25 == 0:  # soffice.bin may still be starting: look for the group's processes again
                pids = _group_pids(self.pgid)
            polls += 1
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in pids))


def _group_pids(pgid: int) -> List[str]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                out.append(stat.parent.name)
        except (OSError, IndexError, ValueError):
            continue
    return out


def _rss_kb(pid: str) -> int:
    return _status_kb(pid, "VmRSS")


# ---------------------------------------------------------------- python-redlines


def redline_engines() -> Dict[str, object]:
    """{"Docxodus": engine, "WmlComparer": engine} for the python-redlines engines installed here."""
    try:
        import python_redlines as pr
    except ImportError:
        return {}
    engines = {}
    for name, cls in (("Docxodus", "DocxodusEngine"), ("WmlComparer", "XmlPowerToolsEngine")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # WmlComparer is deprecated upstream
                engines[name] = getattr(pr, cls)()
        except Exception as e:  # engine package missing or no binary for this platform
            print(f"python-redlines {name}: not usable ({e})", file=sys.stderr)
    return engines


def engine_run(engine, d: Path, out: Path) -> dict:
    """One run of a python-redlines engine's binary (called directly, so its own RSS is measured)."""
    cmd = engine._build_command(AUTHOR, str(d / "base.docx"), str(d / "edited.docx"), str(out))
    m = measure(cmd)
    if m["code"] != 0 or not out.exists():
        raise RuntimeError(f"{cmd[0]} failed (exit {m['code']}):\n{m['stderr'][-2000:]}{m['stdout'][-2000:]}")
    return {"op": m["wall"], "process": m["wall"], "cpu": m["cpu"], "rss_mb": m["rss_mb"], "info": {}}


def run_peer(name: str, once, d: Path, out: Path, runs: int) -> dict:
    samples = [once(d, out) for _ in range(runs)]
    res = summarize(samples)
    if name == "LibreOffice":
        res["compare"] = round(statistics.median(s["compare"] for s in samples), 3)
    return res


# ---------------------------------------------------------------- one size


def data_dir(n: int, flavour: str) -> Path:
    """Where the generated set of ``n`` clauses in ``flavour`` lives (clean sets keep their old place)."""
    return RESULTS / "data" / (str(n) if flavour == "clean" else f"{n}-{flavour}")


def bench_size(n: int, args, lo, flavour: str = "clean") -> dict:
    d = data_dir(n, flavour)
    t0 = time.perf_counter()
    truth = generate.ensure(d, n, args.seed, args.copies, flavour)
    print(f"[{n} clauses, {flavour}] data ready in {time.perf_counter() - t0:.1f} s: "
          f"{truth['paragraphs']['base']} paragraphs, {truth['runs_per_paragraph']} runs per paragraph, "
          f"{len(truth['edits'])} recorded edits, {truth['reviews']['annotations']} annotations", flush=True)
    out = d / "out"
    res = {"clauses": n, "paragraphs": truth["paragraphs"]["base"], "true_chars": truth["true_chars"],
           "edit_counts": truth["counts"], "annotations": truth["reviews"]["annotations"], "ops": {}, "peers": {},
           "flavour": flavour, "runs_per_paragraph": truth["runs_per_paragraph"]}
    for op in args.ops:
        res["ops"][op] = run_op(op, d, out, args.runs)
        print(f"  {op:10s} {_fmt_sample(res['ops'][op])}", flush=True)
    if "redline" in args.ops:
        res["quality"] = quality.quality(out / "redline.docx", truth, d / "base.docx", d / "edited.docx")
        if lo is not None and n <= args.lo_max:
            res["quality"].update(lo_exact(lo, out / "redline.docx", d / "base.docx", d / "edited.docx"))
        print(f"  quality    {_fmt_quality(res['quality'])}", flush=True)
    if args.peers:
        res["peers"] = bench_peers(d, truth, lo, args)
    return res


def bench_peers(d: Path, truth: dict, lo, args) -> dict:
    peers = {}
    makers = {name: (lambda e: lambda dd, o: engine_run(e, dd, o))(eng) for name, eng in redline_engines().items()}
    if lo is not None:
        makers["LibreOffice"] = lambda dd, o: lo_compare(lo, dd, o)
    for name in ("Docxodus", "WmlComparer", "LibreOffice"):
        if name not in makers:
            peers[name] = {"skipped": "not installed"}
            print(f"  peer {name}: skipped (not installed)", flush=True)
            continue
        out = d / "out" / f"peer-{name}.docx"
        try:
            res = run_peer(name, makers[name], d, out, args.peer_runs or args.runs)
            res["quality"] = quality.quality(out, truth, d / "base.docx", d / "edited.docx")
        except Exception as e:  # a peer failing is a finding to report, not the end of the run
            res = {"failed": str(e).splitlines()[0][:300]}
        peers[name] = res
        print(f"  peer {name:11s} {_fmt_sample(res)}  {_fmt_quality(res.get('quality'))}", flush=True)
    return peers


def _fmt_sample(s: dict) -> str:
    if "op" not in s:
        return s.get("skipped") or f"failed: {s.get('failed')}"
    cpu = f"{s['cpu']:.2f}" if s.get("cpu") is not None else "-"
    return f"op {s['op']:7.3f} s  process {s['process']:7.3f} s  cpu {cpu:>6s} s  rss {s['rss_mb']:7.1f} MB"


def _fmt_quality(q: Optional[dict]) -> str:
    if not q:
        return ""
    lo = ""
    if "lo_accept_exact" in q:
        lo = f", LibreOffice accept {_yes(q['lo_accept_exact'])} reject {_yes(q['lo_reject_exact'])}"
    return (f"marked/true {q['marked']}/{q['true']} = {q['ratio']:.3f}; word edits marked exactly "
            f"{q['word_edits_exact']}/{q['word_edits']}; accept {_yes(q['accept_exact'])} "
            f"reject {_yes(q['reject_exact'])}{lo}")


def _yes(ok) -> str:
    return "exact" if ok else "NOT exact"


# ---------------------------------------------------------------- profile


def profile(n: int, ops, top: int = 25, flavour: str = "clean") -> Dict[str, dict]:
    """cProfile of each op at size ``n`` in a fresh process: the top functions by cumulative and own time
    (full listing in results/profile-OP-N[-FLAVOUR].txt, the top entries kept for RESULTS.md)."""
    import io
    import pstats

    d = data_dir(n, flavour)
    tag = str(n) if flavour == "clean" else f"{n}-{flavour}"
    texts = {}
    for op in ops:
        prof = RESULTS / f"profile-{op}-{tag}.prof"
        m = measure([sys.executable, str(Path(__file__)), "--child", op, "--data", str(d), "--out", str(d / "out"),
                     "--profile-out", str(prof)], env=_child_env())
        if m["code"] != 0:
            raise RuntimeError(f"profiling {op} failed:\n{m['stderr'][-3000:]}")
        buf = io.StringIO()
        stats = pstats.Stats(str(prof), stream=buf)
        stats.strip_dirs().sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        (RESULTS / f"profile-{op}-{tag}.txt").write_text(buf.getvalue(), encoding="utf-8")
        texts[op] = {"clauses": n, "flavour": flavour, "total": round(stats.total_tt, 3),
                     "top": _top_functions(stats, 15)}
        print(f"profile of {op} at {n} clauses ({flavour}): {RESULTS / f'profile-{op}-{tag}.txt'}", flush=True)
    return texts


def _top_functions(stats, k: int) -> List[list]:
    """[function, cumulative s, own s] of the ``k`` functions with most cumulative time (our wrappers left out)."""
    rows = []
    for (file, line, name), (_, _, own, cum, _) in stats.stats.items():
        if file in ("run.py", "~") or name.startswith("<"):
            continue
        rows.append([f"{Path(file).stem}.{name}:{line}", round(cum, 3), round(own, 3)])
    return sorted(rows, key=lambda r: -r[1])[:k]


# ---------------------------------------------------------------- report


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "loadavg": [round(x, 2) for x in os.getloadavg()], "libreoffice": _lo_version(),
            "python_redlines": _version("python-redlines")}


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def _lo_version() -> str:
    exe = shutil.which("soffice")
    if not exe:
        return ""
    try:
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return " ".join(done.stdout.split()[:2])


def targets(sizes: Dict[int, dict], flavour: str = "clean") -> List[tuple]:
    """(target, value, met, flavour) rows for the largest size measured in one flavour."""
    return [row + (flavour,) for row in _targets(sizes)]


def _targets(sizes: Dict[int, dict]) -> List[tuple]:
    big = max(sizes)
    r = sizes[big]
    rows = []
    ops = r["ops"]
    if "redline" in ops:
        rows.append((f"redline median ≤ {TARGETS['redline_s']} s ({big} clauses)", f"{ops['redline']['op']:.2f} s",
                     ops["redline"]["op"] <= TARGETS["redline_s"]))
        rows.append((f"redline peak RSS ≤ {TARGETS['redline_rss_mb']} MB", f"{ops['redline']['rss_mb']:.0f} MB",
                     ops["redline"]["rss_mb"] <= TARGETS["redline_rss_mb"]))
    if "merge" in ops:
        rows.append((f"merge, {r['annotations']} annotations from 20 copies ≤ {TARGETS['merge_s']} s",
                     f"{ops['merge']['op']:.2f} s", ops["merge"]["op"] <= TARGETS["merge_s"]))
    small = [n for n in sizes if n * 10 == big]
    for op in ("redline", "merge"):
        if small and op in ops:
            growth = ops[op]["op"] / sizes[small[0]]["ops"][op]["op"]
            rows.append((f"{op}: {big} clauses ≤ {TARGETS['growth']:.0f}× the time of {small[0]}", f"{growth:.1f}×",
                         growth <= TARGETS["growth"]))
    q = r.get("quality")
    if q:
        rows.append((f"marked ÷ true ≤ {TARGETS['ratio']}", f"{q['ratio']:.3f}", q["ratio"] <= TARGETS["ratio"]))
        rows.append(("accept all / reject all exact (own reader)", f"{_yes(q['accept_exact'])} / "
                     f"{_yes(q['reject_exact'])}", q["accept_exact"] and q["reject_exact"]))
    return rows


def _measured(report: dict):
    """(size, flavour, result) for every size and flavour measured, by size then flavour."""
    by = report.get("by_flavour") or {"clean": report["sizes"]}
    order = {f: k for k, f in enumerate(report.get("flavours") or list(by))}
    rows = [(n, f, r) for f, sizes in by.items() for n, r in sizes.items()]
    return sorted(rows, key=lambda t: (int(t[0]), order.get(t[1], 99)))


def _target_lines(report: dict):
    """(label, value, met) of every target row, the label starting with the row's flavour."""
    for row in report["targets"]:
        what, value, ok = row[:3]
        yield (f"[{row[3]}] {what}" if len(row) > 3 else what), value, ok


def terminal_table(report: dict) -> str:
    lines = [f"{'size':>6} {'flavour':7} {'runs/p':>6} {'op':10} {'median op s':>12} {'process s':>10} {'cpu s':>7} "
             f"{'peak MB':>8}"]
    for n, fl, r in _measured(report):
        head = f"{n:>6} {fl:7} {r.get('runs_per_paragraph', 1.0):6.2f}"
        for op, s in r["ops"].items():
            lines.append(f"{head} {op:10} {s['op']:12.3f} {s['process']:10.3f} {s['cpu']:7.2f} {s['rss_mb']:8.1f}")
        for name, s in r.get("peers", {}).items():
            if "op" in s:
                cpu = f"{s['cpu']:7.2f}" if s.get("cpu") is not None else f"{'-':>7}"
                lines.append(f"{head} {name[:10]:10} {s['op']:12.3f} {s['process']:10.3f} {cpu} {s['rss_mb']:8.1f}")
    lines.append("")
    for n, fl, r in _measured(report):
        if r.get("quality"):
            lines.append(f"{n:>6} {fl:7} policydiff  {_fmt_quality(r['quality'])}")
        for name, s in r.get("peers", {}).items():
            if s.get("quality"):
                lines.append(f"{n:>6} {fl:7} {name:11s} {_fmt_quality(s['quality'])}")
    lines.append("")
    lines += [f"{'met' if ok else 'MISSED':6} {what}: {value}" for what, value, ok in _target_lines(report)]
    return "\n".join(lines)


def markdown(report: dict, command: str) -> str:
    m = report["machine"]
    out = ["# Benchmarks", "",
           f"Generated by `{command}` on {m['date']}. Reproduce with the same command from the repository root",
           "(`benchmarks/generate.py` builds the drafts deterministically from the seed).", "",
           f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, {m['platform']}; "
           f"load average at the end {m['loadavg']}. {m['libreoffice'] or 'LibreOffice not installed'}; "
           f"python-redlines {m['python_redlines'] or 'not installed'}.", "",
           "## Targets (largest size)", "", "| target | measured | |", "|---|---|---|"]
    out += [f"| {what} | {value} | {'met' if ok else '**missed**'} |" for what, value, ok in _target_lines(report)]
    out += ["", "## Speed and memory", "",
            f"Median of {report['runs']} runs, each in a fresh process. *op*: from opening the first file to the "
            "output written; *process*: the whole command (interpreter, imports, op); *cpu*: user+system CPU of "
            "the process and of the worker processes it forks (reviewed copies read one per core when they pass 1 MB; the old draft of a redline read beside the new one above 500 KB"
            "); *peak*: its peak RSS, and in brackets the largest worker's. *Flavour*: *clean* drafts as build_example.py writes them (one run "
            "per paragraph, formatting in styles); *word* the same drafts as Word saves them after a few editing "
            "sessions (benchmarks/wordlike.py: paragraphs cut into runs, each with its own Thai w:rPr, rsids, w14 "
            "ids); *runs/para*: text runs per paragraph of the base draft.", "",
            "| clauses | paragraphs | flavour | runs/para | operation | op s | process s | cpu s | peak MB |",
            "|---:|---:|---|---:|---|---:|---:|---:|---:|"]
    for n, fl, r in _measured(report):
        for op, s in r["ops"].items():
            out.append(f"| {n} | {r['paragraphs']} | {fl} | {r.get('runs_per_paragraph', 1.0):.2f} | {op} | "
                       f"{s['op']:.3f} | {s['process']:.3f} | {s['cpu']:.2f} | {s['rss_mb']:.0f}"
                       f"{' (%.0f)' % s['workers_rss_mb'] if s.get('workers_rss_mb') else ''} |")
    out += _flavour_cost_md(report)
    out += _quality_md(report)
    out += _peers_md(report)
    out += _profile_md(report)
    out += ["", "## Definitions", "",
            "- *true* characters come from the recorded edits (`edits.json`): a replaced word A→B counts len(A)+len(B);",
            "  an inserted or deleted phrase its length; a renumbered label ข้อ N→ข้อ M len(N)+len(M) (the number is one",
            "  word; `ratio_digitwise` in the JSON counts only the digits that differ); a deleted or inserted paragraph",
            "  its length; a moved paragraph its old plus new length; a formatting-only change 0.",
            "- *marked* characters: text inside w:ins, w:del, w:moveFrom and w:moveTo of the output.",
            "- *exact*: accept-all (reject-all) paragraphs, as policydiff's reader shows them (label + text, table",
            "  cells included), equal the edited (base) draft's; LibreOffice: the same through Accept/Reject All",
            "  Changes over UNO, digits compared as Arabic.",
            "- *word edits marked exactly*: replaced words, inserted and deleted phrases and the table cell edit",
            "  whose deleted and inserted text are each one marked stretch equal to the edit (or the same edit",
            "  shifted across equal text)."]
    return "\n".join(out) + "\n"


def _flavour_cost_md(report: dict) -> List[str]:
    """Word-style drafts' op time and peak memory as multiples of the clean drafts', per size and operation."""
    by = report.get("by_flavour") or {}
    if not {"clean", "word"} <= set(by):
        return []
    out = ["", "What Word-style drafts cost (word ÷ clean, same size and operation):", "",
           "| clauses | operation | op s clean → word | × | peak MB clean → word |", "|---:|---|---:|---:|---:|"]
    for n in sorted(set(by["clean"]) & set(by["word"]), key=int):
        for op in by["clean"][n]["ops"]:
            c, w = by["clean"][n]["ops"][op], by["word"][n]["ops"].get(op)
            if w:
                times = f"{w['op'] / c['op']:.2f}×" if c["op"] else ""
                out.append(f"| {n} | {op} | {c['op']:.3f} → {w['op']:.3f} | {times} | "
                           f"{c['rss_mb']:.0f} → {w['rss_mb']:.0f} |")
    return out


def _quality_md(report: dict) -> List[str]:
    out = ["", "## Redline quality (base → edited)", "",
           "| clauses | flavour | true chars | marked | marked ÷ true | word edits marked exactly | accept | reject | "
           "LibreOffice accept / reject |", "|---:|---|---:|---:|---:|---:|---|---|---|"]
    for n, fl, r in _measured(report):
        q = r.get("quality")
        if not q:
            continue
        lo = f"{_yes(q['lo_accept_exact'])} / {_yes(q['lo_reject_exact'])}" if "lo_accept_exact" in q else "not run"
        out.append(f"| {n} | {fl} | {q['true']} | {q['marked']} | {q['ratio']:.3f} | {q['word_edits_exact']} of "
                   f"{q['word_edits']} | {_yes(q['accept_exact'])} | {_yes(q['reject_exact'])} | {lo} |")
    out += ["", "Recorded edits (the same in every flavour):", ""]
    for n, r in sorted(_first_flavour(report).items(), key=lambda kv: int(kv[0])):
        out.append(f"- {n} clauses ({r['annotations']} annotations in the reviewed copies): "
                   + ", ".join(f"{k} {v}" for k, v in r["edit_counts"].items()))
    return out


def _first_flavour(report: dict) -> Dict[int, dict]:
    return report["sizes"]


def _profile_md(report: dict) -> List[str]:
    if not report.get("profile"):
        return []
    out = ["", "## Profile (cProfile, one fresh process each; profiling slows Python code about 1.5–2×)"]
    profiles = report.get("profile_by_flavour") or {"": report["profile"]}
    for fl, op, p in ((fl, op, p) for fl, ops in profiles.items() for op, p in ops.items()):
        out += ["", f"{op}, {p['clauses']} clauses{', ' + fl if fl else ''}, {p['total']} s under the profiler:", "",
                "| function | cumulative s | own s |", "|---|---:|---:|"]
        out += [f"| `{name}` | {cum:.3f} | {own:.3f} |" for name, cum, own in p["top"]]
    return out


def _peers_md(report: dict) -> List[str]:
    rows = []
    for n, fl, r in _measured(report):
        ours = r["ops"].get("redline")
        for name, s in r.get("peers", {}).items():
            if "op" not in s:
                rows.append(f"| {n} | {fl} | {name} | {s.get('skipped') or 'failed: ' + s.get('failed', '')} "
                            "| | | | | |")
                continue
            q = s["quality"]
            times = f"{s['op'] / ours['op']:.1f}×" if ours else ""
            compare = f" (compare alone {s['compare']:.2f})" if "compare" in s else ""
            rows.append(f"| {n} | {fl} | {name} | {s['op']:.2f}{compare} | {times} | {s['rss_mb']:.0f} | {q['ratio']:.2f} | "
                        f"{q['word_edits_exact']} of {q['word_edits']} | {_yes(q['accept_exact'])} / "
                        f"{_yes(q['reject_exact'])} |")
    if not rows:
        return []
    return ["", "## Peers on the same pairs", "",
            "Time is wall seconds (LibreOffice: load + compare + save, soffice already running); × is the peer's "
            "time ÷ policydiff's redline op time; memory is the peer process's peak RSS (LibreOffice: soffice's "
            "resident size sampled every 20 ms during load, compare and save).",
            "", "| clauses | flavour | tool | seconds | × policydiff | peak MB | marked ÷ true | word edits marked "
            "exactly | accept / reject exact (our reader) |", "|---:|---|---|---:|---:|---:|---:|---:|---|"] + rows


# ---------------------------------------------------------------- main

# What follows this line in RESULTS.md is written by hand or by the other benchmark scripts
# (bench_html, bench_serve): a run of this script keeps it.
KEPT = "<!-- Not written by run.py: kept as it is when run.py rewrites the file. -->"


def kept_sections(path: Path) -> str:
    """The part of the existing RESULTS.md from the ``KEPT`` line on, or nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    at = text.find(KEPT)
    return "\n" + text[at:] if at >= 0 else ""



def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="30,300,3000", help="clause counts, comma-separated")
    p.add_argument("--runs", type=int, default=5, help="fresh processes per operation (median)")
    p.add_argument("--ops", default=",".join(OPS), help="operations to time, comma-separated")
    p.add_argument("--copies", type=int, default=20, help="reviewed copies per size")
    p.add_argument("--seed", default="1")
    p.add_argument("--peers", action="store_true", help="also run python-redlines and LibreOffice, when installed")
    p.add_argument("--peer-runs", type=int, default=0, help="runs per peer (default: --runs)")
    p.add_argument("--lo-max", type=int, default=300, help="check our redline with LibreOffice up to this size")
    p.add_argument("--no-libreoffice", action="store_true", help="skip every LibreOffice step")
    p.add_argument("--profile", action="store_true", help="cProfile redline and merge at the largest size")
    p.add_argument("--flavours", default=",".join(generate.FLAVOURS),
                   help="draft flavours, comma-separated: clean (as built), word (runs and rsids as Word saves)")
    p.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    p.add_argument("--child", choices=OPS, help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child, args.data, args.out, args.profile_out)
        return 0
    args.ops = [op for op in args.ops.split(",") if op]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    flavours = [f for f in args.flavours.split(",") if f]
    unknown = [f for f in flavours if f not in generate.FLAVOURS]
    if unknown or not flavours:
        p.error(f"--flavours: choose from {', '.join(generate.FLAVOURS)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    lo = None if args.no_libreoffice else libreoffice()
    # "sizes" keeps its old meaning (one flavour: clean when measured); "by_flavour" holds every flavour.
    report = {"runs": args.runs, "seed": args.seed, "flavours": flavours, "sizes": {},
              "by_flavour": {f: {} for f in flavours}}
    for n in sizes:
        for fl in flavours:
            report["by_flavour"][fl][n] = bench_size(n, args, lo, fl)
    report["sizes"] = report["by_flavour"][flavours[0]]
    report["targets"] = [row for fl in flavours for row in targets(report["by_flavour"][fl], fl)]
    if args.profile:
        ops = [op for op in ("redline", "merge") if op in args.ops]
        report["profile_by_flavour"] = {fl: profile(max(sizes), ops, flavour=fl) for fl in flavours}
        report["profile"] = report["profile_by_flavour"][flavours[0]]
    report["machine"] = machine()
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    args.markdown.write_text(markdown(report, command.strip()) + kept_sections(args.markdown), encoding="utf-8")
    print("\n" + terminal_table(report))
    print(f"\nwrote {args.json} and {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
