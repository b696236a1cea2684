"""The embed in Chromium: a partner page on one origin (127.0.0.1) frames the signup from another
(localhost) with third-party cookies blocked, completes it, and hears from it; a page outside the
tenant's allow-list can frame neither the embed nor any other page."""

import pytest
from playwright.sync_api import expect
from wizard_client import ADDRESS, PROFILE, account

from .conftest import enter

pytestmark = pytest.mark.browser

LISTENER = """
<script>
  window.heard = [];
  window.addEventListener("message", function (event) {
    window.heard.push({origin: event.origin, data: event.data});
  });
  document.addEventListener("registration:complete", function (event) {
    window.completed = event.detail;
  });
</script>
"""


def partner_page(service, tenant="acme"):
    return (
        f"<!doctype html><html lang='en'><title>Partner</title><h1>Join us</h1>{LISTENER}"
        f"<script src='{service}/static/embed.js' data-tenant='{tenant}'></script></html>"
    )


def framing_page(src):
    return f"<!doctype html><html lang='en'><title>Other</title><iframe src='{src}'></iframe>"


def tenants(origin):
    return f"""
        [tenants.acme]
        name = "Acme Bets"
        embed_origins = ["{origin}"]
    """


def continue_in(frame, fields, button="Continue"):
    for name, value in fields.items():
        if isinstance(value, list):
            for one in value:
                frame.locator(f"input[name='{name}'][value='{one}']").check()
        else:
            enter(frame.locator(f"[name='{name}']"), value)
    frame.get_by_role("button", name=button).click()


def test_a_partner_page_embeds_the_signup_and_hears_both_events(
    serve, partner_site, third_party_cookies_blocked
):
    pages = {}
    partner = partner_site(pages)
    server = serve(tenants(partner.origin), WTF_CSRF_ENABLED=True)
    service = server.url(host="localhost")
    pages["/"] = partner_page(service)
    page = third_party_cookies_blocked.new_page()
    page.goto(f"{partner.origin}/")

    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Create your account")
    iframe = page.frame(url=lambda url: url.startswith(service))
    # The browser really does refuse this frame its cookies.
    assert iframe.evaluate("document.cookie = 'probe=1'; document.cookie") == ""

    for fields, heading in (
        (account(), "About you"),
        (PROFILE, "Your address"),
        (ADDRESS, "Consents and contact"),
        ({"consentIds": ["terms", "privacy"], "contactMethods": ["email"]}, "Check your answers"),
    ):
        continue_in(frame, fields)
        expect(frame.locator("h1")).to_have_text(heading)
    continue_in(frame, {}, "Create account")
    expect(frame.locator("h1")).to_have_text("Account created")
    customer_id = frame.locator("[data-customer-id]").get_attribute("data-customer-id")

    page.wait_for_function("() => window.completed !== undefined")
    heard = page.evaluate("window.heard")
    assert {message["origin"] for message in heard} == {service}
    resizes = [m["data"] for m in heard if m["data"]["type"] == "registration:resize"]
    assert resizes and all(isinstance(r["height"], int) and r["height"] > 0 for r in resizes)
    completes = [m["data"] for m in heard if m["data"]["type"] == "registration:complete"]
    assert completes == [
        {"type": "registration:complete", "customerId": customer_id, "tenant": "acme"}
    ]
    assert page.evaluate("window.completed") == {"customerId": customer_id, "tenant": "acme"}
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    assert height == resizes[-1]["height"]


def test_a_page_outside_the_allow_list_can_frame_neither_the_embed_nor_any_other_page(
    serve, partner_site, browser
):
    pages = {}
    stranger = partner_site(pages)
    server = serve(tenants("https://partner.example"))
    service = server.url(host="localhost")
    page = browser.new_page()
    for path, policy in (
        ("/t/acme/embed", "frame-ancestors https://partner.example"),
        ("/register", "frame-ancestors 'none'"),
        ("/t/acme/register", "frame-ancestors 'none'"),
    ):
        pages[path] = framing_page(service + path)
        with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refusal:
            page.goto(stranger.origin + path)
        assert refusal.value.text.startswith(f"Framing '{service}/'"), path
        assert policy in refusal.value.text, path
        (child,) = page.main_frame.child_frames
        assert not child.url.startswith(service), path
