"""Browser tests: the service on a real server on 127.0.0.1, driven in Debian's Chromium by
Playwright, with axe-core (from npm) checking accessibility."""

import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTMX = ROOT / "static" / "vendor" / "htmx.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """A WSGI app served from a thread; `restart` swaps in a new app on the same port."""

    def __init__(self, app, port=None):
        self.port = port or free_port()
        self.start(app)

    def start(self, app):
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def restart(self, app):
        self.stop()
        self.start(app)

    def url(self, path="", host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"


class PartnerSite:
    """A partner's web site on its own origin: serves the pages it is given."""

    def __init__(self, pages):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                body = pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "").encode())

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def chromium():
    missing = [str(p) for p in (AXE, HTMX) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/setup first")
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("the browser tests need Chromium: apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright, chromium):
    browser = playwright.chromium.launch(
        executable_path=chromium, headless=True, args=["--no-sandbox"]
    )
    yield browser
    browser.close()


def _stopped_after_the_test(start):
    """A fixture body: hand out `start`, then stop everything it started."""
    started = []

    def starter(*args, **kwargs):
        started.append(start(*args, **kwargs))
        return started[-1]

    yield starter
    for item in started:
        item.stop()


@pytest.fixture
def serve(make_app):
    """serve(tenants=None, port=None, **config) starts the service; it stops after the test."""
    yield from _stopped_after_the_test(
        lambda tenants=None, port=None, **config: LiveServer(make_app(tenants, **config), port)
    )


@pytest.fixture
def partner_site():
    """partner_site(pages) serves a partner's pages from another origin until the test ends."""
    yield from _stopped_after_the_test(PartnerSite)


@pytest.fixture
def third_party_cookies_blocked(playwright, chromium, tmp_path):
    """A Chromium profile that blocks third-party cookies, as Safari does and Chrome can."""
    profile = tmp_path / "chromium-profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"cookie_controls_mode": 1}})
    )
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium, headless=True, args=["--no-sandbox"]
    )
    yield context
    context.close()


def enter(field, value):
    """Type `value` into a text field, or choose it where the field is a list (the country)."""
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def axe_violations(page):
    """axe-core's WCAG 2.0-2.2 A/AA violations on the page as it is now."""
    page.evaluate(AXE.read_text())  # evaluated by the driver, so the page's CSP allows it
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [(v["id"], [node["html"] for node in v["nodes"]]) for v in result["violations"]]
