"""The wizard when things go wrong: CSRF, rate limits, expired drafts, unknown pages, failures.
Every one is a friendly page (or an htmx fragment) with the right status, never a stack trace."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from wizard_client import PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import Customer, Draft


@pytest.fixture
def guarded(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def all_drafts(app):
    with app.app_context():
        return db.session.execute(select(Draft)).scalars().all()


def heading(page):
    return page.soup.h1.get_text(strip=True)


@pytest.mark.parametrize("cookies", [True, False])
def test_with_csrf_protection_on_the_wizard_completes_from_its_own_forms(guarded, cookies):
    done = Wizard(guarded.test_client(use_cookies=cookies)).complete()
    assert done.soup.select_one("[data-customer-id]") is not None


def test_a_post_without_a_token_is_refused_with_a_friendly_page_and_changes_nothing(guarded):
    wizard = Wizard(guarded.test_client())
    page = wizard.submit({**account(), "csrf_token": ""})
    assert page.status == 400
    assert heading(page) == "This form has expired"
    assert "Traceback" not in page.html
    assert all_drafts(guarded) == []


def test_a_token_from_another_draft_is_refused(guarded):
    mine, theirs = Wizard(guarded.test_client()), Wizard(guarded.test_client())
    mine.submit(account())
    theirs.submit(account())
    page = mine.submit({**PROFILE, "csrf_token": theirs.page.hidden["csrf_token"]})
    assert page.status == 400
    assert all("surname" not in d.answers for d in all_drafts(guarded))


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]
)
def test_a_post_from_another_site_is_refused_even_with_a_token(guarded, headers):
    wizard = Wizard(guarded.test_client())
    page = wizard.submit(account(), **headers)
    assert page.status == 400 and all_drafts(guarded) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://localhost"},
        # The pages' Referrer-Policy no-referrer makes a browser send "Origin: null" with its own
        # form posts; one without Sec-Fetch-* (Safari before 16.4) sends nothing else.
        {"Origin": "null"},
    ],
)
def test_a_post_from_the_service_itself_is_taken(guarded, headers):
    wizard = Wizard(guarded.test_client())
    assert wizard.submit(account(), **headers).status == 200
    assert len(all_drafts(guarded)) == 1


def test_an_inline_check_without_a_token_gets_a_fragment(guarded):
    response = guarded.test_client().post(
        "/register/check/surname", data={"surname": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#wizard-alert"
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_token_older_than_a_draft_is_refused_though_it_was_taken_before(guarded, monkeypatch):
    import time

    from webapp.doors.wizard.drafts import LIFETIME

    client = guarded.test_client()
    token = Wizard(client).page.hidden["csrf_token"]

    def check():
        return client.post(
            "/register/check/username",
            data={"username": "ada_lovelace", "csrf_token": token},
            headers={"HX-Request": "true"},
        )

    assert check().status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + LIFETIME.total_seconds() - 5)
    assert check().status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + LIFETIME.total_seconds() + 5)
    assert check().status_code == 400
    monkeypatch.setattr(time, "time", lambda: now - 60)  # signed "in the future"
    assert check().status_code == 400


def test_csrf_checks_are_off_when_the_app_turns_them_off(client):
    response = client.post("/register", data=account())
    assert response.status_code == 303


def test_too_many_registrations_give_a_friendly_429_and_keep_the_draft(make_app):
    app = make_app(RATELIMIT_REGISTRATION="1 per hour")
    Wizard(app.test_client()).complete()
    wizard = Wizard(app.test_client())
    wizard.to_review()
    page = wizard.submit()
    assert page.status == 429
    assert heading(page) == "Too many attempts"
    assert int(page.response.headers["Retry-After"]) > 0
    assert page.soup.find("a", string="Go back to the form")["href"].startswith(
        "/register/review?draft="
    )
    with app.app_context():
        assert db.session.query(Customer).count() == 1


def test_an_unexpected_error_is_a_friendly_500_without_a_stack_trace(client, monkeypatch):
    from webapp import registration

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(registration, "register", broken)
    wizard = Wizard(client)
    wizard.to_review()
    page = wizard.submit()
    assert page.status == 500
    assert heading(page) == "Sorry, there is a problem with the service"
    assert "Try again later." in page.html
    assert "database on fire" not in page.html and "Traceback" not in page.html


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/t/nobody/register", 404),
        ("get", "/t/nobody/embed", 404),
        ("get", "/register/nowhere", 404),
        ("get", "/register/account", 404),
        ("post", "/register/done", 405),
        # Outside every door too: the service's own page, not the web framework's.
        ("get", "/nosuch", 404),
        ("get", "/verify/", 404),
        ("get", "/static/nope.js", 404),
        ("post", "/", 405),
        ("put", "/consent/confirm/abc", 405),
    ],
)
def test_pages_that_do_not_exist_are_friendly_pages(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    if status == 404:
        assert "Page not found" in text and "Check the web address, or start again." in text
    else:
        assert "This page cannot be used that way." in text and "Allow" in response.headers
    assert '<span class="masthead-name">' in text  # the service's page, its masthead and all


def test_a_closed_registration_says_so(make_app):
    app = make_app("""
        [tenants.shut]
        registration_open = false
    """)
    response = app.test_client().get("/t/shut/register")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Registration is closed" in text
    assert "You cannot create an account here at the moment. Try again later." in text


def test_an_expired_draft_starts_again_and_says_why(app):
    wizard = Wizard(app.test_client())
    wizard.submit(account())
    token = wizard.page.hidden["draft"]
    with app.app_context():
        draft = db.session.execute(select(Draft)).scalar_one()
        draft.expires_at -= timedelta(hours=25)
        db.session.commit()
    page = wizard.open(f"/register/profile?draft={token}")
    assert page.path == "/register?expired=1"
    assert "more than 24 hours have passed" in page.soup.select_one(".notice").get_text()
    wizard.open(f"/register/profile?draft={token}")
    assert wizard.page.path == "/register?expired=1"


@pytest.mark.parametrize("gone", [False, True])
def test_coming_back_to_a_bare_register_after_the_draft_expired_says_why_once(app, gone):
    client = app.test_client()
    Wizard(client).submit(account())  # the browser keeps the draft's cookie
    with app.app_context():
        draft = db.session.execute(select(Draft)).scalar_one()
        draft.expires_at -= timedelta(hours=25)
        if gone:  # deleted by the hourly purge
            db.session.delete(draft)
        db.session.commit()
    page = Wizard(client).page  # GET /register, with the cookie
    assert "more than 24 hours have passed" in page.soup.select_one(".notice").get_text()
    assert page.soup.select_one("input[name=username]").get("value", "") == ""
    again = Wizard(client).page  # the cookie went with the first telling
    assert again.soup.select_one(".notice") is None


def test_another_tenant_s_draft_in_the_cookie_is_no_expiry(make_app):
    app = make_app("[tenants.default]\n[tenants.acme]\n")
    client = app.test_client()
    Wizard(client).submit(account())
    assert Wizard(client, "/t/acme/register").page.soup.select_one(".notice") is None


def test_another_tenant_s_draft_link_starts_again_without_blaming_the_clock(make_app):
    app = make_app("[tenants.default]\n[tenants.acme]\n")
    wizard = Wizard(app.test_client())
    wizard.submit(account())
    token = wizard.page.hidden["draft"]
    page = wizard.open(f"/t/acme/register/profile?draft={token}")
    assert page.path == "/t/acme/register"
    assert page.soup.select_one(".notice") is None


def test_a_post_with_an_expired_draft_saves_nothing(app):
    wizard = Wizard(app.test_client())
    wizard.submit(account())
    with app.app_context():
        draft = db.session.execute(select(Draft)).scalar_one()
        draft.expires_at -= timedelta(hours=25)
        db.session.commit()
    page = wizard.submit(PROFILE)
    assert page.path == "/register?expired=1"
    assert all("surname" not in d.answers for d in all_drafts(app))


def test_a_forged_draft_token_is_no_draft(client):
    assert Wizard(client, "/register/profile?draft=forged.token").page.path == "/register"


def test_a_huge_post_gets_a_friendly_413(client):
    response = client.post("/register", data={"username": "x" * 70_000})
    assert response.status_code == 413
    assert "Too much information was sent" in response.get_data(as_text=True)


# --- requests no browser sends ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["a" * 64, "a..b", "."])
@pytest.mark.parametrize(
    "path",
    [
        "/register",
        "/t/default/embed",
        "/register/check/username",
        "/api/v1/customers",
        "/v1/Customers",
    ],
)
def test_a_host_that_cannot_be_routed_is_a_400_fault(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.get_json()["faultCode"] == 91003
    assert response.get_json()["message"] == "The Host header names no valid host"  # no body's


@pytest.mark.parametrize(
    "method, path, query",
    [
        ("GET", "/register", "draft=\xff"),
        ("GET", "/register", "lang=\xff"),
        ("GET", "/t/default/embed", "x=\xe9"),
        ("POST", "/register/check/surname", "\xff"),
        ("POST", "/api/v1/customers", "tenant=\xff"),
    ],
)
def test_raw_bytes_that_are_not_utf8_in_the_query_are_read_as_percent_encoded(
    client, method, path, query
):
    # The WSGI environ carries the query's raw bytes as Latin-1 text.
    response = client.open(path, method=method, environ_overrides={"QUERY_STRING": query})
    assert response.status_code < 500
    if path == "/api/v1/customers":
        assert response.get_json()["faultCode"] == 91009  # "%FF" names no tenant


def test_a_method_a_page_does_not_take_is_a_405_page_saying_which_it_does(client):
    response = client.delete("/register/profile")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert "text/html" in response.content_type
