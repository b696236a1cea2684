"""German in Chromium: the address step follows the chosen country (htmx redraws it in place,
focus stays on the country), axe-core finds no violation in German, the page's script speaks
German, and a partner's embed can ask for German with data-lang."""

import pytest
from playwright.sync_api import expect
from wizard_client import PROFILE, account

from .conftest import axe_violations
from .test_wizard_browser import continue_with, heading, watch_console

pytestmark = pytest.mark.browser


def to_address(page, server):
    page.goto(server.url("/register?lang=de"))
    continue_with(page, account(), "Weiter")
    continue_with(page, PROFILE, "Weiter")
    assert heading(page) == "Ihre Adresse"


def choose_country(page, code):
    """Choose a country, and wait until htmx has drawn the address for it."""
    page.evaluate(
        "() => { window.redrawn = new Promise(done => document.addEventListener("
        "'htmx:afterSettle', done, {once: true})); }"
    )
    page.select_option("#countryCode", code)
    page.evaluate("window.redrawn")


def test_the_german_address_step_follows_the_country_and_has_no_violations(serve, browser):
    server = serve()
    page = browser.new_page()
    errors = watch_console(page)
    to_address(page, server)
    assert page.get_attribute("html", "lang") == "de"
    assert axe_violations(page) == []
    page.fill("#addressLine1", "1600 Pennsylvania Ave NW")

    page.evaluate("window.stillTheSamePage = true")
    page.focus("#countryCode")
    choose_country(page, "US")
    expect(page.locator("select#region")).to_be_visible()  # redrawn for the US: a state list
    expect(page.locator("label[for='postcode']")).to_have_text("ZIP-Code")
    expect(page.locator("#postcode-hint")).to_have_text("Zum Beispiel 95014")
    expect(page.locator("label[for='region']")).to_have_text("Bundesstaat (optional)")
    expect(page.locator("#countryCode")).to_be_focused()
    expect(page.locator("#wizard-status")).to_contain_text("passen jetzt zum gewählten Land")
    assert page.input_value("#addressLine1") == "1600 Pennsylvania Ave NW"  # kept
    assert page.evaluate("window.stillTheSamePage") is True
    assert axe_violations(page) == []

    choose_country(page, "AE")  # no postcodes there
    expect(page.locator("#postcode")).to_have_count(0)
    expect(page.locator("label[for='region']")).to_have_text("Emirat (optional)")
    choose_country(page, "GB")
    expect(page.locator("label[for='postcode']")).to_have_text("Postleitzahl")
    assert axe_violations(page) == []

    assert errors == []  # nothing the page's policy refused

    page.fill("#postcode", "12345")
    continue_with(page, {}, "Weiter")  # a failed post (422), in German, drawn for GB
    assert page.title().startswith("Fehler: ")
    assert page.locator(".error-summary a").all_inner_texts() == [
        "Geben Sie den Ort ein",
        "Geben Sie eine gültige Postleitzahl ein, zum Beispiel EC1Y 8SY",
    ]
    assert axe_violations(page) == []


def test_the_pages_script_speaks_the_pages_language(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register?lang=de"))
    toggle = page.get_by_role("button", name="Passwort anzeigen")
    toggle.click()
    expect(page.get_by_role("button", name="Passwort verbergen")).to_be_visible()
    expect(page.locator("#wizard-status")).to_have_text("Ihr Passwort ist sichtbar")
    page.fill("#email", "ada@")
    page.keyboard.press("Tab")
    expect(page.locator("#field-email .error-message")).to_contain_text("E-Mail-Adresse")
    # Said once htmx has settled the swapped field, whose new input then listens for changes:
    # typing into it before that would go unchecked (a person is never that quick).
    expect(page.locator("#wizard-status")).to_contain_text("E-Mail-Adresse")
    page.fill("#email", "ada@example.com")
    page.keyboard.press("Tab")
    expect(page.locator("#wizard-status")).to_have_text("E-Mail-Adresse: kein Fehler mehr")


def test_a_partner_can_ask_for_the_embed_in_german(serve, partner_site, browser):
    pages = {}
    partner = partner_site(pages)
    server = serve(f"""
        [tenants.acme]
        name = "Acme Bets"
        embed_origins = ["{partner.origin}"]
    """)
    service = server.url(host="localhost")
    pages["/"] = (
        "<!doctype html><html lang='de'><title>Partner</title><h1>Mitmachen</h1>"
        f"<script src='{service}/static/embed.js' data-tenant='acme' data-lang='de'>"
        "</script></html>"
    )
    page = browser.new_page(extra_http_headers={"Accept-Language": "en"})
    page.goto(f"{partner.origin}/")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Konto anlegen")
    expect(frame.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("iframe")).to_have_attribute("title", "Konto anlegen")
