"""SHA-256 of the web pages written for the example drafts and a generated pair, to show a
change to the HTML writer leaves its output byte for byte the same.

    python benchmarks/page_digests.py --save before.json    # on the commit before the change
    python benchmarks/page_digests.py --check before.json   # after it: exit 1 on any difference

Pages: the redline of each pair of consecutive example drafts (``drafts/v1..v4``) and of v1 →
v4, each example draft as a reading page, and the redline of the generated pair
(``--clauses``, 3,000 by default; ``--flavours`` clean, word, real).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def example_pages() -> dict:
    """{name: digest} of the example drafts' redlines and reading pages."""
    from policydiff.workflows.compare import redline
    from policydiff.workflows.drafts import load
    from policydiff.workflows.web import reading_html, redline_html

    names = ["v1", "v2", "v3", "v4"]
    drafts = {n: load(ROOT / "drafts" / f"{n}.docx") for n in names}
    out = {f"read {n}": _digest(reading_html(v, n)) for n, v in drafts.items()}
    for a, b in list(zip(names, names[1:])) + [("v1", "v4")]:
        old, new = drafts[a], drafts[b]
        out[f"redline {a}-{b}"] = _digest(redline_html(old, new, redline(old, new)))
    return out


def generated_page(clauses: int, flavour: str, folder: Path) -> str:
    """The digest of the generated pair's redline page."""
    from benchmarks.generate import ensure
    from policydiff.workflows.compare import redline
    from policydiff.workflows.drafts import load
    from policydiff.workflows.web import redline_html

    ensure(folder, clauses, copies=0, flavour=flavour)
    old, new = load(folder / "base.docx"), load(folder / "edited.docx")
    return _digest(redline_html(old, new, redline(old, new)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path)
    what.add_argument("--check", type=Path)
    parser.add_argument("--clauses", type=int, default=3000)
    parser.add_argument("--flavours", default="clean,word,real")
    parser.add_argument("--drafts", type=Path, default=None, help="folder for the generated pairs (kept)")
    args = parser.parse_args(argv)
    base = args.drafts or Path(tempfile.mkdtemp(prefix="policydiff-digests-"))
    found = example_pages()
    for flavour in args.flavours.split(","):
        found[f"redline {args.clauses} {flavour}"] = generated_page(args.clauses, flavour, base / flavour)
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(found)} pages saved to {args.save}")
        return 0
    expected = json.loads(args.check.read_text(encoding="utf-8"))
    differ = [k for k in sorted(set(expected) | set(found)) if expected.get(k) != found.get(k)]
    for k in differ:
        print(f"DIFFERS  {k}")
    print(f"{len(found) - len(differ)} of {len(found)} pages identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
