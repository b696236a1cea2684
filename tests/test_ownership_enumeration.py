"""Enumeration-safe tenants (contract section 12): a taken email and a free one get the same
answer, byte for byte but for the CSRF token, draft tokens and the addresses themselves, through
the wizard, its inline check and the public JSON API; the owner is mailed a notice instead."""

import re

import pytest
from conftest import (
    CUSTOMERS,
    STRONG_PASSWORD,
    fault_codes,
    make_api_key,
    unique,
    valid_customer,
)
from queued_mail import mails, text
from wizard_client import Wizard

from webapp.extensions import db, limiter
from webapp.models import Customer, VerificationCode

TENANTS = """
[tenants.default]
name = "Acme Bets"
verify_email = "code"
enumeration_safe = true
"""


@pytest.fixture
def app(make_app):
    return make_app(TENANTS, WTF_CSRF_ENABLED=True)


def registered(app, **fields):
    """An existing customer's email, registered with credentials."""
    key_id, secret = make_api_key(app)
    body = valid_customer(email=f"{unique('own')}@example.com", **fields)
    response = app.test_client().post(
        CUSTOMERS, json=body, headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert response.status_code == 201
    return body["email"]


def same_length_free(email):
    local, _, domain = email.partition("@")
    return "f" * len(local) + "@" + domain


TOKENS = re.compile(
    r'((?:name="(?:csrf_token|draft|rendered)" value|nonce)=")[^"]*'
    r"|draft=[A-Za-z0-9._-]+"
)


def normalised(body, email, username):
    body = TOKENS.sub(lambda m: (m.group(1) or "draft=") + "TOKEN", body)
    return body.replace(email, "EMAIL").replace(username, "USERNAME")


def account_step(app, email):
    client = app.test_client()
    wizard = Wizard(client)
    username = unique("wiz")[:12].ljust(12, "x")
    data = {**wizard.page.values, "username": username, "email": email, "password": STRONG_PASSWORD}
    first = client.post(wizard.page.form["action"], data=data)
    page = client.get(first.headers["Location"])
    return first, page, username


def test_the_account_step_answers_a_taken_email_as_a_free_one(app):
    taken = registered(app)
    free = same_length_free(taken)
    answers = []
    for email in (taken, free):
        first, page, username = account_step(app, email)
        answers.append(
            (
                first.status_code,
                normalised(first.location, email, username),
                page.status_code,
                normalised(page.get_data(as_text=True), email, username),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 303 and "Check your email" in answers[0][3]


def test_the_owner_is_mailed_a_notice_and_no_code_continues_that_draft(app):
    taken = registered(app)
    client = app.test_client()
    wizard = Wizard(client)
    wizard.submit({"username": unique("wiz"), "email": taken, "password": STRONG_PASSWORD})
    (notice,) = [m for m in mails(app, to=taken) if "Someone tried" in m["Subject"]]
    assert notice["Subject"] == "Someone tried to sign up to Acme Bets with your email address"
    assert not re.search(r"^\d{6}$", text(notice), re.M)
    with app.app_context():
        (row,) = db.session.query(VerificationCode).all()
        assert row.code_hash is None
    for guess in ("000000", "123456", "999999"):
        page = wizard.submit({"code": guess})
        assert page.status == 400
    # A new code for such a draft is a new notice, never a code.
    form = wizard.page.soup.find("form", action=re.compile(r"/verify/new$"))
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    assert client.post(form["action"], data=data).status_code == 303
    assert all(not re.search(r"^\d{6}$", text(m), re.M) for m in mails(app, to=taken))
    assert (
        heading_of(client.get(f"/register/profile?draft={data['draft']}", follow_redirects=True))
        == "Check your email"
    )


def test_a_new_code_for_a_taken_email_is_a_notice_though_the_first_mail_was_refused(make_app):
    app = make_app(TENANTS, WTF_CSRF_ENABLED=True, RATELIMIT_VERIFICATION_EMAIL="1 per hour")
    client = app.test_client()
    taken = f"{unique('own')}@example.com"
    # Registered through the public API, whose verification link spends the address's budget.
    assert client.post(CUSTOMERS, json=valid_customer(email=taken)).status_code == 202
    wizard = Wizard(client)
    wizard.submit({"username": unique("wiz"), "email": taken, "password": STRONG_PASSWORD})
    assert heading_of(wizard.page.response) == "Check your email"
    before = len(mails(app, to=taken))  # the confirmation link and the welcome
    with app.app_context():
        assert db.session.query(VerificationCode).count() == 0  # the budget is spent: no mail
        limiter.reset()  # the recipient's window frees a mail
    form = wizard.page.soup.find("form", action=re.compile(r"/verify/new$"))
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    assert client.post(form["action"], data=data).status_code == 303
    (notice,) = mails(app, to=taken)[before:]
    assert notice["Subject"] == "Someone tried to sign up to Acme Bets with your email address"
    assert not re.search(r"^\d{6}$", text(notice), re.M)
    with app.app_context():
        assert [row.code_hash for row in db.session.query(VerificationCode)] == [None]


def heading_of(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S).group(1)


def test_the_inline_check_never_says_taken_but_still_says_a_username_is(app):
    taken = registered(app)
    with app.app_context():
        owner = db.session.query(Customer).one()
    client = app.test_client()
    wizard = Wizard(client)
    csrf = wizard.page.hidden["csrf_token"]
    answers = []
    for email in (taken, same_length_free(taken)):
        response = client.post(
            "/register/check/email",
            data={"email": email, "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
        answers.append(
            (response.status_code, response.get_data(as_text=True).replace(email, "EMAIL"))
        )
    assert answers[0] == answers[1]
    assert "already exists" not in answers[0][1]
    username = client.post(
        "/register/check/username",
        data={"username": owner.username, "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert 'aria-invalid="true"' in username.get_data(as_text=True)


def test_the_public_api_answers_202_pending_for_taken_and_free_alike(app):
    taken = registered(app)
    client = app.test_client()
    answers = {}
    for email in (taken, same_length_free(taken)):
        response = client.post(CUSTOMERS, json=valid_customer(email=email))
        answers[email] = response
        assert response.status_code == 202
        assert response.get_json() == {"status": "pending"}
    one, other = answers.values()
    assert one.get_data() == other.get_data()

    def headers(response):  # but for the request's id and the rate limit's own count
        return {
            k: v
            for k, v in response.headers
            if k != "X-Request-Id" and not k.startswith(("X-RateLimit", "Retry-After"))
        }

    assert headers(one) == headers(other)

    with app.app_context():
        stored = {c.email: c for c in db.session.query(Customer)}
    assert stored[same_length_free(taken)].email_verified_at is None
    assert any("/verify/" in text(m) for m in mails(app, to=same_length_free(taken)))
    notices = [m for m in mails(app, to=taken) if "Someone tried" in m["Subject"]]
    assert len(notices) == 1
    assert len(stored) == 2  # nothing stored for the taken email


def test_the_notice_goes_to_the_address_as_its_owner_gave_it(app):
    taken = registered(app)
    shouted = taken.upper()
    response = app.test_client().post(CUSTOMERS, json=valid_customer(email=shouted))
    assert response.status_code == 202
    assert [m for m in mails(app, to=shouted) if m["To"] == shouted] == []
    (notice,) = [m for m in mails(app, to=taken) if "Someone tried" in m["Subject"]]
    assert notice["To"] == taken


def test_other_faults_still_show_without_the_taken_email(app):
    taken = registered(app)
    response = app.test_client().post(CUSTOMERS, json=valid_customer(email=taken, surname=None))
    assert response.status_code == 400 and fault_codes(response) == [91000]


def test_credentialed_callers_keep_409(app):
    taken = registered(app)
    key_id, secret = make_api_key(app)
    response = app.test_client().post(
        CUSTOMERS,
        json=valid_customer(email=taken),
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert response.status_code == 409 and fault_codes(response) == [91001]


def test_a_tenant_that_is_not_enumeration_safe_still_says_taken(make_app):
    app = make_app('[tenants.default]\nverify_email = "code"\n')
    body = valid_customer()
    client = app.test_client()
    assert client.post(CUSTOMERS, json=body).status_code == 201
    again = client.post(CUSTOMERS, json=valid_customer(email=body["email"]))
    assert again.status_code == 409


# --- a username that is an email address tells of the address: the dialects' customers -------


def registered_through_a_dialect(app):
    """A customer of the online-ordering door, whose username is their address."""
    key_id, secret = make_api_key(app)
    email = f"{unique('shop')}@example.com"
    body = {
        "Customer": {"LastName": "Lee", "EMail": email},
        "Password": STRONG_PASSWORD,
        "SecurityQuestion": "First pet's name?",
        "SecurityAnswer": "Rex",
    }
    response = app.test_client().put(
        "/v1/Customers", json=body, headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert response.status_code == 200, response.get_json()
    return email


def full_width_at(address):
    """The address with a full-width "@", which NFKC, as uniqueness reads a username, makes "@"."""
    return address.replace("@", "\uff20")


def test_someone_else_s_address_as_username_is_refused_alike_taken_or_free(app):
    taken = registered_through_a_dialect(app)
    client = app.test_client()
    for address in (taken, same_length_free(taken)):
        for written in (address, full_width_at(address), full_width_at(address).upper()):
            body = valid_customer(username=written, email=f"{unique('me')}@example.com")
            response = client.post(CUSTOMERS, json=body)
            assert (response.status_code, fault_codes(response)) == (400, [90030]), written
    page = Wizard(client).submit(
        {"username": taken, "email": f"{unique('me')}@example.com", "password": STRONG_PASSWORD}
    )
    assert page.status == 422
    assert "Enter your own email address as your username" in page.html


def test_one_s_own_address_as_username_is_202_pending_taken_or_free(app):
    taken = registered_through_a_dialect(app)
    client = app.test_client()
    answers = [
        client.post(CUSTOMERS, json=valid_customer(username=address, email=address))
        for address in (taken, same_length_free(taken))
    ]
    assert [(a.status_code, a.get_json()) for a in answers] == [(202, {"status": "pending"})] * 2
    assert [m for m in mails(app, to=taken) if "Someone tried" in m["Subject"]]


def test_the_inline_check_of_a_username_that_is_an_address_never_says_taken(app):
    taken = registered_through_a_dialect(app)
    client = app.test_client()
    csrf = Wizard(client).page.hidden["csrf_token"]

    def checked(username, email=""):
        data = {"username": username, "email": email, "csrf_token": csrf}
        answer = client.post("/register/check/username", data=data, headers={"HX-Request": "true"})
        return answer.get_data(as_text=True).replace(username, "ADDRESS")

    for written in (lambda a: a, full_width_at):
        answers = [checked(written(a)) for a in (taken, same_length_free(taken))]
        assert answers[0] == answers[1] and "taken" not in answers[0]
    # With the email typed, the check says what the step's post will say.
    assert "Enter your own email address as your username" in checked(taken, "me@example.org")
    assert "aria-invalid" not in checked(taken, taken.upper())


def test_credentialed_callers_may_give_any_address_as_username(app):
    # registered() sends its customer with credentials: its username is another address.
    registered(app, username=f"{unique('other')}@example.com")
