"""Screenshots of the example's pages at desktop and phone width, for docs/screenshots/.

Usage: python scripts/screenshots.py  (needs Debian's chromium and chromium-driver, and selenium;
run from the repository root; writes the pages into a temporary folder first).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": (1280, 1300), "phone": (390, 1300)}


def policydiff(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "policydiff", *map(str, args)], check=True, cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL)


def pages(work: Path) -> dict:
    """{screenshot name: (page, element id to scroll to or "")}."""
    d = ROOT / "drafts"
    policydiff("redline", d / "v1.docx", d / "v2.docx", "-o", work / "redline.html")
    policydiff("merge", d / "v1.docx", ROOT / "comments" / "round1", "--revised", d / "v2.docx",
               "--round-from", "2009-06-30", "--round-to", "2009-07-14", "-o", work / "committee.html")
    policydiff("init", cwd=work)
    policydiff("add", d / "v1.docx", "--label", "v1", "--date", "2009-06-26", "--note", "ร่าง ๑ เวียนหน่วยงาน",
               cwd=work)
    policydiff("round", "add", "round1", "--from", "2009-06-30", "--to", "2009-07-14", ROOT / "comments" / "round1",
               cwd=work)
    for n, day in ((2, "2009-07-21"), (3, "2009-07-28"), (4, "2009-08-19")):
        policydiff("add", d / f"v{n}.docx", "--label", f"v{n}", "--date", day, cwd=work)
    policydiff("publish", "-o", "site", cwd=work)
    return {"redline": (work / "redline.html", ""), "committee": (work / "committee.html", "ข้อ-๓"),
            "site-history": (work / "site" / "history.html", ""), "site-home": (work / "site" / "index.html", ""),
            "site-round": (work / "site" / "round-1.html", "")}


def main() -> None:
    from tests import browser

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        found = pages(Path(tmp))
        for size, (w, h) in SIZES.items():
            driver = browser.start(w, h)
            try:
                for name, (path, anchor) in found.items():
                    driver.get(path.as_uri())
                    if anchor:
                        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", anchor)
                    driver.save_screenshot(str(OUT / f"{name}-{size}.png"))
            finally:
                driver.quit()


if __name__ == "__main__":
    main()
