"""Fuzz the reader and the comment importer; print the figures and keep one input per distinct crash.

    python -m tests.fuzz.fuzz_reader --target reader --iterations 5000 --seed 1 --out /tmp/fuzz-crashes
    python -m tests.fuzz.fuzz_reader --target importer --iterations 2000 --seed 1
    python -m tests.fuzz.fuzz_reader --replay /tmp/fuzz-crashes/<file>.docx --target reader

Input ``i`` of a run is made from ``random.Random(f"{seed}:{i}")``, so ``--seed S --start i
--iterations 1`` replays it. An input that takes longer than ``--time-limit`` seconds counts
as a crash ("hang"). The test suite runs a short deterministic slice (tests/test_fuzz_slice.py).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from tests.fuzz import fuzzlib  # noqa: E402
from tests.fuzz.fuzzlib import Crash  # noqa: E402


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang("the input took longer than the time limit")


def one(target: str, rng: random.Random, seeds, cache) -> tuple:
    """(outcome kind, input bytes) for one input; raises Crash."""
    if target == "reader":
        name, data = fuzzlib.reader_input(rng, seeds)
        seed_name = "small.docx" if name == "grammar" else name
        return fuzzlib.check_reader(data, *cache[seed_name]).kind, data
    base_name, base_data, data = fuzzlib.importer_input(rng, seeds)
    if base_name in ("self", "other"):
        try:
            base = fuzzlib.base_version(base_data, "base.docx", view="reject" if base_name == "self" else "accept")
        except Exception as e:  # noqa: BLE001 - a grammar base that does not read is not the importer's input
            from policydiff.errors import PolicydiffError

            if isinstance(e, PolicydiffError):
                return "refused", data
            raise Crash("base", e, base_data) from None
    else:
        base = cache["v1-version"]
    return fuzzlib.check_importer(data, base).kind, data


def seed_cache(seeds) -> dict:
    """(package, accepted Document) of every seed, and v1 as a base Version."""
    from policydiff.docx.package import open_package_bytes
    from policydiff.docx.reader import read_package

    cache = {}
    for name, data in seeds.items():
        pkg = open_package_bytes(data, name)
        cache[name] = (pkg, read_package(pkg, "accept"))
    cache["v1-version"] = fuzzlib.base_version(seeds["v1.docx"], "v1.docx")
    return cache


def campaign(target: str, seed: int, start: int, iterations: int, out: Path, time_limit: float) -> dict:
    seeds = fuzzlib.seed_files()
    cache = seed_cache(seeds)
    counts = collections.Counter()
    crashes = {}
    began = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    for i in range(start, start + iterations):
        rng = random.Random(f"{seed}:{i}")
        signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            kind, _ = one(target, rng, seeds, cache)
            counts[kind] += 1
        except Crash as c:
            counts["crash"] += 1
            _keep(crashes, c.signature, i, c.data, c.trace, c.extra, out)
        except _Hang as h:
            counts["crash"] += 1
            _keep(crashes, "hang", i, b"", repr(h), {}, out)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return {
        "target": target, "seed": seed, "start": start, "inputs": iterations, "outcomes": dict(counts),
        "seconds": round(time.perf_counter() - began, 1),
        "crashes": {sig: {"count": v["count"], "first_input": v["first"], "saved": v["saved"]}
                    for sig, v in sorted(crashes.items())},
    }


def _keep(crashes: dict, signature: str, i: int, data: bytes, trace: str, extra: dict, out: Path) -> None:
    entry = crashes.setdefault(signature, {"count": 0, "first": i, "saved": ""})
    entry["count"] += 1
    if entry["count"] > 1 or out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{i:06d}-" + "".join(ch if ch.isalnum() else "_" for ch in signature)[:80]
    (out / f"{stem}.docx").write_bytes(data)
    (out / f"{stem}.txt").write_text(trace + ("\n" + json.dumps(extra, ensure_ascii=False)[:5000] if extra else ""))
    entry["saved"] = str(out / f"{stem}.docx")
    print(f"crash {signature} at input {i}: {trace.strip().splitlines()[-1][:200]}", file=sys.stderr)


def replay(target: str, path: Path) -> int:
    seeds = fuzzlib.seed_files()
    cache = seed_cache(seeds)
    data = path.read_bytes()
    try:
        if target == "reader":
            print(fuzzlib.check_reader(data, *cache["small.docx"]))
        else:
            print(fuzzlib.check_importer(data, cache["v1-version"]))
    except Crash as c:
        print(c.trace)
        return 1
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", choices=("reader", "importer"), default="reader")
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--out", type=Path, default=None, help="Folder for one input (and trace) per distinct crash.")
    ap.add_argument("--replay", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.replay:
        return replay(args.target, args.replay)
    report = campaign(args.target, args.seed, args.start, args.iterations, args.out, args.time_limit)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if report["outcomes"].get("crash") else 0


if __name__ == "__main__":
    sys.exit(main())
