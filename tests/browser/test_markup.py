"""Markup typed into every text field of the wizard shows as text on the review and completion
pages, and none of it runs: no dialog, no global set, no element it would make."""

import pytest
from wizard_client import CONSENTS, PROFILE, account

from .test_wizard_browser import continue_with, heading, watch_console

pytestmark = pytest.mark.browser

TENANTS = """
[tenants.default]

[[tenants.default.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
"""
# Breaks out of an attribute and makes an element that runs script, within 50 characters;
# the short one fits the 20 characters of the title and gender.
LONG = '"\'><img src=x onerror="window.pwned=1;alert(1)">'
SHORT = "<svg/onload=alert()>"
PROFILE_TEXT = {
    "title": SHORT,
    "forename": LONG,
    "surname": LONG,
    "displayName": LONG,
    "gender": SHORT,
    "customAttributes.favouriteTeam": LONG,
}
ADDRESS_TEXT = {
    "addressLine1": LONG,
    "addressLine2": LONG,
    "city": LONG,
    "region": LONG,
    "postcode": "SW1A 1AA",
    "countryCode": "GB",
}


def type_in(page, fields):
    """Type as a person does, field by field, so that each field's inline check runs too."""
    for name, value in fields.items():
        if isinstance(value, list):
            for one in value:
                page.check(f"input[name='{name}'][value='{one}']")
        elif page.locator(f"select[name='{name}']").count():
            page.select_option(f"[name='{name}']", value)
            page.wait_for_load_state("networkidle")
        else:
            page.locator(f"[name='{name}']").press_sequentially(value)
            page.keyboard.press("Tab")
            page.wait_for_load_state("networkidle")


def assert_nothing_ran(page, dialogs):
    assert dialogs == []
    assert page.evaluate("window.pwned") is None
    assert page.locator("main img, main svg").count() == 0


def test_markup_in_every_text_field_is_shown_as_text_and_never_runs(serve, browser):
    server = serve(TENANTS)
    page = browser.new_page()
    errors = watch_console(page)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url("/register"))
    continue_with(page, account())
    for fields in ({**PROFILE, **PROFILE_TEXT}, ADDRESS_TEXT, CONSENTS):
        type_in(page, fields)
        assert page.locator("[aria-invalid='true']").count() == 0, heading(page)
        assert_nothing_ran(page, dialogs)
        continue_with(page, {})

    assert heading(page) == "Check your answers"
    assert_nothing_ran(page, dialogs)
    shown = page.locator(".summary-value").all_inner_texts()
    typed = [*PROFILE_TEXT.values(), *list(ADDRESS_TEXT.values())[:4]]
    assert sum(value.strip() in typed for value in shown) == len(typed)

    continue_with(page, {}, "Create account")
    assert heading(page) == "Account created"
    assert_nothing_ran(page, dialogs)
    assert errors == []  # nor did the page's policy have to refuse anything
