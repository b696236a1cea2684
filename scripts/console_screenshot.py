"""Makes docs/console-overview.png: the console's overview of a demo database, in Chromium.

    .venv/bin/python scripts/console_screenshot.py [output.png]

A fresh instance folder gets `demo-data` (3,000 customers over 30 days), an operator enrols
through the printed setup link with a TOTP code computed here, signs in, and the overview page
is captured whole.
"""

import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402

PASSWORD = "quartz-Lantern-meadow-47"
EMAIL = "operator@example.com"


def main(output):
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "screenshot",
                "LOG_JSON": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'demo.sqlite'}",
                "TENANTS_FILE": str(Path(folder) / "tenants.toml"),
            }
        )
        runner = app.test_cli_runner()
        print(runner.invoke(args=["demo-data"]).output.strip())
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        made = runner.invoke(args=["create-operator", EMAIL, "--base-url", base]).output
        link = re.search(r"once\): (\S+)", made).group(1)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(link)
            secret = pyotp.TOTP(page.locator(".secret").inner_text())
            page.fill("#password", PASSWORD)
            page.fill("#code", secret.now())
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            page.fill("#code", secret.at(time.time() + 30))  # the enrolment's code is spent
            with page.expect_navigation():
                page.click("main button[type=submit]")
            page.screenshot(path=output, full_page=True)
            browser.close()
        server.shutdown()
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "console-overview.png"))
