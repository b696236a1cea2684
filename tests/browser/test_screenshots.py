"""The README's pictures: a step with an inline error, the review and the completion page, drawn
from the current templates. `bash scripts/screenshots` (UPDATE_SCREENSHOTS=1) writes them into
docs/screenshots/; otherwise they go to a temporary folder, so that the run still checks that each
page draws."""

import os
from pathlib import Path

import pytest
from wizard_client import account

from tests.browser.conftest import ROOT
from tests.browser.test_details_browser import to_review

pytestmark = pytest.mark.browser
TENANT = """
[tenants.default]
name = "Northwind Rewards"
support_email = "help@northwind.example"
continue_url = "https://northwind.example/welcome"
"""


def test_screenshots_of_a_step_the_review_and_the_completion_page(serve, browser, tmp_path):
    server = serve(TENANT)
    target = Path(
        ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    )
    target.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 800, "height": 900})

    def shot(name):
        path = target / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000

    page.goto(server.url("/register"))
    page.fill("#username", account()["username"])
    page.fill("#password", "password1")
    page.keyboard.press("Tab")
    page.locator("#password-error").wait_for()
    shot("step")
    to_review(page, server.url("/register"))
    page.locator(".summary-card").first.wait_for()
    shot("review")
    page.get_by_role("button", name="Create account").click()
    page.locator("[data-customer-id]").wait_for()
    shot("done")
