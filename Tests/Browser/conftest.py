"""Fixtures for the browser tests: a real `guichet serve --demo` and a real headless Chromium."""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build", "debug", "guichet"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """A Guichet on a fresh SQLite file in a temporary directory, with the demo loaded."""
    workdir = tempfile.mkdtemp(prefix="guichet-browser-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["GUICHET_BCRYPT_COST"] = "4"
    log = open(os.path.join(workdir, "server.log"), "w")
    process = subprocess.Popen(
        [BINARY, "serve", "--demo", "--port", str(port)], cwd=workdir, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError("guichet did not start: " + open(os.path.join(workdir, "server.log")).read()[-2000:])
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,900", "--lang=fr-FR"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")),
                              options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def click_and_wait(browser, element, timeout=20):
    """Clicks something that loads a new page, and waits until the old page is gone.

    Without the wait, the next lookup may find an element of the page being left (stale element).
    """
    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, timeout).until(lambda _: left(old))


def left(element):
    """Whether `element`'s page has been replaced. Asked mid-navigation, Chromium may answer "node does not
    belong to the document" (a plain WebDriverException) instead of a stale reference: the same fact."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
