"""The cyclic collector is paused while a page is built, and on again afterwards, however the
pauses nest or overlap across threads."""

import gc
import threading

import pytest

from policydiff.workflows import web
from policydiff.workflows.collector import collector_paused
from policydiff.workflows.drafts import load
from tests.paths import REPO


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_pause_ends_with_the_collector_on_again():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_pause_that_raises_still_ends():
    with pytest.raises(ValueError):
        with collector_paused():
            raise ValueError
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_collector_on():
    inside, release = threading.Barrier(3), threading.Event()

    def hold():
        with collector_paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_the_redline_page_is_built_with_the_collector_paused(monkeypatch):
    seen = []
    real = web.render_blocks
    monkeypatch.setattr(web, "render_blocks", lambda *a: seen.append(gc.isenabled()) or real(*a))
    v1, v2 = load(REPO / "drafts" / "v1.docx"), load(REPO / "drafts" / "v2.docx")
    from policydiff.workflows.compare import redline

    assert "<article>" in web.redline_html(v1, v2, redline(v1, v2))
    assert seen and not any(seen)
    assert gc.isenabled()
