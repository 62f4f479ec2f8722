"""Chromium from Debian's packages as a real consumer of our pages, driven by Selenium with the
system chromedriver (no browser is downloaded). Without it a test skips, under CI it fails."""

from __future__ import annotations

import functools
import os

import pytest

from tests.libreoffice import ci_enabled  # noqa: F401 (used by the tests through this module)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@functools.lru_cache(maxsize=None)
def available() -> bool:
    """True when Debian's chromium and chromium-driver and the selenium package are installed."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return all(os.access(p, os.X_OK) for p in (CHROMIUM, CHROMEDRIVER))


def require_browser() -> None:
    """Skip the calling test without Chromium; under CI, fail it instead (never skip)."""
    if available():
        return
    message = ("Chromium is not available (need Debian packages chromium and chromium-driver at "
               f"{CHROMIUM} and {CHROMEDRIVER}, and the selenium package)")
    if ci_enabled():
        pytest.fail(message + "; CI must run these tests", pytrace=False)
    pytest.skip(message)


def start(width: int = 1280, height: int = 900):
    """A headless Chromium (Selenium WebDriver) that keeps the browser console's messages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    if width < 500:  # below a desktop window's least width: a phone's viewport, emulated
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    return driver


def console_errors(driver) -> list:
    """The console's messages of level SEVERE since the last call."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def print_pdf(driver, path) -> bytes:
    """The page at ``path`` as Chromium prints it, with the page's own @page size."""
    import base64

    driver.get(path.as_uri())
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
    return base64.b64decode(pdf["data"])
