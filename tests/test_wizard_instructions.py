"""Contract section 3 (revised): the wizard tells a person what to do, in English and German, for
every fault it can meet; the fault table's messages (which the JSON doors say) never appear on a
wizard page or fragment, in either language."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.faults import FAULTS

PO = Path(__file__).resolve().parents[1] / "webapp/translations/de/LC_MESSAGES/messages.po"
HTMX = {"HX-Request": "true"}
TENANTS = """
[tenants.default]
min_age = 21

[tenants.shut]
registration_open = false
"""


def _api_messages():
    english = {fault.message for fault in FAULTS.values()}
    with open(PO, "rb") as po:
        german = {m.string for m in read_po(po) if m.id in english and m.string}
    return english | german


API_MESSAGES = _api_messages()


def shown_text(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def assert_plain(response, expected=None):
    text = shown_text(response)
    leaked = [message for message in API_MESSAGES if message in text]
    assert not leaked, leaked
    if expected is not None:
        assert expected in text, text


def born(years_ago, days=0):
    today = date.today()
    day = (
        today.replace(year=today.year - years_ago)
        if (today.month, today.day) != (2, 29)
        else today.replace(year=today.year - years_ago, day=28)
    )
    day += timedelta(days=days)
    return {
        "dateOfBirth-day": str(day.day),
        "dateOfBirth-month": str(day.month),
        "dateOfBirth-year": str(day.year),
    }


# (step, fields, the field checked inline, English instruction, German instruction)
CASES = [
    (
        "account",
        {"username": ""},
        "username",
        "Enter a username",
        "Geben Sie einen Benutzernamen ein",
    ),
    (
        "account",
        {"username": "ada lovelace"},
        "username",
        "Username must only include letters, numbers and . _ - @",
        None,
    ),
    (
        "account",
        {"username": "p\u0430ypal"},
        "username",
        "Username must not mix letters from different alphabets",
        None,
    ),
    ("account", {"password": ""}, None, "Enter a password", "Geben Sie ein Passwort ein"),
    (
        "account",
        {"password": "Ab1!"},
        "password",
        "Password must be 8 characters or more",
        "Das Passwort muss mindestens 8 Zeichen lang sein",
    ),
    ("account", {"password": "password1"}, "password", "This password is too common", None),
    (
        "account",
        {"username": "zebedee", "password": "zebedee-is-here"},
        "password",
        "Password must not contain your username",
        None,
    ),
    (
        "account",
        {"password": "abcdefghijkl"},
        "password",
        "Choose a password that is harder to guess. ",
        None,
    ),
    (
        "profile",
        born(0, 30),
        "dateOfBirth",
        "Date of birth must be in the past",
        "Das Geburtsdatum muss in der Vergangenheit liegen",
    ),
    (
        "profile",
        born(20),
        "dateOfBirth",
        "You must be 21 or older to create an account",
        "Sie müssen mindestens 21 Jahre alt sein",
    ),
    (
        "profile",
        born(121),
        "dateOfBirth",
        "Date of birth must be within the last 120 years",
        "Das Geburtsdatum muss innerhalb der letzten 120 Jahre liegen",
    ),
    (
        "profile",
        {"dateOfBirth-day": "31", "dateOfBirth-month": "2", "dateOfBirth-year": "1990"},
        "dateOfBirth",
        "Date of birth must be a real date",
        None,
    ),
    *(
        (
            "profile",
            {"dateOfBirth-day": day, "dateOfBirth-month": month, "dateOfBirth-year": year},
            "dateOfBirth",
            english,
            german,
        )
        for day, month, year, english, german in [
            ("", "3", "1990", "Date of birth must include a day", "muss einen Tag enthalten"),
            ("27", "", "1990", "Date of birth must include a month", "muss einen Monat enthalten"),
            ("27", "3", "", "Date of birth must include a year", "muss ein Jahr enthalten"),
            ("", "", "1990", "Date of birth must include a day and month", None),
            ("", "3", "", "Date of birth must include a day and year", None),
            ("27", "", "", "Date of birth must include a month and year", None),
            ("27", "3", "90", "Year must include 4 numbers", "Das Jahr muss aus 4 Ziffern"),
        ]
    ),
    ("profile", {"currency": "XYZ"}, "currency", "Select a currency from the list", None),
    (
        "profile",
        {"nationality": "XX"},
        "nationality",
        "Select a country from the list",
        "Wählen Sie ein Land aus der Liste aus",
    ),
    ("address", {"countryCode": "ZZ"}, "countryCode", "Select a country from the list", None),
    ("address", {"postcode": "12345"}, "postcode", "Enter a real postcode, like", None),
    ("address", {"postcode": ""}, "postcode", "Enter a postcode", None),
    (
        "consents",
        {"consentIds": ["privacy"]},
        "consentIds",
        "Select that you accept the terms and conditions",
        "Wählen Sie aus, dass Sie die Allgemeinen Geschäftsbedingungen akzeptieren",
    ),
    (
        "consents",
        {"consentIds": ["terms"]},
        "consentIds",
        "Select that you accept the privacy policy",
        None,
    ),
    (  # every consent left unticked, in one instruction
        "consents",
        {"consentIds": []},
        "consentIds",
        "Select that you accept the terms and conditions and the privacy policy",
        "Allgemeinen Geschäftsbedingungen und die Datenschutzerklärung akzeptieren",
    ),
    (
        "consents",
        {"consentIds": ["terms", "privacy", "bogus"]},
        "consentIds",
        "Select only from the consents shown",
        None,
    ),
    (
        "consents",
        {"contactMethods": []},
        "contactMethods",
        "Select how we may contact you",
        "Wählen Sie aus, wie wir Sie kontaktieren dürfen",
    ),
    (
        "consents",
        {"contactMethods": ["pigeon"]},
        "contactMethods",
        "Select how we may contact you from the choices shown",
        None,
    ),
]
STEP_FIELDS = {"account": None, "profile": PROFILE, "address": ADDRESS, "consents": CONSENTS}


def at_step(app, step, lang):
    wizard = Wizard(app.test_client(), f"/register?lang={lang}")
    for name in ("account", "profile", "address", "consents", "review"):
        if name == step:
            return wizard
        wizard.submit(account() if name == "account" else STEP_FIELDS[name])
    raise AssertionError(step)


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("step, fields, inline, english, german", CASES)
def test_every_field_fault_is_a_plain_instruction(
    make_app, lang, step, fields, inline, english, german
):
    app = make_app(TENANTS)
    expected = english if lang == "en" else german
    wizard = at_step(app, step, lang)
    typed = {**(account() if step == "account" else STEP_FIELDS[step]), **fields}
    page = wizard.submit(typed)
    assert page.status == 422
    assert_plain(page.response, expected)
    if lang == "de":  # never the English instruction on a German page
        assert english not in shown_text(page.response)
    if inline:
        data = {key: value for key, value in typed.items()}
        response = wizard.client.post(
            f"/register/check/{inline}?lang={lang}", data=data, headers=HTMX
        )
        assert response.status_code == 200
        assert_plain(response, expected)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_taken_username_and_email_say_what_to_do(make_app, lang):
    app = make_app(TENANTS)
    taken = account()
    Wizard(app.test_client()).complete({**taken})
    wizard = Wizard(app.test_client(), f"/register?lang={lang}")
    page = wizard.submit({**account(), "username": taken["username"], "email": taken["email"]})
    assert_plain(page.response, "This username is taken – choose another" if lang == "en" else None)
    response = wizard.client.post(
        f"/register/check/username?lang={lang}", data={"username": taken["username"]}, headers=HTMX
    )
    assert_plain(response)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_error_pages_say_what_to_do(make_app, lang, monkeypatch):
    app = make_app(TENANTS, RATELIMIT_REGISTRATION="1 per hour")
    client = app.test_client()
    assert_plain(client.get(f"/t/shut/register?lang={lang}"))  # 90055
    assert_plain(client.get(f"/t/nobody/register?lang={lang}"))  # 91009
    big = client.post(f"/register?lang={lang}", data={"username": "x" * 70000})
    assert big.status_code == 413
    assert_plain(big)  # 91006
    for headers in ({}, HTMX):
        assert_plain(
            client.post(
                f"/register?lang={lang}",
                data="%%%",
                headers=headers,
                content_type="application/x-www-form-urlencoded",
            )
        )

    from webapp import registration

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    wizard = at_step(app, "review", lang)
    action, values = wizard.page.form["action"], wizard.page.values
    monkeypatch.setattr(registration, "register", broken)
    failed = client.post(action, data=values)
    assert failed.status_code == 500
    assert_plain(failed)  # 90061
    limited = client.post(action, data=values)
    assert limited.status_code == 429
    assert_plain(
        limited,
        "Try again in 60 minutes" if lang == "en" else "Versuchen Sie es in 60 Minuten erneut",
    )


def test_a_tenants_own_attribute_keeps_its_capitals_in_an_instruction(make_app):
    # Lower case mid-sentence, as English writes a label there, but for words whose capitals
    # are part of them.
    attributes = "".join(
        f"""
        [[tenants.default.custom_attributes]]
        name = "{name}"
        label = "{label}"
        required = true
        """
        for name, label in (
            ("club", "Favourite Club"),
            ("licence", "UEFA licence number"),
            ("seller", "eBay username"),
        )
    )
    wizard = at_step(make_app(attributes), "profile", "en")
    page = wizard.submit(PROFILE)
    for instruction in ("Enter favourite club", "Enter UEFA licence number", "Enter eBay username"):
        assert_plain(page.response, instruction)


def test_a_tenants_own_consent_is_named_in_its_instruction(make_app):
    app = make_app("""
        [[tenants.default.consents]]
        id = "rules"
        label = "I accept the house rules"
        mandatory = true
    """)
    wizard = at_step(app, "consents", "en")
    page = wizard.submit({"contactMethods": ["email"]})
    assert_plain(page.response, "Select “I accept the house rules” to continue")


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "Select “I accept the house rules” and “I am a member” to continue"),
        ("de", "Wählen Sie „I accept the house rules“ und „I am a member“ aus, um fortzufahren"),
    ],
)
def test_every_unticked_consent_of_a_tenant_is_named_in_one_instruction(make_app, lang, expected):
    app = make_app("""
        [[tenants.default.consents]]
        id = "rules"
        label = "I accept the house rules"
        mandatory = true

        [[tenants.default.consents]]
        id = "member"
        label = "I am a member"
        mandatory = true
    """)
    wizard = at_step(app, "consents", lang)
    page = wizard.submit({"contactMethods": ["email"]})
    assert_plain(page.response, expected)


def test_a_tenants_own_consent_text_is_shown_as_written_even_in_the_built_in_words(make_app):
    # Its version is of the text the tenant wrote: a German page shows that text, not the
    # service's translation of its own consent, whose words it happens to share.
    app = make_app("""
        [[tenants.default.consents]]
        id = "terms"
        label = "I accept the terms and conditions"
        version = "2026-01"
        mandatory = true
    """)
    wizard = at_step(app, "consents", "de")
    assert "I accept the terms and conditions" in shown_text(wizard.page.response)
    page = wizard.submit({"contactMethods": ["email"]})
    assert_plain(
        page.response, "Wählen Sie „I accept the terms and conditions“ aus, um fortzufahren"
    )


def test_the_services_own_consents_are_translated(make_app):
    wizard = at_step(make_app(), "consents", "de")
    text = shown_text(wizard.page.response)
    assert "Ich akzeptiere die Allgemeinen Geschäftsbedingungen" in text
    assert "I accept the terms and conditions" not in text
