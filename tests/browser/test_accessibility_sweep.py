"""axe-core on every step of the wizard and on each step's error state, in English and German
(contract section 5: no violation on any step or error state, in the person's language)."""

import pytest
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from .conftest import axe_violations
from .test_wizard_browser import continue_with, heading

pytestmark = pytest.mark.browser

BUTTONS = {"en": ("Continue", "Create account"), "de": ("Weiter", "Konto erstellen")}
# Answers that leave each step with errors: its required fields left empty (an address, being
# optional, is begun and left without its town and with a postcode of no country).
EMPTY = (
    {"username": "", "email": "", "password": ""},
    {"title": "", "surname": ""},
    {"addressLine1": "1 High Street", "city": "", "postcode": "not a postcode"},
    {},
)


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_step_and_its_error_state_has_no_violations(serve, browser, language):
    server = serve()
    page = browser.new_page()
    go_on, create = BUTTONS[language]
    page.goto(server.url(f"/register?lang={language}"))
    assert page.get_attribute("html", "lang") == language
    for empty, fields in zip(EMPTY, (account(), PROFILE, ADDRESS, CONSENTS), strict=True):
        step = heading(page)
        assert axe_violations(page) == [], step
        continue_with(page, empty, go_on)
        assert page.locator(".error-summary a").count() > 0, step  # an error state
        assert axe_violations(page) == [], f"{step}, with errors"
        continue_with(page, fields, go_on)
    assert axe_violations(page) == [], heading(page)  # the review
    continue_with(page, {}, create)
    assert page.locator(".customer-number").inner_text().isdigit()
    assert axe_violations(page) == [], heading(page)  # the completion page
