"""``Result``: a value with the messages reading it gave (as mammoth returns them), and
``Messages``, the one way to collect those messages while reading.

Every reader of an input that may be odd but usable returns its value this way: a reviewed
copy's annotations (``annotations.from_review_copy``), a comment form's rows
(``forms.commentform.read_form``), a disposition table (``forms.dispositions.read_dispositions``).
A read draft carries its messages in ``Document.warnings``. The CLI prints them all one way,
each naming its file (``cli.common.print_messages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Generic, List, Tuple, TypeVar

from ..i18n import _

T = TypeVar("T")

MESSAGE_CAP = 20  # messages of one kind listed before the rest are only counted


@dataclass(frozen=True)
class Result(Generic[T]):
    """A value and the messages (warnings) met while making it."""

    value: T
    messages: Tuple[str, ...] = ()


class Messages:
    """Collects messages in order, keeping at most ``cap`` of each kind and counting the rest."""

    def __init__(self, cap: int = MESSAGE_CAP):
        self.cap = cap
        self._messages: List[str] = []
        self._counts: Dict[str, int] = {}
        self._summaries: Dict[str, str] = {}

    def add(self, message: str, kind: str = "", summary: str = "") -> None:
        """Record ``message``; past the cap for ``kind`` only count it, under ``summary``."""
        if kind:
            n = self._counts.get(kind, 0) + 1
            self._counts[kind] = n
            self._summaries.setdefault(kind, summary or kind)
            if n > self.cap:
                return
        self._messages.append(message)

    def all(self) -> Tuple[str, ...]:
        """The messages, then one line per kind that passed the cap."""
        extra = [_("{count:,} more {what} (first {cap} listed)").format(count=n - self.cap, what=self._summaries[k],
                                                                        cap=self.cap)
                 for k, n in self._counts.items() if n > self.cap]
        return tuple(self._messages + extra)

    def result(self, value: T) -> Result[T]:
        return Result(value, self.all())
