"""A whole comment round through the web UI in Chromium, on the shipped example: create the round,
upload the six reviewed copies and two forms at once, see the conflict on ข้อ ๑๔, set three
dispositions, download the committee package and read its table back; a hostile file refused in
Thai. Each page is also photographed at desktop and phone width (POLICYDIFF_SCREENSHOTS: the folder
to keep them in) and checked for console errors (a CSP violation is one) and horizontal overflow."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from policydiff.store import Store
from policydiff.web import create_app
from policydiff.workflows.served import load_example
from tests import browser
from tests.web.conftest import ROUND1
from tests.web.test_pages import package_table

pytestmark = pytest.mark.browser

ROUND = "รอบที่ ๑"
CHOSEN = {0: ("not accepted", "ไม่รับ", "ขัดกับระเบียบที่ใช้อยู่"), 1: ("partly accepted", "รับบางส่วน", "รับเฉพาะถ้อยคำแรก"),
          2: ("noted", "รับทราบ", "ไว้พิจารณาในรอบหน้า")}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from werkzeug.serving import make_server

    folder = tmp_path_factory.mktemp("served") / "policy"
    folder.mkdir()
    with Store.open(folder, create=True) as store:
        load_example(store, added_at="2009-07-15T09:00:00+00:00")
    server = make_server("127.0.0.1", 0, create_app(folder), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", folder
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("POLICYDIFF_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    browser.require_browser()
    driver = browser.start()
    downloads = tmp_path_factory.mktemp("downloads")
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def set_value(driver, element, value: str) -> None:
    driver.execute_script("arguments[0].value = arguments[1]", element, value)


def submit(driver, element) -> None:
    """Click ``element`` and wait until the next page has replaced this one and is loaded."""
    navigate(driver, element.click)


def navigate(driver, act) -> None:
    """Run ``act()`` and wait until the page it leads to has replaced this one and is loaded.

    The page is marked through its window, which the next document does not share; asking the
    old page's elements instead can fail mid-navigation with "Node ... does not belong to the
    document" rather than with a stale element."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.policydiffLeaving = true")
    act()
    WebDriverWait(driver, 120, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
        "return window.policydiffLeaving !== true && document.readyState === 'complete'"))


def no_console_errors(driver) -> None:
    assert browser.console_errors(driver) == []


def test_a_whole_round_through_the_browser(served, chromium, shots):
    from selenium.webdriver.support.ui import Select

    base, folder = served
    d = chromium
    d.get(base + "/")
    assert d.find_element("tag name", "h1").text == "Versions of the draft"  # headless Chromium asks for English
    submit(d, css(d, "header .langs a")[0])  # the switch: ไทย
    assert d.find_element("tag name", "h1").text == "ฉบับร่างทั้งหมด"
    form = css(d, "form[action='/rounds']")[0]
    form.find_element("name", "name").send_keys(ROUND)
    set_value(d, form.find_element("name", "date_from"), "2009-06-30")
    set_value(d, form.find_element("name", "date_to"), "2009-07-14")
    Select(form.find_element("name", "base")).select_by_value("ร่าง ๑")
    submit(d, form.find_element("css selector", "button"))
    assert ROUND in d.find_element("tag name", "h1").text

    files = sorted(str(p) for p in ROUND1.iterdir() if p.suffix in (".docx", ".csv", ".xlsx"))
    assert len(files) == 8
    css(d, "input[type=file][name=files]")[0].send_keys("\n".join(files))
    submit(d, css(d, "form[enctype='multipart/form-data'] button")[0])
    added = css(d, "div.ok")[0].text
    assert all(Path(f).name in added for f in files)
    clause14 = next(s for s in css(d, "section.clause") if s.find_element("tag name", "h3").text == "ข้อ ๑๔")
    conflict = clause14.find_element("css selector", ".group.conflict")
    assert "สิบห้าวันทำการ" in conflict.text and "เจ็ดวันทำการ" in conflict.text
    no_console_errors(d)
    d.execute_script("arguments[0].scrollIntoView()", clause14)
    d.save_screenshot(str(shots / "round-conflict-1280.png"))

    submit(d, css(d, "nav.actions a")[0])  # ผลการพิจารณา
    who = css(d, "form[action='/who'] input[name=who]")[0]
    who.clear()
    who.send_keys("สมศรี ใจดี")
    submit(d, css(d, "form[action='/who'] button")[0])
    keys = []
    for n, (value, _word, reason) in CHOSEN.items():
        card = css(d, "article.card")[n]
        keys.append(card.find_element("name", "key").get_attribute("value"))
        Select(card.find_element("name", "result")).select_by_value(value)
        box = card.find_element("name", "reason")
        box.clear()
        box.send_keys(reason)
        submit(d, card.find_element("css selector", "button"))
        assert "บันทึกแล้ว" in css(d, "p.ok")[0].text
    no_console_errors(d)
    d.execute_script("arguments[0].scrollIntoView()", css(d, "article.card")[0])
    d.save_screenshot(str(shots / "dispositions-saved-1280.png"))
    with Store.open(folder) as store:
        assert store.get_dispositions(ROUND).who == "สมศรี ใจดี"

    against = Select(css(d, "select[name=against]")[0])
    if against.first_selected_option.get_attribute("value") != "ร่าง ๒":
        navigate(d, lambda: against.select_by_value("ร่าง ๒"))  # submits itself (app.js)
    package = next(a for a in css(d, "nav.actions a") if a.get_attribute("href").split("?")[0].endswith("package.docx"))
    package.click()
    path = _downloaded(d.downloads, ".docx")
    rows = package_table(path.read_bytes(), path.parent)
    for n, (_value, word, reason) in CHOSEN.items():
        assert rows[n + 1][4:6] == [word, reason]


def _downloaded(folder: Path, suffix: str, timeout: float = 60.0) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}")


def test_a_hostile_file_is_refused_in_thai_in_the_browser(served, chromium, tmp_path):
    from tests.hostile.make_corpus import make_corpus

    base, folder = served
    bomb = next(c for c in make_corpus(tmp_path / "corpus") if c.name == "zip_bomb_ratio")
    d = chromium
    d.get(f"{base}/rounds/{ROUND}")
    css(d, "input[type=file][name=files]")[0].send_keys(str(bomb.path))
    submit(d, css(d, "form[enctype='multipart/form-data'] button")[0])
    refused = css(d, "div.error")[0].text
    assert "ไม่รับแฟ้มต่อไปนี้" in refused and f"{bomb.path.name}: ใช้แฟ้มนี้ไม่ได้" in refused


PAGES = [("versions", "/"), ("round", f"/rounds/{ROUND}"), ("round-filtered", f"/rounds/{ROUND}?division=กองคลัง"),
         ("dispositions", f"/rounds/{ROUND}/dispositions"), ("redline", "/redline?old=ร่าง ๑&new=ร่าง ๒"),
         ("clause-history", "/site/clause-3.html"), ("clauses", "/site/clauses.html"),
         ("not-found", "/rounds/ไม่มีรอบนี้"), ("english-round", f"/rounds/{ROUND}")]


@pytest.mark.parametrize("width", [1280, 360])
def test_every_page_renders_without_overflow_or_console_errors(served, chromium, shots, width):
    base, _ = served
    d = chromium
    if width < 500:
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": width, "height": 780, "deviceScaleFactor": 1, "mobile": True})
    else:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        d.set_window_size(width, 900)
    browser.console_errors(d)  # what the tests before left
    try:
        for name, path in PAGES:
            d.get(base + "/lang/" + ("en" if name.startswith("english") else "th"))
            d.get(base + path)
            if name == "dispositions":
                link = next(a for a in css(d, "article.card a") if "history" in a.get_attribute("href"))
                d.get(link.get_attribute("href"))
                _shoot(d, shots, f"history-{width}")
                d.get(base + path)
            errors = browser.console_errors(d)
            if name == "not-found":  # its own 404 status is reported as a failed load
                errors = [e for e in errors if "404" not in e["message"]]
            assert errors == [], name
            overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, overflow)
            assert d.execute_script(STICKING_OUT) == [], name
            _shoot(d, shots, f"{name}-{width}")
    finally:
        d.get(base + "/lang/th")
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# Elements of the app's pages whose box reaches past the page's content (a table scrolls in its .wide
# box, and the redline's own pages are the HTML writer's, checked by its tests).
STICKING_OUT = """
const main = document.querySelector("body > main");
if (!main || !document.querySelector("header.top")) { return []; }
const right = main.getBoundingClientRect().right + 1;
return Array.from(main.querySelectorAll("*"))
  .filter(e => !e.closest(".wide") && e.getBoundingClientRect().right > right)
  .map(e => e.tagName + "." + e.className);
"""


def _shoot(d, folder: Path, name: str) -> None:
    """A picture of the first screen and one of the whole page (its full height, up to 4,000 pixels)."""
    d.save_screenshot(str(folder / f"{name}-top.png"))
    height = min(d.execute_script("return document.documentElement.scrollHeight"), 4000)
    width = d.execute_script("return window.innerWidth")
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    d.save_screenshot(str(folder / f"{name}.png"))
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": 780, "deviceScaleFactor": 1, "mobile": width < 500})
