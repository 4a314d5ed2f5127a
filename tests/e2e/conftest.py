"""Browser tests: Playwright driving Debian's Chromium (no browser download)."""

import base64
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import connections

from tests.notifications.smtp import free_port
from tests.processes import wait_for

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
# The committed screenshots in docs/ are refreshed only on request, so a test run leaves the
# checkout as it was: UPDATE_SCREENSHOTS=1 pytest tests/e2e
SCREENSHOTS = ROOT / "docs" / "screenshots"


def picture_folder(docs_folder: Path) -> Path:
    """Where a test saves a picture: the docs folder with UPDATE_SCREENSHOTS=1, otherwise
    test-results (untracked), so that a test run leaves the git tree as it found it."""
    folder = docs_folder if os.environ.get("UPDATE_SCREENSHOTS") else RESULTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


class _RequestsInFlight:
    """Requests the live server is answering (Django's request signals, in its thread)."""

    count = 0
    last_change = 0.0

    @classmethod
    def started(cls, **_kwargs):
        cls.count += 1
        cls.last_change = time.monotonic()

    @classmethod
    def finished(cls, **_kwargs):
        cls.count -= 1
        cls.last_change = time.monotonic()


request_started.connect(_RequestsInFlight.started, dispatch_uid="e2e-requests-started")
request_finished.connect(_RequestsInFlight.finished, dispatch_uid="e2e-requests-finished")


def wait_until_the_live_server_is_idle(quiet: float = 0.5, timeout: float = 15) -> None:
    """The frontend can still be asking the live server (rendering, prefetching a link) when
    a test ends; flushing the database then deadlocks with that request on PostgreSQL."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = _RequestsInFlight.count <= 0
        if idle and time.monotonic() - _RequestsInFlight.last_change > quiet:
            return
        time.sleep(0.05)


@pytest.fixture
def chromium():
    # Per test, not per session: while Playwright's sync API runs, this thread is inside
    # its greenlet, whose context holds different Django connections; later tests must
    # get their own back.
    if not shutil.which(CHROMIUM):
        message = f"No Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (dev.py test): a skip there would hide a gap
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse
    # ORM calls here; the tests' own ORM calls are still plain synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-extensions",
            ],
        )
        yield browser
        browser.close()
        wait_until_the_live_server_is_idle()
        # While Playwright's loop runs, Django's ORM calls in the test got connections of
        # their own: close them here, or they keep the test database from being dropped.
        connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_pages(chromium, request):
    """Open pages (one context each, like separate people); screenshot them all on failure."""
    contexts = []

    def open_page():
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for number, context in enumerate(contexts):
            for tab, page in enumerate(context.pages):
                page.screenshot(path=RESULTS / f"{name}-{number}-{tab}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a picture of a part of the page, as a small 128-colour PNG: to docs/screenshots
    with UPDATE_SCREENSHOTS=1, otherwise to test-results/screenshots."""
    from PIL import Image

    folder = picture_folder(SCREENSHOTS)

    def take(locator, name: str) -> Path:
        path = folder / f"{name}.png"
        locator.screenshot(path=path, animations="disabled")
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)
        return path

    return take


WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"frontend-test-webhook-secret-32b").decode()


@pytest.fixture(scope="session")
def frontend(live_server, tmp_path_factory):
    """The built reference frontend (`next start`) reading the live server's /graphql/."""
    import dev  # builds it when its sources changed, as `dev.py up` and `dev.py test` do

    dev.ensure_frontend()
    port = free_port()
    url = f"http://localhost:{port}"
    log_path = tmp_path_factory.mktemp("frontend") / "next.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [dev.FRONTEND / "node_modules" / ".bin" / "next", "start", "-p", str(port)],
            cwd=dev.FRONTEND,
            env={
                **dev.node_env(),
                "CMS_GRAPHQL_URL": f"{live_server.url}/graphql/",
                "CMS_CACHE_SECONDS": "0",  # each test writes its own content
                "FRONTEND_BASE_URL": url,
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: "Ready" in log_path.read_text(), 60, "the frontend to start")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
