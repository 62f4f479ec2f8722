"""The Thai segmenter's word list handed to nlpo3, which reads a dictionary only from a file.

Kept beside the pure core (``core.tokens`` asks for a dictionary's name and segments with it):
this is the one place the segmenter touches the file system. The words go to a private
temporary folder that is removed as soon as nlpo3 has read them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from typing import Dict, Iterable

import nlpo3

_lock = threading.Lock()
_loaded: Dict[str, str] = {}  # digest of a word list -> the name nlpo3 knows it by


def dictionary_name(words: Iterable[str]) -> str:
    """The name to segment ``words`` with, loading them into nlpo3 the first time (≈0.3 s for
    pythainlp's 62,000 words). The name carries a digest of the words, so two word lists never
    share a name, and a forked process reuses what its parent loaded."""
    text = "\n".join(sorted(words))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    with _lock:
        if digest not in _loaded:
            name = f"policydiff-{digest}"
            with tempfile.TemporaryDirectory(prefix="policydiff-words-") as folder:
                path = os.path.join(folder, "words.txt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                message, ok = nlpo3.load_dict(path, name)
            if not ok and "already exists" not in message:
                raise RuntimeError(f"nlpo3 could not load the word list: {message}")
            _loaded[digest] = name
        return _loaded[digest]
