"""Fixtures for the workbench: a project in tmp_path, the application, a live server on a
free loopback port, and headless Chromium (Debian's chromium + chromium-driver, which
scripts/test installs; missing, the browser tests skip locally and fail under CI)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import ROOT

BEIJING_TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
BEIJING_TBX = ROOT / "termbase" / "beijing-gwr-2024.tbx"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver",)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding copies of the Beijing TMX and glossary."""
    root = tmp_path / "project"
    (root / "tmx").mkdir(parents=True)
    (root / "termbase").mkdir()
    shutil.copy(BEIJING_TMX, root / "tmx")
    shutil.copy(BEIJING_TBX, root / "termbase")
    return root


def make_app(project: Path, db: Path, **settings):
    from zhtm.web.app import create_app
    from zhtm.web.settings import ServeSettings

    return create_app(ServeSettings(db=db, project=project, **settings))


def client_for(app, host: str = "127.0.0.1"):
    """A TestClient that comes from `host` (the workbench checks where requests come from)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's notice about its HTTP client package
        from starlette.testclient import TestClient

        return TestClient(app, base_url="http://127.0.0.1:8750", client=(host, 50000))


class LiveServer:
    """uvicorn serving an application on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workbench did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def _first(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """(browser, chromedriver): skips when missing, except under CI, where it must run."""
    browser, driver = _first(CHROMIUM), _first(CHROMEDRIVER)
    missing = []
    if browser is None or driver is None:
        missing.append("chromium and chromium-driver (scripts/test installs them: apt-get "
                       "install chromium chromium-driver fonts-wqy-zenhei)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message)
    return browser, driver


def _chromium(paths: tuple[str, str], profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900", f"--user-data-dir={profile}",
                "--no-first-run", "--disable-extensions", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def browser(chromium_paths: tuple[str, str], tmp_path: Path) -> Iterator:
    """Headless Chromium driven by Selenium, with the binary and driver named explicitly (no
    driver download), its profile and downloads inside tmp_path."""
    driver = _chromium(chromium_paths, tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def second_browser(chromium_paths: tuple[str, str], tmp_path: Path) -> Iterator:
    """Another reviewer: a second Chromium with a profile of its own."""
    driver = _chromium(chromium_paths, tmp_path / "chromium-profile-2")
    try:
        yield driver
    finally:
        driver.quit()
