"""LibreOffice's Compare Document as a peer; runs under Debian's /usr/bin/python3 (python3-uno).

Reads one JSON request on stdin: {"connect": UNO connection string, "wait": seconds, "old": path,
"new": path, "dst": path} (or {"connect", "ping": true}: just wait until soffice answers). Loads NEW
hidden, dispatches .uno:CompareDocuments against OLD (as Writer's Edit ▸ Track Changes ▸ Compare
Document does: open the newer version, compare with the older), stores the result as .docx, and
writes {"load", "compare", "store" (seconds), "redlines"} on stdout.
Must stay importable by a plain Python 3 without the project's dependencies.
"""

import json
import sys
import time
from pathlib import Path

import uno

# The tests' UNO worker already knows how to reach soffice; it imports nothing but uno.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from uno_worker import connect, prop  # noqa: E402


def compare(ctx, old, new, dst):
    """Timings of load, compare and store, and the number of tracked changes the compare made."""
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    t0 = time.perf_counter()
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(new), "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not load {new}")
    t1 = time.perf_counter()
    try:
        helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        args = (prop("URL", uno.systemPathToFileUrl(old)), prop("NoAcceptDialog", True))
        helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:CompareDocuments", "", 0, args)
        t2 = time.perf_counter()
        redlines = doc.getRedlines().getCount()
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "MS Word 2007 XML"),))
        t3 = time.perf_counter()
    finally:
        doc.close(True)
    return {"load": t1 - t0, "compare": t2 - t1, "store": t3 - t2, "redlines": redlines}


def main():
    req = json.load(sys.stdin)
    ctx = connect(req["connect"], req.get("wait", 120))
    if req.get("ping"):  # only wait until soffice answers
        json.dump({}, sys.stdout)
    else:
        json.dump(compare(ctx, req["old"], req["new"], req["dst"]), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
