"""Abuse defence in Chromium (contract section 13): the keyboard never lands in the honeypot,
and every step stays free of axe-core violations with it."""

import pytest
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from tests.browser.conftest import axe_violations
from tests.browser.test_wizard_browser import continue_with, heading, watch_console

pytestmark = pytest.mark.browser
TENANTS = """
[tenants.acme]
name = "Acme"
"""


def tab_through(page):
    """Press Tab from the top of the page until focus leaves it; return what was focused."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    focused = []
    for _ in range(200):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(e => e === document.body ? null : e.outerHTML.slice(0, 120))(document.activeElement)"
        )
        if name is None or name in focused[:1]:
            break
        focused.append(name)
    return focused


@pytest.mark.parametrize("start", ["/register", "/t/acme/embed"])
def test_tabbing_through_every_step_never_lands_in_the_trap(serve, browser, start):
    server = serve(TENANTS)
    page = browser.new_page()
    errors = watch_console(page)
    page.goto(server.url(start))
    for fields in (account(), PROFILE, ADDRESS, CONSENTS, {}):
        focused = tab_through(page)
        assert focused, heading(page)
        assert not [html for html in focused if 'name="comments"' in html], heading(page)
        assert axe_violations(page) == [], heading(page)
        continue_with(page, fields, "Continue" if fields else "Create account")
    assert heading(page) == "Account created"
    assert page.get_attribute("[data-customer-id]", "data-customer-id")
    assert errors == []


GUARDED = """
[tenants.guarded]
name = "Guarded"
proof_of_work = true
embed_origins = ["https://partner.example"]
"""


@pytest.mark.parametrize("start", ["/t/guarded/register", "/t/guarded/embed"])
def test_the_review_step_solves_its_challenge_with_no_click(serve, browser, start):
    server = serve(GUARDED)
    page = browser.new_page()
    errors = watch_console(page)  # a Content-Security-Policy refusal would show here
    page.goto(server.url(start))
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        continue_with(page, fields)
    assert heading(page) == "Check your answers"
    solution = page.locator("input[name='altcha']")
    page.wait_for_function(
        "() => (document.querySelector(\"input[name='altcha']\") || {}).value", timeout=30_000
    )
    assert solution.input_value()
    assert axe_violations(page) == []
    continue_with(page, {}, "Create account")
    assert heading(page) == "Account created"
    assert page.get_attribute("[data-customer-id]", "data-customer-id")
    assert errors == []


def test_without_javascript_the_review_step_says_it_is_needed(serve, browser):
    server = serve(GUARDED)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("/t/guarded/register"))
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        continue_with(page, fields)
    assert "JavaScript is needed for this last step" in page.locator("main").inner_text()
    continue_with(page, {}, "Create account")
    assert heading(page) == "Check your answers"
    assert "JavaScript is needed" in page.locator(".error-summary").inner_text()
    context.close()
