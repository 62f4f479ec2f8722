"""The one switch for the reader's byte-level fast paths on long drafts.

On (the default): the reader finds paragraphs in the main document's raw bytes and leaves those
it read before, or can read from their bytes alone, out of the parse (``known.py``,
``bodyreader.BodyReader.from_bytes``). Off (``POLICYDIFF_FAST_PATHS=0``): every paragraph is parsed.
Both give the same Document (``tests/docx/test_fastpaths.py``); what the paths buy is measured by
``benchmarks/run.py`` and stated in the README.
"""

import os


def enabled() -> bool:
    """Whether the fast paths are on (read at each use, so a test can turn them off)."""
    return os.environ.get("POLICYDIFF_FAST_PATHS", "1") != "0"
