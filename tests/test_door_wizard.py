"""The browser wizard as a plain HTTP client sees it (contract section 5): steps, field names,
Back and Change, drafts, and the stored customer."""

import pytest
from conftest import STRONG_PASSWORD, valid_customer
from sqlalchemy import select
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import Customer, Draft

TENANTS = """
[tenants.acme]
name = "Acme Bets"
embed_origins = ["https://partner.example"]

[[tenants.acme.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
max_length = 50
"""


def drafts(app):
    with app.app_context():
        return db.session.execute(select(Draft)).scalars().all()


def customer(app, number):
    with app.app_context():
        return db.session.get(Customer, number)


@pytest.mark.parametrize("cookies", [True, False])
@pytest.mark.parametrize(
    "start, door",
    [("/register", "wizard"), ("/t/acme/register", "wizard"), ("/t/acme/embed", "embed")],
)
def test_the_wizard_completes_following_only_forms_and_redirects(app, start, door, cookies):
    wizard = Wizard(app.test_client(use_cookies=cookies), start)
    who = account()
    done = wizard.complete(who)

    panel = done.soup.select_one("[data-customer-id]")
    assert done.status == 200 and panel is not None
    number = int(panel.select_one(".customer-number").get_text(strip=True))
    stored = customer(app, number)
    assert stored.id == panel["data-customer-id"]
    assert (stored.username, stored.email, stored.surname) == (
        who["username"],
        who["email"],
        "Lovelace",
    )
    assert stored.date_of_birth == "1990-03-27"
    assert stored.address["postcode"] == "SW1A 1AA"
    assert stored.door == door and stored.source == "CUSTOMER"
    assert [(c.consent_id, c.door) for c in stored.consents] == [("terms", door), ("privacy", door)]
    assert stored.password_hash.startswith("$argon2id$")


def test_each_step_has_its_own_url_and_says_which_step_it_is(client):
    wizard = Wizard(client)
    seen = []
    for fields in (account(), PROFILE, ADDRESS, CONSENTS, None):
        page = wizard.page
        seen.append((page.path.split("?")[0], page.soup.select_one(".caption").get_text()))
        if fields is None:
            break
        wizard.submit(fields)
    assert seen == [
        ("/register", "Step 1 of 5"),
        ("/register/profile", "Step 2 of 5"),
        ("/register/address", "Step 3 of 5"),
        ("/register/consents", "Step 4 of 5"),
        ("/register/review", "Step 5 of 5"),
    ]


FIELDS = {
    "account": {"username": "username", "email": "email", "password": "new-password"},
    "profile": {
        "title": "honorific-prefix",
        "forename": "given-name",
        "surname": "family-name",
        "displayName": "nickname",
        "dateOfBirth-day": "bday-day",
        "dateOfBirth-month": "bday-month",
        "dateOfBirth-year": "bday-year",
        "phone": "tel",
        "mobile": "tel",
        "gender": "sex",
        "nationality": None,
        "currency": None,
        "customAttributes.favouriteTeam": None,
    },
    # The country first, so that the fields after it follow it (section 15).
    "address": {
        "countryCode": "country",
        "addressLine1": "address-line1",
        "addressLine2": "address-line2",
        "city": "address-level2",
        "region": "address-level1",
        "postcode": "postal-code",
    },
}


def test_fields_carry_the_contract_names_labels_and_autocomplete_tokens(app):
    wizard = Wizard(app.test_client(), "/t/acme/register")
    for step, fields, answers in (
        ("account", FIELDS["account"], account()),
        ("profile", FIELDS["profile"], PROFILE),
        ("address", FIELDS["address"], ADDRESS),
    ):
        form = wizard.page.form
        named = {
            f["name"]: f
            for f in form.find_all(["input", "select"])
            if f.get("type") != "hidden" and not f.find_parent(class_="trap")
        }
        assert list(named) == list(fields), step
        for name, token in fields.items():
            assert named[name].get("autocomplete") == token, name
            assert wizard.page.soup.find("label", attrs={"for": named[name]["id"]}), name
        assert form.find("button", type="submit").get_text(strip=True) == "Continue"
        wizard.submit(answers)
    boxes = wizard.page.form.find_all("input", type="checkbox")
    assert [(b["name"], b["value"]) for b in boxes] == [
        ("consentIds", "terms"),
        ("consentIds", "privacy"),
        ("consentIds", "marketing"),
        ("contactMethods", "email"),
        ("contactMethods", "sms"),
        ("contactMethods", "phone"),
        ("contactMethods", "post"),
    ]


def test_every_form_posts_a_csrf_token_and_review_says_create_account(client):
    wizard = Wizard(client)
    page = wizard.to_review()
    assert page.form.find("input", attrs={"name": "csrf_token"})["value"]
    assert page.form.find("button", type="submit").get_text(strip=True) == "Create account"


def test_a_draft_is_made_at_the_first_good_post_never_on_a_get(app):
    client = app.test_client()
    wizard = Wizard(client)
    client.get("/t/acme/register")
    assert drafts(app) == []
    wizard.submit(account(username=""))  # refused: nothing to keep yet
    assert drafts(app) == []
    wizard.submit(account())
    assert len(drafts(app)) == 1


def test_the_password_is_hashed_at_the_account_step_and_never_shown_or_kept(app):
    wizard = Wizard(app.test_client())
    pages = [wizard.submit(account(username="bad name!"))]  # a failed post
    wizard.submit(account())
    (draft,) = drafts(app)
    assert draft.password_hash.startswith("$argon2id$")
    assert "password" not in draft.answers and STRONG_PASSWORD not in repr(draft.answers)
    for fields in (PROFILE, ADDRESS, CONSENTS):
        pages.append(wizard.submit(fields))
    pages.append(
        wizard.open(wizard.page.soup.select_one("a.summary-action[href^='/register?']")["href"])
    )
    assert pages[-1].soup.find("input", attrs={"name": "password"}).get("value") is None
    assert all(STRONG_PASSWORD not in page.html for page in pages)


def test_a_password_chosen_earlier_stands_when_left_blank(app):
    from webapp.registration.passwords import verify_secret

    wizard = Wizard(app.test_client())
    wizard.to_review()
    wizard.open(wizard.page.soup.select_one("a.summary-action[href^='/register?']")["href"])
    assert "leave this blank to keep it" in wizard.page.soup.select_one("#password-hint").text
    page = wizard.submit({"username": "renamed_user", "password": ""})
    assert page.soup.h1.get_text(strip=True) == "Check your answers"
    done = wizard.submit()
    number = int(done.soup.select_one(".customer-number").get_text(strip=True))
    with app.app_context():
        assert verify_secret(db.session.get(Customer, number).password_hash, STRONG_PASSWORD)


def test_back_shows_every_earlier_answer(client):
    wizard = Wizard(client)
    who = account()
    wizard.submit(who)
    wizard.submit({**PROFILE, "phone": "+44 20 7946 0000", "currency": "EUR"})
    wizard.open(wizard.page.soup.select_one(".back-link")["href"])  # address -> profile
    page = wizard.page
    assert [
        page.value(n)
        for n in (
            "title",
            "surname",
            "dateOfBirth-day",
            "dateOfBirth-month",
            "dateOfBirth-year",
            "phone",
            "currency",
        )
    ] == ["Ms", "Lovelace", "27", "3", "1990", "+44 20 7946 0000", "EUR"]
    wizard.open(page.soup.select_one(".back-link")["href"])  # profile -> account
    assert (wizard.page.value("username"), wizard.page.value("email")) == (
        who["username"],
        who["email"],
    )


def test_a_bare_start_address_resumes_the_draft_when_cookies_are_kept(app):
    who = account()
    with_cookies = Wizard(app.test_client())
    with_cookies.submit(who)
    assert with_cookies.open("/register").value("username") == who["username"]  # browser Back
    without = Wizard(app.test_client(use_cookies=False))
    without.submit(account())
    assert without.open("/register").value("username") == ""


def test_a_step_cannot_be_skipped(client):
    assert Wizard(client, "/register/review").page.path == "/register"
    wizard = Wizard(client)
    wizard.submit(account())
    token = wizard.page.hidden["draft"]
    for later in ("address", "consents", "review", "done"):
        assert wizard.open(f"/register/{later}?draft={token}").path.startswith(
            "/register/profile?"
        ), later


def test_change_links_return_to_the_review_with_the_new_answer(client):
    wizard = Wizard(client)
    review = wizard.to_review()
    # One summary card per step, each with one Change link (GOV.UK "check answers").
    cards = review.soup.select(".summary-card")
    links = [card.select("a.summary-action") for card in cards]
    assert [len(found) for found in links] == [1, 1, 1, 1]
    assert all(found[0].get_text(strip=True).startswith("Change") for found in links)
    assert [found[0]["href"].split("?")[0] for found in links] == [
        "/register",
        "/register/profile",
        "/register/address",
        "/register/consents",
    ]
    for found in links:  # Back from a change goes back to the review, not to the step before
        page = wizard.open(found[0]["href"])
        assert page.soup.select_one("a.back-link")["href"].startswith("/register/review?")
    wizard.open(links[1][0]["href"])
    assert wizard.page.value("surname") == "Lovelace"
    page = wizard.submit({"surname": "Byron"})
    assert page.soup.h1.get_text(strip=True) == "Check your answers"
    assert "Byron" in page.soup.select(".summary")[1].get_text()


def test_a_failed_step_shows_its_messages_with_the_answers_kept(client):
    wizard = Wizard(client)
    wizard.submit(account())
    page = wizard.submit(
        {**PROFILE, "surname": "", "dateOfBirth-month": "13", "forename": "Ada <b>"}
    )
    assert page.status == 422
    assert page.soup.title.get_text().startswith("Error: ")
    # Every problem, a vendor fault too, is a plain instruction (contract section 3).
    assert page.summary() == [
        "Enter your surname",
        "Date of birth must be a real date, like 27 3 1990",
    ]
    assert page.errors() == page.summary()
    links = [a["href"] for a in page.soup.select(".error-summary a")]
    assert links == ["#surname", "#dateOfBirth-day"]
    surname = page.soup.find(id="surname")
    assert surname["aria-invalid"] == "true"
    assert "surname-error" in surname["aria-describedby"].split()
    assert page.soup.find(id="surname-error").get_text(strip=True).endswith("Enter your surname")
    assert page.value("forename") == "Ada <b>" and "Ada &lt;b&gt;" in page.html
    assert page.value("dateOfBirth-month") == "13"


def test_the_service_rules_apply_at_each_step(client, app):
    taken = account()
    Wizard(app.test_client()).complete(taken)
    wizard = Wizard(client)
    page = wizard.submit(account(username=taken["username"].upper(), password="password1"))
    assert page.errors() == [
        "This username is taken – choose another",
        "This password is too common – choose one that is harder to guess",
    ]


def test_a_conflict_found_at_the_end_is_shown_on_the_review_with_a_way_to_fix_it(app):
    who = account()
    wizard = Wizard(app.test_client())
    wizard.to_review(who)
    Wizard(app.test_client()).complete({**account(), "username": who["username"]})
    page = wizard.submit()
    assert page.status == 422
    assert page.summary() == ["This username is taken – choose another"]
    link = page.soup.select_one(".error-summary a")["href"]
    assert link.startswith("/register?then=review&draft=") and link.endswith("#username")
    page = wizard.open(link)
    assert page.errors() == ["This username is taken – choose another"]  # there too
    assert page.summary() == ["This username is taken – choose another"]
    assert page.soup.select_one("#username")["aria-invalid"] == "true"
    wizard.submit({"username": who["username"] + "_2", "password": ""})
    assert wizard.submit().soup.select_one("[data-customer-id]") is not None


def test_an_answer_a_later_step_made_wrong_is_shown_on_the_review_before_create(client):
    # A national phone number is read in the address's country: a GB number, then a US address.
    wizard = Wizard(client)
    wizard.submit(account())
    wizard.submit({**PROFILE, "phone": "07911 123456"})
    us = {"addressLine1": "1 Main St", "city": "Springfield", "postcode": "62701"}
    wizard.submit({**ADDRESS, **us, "countryCode": "US", "region": "IL"})
    review = wizard.submit(CONSENTS)
    assert review.soup.h1.get_text(strip=True) == "Check your answers"
    assert review.status == 200
    (problem,) = review.summary()
    assert "international form" in problem
    link = review.soup.select_one(".error-summary a")["href"]
    assert link.startswith("/register/profile?then=review&draft=") and link.endswith("#phone")
    profile = wizard.open(link)
    assert profile.errors() == [problem] and profile.soup.title.get_text().startswith("Error:")
    # The same step opened on the way through, not from the review, is as it was saved.
    assert Wizard(client).open(link.replace("then=review&", "")).errors() == []


def test_create_account_twice_lands_on_the_same_completion(client, app):
    wizard = Wizard(client)
    review = wizard.to_review()
    first = wizard.submit()
    again = client.post(review.form["action"], data=review.hidden, follow_redirects=True)
    assert again.request.path == "/register/done"
    assert (
        f'data-customer-id="{first.soup.select_one("[data-customer-id]")["data-customer-id"]}"'
        in again.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.query(Customer).count() == 1


def test_completion_forgets_the_answers_and_a_new_visit_starts_afresh(app):
    client = app.test_client()
    wizard = Wizard(client)
    wizard.complete()
    (draft,) = drafts(app)
    assert draft.customer_id and draft.answers == {} and draft.password_hash is None
    assert Wizard(client).page.value("username") == ""


def test_custom_attributes_are_asked_and_kept(app):
    wizard = Wizard(app.test_client(), "/t/acme/register")
    wizard.submit(account())
    page = wizard.submit({**PROFILE, "customAttributes.favouriteTeam": "x" * 51})
    assert page.errors() == ["Favourite team must be 50 characters or fewer"]
    assert page.soup.select_one(".error-summary a")["href"] == "#customAttributes-favouriteTeam"
    wizard.submit({**PROFILE, "customAttributes.favouriteTeam": "Arsenal"})
    wizard.submit(ADDRESS)
    done = wizard.submit(CONSENTS) and wizard.submit()
    number = int(done.soup.select_one(".customer-number").get_text(strip=True))
    assert customer(app, number).custom_attributes == [
        {"name": "favouriteTeam", "value": "Arsenal"}
    ]


def test_an_address_may_be_left_out(client, app):
    wizard = Wizard(client)
    wizard.submit(account())
    wizard.submit(PROFILE)
    wizard.submit({})
    wizard.submit(CONSENTS)
    review = wizard.page
    assert "Not provided" in review.soup.select(".summary")[2].get_text()
    number = int(wizard.submit().soup.select_one(".customer-number").get_text(strip=True))
    assert customer(app, number).address is None


@pytest.mark.parametrize("month", ["mar", "March", "MARCH", "Mar.", "März", "mär"])
def test_a_month_may_be_written_by_name(client, app, month):
    wizard = Wizard(client)
    wizard.submit(account())
    wizard.submit({**PROFILE, "dateOfBirth-month": month})
    wizard.submit(ADDRESS)
    wizard.submit(CONSENTS)
    number = int(wizard.submit().soup.select_one(".customer-number").get_text(strip=True))
    assert str(customer(app, number).date_of_birth) == "1990-03-27"


@pytest.mark.parametrize("month", ["marc", "Mrch", "3rd"])
def test_a_month_that_is_no_months_name_is_not_a_real_date(client, month):
    wizard = Wizard(client)
    wizard.submit(account())
    page = wizard.submit({**PROFILE, "dateOfBirth-month": month})
    assert page.status == 422
    assert page.summary() == ["Date of birth must be a real date, like 27 3 1990"]
    assert page.value("dateOfBirth-month") == month


def test_the_tenant_is_named_on_every_page(app):
    wizard = Wizard(app.test_client(), "/t/acme/register")
    assert "Acme Bets" in wizard.page.soup.select_one(".masthead").get_text()
    assert wizard.page.soup.title.get_text().endswith("– Acme Bets")


def test_the_review_shows_not_provided_for_every_empty_answer_never_a_placeholder(client):
    # Contract section 15: no list's placeholder ("Select a country", "GBP, the usual currency"),
    # and an answer of spaces alone is none (it is stored as nothing).
    wizard = Wizard(client)
    wizard.submit(account())
    for fields in ({**PROFILE, "gender": "   ", "forename": " "}, ADDRESS, CONSENTS):
        wizard.submit(fields)
    review = wizard.page
    rows = {
        row.select_one(".summary-key").get_text(strip=True): row.select_one(
            ".summary-value"
        ).get_text(strip=True)
        for row in review.soup.select(".summary-row")
    }
    for empty in (
        "Currency",
        "Nationality",
        "Display name",
        "Phone number",
        "Gender",
        "First name",
    ):
        assert rows[empty] == "Not provided", (empty, rows[empty])


def test_the_review_shows_a_consent_as_agreed_to_without_its_optional_mark(client):
    wizard = Wizard(client)
    wizard.submit(account())
    marketing = {**CONSENTS, "consentIds": [*CONSENTS["consentIds"], "marketing"]}
    for fields in (PROFILE, ADDRESS, marketing):
        wizard.submit(fields)
    consents = wizard.page.soup.select_one("#summary-consentIds .summary-value").get_text()
    assert "Send me news and offers" in consents and "optional" not in consents


def test_nationality_is_chosen_from_the_countries_by_name(client, app):
    wizard = Wizard(client)
    profile = wizard.submit(account())
    options = {o["value"]: o.get_text() for o in profile.soup.select("select#nationality option")}
    assert options["DE"] == "Germany" and options[""] == "Select a country"
    wizard.submit({**PROFILE, "nationality": "DE"})
    for fields in (ADDRESS, CONSENTS):
        wizard.submit(fields)
    done = wizard.submit()
    number = int(done.soup.select_one(".customer-number").get_text(strip=True))
    assert customer(app, number).nationality == "DE"


def test_the_tenants_branding_is_on_its_pages(make_app):
    app = make_app("""
        [tenants.bright]
        name = "Bright Bets"
        primary_colour = "#ffdd00"
        logo_url = "https://cdn.example/bright.svg"
        support_email = "help@bright.example"
    """)
    page = Wizard(app.test_client(), "/t/bright/register").page
    style = page.soup.find("style").get_text()
    assert "--brand: #ffdd00" in style and "--on-brand: #0b0c0c" in style  # dark text on yellow
    logo = page.soup.select_one(".masthead img")
    assert (logo["src"], logo["alt"]) == ("https://cdn.example/bright.svg", "Bright Bets")
    assert page.soup.select_one("footer a")["href"] == "mailto:help@bright.example"
    default = Wizard(app.test_client()).page.soup.find("style").get_text()
    assert "--on-brand: #ffffff" in default  # white text on the built-in dark blue


def test_a_national_phone_number_is_read_in_the_tenants_country_then_the_addresss(make_app):
    # Section 15: before an address is known, national numbers are read in default_country.
    app = make_app("""
        [tenants.default]
        default_country = "US"
    """)
    client = app.test_client()
    national = {"phone": "020 7946 0958", "mobile": "07911 123456"}
    wizard = Wizard(client)
    wizard.submit(account())
    page = wizard.submit({**PROFILE, **national})  # a US tenant: British numbers are not national
    assert page.errors() == [  # an example of the tenant's country
        "Enter a phone number like (201) 555-0123, or in international form, like +1 201-555-0123",
        "Enter a mobile number like (201) 555-0123, or in international form, like +1 201-555-0123",
    ]
    page = wizard.submit({**PROFILE, "phone": "(650) 253-0000", "mobile": ""})
    assert page.soup.h1.get_text(strip=True) == "Your address", page.errors()
    assert page.value("countryCode") == "US"  # preselected, the first field
    assert (
        page.form.select("select, input:not([type=hidden]):not([name=comments])")[0]["name"]
        == "countryCode"
    )  # (the honeypot, which no person reaches, aside)
    wizard.submit(ADDRESS)
    review = wizard.submit(CONSENTS)
    wizard.open(review.soup.select_one("a.summary-action[href^='/register/profile?']")["href"])
    page = wizard.submit(national)
    assert page.soup.h1.get_text(strip=True) == "Check your answers", page.errors()
    (draft,) = drafts(app)
    assert draft.answers["countryCode"] == ["GB"]  # as the address step kept it
    number = int(wizard.submit().soup.select_one(".customer-number").get_text(strip=True))
    stored = customer(app, number)
    assert (stored.phone, stored.mobile) == ("020 7946 0958", "07911 123456")


def test_a_gb_tenant_takes_a_national_mobile_on_the_profile_step(client):
    wizard = Wizard(client)
    wizard.submit(account())
    page = wizard.submit({**PROFILE, "mobile": "07911 123456"})
    assert page.soup.h1.get_text(strip=True) == "Your address", page.errors()
    assert page.value("countryCode") == "GB"


def test_an_address_step_left_blank_with_its_preselected_country_is_no_address(client, app):
    wizard = Wizard(client)
    wizard.submit(account())
    wizard.submit(PROFILE)
    page = wizard.submit({})  # only the preselected country is posted
    assert page.soup.h1.get_text(strip=True) == "Consents and contact", page.errors()
    review = wizard.submit(CONSENTS)
    assert (
        review.soup.select_one("#summary-countryCode .summary-value").get_text(strip=True)
        == "Not provided"
    )


def test_every_input_of_a_field_in_error_is_marked_and_described_by_its_message(client):
    def described(page, name):
        inputs = page.form.find_all("input", attrs={"name": name})
        assert inputs, name
        return [(i.get("aria-invalid"), i.get("aria-describedby", "").split()) for i in inputs]

    wizard = Wizard(client)
    page = wizard.submit(account(password="password1"))
    assert described(page, "password") == [
        ("true", ["password-hint", "password-error", "password-strength"])
    ]
    wizard.submit(account())
    page = wizard.submit({**PROFILE, "dateOfBirth-year": "3000"})
    for part in ("day", "month", "year"):
        assert described(page, f"dateOfBirth-{part}") == [
            ("true", ["dateOfBirth-hint", "dateOfBirth-error"])
        ]
    wizard.submit(PROFILE)
    wizard.submit(ADDRESS)
    page = wizard.submit({})
    # The optional consent, or a mandatory one ticked, is not what the error is about.
    assert described(page, "consentIds") == [("true", ["consentIds-error"])] * 2 + [(None, [])]
    page = wizard.submit({"consentIds": ["terms"]})
    assert described(page, "consentIds") == [(None, []), ("true", ["consentIds-error"]), (None, [])]
    assert (
        described(page, "contactMethods")
        == [("true", ["contactMethods-hint", "contactMethods-error"])] * 4
    )


def test_a_taken_email_is_an_instruction_in_the_wizard_and_the_seed_message_in_the_api(client, app):
    taken = account()
    Wizard(app.test_client()).complete(taken)
    page = Wizard(client).submit(account(email=taken["email"].upper()))
    assert page.errors() == [
        "An account with this email address already exists – enter a different email address"
    ]
    response = client.post("/api/v1/customers", json=valid_customer(email=taken["email"]))
    assert response.status_code == 409
    assert response.get_json()["message"] == "Email provided already exists"


def test_the_review_shows_the_date_of_birth_in_words(client):
    review = Wizard(client).to_review()
    row = review.soup.select_one(".summary-row#summary-dateOfBirth")
    assert row.select_one(".summary-value").get_text(strip=True) == "27 March 1990"
