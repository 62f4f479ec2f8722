"""api.redline works out half of many word edits in a forked process: the redline is the one
worked out in order, and a child that fails leaves its half to be worked out here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policydiff import api
from policydiff.core import redline as core_redline
from policydiff.core.redline import Revision, build_redline, edited_texts, pair_blocks

DRAFTS = Path(__file__).resolve().parent.parent / "drafts"
DATE = "2009-07-28T00:00:00Z"
PAIRS = [("v1", "v2"), ("v2", "v3"), ("v3", "v4"), ("v1", "v4")]


def _in_order(old, new):
    return build_redline(old.doc, new.doc, Revision(author="policydiff", date=DATE))


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_a_redline_with_word_edits_worked_out_side_by_side_is_the_one_worked_out_in_order(monkeypatch, pair):
    monkeypatch.setattr(api, "PARALLEL_DIFF_CHARS", 0)
    old, new = (api.load(DRAFTS / f"{v}.docx") for v in pair)
    texts = edited_texts(old.doc, new.doc, pair_blocks(old.doc.blocks, new.doc.blocks))
    diffs = api.side_by_side_word_diffs(texts)
    assert texts and set(diffs) == set(texts)  # both halves came back
    assert api.redline(old, new, date=DATE) == _in_order(old, new)


def test_edited_texts_are_the_word_edits_the_redline_asks_for(monkeypatch):
    old, new = (api.load(DRAFTS / f"{v}.docx") for v in ("v2", "v3"))
    asked = []
    real = core_redline.diff_paragraph
    monkeypatch.setattr(core_redline, "diff_paragraph",
                        lambda o, n, rev, ops=None: asked.append((o.text, n.text)) or real(o, n, rev, ops))
    pairs = pair_blocks(old.doc.blocks, new.doc.blocks)
    build_redline(old.doc, new.doc, Revision(date=DATE), pairs=pairs)
    texts = edited_texts(old.doc, new.doc, pairs)
    assert set(texts) <= set(asked)
    assert len(texts) >= 0.5 * len({(a, b) for a, b in asked if a != b})  # most of what the body needs


def test_a_child_that_fails_leaves_its_half_to_be_worked_out_here(monkeypatch):
    monkeypatch.setattr(api, "PARALLEL_DIFF_CHARS", 0)
    parent = os.getpid()
    real = api.word_diff

    def only_here(a, b):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(a, b)

    monkeypatch.setattr(api, "word_diff", only_here)
    old, new = (api.load(DRAFTS / f"{v}.docx") for v in ("v1", "v4"))
    texts = edited_texts(old.doc, new.doc, pair_blocks(old.doc.blocks, new.doc.blocks))
    diffs = api.side_by_side_word_diffs(texts)
    assert set(diffs) == set(texts[:len(texts) // 2])  # the parent's half only
    assert api.redline(old, new, date=DATE) == _in_order(old, new)


def test_few_edits_are_worked_out_in_this_process():
    old, new = (api.load(DRAFTS / f"{v}.docx") for v in ("v1", "v2"))
    texts = edited_texts(old.doc, new.doc, pair_blocks(old.doc.blocks, new.doc.blocks))
    assert sum(len(a) + len(b) for a, b in texts) < api.PARALLEL_DIFF_CHARS
    assert api.side_by_side_word_diffs(texts) is None


def test_an_error_in_this_half_reaps_the_child_and_is_raised(monkeypatch):
    monkeypatch.setattr(api, "PARALLEL_DIFF_CHARS", 0)
    forked = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    parent = os.getpid()
    real = api.word_diff

    def fails_here(a, b):
        if os.getpid() == parent:
            raise KeyboardInterrupt
        return real(a, b)

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(api, "word_diff", fails_here)
    old, new = (api.load(DRAFTS / f"{v}.docx") for v in ("v1", "v4"))
    texts = edited_texts(old.doc, new.doc, pair_blocks(old.doc.blocks, new.doc.blocks))
    with pytest.raises(KeyboardInterrupt):
        api.side_by_side_word_diffs(texts)
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # already reaped
