"""Verify by code in Chromium (contract section 12): a verifying tenant's wizard, with and without
JavaScript, reading each code from the mail file the outbox worker wrote; the error state is
accessible; and the same inside a partner's frame with third-party cookies blocked."""

import email
import re
from email import policy

import pytest
from conftest import deliver_outbox, valid_customer
from playwright.sync_api import expect
from queued_mail import link_in, mails, text
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from browser.conftest import axe_violations, enter
from webapp.outbox.mail import MAIL_FOLDER

pytestmark = pytest.mark.browser

TENANTS = """
[tenants.acme]
name = "Acme Bets"
verify_email = "code"
embed_origins = ["{origin}"]
"""


def mailed_code(server, tmp_path, to):
    """The code in the newest mail to `to`, once the worker has written it as a file."""
    app = server.server.app
    app.instance_path = str(tmp_path)
    deliver_outbox(app)
    found = []
    for path in (tmp_path / MAIL_FOLDER).glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            body = message.get_body(("plain",)).get_content()
            found.append((path.stat().st_mtime, re.search(r"^(\d{6})$", body, re.M).group(1)))
    return max(found)[1]


def fill(page, fields):
    for name, value in fields.items():
        if isinstance(value, list):
            for one in value:
                page.locator(f"input[name='{name}'][value='{one}']").check()
        else:
            enter(page.locator(f"[name='{name}']"), value)


def continue_with(page, fields, button="Continue"):
    fill(page, fields)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verifying_tenants_wizard_end_to_end(serve, browser, tmp_path, javascript):
    server = serve(TENANTS.format(origin="https://partner.example"), WTF_CSRF_ENABLED=True)
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(server.url("/t/acme/register"))
    who = account()
    continue_with(page, who)
    expect(page.locator("h1")).to_have_text("Check your email")
    code = page.locator("input[name='code']")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"
    if javascript:
        assert axe_violations(page) == []

    continue_with(
        page,
        {"code": "000000" if mailed_code(server, tmp_path, who["email"]) != "000000" else "111111"},
    )
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")
    if javascript:
        assert axe_violations(page) == []  # the error state too

    right = mailed_code(server, tmp_path, who["email"])
    continue_with(page, {"code": f"{right[:3]} {right[3:]}"})  # as pasted from a mail
    expect(page.locator("h1")).to_have_text("About you")
    for fields, heading in (
        (PROFILE, "Your address"),
        (ADDRESS, "Consents and contact"),
        (CONSENTS, "Check your answers"),
    ):
        continue_with(page, fields)
        expect(page.locator("h1")).to_have_text(heading)
    continue_with(page, {}, "Create account")
    expect(page.locator("h1")).to_have_text("Account created")
    assert page.get_attribute("[data-customer-id]", "data-customer-id")
    context.close()


def test_the_mailed_link_fills_in_the_code_and_takes_it_out_of_the_address_bar(serve, browser):
    server = serve(TENANTS.format(origin="https://partner.example"))
    page = browser.new_page()
    page.goto(server.url("/t/acme/register"))
    who = account()
    continue_with(page, who)
    expect(page.locator("h1")).to_have_text("Check your email")
    (message,) = mails(server.server.app, to=who["email"])
    link = link_in(message, "/t/acme/register/verify")

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Check your email")
    expect(page.locator(".notice")).to_have_text("Your email address is confirmed.")
    expect(page.locator("input[name='code']")).to_have_value(re.search(r"code=(\d+)", link)[1])
    page.wait_for_function("() => !location.search.includes('code=')")
    assert axe_violations(page) == []
    continue_with(page, {})
    expect(page.locator("h1")).to_have_text("About you")


def at_the_account_step(serve, browser):
    """A page at a verifying tenant's account step, answered, and its server."""
    server = serve(TENANTS.format(origin="https://partner.example"))
    page = browser.new_page()
    page.goto(server.url("/t/acme/register"))
    fill(page, account())
    return page, server


def sent_again(page):
    """The account step, still shown, sends its form when Continue is pressed."""
    expect(page.locator("h1")).not_to_have_text("Check your email")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your email")


def test_a_second_press_while_the_step_is_posted_sends_nothing_more(serve, browser):
    # Posted twice, the account step made two drafts and mailed two codes; the page shown was
    # the second's, the mail read first the first's, whose code that page refused.
    page, server = at_the_account_step(serve, browser)
    step = server.url("/t/acme/register")
    posts = []
    page.on("request", lambda r: posts.append(r) if (r.method, r.url) == ("POST", step) else None)
    # A slow network: the second press comes while the first post is on its way.
    page.route("**/t/acme/register", lambda route: (page.wait_for_timeout(500), route.continue_()))
    page.evaluate(
        """() => {
            const form = document.querySelector("form[method=post]");
            form.requestSubmit();
            setTimeout(() => form.requestSubmit(), 100);
        }"""
    )
    expect(page.locator("h1")).to_have_text("Check your email")
    assert len(posts) == 1
    page.unroute("**/t/acme/register")
    page.go_back()  # a page come back to may be sent again
    sent_again(page)


def test_a_post_the_browser_s_stop_ended_may_be_sent_again(serve, browser):
    page, _ = at_the_account_step(serve, browser)
    # The post ended on its way, as the browser's Stop ends it: the page stays.
    page.route("**/t/acme/register", lambda route: route.abort("aborted"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_timeout(200)
    page.unroute("**/t/acme/register")
    page.wait_for_timeout(5100)  # the form may be sent again 5 s after it was
    sent_again(page)


def test_the_verify_step_in_german_is_accessible(serve, browser):
    server = serve(TENANTS.format(origin="https://partner.example"))
    page = browser.new_page()
    page.goto(server.url("/t/acme/register?lang=de"))
    continue_with(page, account(), "Weiter")
    expect(page.locator("h1")).to_have_text("Prüfen Sie Ihre E-Mails")
    continue_with(page, {"code": "12"}, "Weiter")
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_the_embed_verifies_by_code_with_third_party_cookies_blocked(
    serve, partner_site, third_party_cookies_blocked, tmp_path
):
    pages = {}
    partner = partner_site(pages)
    server = serve(TENANTS.format(origin=partner.origin), WTF_CSRF_ENABLED=True)
    service = server.url(host="localhost")
    pages["/"] = (
        f"<!doctype html><html lang='en'><title>Partner</title><h1>Join us</h1>"
        f"<script src='{service}/static/embed.js' data-tenant='acme'></script></html>"
    )
    page = third_party_cookies_blocked.new_page()
    page.goto(f"{partner.origin}/")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Create your account")

    who = account()
    continue_with(frame, who)
    expect(frame.locator("h1")).to_have_text("Check your email")
    iframe = page.frame(url=lambda url: url.startswith(service))
    assert "/t/acme/embed/verify" in iframe.url
    assert iframe.evaluate("document.cookie = 'probe=1'; document.cookie") == ""
    continue_with(frame, {"code": mailed_code(server, tmp_path, who["email"])})
    expect(frame.locator("h1")).to_have_text("About you")
    for fields, heading in (
        (PROFILE, "Your address"),
        (ADDRESS, "Consents and contact"),
        (CONSENTS, "Check your answers"),
    ):
        continue_with(frame, fields)
        expect(frame.locator("h1")).to_have_text(heading)
    continue_with(frame, {}, "Create account")
    expect(frame.locator("h1")).to_have_text("Account created")


def test_the_mailed_link_pages_are_accessible(serve, browser):
    server = serve(TENANTS.format(origin="https://partner.example"))
    app = server.server.app
    with app.test_client() as client:
        body = valid_customer()
        assert client.post("/api/v1/customers?tenant=acme", json=body).status_code == 201
    (message,) = [m for m in mails(app, to=body["email"]) if "/verify/" in text(m)]
    path = link_in(message, "/verify/").split("/verify/", 1)[1]
    page = browser.new_page()
    for address, expected in (
        (f"/verify/{path}", "Email address confirmed"),
        (f"/verify/{path}", "Email address confirmed"),  # followed again: still says so
        (f"/verify/{path[:-4]}", "This link cannot be used"),  # a broken link
    ):
        page.goto(server.url(address))
        expect(page.locator("h1")).to_have_text(expected)
        assert axe_violations(page) == []
