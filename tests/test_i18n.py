"""Languages: which one a page is in (?lang=, then Accept-Language, then English), that it lasts
through the steps without cookies, that the account email follows the customer's language, and
that the JSON doors say exactly what they say in English whatever the request asks for."""

import email
from email import policy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import STRONG_PASSWORD, deliver_outbox, make_api_key, unique, valid_customer
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

TENANTS = """
[tenants.default]
name = "Acme Bets"
store_id = 1001
support_email = "help@acme.example"
"""


@pytest.fixture
def app(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(TENANTS)


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return response, soup


@pytest.mark.parametrize(
    "url, accept, language",
    [
        ("/register", None, "en"),
        ("/register", "de", "de"),
        ("/register", "de-CH, en;q=0.5", "de"),
        ("/register", "fr, de;q=0.8, en;q=0.5", "de"),  # the best one there is a catalogue for
        ("/register", "fr", "en"),
        ("/register", "de;q=0, *", "en"),  # q=0: not German, thank you
        ("/register?lang=de", None, "de"),
        ("/register?lang=de", "en", "de"),  # ?lang beats Accept-Language
        ("/register?lang=en", "de", "en"),
        ("/register?lang=de-AT", None, "de"),
        ("/register?lang=DE", None, "de"),
        ("/register?lang=xx", "de", "de"),  # an unknown language falls back to the browser's
        ("/register?lang=xx", None, "en"),  # and then to English
        ("/register?lang=" + "x" * 500, None, "en"),
    ],
)
def test_the_language_is_lang_then_accept_language_then_english(client, url, accept, language):
    response, soup = page(client, url, **({"Accept-Language": accept} if accept else {}))
    assert response.status_code == 200
    assert soup.html["lang"] == language
    assert (
        soup.h1.get_text(strip=True)
        == {"en": "Create your account", "de": "Konto anlegen"}[language]
    )
    assert "Accept-Language" in response.headers["Vary"]


def test_each_accept_language_header_is_parsed_once_and_answered_alike(client, monkeypatch):
    # A real browser's header took werkzeug some 90 µs to parse on every request.
    from webapp import i18n

    parsed = []
    parse = i18n.parse_accept_header
    monkeypatch.setattr(
        i18n, "parse_accept_header", lambda *args: parsed.append(args[0]) or parse(*args)
    )
    i18n._preferred_in.cache_clear()
    header = "fr-CH, fr;q=0.9, de;q=0.8, en;q=0.5"
    for _ in range(3):
        response, soup = page(client, "/register", **{"Accept-Language": header})
        assert soup.html["lang"] == "de"
    assert parsed == [header]


def test_the_chosen_language_lasts_through_every_step_without_cookies(app):
    wizard = Wizard(app.test_client(use_cookies=False), "/register?lang=de")
    headings = []
    for fields in (account(), PROFILE, ADDRESS, CONSENTS, None):
        current = wizard.page
        assert current.soup.html["lang"] == "de"
        assert current.hidden["lang"] == "de"
        back = current.soup.select_one("a.back-link")
        assert back is None or "lang=de" in back["href"]
        headings.append(current.soup.h1.get_text(strip=True))
        if fields is None:
            break
        wizard.submit(fields)
        assert "lang=de" in wizard.page.path  # the redirect after the post keeps it
    assert headings == [
        "Konto anlegen",
        "Über Sie",
        "Ihre Adresse",
        "Einwilligungen und Kontakt",
        "Angaben prüfen",
    ]
    done = wizard.submit()
    assert done.soup.h1.get_text(strip=True) == "Konto erstellt"
    assert done.soup.html["lang"] == "de"


def test_a_language_from_the_browser_is_not_written_into_the_links(client):
    response = client.post("/register", data=account(), headers={"Accept-Language": "de"})
    assert response.status_code == 303 and "lang=" not in response.headers["Location"]
    _, soup = page(client, response.headers["Location"], **{"Accept-Language": "de"})
    assert soup.html["lang"] == "de" and soup.find("input", attrs={"name": "lang"}) is None


def test_a_failed_post_and_an_inline_check_answer_in_the_pages_language(client):
    response = client.post(
        "/register", data={"lang": "de", "username": "", "email": "ada@", "password": ""}
    )
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 422
    assert soup.title.get_text().startswith("Fehler: ")
    assert [a.get_text(strip=True) for a in soup.select(".error-summary a")] == [
        "Geben Sie einen Benutzernamen ein",  # an instruction, never the vendor's message
        "Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel name@beispiel.de",
        "Geben Sie ein Passwort ein",
    ]

    response = client.post(
        "/register/check/phone?lang=de", data={"phone": "12"}, headers={"HX-Request": "true"}
    )
    message = (
        BeautifulSoup(response.get_data(as_text=True), "html.parser")
        .select_one(".error-message")
        .get_text(" ", strip=True)
    )
    assert (
        message == "Fehler: Geben Sie die Telefonnummer wie 07400 123456 oder in internationaler "
        "Form wie +44 7400 123456 ein"
    )


def inline_error(client, field, value, tenant=""):
    response = client.post(
        f"{tenant}/register/check/{field}?lang=de",
        data={field: value},
        headers={"HX-Request": "true"},
    )
    found = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return found.select_one(".error-message").get_text(" ", strip=True)


def test_german_instructions_about_any_noun_are_sentences(make_app):
    # The nouns put into an instruction take their article: the built-in ones are feminine
    # ("die Mobilnummer"), and a tenant's own attribute, whose gender no one knows, is
    # quoted ("Füllen Sie „Lieblingsverein“ aus") rather than left without one.
    client = make_app(
        """
        [tenants.default]
        [[tenants.default.custom_attributes]]
        name = "club"
        label = "Lieblingsverein"
        required = true
        """
    ).test_client()
    assert inline_error(client, "mobile", "+1") == (
        "Fehler: Geben Sie die Mobilnummer wie 07400 123456 oder in internationaler "
        "Form wie +44 7400 123456 ein"
    )
    assert inline_error(client, "customAttributes.club", " ") == (
        "Fehler: Füllen Sie „Lieblingsverein“ aus"
    )


def test_a_taken_email_is_an_instruction_in_the_pages_language(app, client):
    taken = account()
    Wizard(app.test_client()).complete(taken)
    page = Wizard(client, "/register?lang=de").submit(account(email=taken["email"]))
    assert page.errors() == [
        "Fehler: Mit dieser E-Mail-Adresse gibt es bereits ein Konto – "
        "geben Sie eine andere E-Mail-Adresse ein"
    ]


def test_the_review_writes_the_date_of_birth_in_the_pages_language(client):
    wizard = Wizard(client, "/register?lang=de")
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        review = wizard.submit(fields)
    row = review.soup.select_one(".summary-row#summary-dateOfBirth")
    assert row.select_one(".summary-value").get_text(strip=True) == "27. März 1990"


@pytest.mark.parametrize(
    "minimum, english, german",
    [
        (12, "At least 12 characters.", "Mindestens 12 Zeichen."),
        (1, "At least 1 character.", "Mindestens 1 Zeichen."),
    ],
)
def test_the_password_hint_states_the_tenants_own_minimum(make_app, minimum, english, german):
    client = make_app(f"[tenants.default]\npassword_min_length = {minimum}\n").test_client()
    for lang, expected in (("en", english), ("de", german)):
        _, soup = page(client, f"/register?lang={lang}")
        assert soup.select_one("#password-hint").get_text(" ", strip=True).startswith(expected)


def test_the_json_api_says_the_same_bytes_whatever_the_language(client):
    body = valid_customer(surname="", phone="12", email="x@", addresses=[{"countryCode": "GB"}])
    english = client.post("/api/v1/customers", json=body)
    assert english.status_code == 400
    assert (
        "Enter a phone number like 07400 123456, or in international form, like +44 7400 123456"
        in (english.get_data(as_text=True))
    )
    for headers, query in (({"Accept-Language": "de"}, ""), ({}, "?lang=de")):
        german = client.post("/api/v1/customers" + query, headers=headers, json=body)
        assert german.get_data() == english.get_data() and german.status_code == 400


def test_the_dialects_say_the_same_bytes_whatever_the_language(app, client):
    key_id, secret = make_api_key(app)
    auth = {"Authorization": f"Bearer {key_id}.{secret}"}
    online_ordering = {"Customer": {"LastName": "", "EMail": "x@"}, "Password": "short"}
    web_store = {"email": "x@", "billingPerson": {"countryCode": "GB", "postalCode": "1"}}
    for method, url, body, extra in (
        ("PUT", "/v1/Customers", online_ordering, {"Accept": "application/xml"}),
        ("PUT", "/v1/Customers", online_ordering, {}),
        ("POST", "/api/v3/1001/customers", web_store, {}),
    ):
        plain = client.open(url, method=method, json=body, headers={**auth, **extra})
        asked = client.open(
            url + "?lang=de",
            method=method,
            json=body,
            headers={**auth, **extra, "Accept-Language": "de"},
        )
        assert plain.status_code == asked.status_code == 400, url
        assert asked.get_data() == plain.get_data(), url


def written_email(app):
    deliver_outbox(app)
    [path] = (Path(app.instance_path) / "outbox-mail").iterdir()
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    path.unlink()
    return (
        message["Subject"],
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def complete(wizard):
    for fields in (account(), PROFILE, ADDRESS, CONSENTS, {}):
        wizard.submit(fields)
    assert wizard.page.soup.select_one("[data-customer-id]") is not None


def test_the_account_email_is_in_the_language_the_wizard_was_in(app):
    complete(Wizard(app.test_client(), "/register?lang=de"))
    subject, text, html = written_email(app)
    assert subject == "Ihr Konto bei Acme Bets"
    assert text.startswith("Hallo Ada,") and "Kundennummer:" in text
    assert 'lang="de"' in html and "Wir verschicken Passwörter nie per E-Mail." in html
    assert "help@acme.example" in text and "help@acme.example" in html

    complete(Wizard(app.test_client(), "/register"))
    subject, text, html = written_email(app)
    assert subject == "Your Acme Bets account" and 'lang="en"' in html


@pytest.mark.parametrize(
    "lang, subject",
    [
        ("de", "Ihr Konto bei Acme Bets"),
        ("de-AT", "Ihr Konto bei Acme Bets"),
        ("pt-BR", "Your Acme Bets account"),
    ],
)
def test_a_web_store_customers_language_picks_the_email_language_where_there_is_one(
    app, client, lang, subject
):
    key_id, secret = make_api_key(app)
    response = client.post(
        "/api/v3/1001/customers",
        json={"email": f"{unique()}@example.com", "lang": lang},
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert response.status_code == 200
    assert written_email(app)[0] == subject


@pytest.mark.parametrize(
    "header, subject",
    [
        ({"Accept-Language": "de-CH, en;q=0.5"}, "Ihr Konto bei Acme Bets"),
        ({"Accept-Language": "pt-BR"}, "Your Acme Bets account"),
        ({}, "Your Acme Bets account"),
    ],
)
def test_api_customers_get_the_email_in_the_language_the_request_accepts(
    app, client, header, subject
):
    # A partner's front end sends the person's browser's Accept-Language; the answer itself keeps
    # the vendor APIs' English.
    response = client.post("/api/v1/customers", json=valid_customer(), headers=header)
    assert response.status_code == 201
    assert written_email(app)[0] == subject


def test_online_ordering_customers_get_the_email_in_the_language_the_request_accepts(app, client):
    key_id, secret = make_api_key(app)
    response = client.put(
        "/v1/Customers?accountCreationEmailOption=SendEmail",
        json={
            "Customer": {
                "FirstName": "Ada",
                "LastName": "Lovelace",
                "EMail": f"{unique()}@example.com",
            },
            "Password": STRONG_PASSWORD,
            "SecurityQuestion": "First pet?",
            "SecurityAnswer": "Rex",
        },
        headers={"Authorization": f"Bearer {key_id}.{secret}", "Accept-Language": "de"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert written_email(app)[0] == "Ihr Konto bei Acme Bets"


def test_the_tenants_branding_is_on_the_german_pages_the_embed_and_the_email(
    make_app, tmp_path, monkeypatch
):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app("""
        [tenants.bright]
        name = "Bright Bets"
        primary_colour = "#aa3300"
        logo_url = "https://cdn.example/bright.svg"
        support_email = "help@bright.example"
        embed_origins = ["https://partner.example"]
    """)
    client = app.test_client()
    for start in ("/t/bright/register?lang=de", "/t/bright/embed?lang=de"):
        _, soup = page(client, start)
        assert soup.html["lang"] == "de" and soup.h1.get_text(strip=True) == "Konto anlegen"
        assert "--brand: #aa3300" in soup.find("style").get_text()
        footer = soup.select_one("footer")
        assert (
            footer.get_text(" ", strip=True)
            == "Brauchen Sie Hilfe? Schreiben Sie an help@bright.example"
        )
        assert footer.a["href"] == "mailto:help@bright.example"
        assert soup.title.get_text().endswith("– Bright Bets")
    _, soup = page(client, "/t/bright/register?lang=de")
    assert soup.select_one(".masthead img")["alt"] == "Bright Bets"  # the embed has no masthead

    wizard = Wizard(client, "/t/bright/embed?lang=de")
    complete(wizard)
    subject, text, html = written_email(app)
    assert subject == "Ihr Konto bei Bright Bets"
    assert "#aa3300" in html and "https://cdn.example/bright.svg" in html
    assert "schreiben Sie an help@bright.example" in text
