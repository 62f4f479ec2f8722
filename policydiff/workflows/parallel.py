"""One way to spread independent work over processes: ``parallel_map``.

Used where the benchmark shows it pays: reading a round's reviewed copies (each is parsed XML,
independent of the others). Everything a worker needs is handed to it explicitly, once, when it
starts; nothing is read from the caller's module state.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, List, Optional, Sequence

from .. import i18n

_given: Optional[tuple] = None  # (fn, shared), set in each worker process by ``_receive``


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def parallel_map(fn: Callable, shared, items: Sequence, workers: int) -> List:
    """``[fn(shared, item) for item in items]``, in ``workers`` forked processes when there are
    at least two of them and two items (else here, in order). ``fn`` and ``shared`` reach each
    worker once, at its start (inherited by the fork, not pickled); results come back pickled."""
    workers = min(workers, len(items))
    if workers < 2 or not can_fork():
        return [fn(shared, item) for item in items]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_receive,
                             initargs=(fn, shared, i18n.language())) as pool:
        return list(pool.map(_call, items))


def _receive(fn: Callable, shared, language: str) -> None:
    global _given
    _given = (fn, shared)
    i18n.set_language(language)  # the caller's (--lang), for the messages a worker writes


def _call(item):
    fn, shared = _given
    return fn(shared, item)
