"""The wizard in Chromium: with and without JavaScript, inline checks, Back, a restart, axe."""

import os
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import STRONG_PASSWORD
from playwright.sync_api import expect
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from .conftest import ROOT, axe_violations, enter

pytestmark = pytest.mark.browser


def fill(page, fields):
    for name, value in fields.items():
        if isinstance(value, list):
            for one in value:
                page.check(f"input[name='{name}'][value='{one}']")
        else:
            enter(page.locator(f"[name='{name}']"), value)


def continue_with(page, fields, button="Continue"):
    fill(page, fields)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def heading(page):
    return page.locator("h1").inner_text()


def watch_console(page):
    """Console errors (a CSP refusal shows up here) collected as the test goes."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_whole_wizard_with_javascript_and_no_accessibility_violations(serve, browser):
    server = serve()
    page = browser.new_page()
    errors = watch_console(page)
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        assert axe_violations(page) == [], heading(page)
        continue_with(page, fields)
    assert heading(page) == "Check your answers"
    assert axe_violations(page) == []
    continue_with(page, {}, "Create account")
    assert heading(page) == "Account created"
    assert page.get_attribute("[data-customer-id]", "data-customer-id")
    assert page.locator(".customer-number").inner_text().isdigit()
    assert axe_violations(page) == []
    assert errors == []


def test_the_whole_wizard_without_javascript(serve, browser):
    server = serve(WTF_CSRF_ENABLED=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("/register"))
    continue_with(page, {})  # nothing filled in: the same messages, in an error summary
    assert page.title().startswith("Error: ")
    assert page.locator(".error-summary a").all_inner_texts() == [
        "Enter a username",
        "Enter your email address",
        "Enter a password",
    ]
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        continue_with(page, fields)
    continue_with(page, {}, "Create account")
    assert page.get_attribute("[data-customer-id]", "data-customer-id")
    context.close()


def test_an_error_state_is_accessible_and_the_summary_takes_focus(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    continue_with(page, {**PROFILE, "surname": "", "dateOfBirth-year": "3000"})
    assert page.evaluate("document.activeElement.matches('.error-summary')")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Date of birth must be in the past").click()
    assert page.evaluate("document.activeElement.id") == "dateOfBirth-day"


def test_an_inline_error_appears_and_clears_without_a_page_load(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    page.evaluate("window.stillTheSamePage = true")
    # The password's own check follows typing after a pause; let it answer first, so that its
    # announcement cannot take the place of the email's below.
    with page.expect_response(lambda response: "/check/password" in response.url):
        page.fill("#password", "typed-before-the-email")
    expect(page.locator("#wizard-status")).to_contain_text("Password strength")
    page.fill("#email", "ada@")
    with page.expect_request(lambda request: "/check/email" in request.url) as check:
        page.keyboard.press("Tab")
    assert "password" not in parse_qs(check.value.post_data)  # only its own check sends it
    message = page.locator("#field-email .error-message")
    message.wait_for()
    assert message.inner_text().endswith(
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.get_attribute("#email", "aria-invalid") == "true"
    assert "email-error" in page.get_attribute("#email", "aria-describedby")
    expect(page.locator("#wizard-status")).to_contain_text("correct format")
    assert axe_violations(page) == []

    page.fill("#email", "ada@example.com")
    page.keyboard.press("Tab")
    message.wait_for(state="detached")
    assert page.get_attribute("#email", "aria-invalid") is None
    expect(page.locator("#wizard-status")).to_contain_text("Email address: no longer an error")

    page.fill("#password", "")
    page.locator("#password").press_sequentially("password1")
    expect(page.locator("#password-feedback .strength")).to_contain_text("Very weak")
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert page.input_value("#password") == "password1"  # kept as typed while checked
    assert page.evaluate("window.stillTheSamePage") is True


def test_an_inline_password_error_is_named_in_the_fields_description(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    password = page.locator("#password")
    password.press_sequentially("password1")
    expect(password).to_have_attribute(
        "aria-describedby", "password-hint password-error password-strength"
    )
    expect(password).to_have_attribute("aria-invalid", "true")
    password.fill(STRONG_PASSWORD)
    expect(password).to_have_attribute("aria-describedby", "password-hint password-strength")
    expect(password).not_to_have_attribute("aria-invalid", "true")


def test_an_inline_password_error_marks_the_field_as_a_failed_post_does(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    page.locator("#password").press_sequentially("password1")
    expect(page.locator("#field-password")).to_have_class("field field-password field-error")
    page.fill("#password", STRONG_PASSWORD)
    expect(page.locator("#field-password")).to_have_class("field field-password")


def test_errors_fixed_inline_leave_the_summary_and_then_the_title(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    continue_with(page, {**PROFILE, "surname": "", "dateOfBirth-year": "3000"})
    links = page.locator(".error-summary a")
    expect(links).to_have_text(["Enter your surname", "Date of birth must be in the past"])
    page.fill("#surname", "Lovelace")
    page.keyboard.press("Tab")
    expect(links).to_have_text(["Date of birth must be in the past"])
    assert page.title().startswith("Error: ")
    page.fill("#dateOfBirth-year", "1990")
    page.keyboard.press("Tab")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page).to_have_title("About you – Step 2 of 5 – Registration")
    assert axe_violations(page) == []


def test_a_german_title_loses_its_error_prefix_once_every_error_is_fixed_inline(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register?lang=de"))
    continue_with(page, account(), "Weiter")
    continue_with(page, {**PROFILE, "surname": ""}, "Weiter")
    assert page.title().startswith("Fehler: ")
    page.fill("#surname", "Lovelace")
    page.keyboard.press("Tab")
    expect(page.locator(".error-summary")).to_have_count(0)
    assert page.title().startswith("Über Sie – ")


def test_a_field_swapped_while_it_has_focus_keeps_it(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    page.focus("#currency")
    page.evaluate("document.getElementById('currency').beforeTheSwap = true")
    page.select_option("#currency", "USD")  # checked on change, while still focused
    expect(page.locator("#currency")).not_to_have_js_property("beforeTheSwap", True)  # swapped
    expect(page.locator("#currency")).to_be_focused()
    assert page.input_value("#currency") == "USD"


def test_back_keeps_earlier_answers(serve, browser):
    server = serve()
    page = browser.new_page()
    who = account()
    page.goto(server.url("/register"))
    continue_with(page, who)
    continue_with(page, PROFILE)
    assert heading(page) == "Your address"
    page.go_back()
    assert heading(page) == "About you"
    assert page.input_value("#surname") == "Lovelace"
    assert page.input_value("#dateOfBirth-year") == "1990"
    page.go_back()
    assert heading(page) == "Create your account"
    assert page.input_value("#username") == who["username"]
    assert page.input_value("#password") == ""


def test_back_to_a_step_that_failed_and_a_reload_of_it_draw_the_step_again(serve, browser):
    # The failed post's page answers a POST: without its history entry at the step's own
    # address, Back finds nothing to show (no-store) and a reload would post again.
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    continue_with(page, {**PROFILE, "surname": ""})
    assert page.title().startswith("Error: ")
    assert "draft=" in page.url
    continue_with(page, PROFILE)
    assert heading(page) == "Your address"
    page.go_back()
    assert heading(page) == "About you"
    assert page.input_value("#surname") == "Lovelace"
    page.reload()
    assert heading(page) == "About you" and not page.title().startswith("Error: ")


def test_a_draft_survives_a_restart_of_the_server(serve, browser, make_app):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    continue_with(page, PROFILE)
    server.restart(make_app())  # a new process on the same database and SECRET_KEY
    page.reload()
    assert heading(page) == "Your address"
    page.get_by_role("link", name="Back").click()
    assert page.input_value("#surname") == "Lovelace"


def test_it_fits_a_320_pixel_wide_screen(serve, browser):
    server = serve()
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(server.url("/register"))
    # A long address, which the completion page names in a sentence, wraps there.
    who = account()
    who["email"] = f"alexandra.schneider.mueller.{who['username']}@example.com"
    continue_with(page, who)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for fields in (PROFILE, ADDRESS, CONSENTS):
        continue_with(page, fields)
    continue_with(page, {}, "Create account")
    expect(page.locator("h1")).to_have_text("Account created")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_error_summary_links_are_big_enough_to_tap_on_a_small_screen(serve, browser):
    server = serve()
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE, ADDRESS, {}):  # no consents: two messages
        continue_with(page, fields)
    expect(page.locator(".error-summary a")).to_have_count(2)
    assert axe_violations(page) == []


def test_the_completion_panel_stands_clear_of_the_masthead(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        continue_with(page, fields)
    continue_with(page, {}, "Create account")
    masthead = page.locator(".masthead").bounding_box()
    panel = page.locator(".panel").bounding_box()
    assert panel["y"] - (masthead["y"] + masthead["height"]) >= 16


def test_a_step_and_its_error_summary_stand_clear_of_the_masthead(serve, browser):
    server = serve()
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(server.url("/register"))
    masthead = page.locator(".masthead").bounding_box()
    below = masthead["y"] + masthead["height"]
    assert page.locator("main").locator("*").first.bounding_box()["y"] - below >= 16
    continue_with(page, {})
    assert page.locator(".error-summary").bounding_box()["y"] - below >= 16


def test_screenshot_of_a_step(serve, browser, tmp_path):
    """The README's picture of the wizard; `UPDATE_SCREENSHOTS=1` writes it into docs/."""
    server = serve("""
        [tenants.default]
        name = "Northwind Rewards"
        support_email = "help@northwind.example"
    """)
    page = browser.new_page(viewport={"width": 900, "height": 1100})
    page.goto(server.url("/register"))
    continue_with(page, account())
    fill(
        page, {"title": "Dr", "forename": "Ada", "dateOfBirth-day": "27", "dateOfBirth-month": "3"}
    )
    page.fill("#dateOfBirth-year", "3000")
    page.keyboard.press("Tab")
    page.locator("#field-dateOfBirth .error-message").wait_for()
    target = ROOT / "docs" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    target.mkdir(exist_ok=True)
    path = Path(target) / "wizard-step.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_a_press_on_continue_just_after_a_correction_is_not_lost(serve, browser):
    # The corrected field's inline check would come back during the press, clear its error and
    # the summary, and move the button up from under the pointer before the release (a page
    # short enough not to scroll: nothing makes up for the shift).
    server = serve()
    page = browser.new_page(viewport={"width": 1000, "height": 1800})
    page.goto(server.url("/register"))
    continue_with(page, account())
    continue_with(page, {**PROFILE, "surname": ""})
    expect(page.locator("[data-error-summary]")).to_be_visible()
    page.locator("[name='surname']").fill("Lovelace")
    box = page.get_by_role("button", name="Continue").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(300)  # time enough for a check to be answered and swapped
    with page.expect_navigation():
        page.mouse.up()
    assert "/register/address" in page.url


def test_a_country_typed_by_name_into_its_list_is_the_one_chosen(serve, browser):
    # Each letter is a change; drawn again under each, the list would restart its type-ahead.
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE):
        continue_with(page, fields)
    page.evaluate(
        "() => { window.checks = 0; document.addEventListener('htmx:beforeRequest', () => "
        "window.checks++); window.redrawn = new Promise(done => document.addEventListener("
        "'htmx:afterSettle', done, {once: true})); }"
    )
    page.focus("#countryCode")
    page.keyboard.type("Germany", delay=120)
    page.evaluate("window.redrawn")
    assert page.input_value("#countryCode") == "DE"
    assert page.evaluate("window.checks") == 1  # once the typing stopped
    expect(page.locator("#countryCode")).to_be_focused()


def error_of(page, field):
    return page.locator(f"#field-{field} .error-message")


def expect_drawn(page, field):
    """Returns a wait for the field to have been drawn again by its check (and for htmx to have
    made the new inputs its own); set up before what makes the check."""
    page.evaluate(
        "id => { window.drawn = false; document.addEventListener('htmx:afterSettle', "
        "e => { if (e.detail.elt.id === id) window.drawn = true; }); }",
        f"field-{field}",
    )
    return lambda: page.wait_for_function("() => window.drawn")


def profile_with_a_date_that_is_not_real(serve, browser):
    """A page on the profile step, its date 31 2 2000 drawn again by its check with its error."""
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    continue_with(page, account())
    fill(page, {"title": "Ms", "surname": "Lovelace"})
    drawn = expect_drawn(page, "dateOfBirth")
    for part, value in (("day", "31"), ("month", "2"), ("year", "2000")):
        page.fill(f"#dateOfBirth-{part}", value)
        page.keyboard.press("Tab")
    drawn()  # the date drawn again, with its error, and ready
    expect(error_of(page, "dateOfBirth")).to_contain_text("real date")
    return page


def test_a_date_corrected_in_its_day_is_checked_again(serve, browser):
    page = profile_with_a_date_that_is_not_real(serve, browser)
    page.fill("#dateOfBirth-day", "28")
    page.keyboard.press("Tab")
    expect(error_of(page, "dateOfBirth")).to_have_count(0)
    expect(page.locator("#dateOfBirth-day")).not_to_have_attribute("aria-invalid", "true")


def test_a_consent_ticked_after_a_failed_post_clears_its_error(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE, ADDRESS, {"contactMethods": ["email"]}):
        continue_with(page, fields)
    expect(error_of(page, "consentIds")).to_be_visible()
    drawn = expect_drawn(page, "consentIds")
    page.check("#consentIds-terms")
    drawn()
    expect(error_of(page, "consentIds")).to_contain_text("privacy")  # one still to tick
    page.check("#consentIds-privacy")
    expect(error_of(page, "consentIds")).to_have_count(0)


def hold_checks(page):
    """Holds every inline check on its way until the returned function lets them go (a slow
    network, with the test deciding when the answer lands)."""
    held = []
    page.route("**/check/**", lambda route: held.append(route))

    def release():
        while held:
            held.pop(0).continue_()
        page.unroute("**/check/**")

    return held, release


def test_a_part_of_the_date_typed_while_its_check_is_on_the_way_is_kept(serve, browser):
    page = profile_with_a_date_that_is_not_real(serve, browser)
    held, release = hold_checks(page)
    drawn = expect_drawn(page, "dateOfBirth")
    page.fill("#dateOfBirth-day", "1")
    page.keyboard.press("Tab")  # the date is checked with the day changed and month 2
    page.wait_for_function("() => document.activeElement.id === 'dateOfBirth-month'")
    assert len(held) == 1
    page.keyboard.type("1")  # the month, typed while that check is on its way
    release()
    drawn()
    assert page.input_value("#dateOfBirth-month") == "1"
    expect(page.locator("#dateOfBirth-month")).to_be_focused()
    with page.expect_request(lambda request: "/check/" in request.url) as again:
        page.keyboard.press("Tab")  # leaving the month checks the date as it now is
    assert parse_qs(again.value.post_data)["dateOfBirth-month"] == ["1"]
    expect(error_of(page, "dateOfBirth")).to_have_count(0)
    assert [page.input_value(f"#dateOfBirth-{p}") for p in ("day", "month", "year")] == [
        "1",
        "1",
        "2000",
    ]


def test_an_address_line_typed_while_the_country_is_redrawn_is_kept(serve, browser):
    server = serve()
    page = browser.new_page()
    page.goto(server.url("/register"))
    for fields in (account(), PROFILE):
        continue_with(page, fields)
    held, release = hold_checks(page)
    page.evaluate(
        "() => { window.settled = false; document.addEventListener('htmx:afterSettle', "
        "() => { window.settled = true; }, {once: true}); }"
    )
    page.select_option("#countryCode", "DE")  # the address is drawn again for Germany...
    page.focus("#addressLine1")
    page.keyboard.type("Hauptstr")  # ...while this is typed
    assert len(held) == 1
    release()
    page.keyboard.type("asse 5")
    page.wait_for_function("() => window.settled")
    page.keyboard.type(", Berlin")
    assert page.input_value("#addressLine1") == "Hauptstrasse 5, Berlin"
    assert page.input_value("#countryCode") == "DE"
    expect(page.locator("#addressLine1")).to_be_focused()
