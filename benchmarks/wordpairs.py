"""Redline fidelity on Word-made comparison pairs: accept-all = after, reject-all = before, everywhere.

    python benchmarks/wordpairs.py [--pairs ../shared/wordpairs] [--out DIR] [--libreoffice]
                                   [--json FILE] [--only ID]

For each row of PAIRS/pairs.tsv (id, before, after, count) this runs ``policydiff redline BEFORE
AFTER -o OUT.docx`` in a subprocess and checks OUT with ``policydiff.docx.inventory``, an XML-level
reader independent of policydiff's own reader and model:

- body accept / reject: the body of OUT accepted (rejected) equals the body of AFTER (BEFORE);
- all stories: the same for every story (body, notes, headers/footers, text boxes);
- objects kept: the object kinds (images, fields, notes, hyperlinks, bookmarks...) of OUT
  accepted (rejected) are those of AFTER (BEFORE);
- no dangling relationships in OUT, and no ``openxml-audit`` error (when installed) that neither
  input already has;
- with --libreoffice: LibreOffice's accept-all / reject-all of OUT against its accept-all of
  AFTER / BEFORE, as paragraph texts.

Ground truth: some inputs hold tracked changes of their own, and policydiff redlines the accepted
state of each draft, so the reference for both sides is the *accept* view of AFTER and of BEFORE
(for inputs without revisions that is the file as it is). Comparisons are exact: no whitespace
normalising, empty paragraphs count. A pair that crashes is reported, never fatal.

One reading is not the file as it is: a footnote or endnote that holds no block at all (WC-2050's
AFTER has ``<w:footnote w:id="1"/>``; WC-2070's BEFORE and AFTER both have one, which the redline
copies as it is) is compared as a note of one empty paragraph, in the inputs and in OUT alike. ECMA-376's schema wants at least one block in a note (``CT_FtnEdn``:
``EG_BlockLevelElts``, minOccurs 1), so no valid redline can hold such a note (policydiff writes one
empty paragraph); the table names each pair this reading touched (``↳ read as:``).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff.docx.inventory import compare, dangling_relationships, object_counts  # noqa: E402
from policydiff.docx.inventory_paragraphs import ParaSig  # noqa: E402
from policydiff.docx.inventory_stories import stories  # noqa: E402

DEFAULT_PAIRS = ROOT.parent / "shared" / "wordpairs"
REDLINE_TIMEOUT = 600
AUDIT_TIMEOUT = 300
CHECKS = ("redline", "body_accept", "body_reject", "all_accept", "all_reject", "objects", "rels", "audit")
LO_CHECKS = ("lo_accept", "lo_reject")
HEADERS = {"redline": "run", "body_accept": "bodyA", "body_reject": "bodyR", "all_accept": "allA",
           "all_reject": "allR", "objects": "objs", "rels": "rels", "audit": "audit",
           "lo_accept": "loA", "lo_reject": "loR"}


def read_pairs(pairs_dir: Path) -> list:
    """Rows of pairs.tsv as dicts with absolute before/after paths."""
    with open(pairs_dir / "pairs.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    out = []
    for row in rows[1:]:
        if len(row) >= 3 and row[0].strip():
            out.append({"id": row[0], "before": pairs_dir / row[1], "after": pairs_dir / row[2],
                        "count": row[3] if len(row) > 3 else ""})
    return out


def run_redline(before: Path, after: Path, out: Path) -> dict:
    """Run the CLI; exit code, stderr and seconds."""
    if out.exists():
        out.unlink()
    cmd = [sys.executable, "-m", "policydiff", "redline", str(before), str(after), "-o", str(out)]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=REDLINE_TIMEOUT, cwd=out.parent)
        code, err = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        code, err = -1, f"timed out after {REDLINE_TIMEOUT} s"
    return {"exit": code, "stderr": err.strip(), "seconds": round(time.perf_counter() - start, 2)}


@functools.lru_cache(maxsize=None)
def audit_errors(path: Path):
    """openxml-audit's errors of a file as a Counter of (part, description), or None without the tool."""
    tool = shutil.which("openxml-audit")
    if tool is None:
        return None
    try:
        done = subprocess.run([tool, "-o", "json", "-q", "-m", "0", str(path)], capture_output=True,
                              text=True, timeout=AUDIT_TIMEOUT)
        report = json.loads(done.stdout)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        return None
    entry = report[0] if isinstance(report, list) and report else report
    return Counter((e.get("part_uri", ""), e.get("description", "")) for e in entry.get("errors", []))


def counter_delta(want: Counter, got: Counter) -> str:
    """'lost image×2, extra bookmarkEnd×1' for two Counters; '' when equal."""
    lost = want - got
    extra = got - want
    parts = [f"lost {k}×{n}" for k, n in sorted(lost.items())]
    parts += [f"extra {k}×{n}" for k, n in sorted(extra.items())]
    return ", ".join(parts)


def check_views(out: Path, before: Path, after: Path, result: dict) -> None:
    """Body, all-story and object checks of OUT against the accepted inputs."""
    want = {"accept": stories(after, "accept"), "reject": stories(before, "accept")}
    for side, path in (("accept", after), ("reject", before)):
        _read_notes(want[side], path.name, result)
    for side in ("accept", "reject"):
        got = stories(out, side)
        _read_notes(got, f"redline ({side})", result)
        body = compare({"body": got.get("body", [])}, {"body": want[side]["body"]})
        every = compare(got, want[side])
        delta = counter_delta(object_counts(want[side]), object_counts(got))
        result[f"body_{side}"] = not body
        result[f"all_{side}"] = not every
        result.setdefault("objects", True)
        result["objects"] = result["objects"] and not delta
        if every:
            result["reasons"].append(f"{side}: {every[0]}")
            result["categories"].extend(_story_categories(side, got, want[side]))
        if delta:
            result["reasons"].append(f"{side} objects: {delta}")
            result["categories"].extend(f"{side}: {p.split('×')[0]}" for p in delta.split(", "))


def _read_notes(views: dict, what: str, result: dict) -> None:
    for name in empty_notes_as_one_paragraph(views):
        result["read_as"].append(f"{what}: {name} has no block, read as one empty paragraph")


def empty_notes_as_one_paragraph(views: dict) -> list:
    """Turn each note story of ``views`` with no paragraph into one empty paragraph (see the module
    docstring: no valid output can hold a note without a block); the names of those notes."""
    names = [name for name, sigs in views.items() if name.split(" ")[0] in ("footnote", "endnote") and not sigs]
    for name in names:
        views[name] = [ParaSig("", ())]
    return names


def _story_categories(side: str, got: dict, want: dict) -> list:
    """One category per differing kind of story ('accept: footnote story missing', ...)."""
    cats = set()
    for name in set(got) | set(want):
        kind = name.split(" ")[0] if not name.startswith("textbox") else "textbox"
        if name not in got:
            cats.add(f"{side}: {kind} story missing")
        elif name not in want:
            cats.add(f"{side}: {kind} story extra")
        elif got[name] != want[name]:
            texts_equal = [s.text for s in got[name]] == [s.text for s in want[name]]
            cats.add(f"{side}: {kind} {'objects' if texts_equal else 'text'} differ")
        if name in got and any("\ufffc" in s.text for s in got[name]):
            cats.add(f"{side}: U+FFFC object placeholders written as text ({kind})")
    return sorted(cats)


def check_rels(out: Path, result: dict) -> None:
    """No dangling relationships or parts without a content type."""
    problems = dangling_relationships(out)
    result["rels"] = not problems
    result["rel_problems"] = problems[:10]
    if problems:
        result["reasons"].append(f"rels: {len(problems)} problem(s), first: {problems[0]}")
        result["categories"].append("dangling relationships")


def check_audit(out: Path, before: Path, after: Path, result: dict) -> None:
    """openxml-audit errors of OUT that neither input has (None when the tool is unavailable)."""
    got, base_a, base_b = audit_errors(out), audit_errors(before), audit_errors(after)
    if got is None:
        result["audit_errors"] = result["audit"] = None
        return
    new = got - ((base_a or Counter()) | (base_b or Counter()))
    result["audit_errors"] = sum(got.values())
    result["audit_new_errors"] = sum(new.values())
    result["audit"] = not new
    if new:
        part, text = next(iter(new))
        result["reasons"].append(f"openxml-audit: {sum(new.values())} new error(s) ({sum(got.values())} in all), "
                                 f"first: {part}: {text}")
        result["categories"].append("openxml-audit: " + _generic(text))


def _generic(text: str) -> str:
    """An audit message with its quoted values blanked, to group failures."""
    return re.sub(r"'[^']*'", "'…'", text)[:90]


def check_libreoffice(office, out: Path, before: Path, after: Path, result: dict) -> None:
    """LibreOffice accept-all/reject-all of OUT against its accept-all of AFTER/BEFORE."""
    want = {"accept": _retry(office.accept_all, after), "reject": _retry(office.accept_all, before)}
    got = {"accept": _retry(office.accept_all, out), "reject": _retry(office.reject_all, out)}
    for side in ("accept", "reject"):
        ok = got[side] == want[side]
        result[f"lo_{side}"] = ok
        if not ok:
            result["reasons"].append(f"LibreOffice {side}: {_first_text_difference(got[side], want[side])}")
            result["categories"].append(f"LibreOffice {side} differs")


def _retry(operation, path: Path) -> list:
    """Paragraphs of one LibreOffice operation, tried a second time if soffice crashed."""
    try:
        return operation(path).paragraphs
    except Exception:  # noqa: BLE001 - the Office restarts itself on the next request
        return operation(path).paragraphs


def _first_text_difference(got: list, want: list) -> str:
    """The first differing paragraph of two text lists."""
    for i in range(max(len(got), len(want))):
        a = got[i] if i < len(got) else None
        b = want[i] if i < len(want) else None
        if a != b:
            return f"{len(got)} vs {len(want)} paragraphs; paragraph {i + 1}: {a!r} != {b!r}"
    return "equal"


def run_pair(pair: dict, outdir: Path, office=None) -> dict:
    """Every check of one pair; a crash is recorded in the result."""
    result = {"id": pair["id"], "before": pair["before"].name, "after": pair["after"].name,
              "expected_revisions": pair["count"], "reasons": [], "categories": [], "read_as": []}
    out = outdir / f"{pair['id']}.docx"
    run = run_redline(pair["before"], pair["after"], out)
    result.update(exit=run["exit"], seconds=run["seconds"], redline=run["exit"] == 0 and out.is_file())
    if not result["redline"]:
        result["reasons"].append(f"redline exit {run['exit']}: {run['stderr'][-300:]}")
        result["categories"].append("redline failed")
        return result
    for step in (lambda: check_views(out, pair["before"], pair["after"], result),
                 lambda: check_rels(out, result),
                 lambda: check_audit(out, pair["before"], pair["after"], result),
                 lambda: office and check_libreoffice(office, out, pair["before"], pair["after"], result)):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one pair's crash must not stop the run
            first_line = (str(exc).strip().splitlines() or [""])[0]
            result["reasons"].append(f"crash: {type(exc).__name__}: {first_line}")
            result["categories"].append(f"check crashed ({type(exc).__name__})")
            result["traceback"] = traceback.format_exc(limit=5)
    return result


def mark(value) -> str:
    """✓, ✗ or - (not run)."""
    return "-" if value is None else ("✓" if value else "✗")


def print_table(results: list, checks: tuple) -> None:
    """One line per pair, then a reason line under each failure."""
    print(f"{'id':<9} " + " ".join(f"{HEADERS[c]:>5}" for c in checks) + "   secs  pair")
    for r in results:
        cells = " ".join(f"{mark(r.get(c)):>5}" for c in checks)
        print(f"{r['id']:<9} {cells}  {r.get('seconds', 0):5.1f}  {r['before']} → {r['after']}")
        if r["reasons"]:
            print(f"{'':<10}↳ {r['reasons'][0][:220]}".replace("\n", " "))
        for note in r.get("read_as", []):
            print(f"{'':<10}↳ read as: {note}")


def totals(results: list, checks: tuple) -> dict:
    """Passes per check, plus 'exact' (accept and reject) summaries."""
    n = len(results)
    count = {c: sum(1 for r in results if r.get(c)) for c in checks}
    count["body_exact"] = sum(1 for r in results if r.get("body_accept") and r.get("body_reject"))
    count["all_exact"] = sum(1 for r in results if r.get("all_accept") and r.get("all_reject"))
    count["pairs"] = n
    count["read_as"] = sum(1 for r in results if r.get("read_as"))
    return count


def print_totals(count: dict, checks: tuple, categories: Counter, lost: Counter) -> None:
    """The summary lines and the failure categories."""
    n = count["pairs"]
    line = [f"redline ok {count['redline']}/{n}", f"body exact {count['body_exact']}/{n}",
            f"(accept {count['body_accept']}, reject {count['body_reject']})",
            f"all stories exact {count['all_exact']}/{n}",
            f"(accept {count['all_accept']}, reject {count['all_reject']})",
            f"objects kept {count['objects']}/{n}", f"no dangling rels {count['rels']}/{n}",
            f"no new openxml-audit errors {count['audit']}/{n}"]
    if "lo_accept" in checks:
        line.append(f"LibreOffice accept {count['lo_accept']}/{n}, reject {count['lo_reject']}/{n}")
    print("\n" + ", ".join(line))
    if count["read_as"]:
        print(f"{count['read_as']} pair(s) compared with a note of no block read as one empty paragraph (see this script's docstring)")
    if lost:
        print("objects lost or added, by kind (pairs, either side): "
              + ", ".join(f"{k} {n}" for k, n in lost.most_common()))
    if categories:
        print("\nfailure categories (pairs):")
        for cat, k in categories.most_common():
            print(f"  {k:3d}  {cat}")


def object_kinds_changed(result: dict) -> set:
    """'lost image', 'extra hyperlink'... over both sides of one pair."""
    found = set()
    for cat in result["categories"]:
        m = re.match(r"(?:accept|reject): ((?:lost|extra) \w+)$", cat)
        if m:
            found.add(m.group(1))
    return found


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="folder with pairs.tsv")
    parser.add_argument("--out", type=Path, default=None, help="where the redlines go (default: a temp dir)")
    parser.add_argument("--libreoffice", action="store_true", help="also accept/reject in LibreOffice")
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    parser.add_argument("--only", action="append", default=[], help="run only this id (repeatable)")
    return parser.parse_args(argv)


def open_office():
    """A running-on-demand LibreOffice from the tests' helpers, or None with a message."""
    from tests import libreoffice
    if not libreoffice.available():
        print("LibreOffice (soffice + python3-uno) is not available; skipping --libreoffice", file=sys.stderr)
        return None
    return libreoffice.Office()


def main(argv=None) -> int:
    args = parse_args(argv)
    pairs = [p for p in read_pairs(args.pairs.resolve()) if not args.only or p["id"] in args.only]
    outdir = args.out or Path(tempfile.mkdtemp(prefix="policydiff-wordpairs-"))
    outdir.mkdir(parents=True, exist_ok=True)
    office = open_office() if args.libreoffice else None
    checks = CHECKS + (LO_CHECKS if office else ())
    results = []
    try:
        for pair in pairs:
            results.append(run_pair(pair, outdir, office))
            print(f"  {pair['id']} done", file=sys.stderr, flush=True)
    finally:
        if office is not None:
            office.close()
    print_table(results, checks)
    count = totals(results, checks)
    categories = Counter(c for r in results for c in set(r["categories"]))
    lost = Counter(k for r in results for k in object_kinds_changed(r))
    print_totals(count, checks, categories, lost)
    print(f"\nredlines in {outdir}")
    if args.json:
        args.json.write_text(json.dumps({"totals": count, "categories": dict(categories), "objects_changed": dict(lost),
                                         "pairs": results},
                                        ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
