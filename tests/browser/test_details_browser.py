"""Section 15 in Chromium: the embed brings each new step into the partner page's view and focuses
its heading; the review at 375 px; the password button only where it works; /api/docs drawn from
the service alone."""

import pytest
from playwright.sync_api import expect
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from tests.browser.conftest import axe_violations
from tests.browser.test_embed_browser import LISTENER, continue_in, tenants

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 700}


def test_the_embed_scrolls_each_new_step_into_view_and_focuses_its_heading(
    serve, partner_site, browser
):
    pages = {}
    partner = partner_site(pages)
    server = serve(tenants(partner.origin))
    service = server.url(host="localhost")
    pages["/"] = (
        "<!doctype html><html lang='en'><title>Partner</title><h1>Join us</h1>"
        f"{LISTENER}<div style='height:1500px'>Our news</div>"
        f"<script src='{service}/static/embed.js' data-tenant='acme'></script></html>"
    )
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{partner.origin}/")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Create your account")
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == 0  # the partner's page load is left alone

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # at the form's foot
    continue_in(frame, account())
    expect(frame.locator("h1")).to_have_text("About you")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('iframe').getBoundingClientRect().top) < 2"
    )
    inner = page.frame(url=lambda url: url.startswith(service))
    inner.wait_for_function("() => document.activeElement.tagName === 'H1'")
    steps = [
        m["data"]["step"]
        for m in page.evaluate("window.heard")
        if m["data"]["type"] == "registration:step"
    ]
    assert steps == ["account", "profile"]
    assert {m["origin"] for m in page.evaluate("window.heard")} == {service}

    # A failed post: the error summary takes the focus, in view.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    continue_in(frame, {"surname": ""})
    page.wait_for_function(
        "() => Math.abs(document.querySelector('iframe').getBoundingClientRect().top) < 2"
    )
    inner = page.frame(url=lambda url: url.startswith(service))
    inner.wait_for_function("() => document.activeElement.classList.contains('error-summary')")


def test_without_javascript_there_is_no_password_button(serve, browser):
    server = serve()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("/register"))
    expect(page.locator("#password")).to_be_visible()
    expect(page.get_by_role("button", name="Show password")).to_be_hidden()
    context.close()
    page = browser.new_page()
    page.goto(server.url("/register"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()


def test_after_a_failed_post_the_strength_meter_describes_no_emptied_box(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    page.fill("#username", "ada")
    page.fill("#email", "ada@")
    page.fill("#password", "violet-Harbour-tangent-93")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Create your account")
    assert page.input_value("#password") == ""
    expect(page.locator(".strength")).to_have_count(0)


def top(page, selector):
    return page.locator(selector).bounding_box()["y"]


def test_the_passwords_error_sits_above_its_box_as_every_other_error_does(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    page.fill("#username", "ada")
    page.fill("#email", "ada@")
    page.fill("#password", "password1")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#password-error")).to_be_visible()
    assert top(page, "#password-error") < top(page, "#password")
    assert top(page, "#email-error") < top(page, "#email")
    # An inline check's error lands there too, and the meter below the box.
    page.fill("#password", "abcabcabc1")
    expect(page.locator("#password-feedback .strength")).to_be_visible()
    expect(page.locator("#password-error")).to_be_visible()
    assert top(page, "#password-error") < top(page, "#password") < top(page, ".strength")
    assert axe_violations(page) == []


def to_review(page, url, language="en"):
    page.goto(url)
    button = "Continue" if language == "en" else "Weiter"
    for fields in (account(), {**PROFILE, "nationality": "DE"}, ADDRESS, CONSENTS):
        for name, value in fields.items():
            if isinstance(value, list):
                for one in value:
                    page.locator(f"input[name='{name}'][value='{one}']").check()
            elif page.locator(f"select[name='{name}']").count():
                page.select_option(f"select[name='{name}']", value)
            else:
                page.fill(f"[name='{name}']", value)
        page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_review_at_375_px_is_a_card_per_step_and_nothing_overflows(serve, browser, language):
    server = serve()
    page = browser.new_page(viewport=PHONE)
    to_review(page, server.url(f"/register?lang={language}"), language)
    expect(page.locator(".summary-card")).to_have_count(4)
    change = "Change" if language == "en" else "Ändern"
    expect(page.locator("a.summary-action")).to_have_count(4)
    assert all(
        text.startswith(change) for text in page.locator("a.summary-action").all_inner_texts()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.summary-key')]
        .filter(key => key.scrollWidth > key.clientWidth + 1).map(key => key.textContent)""")
    assert overflowing == []
    assert axe_violations(page) == []


def test_the_api_documentation_is_drawn_from_the_service_alone(serve, browser):
    server = serve()
    page = browser.new_page()
    asked, refused = [], []
    page.on("request", lambda request: asked.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(server.url("/api/docs"))
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/customers").first).to_be_visible()
    assert refused == []
    assert all(url.startswith((server.url(), "data:")) for url in asked), asked
