"""The wizard's inline checks (contract section 5): one field at a time, its wrapper swapped."""

import pytest
from bs4 import BeautifulSoup
from conftest import STRONG_PASSWORD
from wizard_client import PROFILE, Wizard, account

HTMX = {"HX-Request": "true"}


def check(client, field, data, start="/register"):
    response = client.post(f"{start}/check/{field}", data=data, headers=HTMX)
    return response, BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_of(soup):
    message = soup.select_one(".error-message")
    return message.get_text(" ", strip=True).removeprefix("Error: ") if message else None


def test_a_taken_username_is_found_inline_and_marked_for_assistive_technology(client, app):
    taken = account()
    Wizard(app.test_client()).complete(taken)
    response, soup = check(client, "username", {"username": taken["username"]})
    wrapper = soup.select_one("#field-username")
    assert response.status_code == 200 and wrapper is not None
    assert error_of(wrapper) == "This username is taken – choose another"
    field = wrapper.select_one("input#username")
    assert field["aria-invalid"] == "true"
    assert "username-error" in field["aria-describedby"].split()
    assert field["value"] == taken["username"]
    # The swapped field is checked again the next time it changes.
    assert (
        field["hx-post"] == "/register/check/username" and field["hx-target"] == "#field-username"
    )

    response, soup = check(client, "username", {"username": taken["username"] + "x"})
    assert error_of(soup) is None and not soup.select_one("input#username").has_attr("aria-invalid")


def test_only_the_field_asked_about_is_checked(client):
    _, soup = check(
        client, "username", {"username": "fine_name", "email": "not an email", "password": "x"}
    )
    assert error_of(soup) is None and soup.select_one("#field-email") is None


@pytest.mark.parametrize(
    "field, data, message",
    [
        ("surname", {"surname": ""}, "Enter your surname"),
        ("surname", {"surname": "Byron"}, None),
        (
            "dateOfBirth",
            {"dateOfBirth-day": "31", "dateOfBirth-month": "2", "dateOfBirth-year": "1990"},
            "Date of birth must be a real date, like 27 3 1990",
        ),
        (
            "dateOfBirth",
            {"dateOfBirth-day": "1", "dateOfBirth-month": "2", "dateOfBirth-year": "1990"},
            None,
        ),
        (
            "postcode",
            {"postcode": "12345", "countryCode": "GB", "addressLine1": "1 Road"},
            "Enter a real postcode, like EC1Y 8SY",
        ),
        ("postcode", {"postcode": "12345", "countryCode": "US", "addressLine1": "1 Road"}, None),
        (
            "postcode",
            {"postcode": "", "countryCode": "GB", "addressLine1": "1 Road"},
            "Enter a postcode",
        ),
        (
            "email",
            {"email": "ada@"},
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_each_field_gets_the_service_verdict(client, field, data, message):
    response, soup = check(client, field, data)
    assert response.status_code == 200
    assert error_of(soup) == message


def test_a_national_phone_number_is_checked_with_the_drafts_address_country(client):
    wizard = Wizard(client)
    wizard.to_review()
    draft = wizard.page.hidden["draft"]
    _, soup = check(client, "phone", {"phone": "020 7946 0958", "draft": draft})
    assert error_of(soup) is None
    # No address: the tenant's default_country (GB by default).
    _, soup = check(client, "phone", {"phone": "020 7946 0958"})
    assert error_of(soup) is None
    _, soup = check(client, "phone", {"phone": "(650) 253-0000"})
    assert error_of(soup) == (
        "Enter a phone number like 07400 123456, or in international form, like +44 7400 123456"
    )


def test_password_strength_and_advice_come_as_it_is_typed_and_the_password_never_comes_back(client):
    response, soup = check(client, "password", {"password": "password1", "username": "ada"})
    feedback = soup.select_one("#password-feedback")
    assert feedback is not None and soup.select_one("input") is None  # the input stays as typed
    assert error_of(feedback) == "This password is too common – choose one that is harder to guess"
    assert "Password strength: Very weak" in feedback.select_one(".strength").get_text()
    assert feedback.select("ul.advice li")  # zxcvbn's advice
    assert "password1" not in response.get_data(as_text=True)

    _, soup = check(client, "password", {"password": STRONG_PASSWORD, "username": "ada"})
    assert error_of(soup) is None
    assert "Password strength: Strong" in soup.select_one(".strength").get_text()


def test_a_password_containing_the_username_is_refused_inline(client):
    _, soup = check(
        client, "password", {"password": "ada_lovelace-Harbour-93", "username": "ada_lovelace"}
    )
    assert (
        error_of(soup)
        == "Password must not contain your username or the start of your email address"
    )
    # zxcvbn scores it Strong, but it is refused: no strength beside the error.
    assert soup.select_one(".strength") is None


def test_a_saved_password_is_not_asked_for_again(client):
    wizard = Wizard(client)
    wizard.submit(account())
    _, soup = check(client, "password", {"password": "", "draft": wizard.page.hidden["draft"]})
    assert error_of(soup) is None
    _, soup = check(client, "password", {"password": ""})
    assert error_of(soup) == "Enter a password"


def test_the_page_includes_the_same_partial_that_a_check_returns(client):
    wizard = Wizard(client)
    wizard.submit(account())
    page = wizard.submit({**PROFILE, "surname": ""})
    _, soup = check(client, "surname", {**page.values, "surname": ""})
    assert str(soup.select_one("#field-surname")) == str(page.soup.select_one("#field-surname"))


def test_unknown_fields_are_not_checked(client):
    response, soup = check(client, "isAdmin", {"isAdmin": "1"})
    assert response.status_code == 404
    assert soup.select_one(".alert").get_text(" ", strip=True).startswith("Page not found")


def test_check_answers_vary_on_htmx(client):
    response, _ = check(client, "surname", {"surname": "x"})
    assert "HX-Request" in response.headers["Vary"]


def test_too_many_checks_give_a_friendly_fragment_in_the_alert_region(make_app):
    app = make_app(RATELIMIT_VALIDATION="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert check(client, "surname", {"surname": "x"})[0].status_code == 200
    response, soup = check(client, "surname", {"surname": "x"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#wizard-alert"
    assert int(response.headers["Retry-After"]) > 0
    assert soup.select_one(".alert").get_text(" ", strip=True).startswith("Too many attempts")
    assert "<html" not in response.get_data(as_text=True)
