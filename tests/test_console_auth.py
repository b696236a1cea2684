"""The console lets in only enrolled operators with password and a fresh TOTP code, for their
own tenants, through CSRF-protected forms, on pages no one can frame (contract section 14)."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from conftest import make_api_key, valid_customer
from console_client import (
    PASSWORD,
    code,
    enrol,
    operator_client,
    secret_of,
    setup_link,
    sign_in,
)

from webapp.console.models import AuditEntry, Operator
from webapp.extensions import db
from webapp.models import ApiKey, Customer, utcnow

TWO_TENANTS = """
[tenants.default]
name = "Default"
[tenants.acme]
name = "Acme"
"""

PAGES = [
    "/console/",
    "/console/t/default",
    "/console/t/default/customers",
    "/console/t/default/keys",
    "/console/outbox",
    "/console/audit",
]


@pytest.fixture
def two_tenants(make_app):
    return make_app(TWO_TENANTS)


@pytest.mark.parametrize(
    "email", ["@", "ops", "Ops Team <ops@example.com>", "ops@example.com\nBcc: z@q.example"]
)
def test_create_operator_refuses_what_is_not_a_bare_email_address(app, email):
    result = app.test_cli_runner().invoke(args=["create-operator", email])
    assert result.exit_code == 1 and "is not an email address" in result.output
    with app.app_context():
        assert db.session.query(Operator).count() == 0


@pytest.mark.parametrize("path", PAGES)
def test_no_session_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/console/sign-in")


def test_no_session_changes_nothing(app, client):
    key_id, _ = make_api_key(app)
    response = client.post(f"/console/t/default/keys/{key_id}/revoke")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is None


def test_enrolled_operator_signs_in_and_sees_the_overview(app):
    client = operator_client(app)
    page = client.get("/console/", follow_redirects=True)
    assert page.status_code == 200
    assert "Registrations per day" in page.get_data(as_text=True)


def test_wrong_totp_is_refused(app):
    client = app.test_client()
    secret = enrol(client, setup_link(app, "ops@example.com"))
    wrong = f"{(int(code(secret, 1)) + 1) % 1_000_000:06d}"
    response = client.post(
        "/console/sign-in", data={"email": "ops@example.com", "password": PASSWORD, "code": wrong}
    )
    assert response.status_code == 422
    assert "not right" in response.get_data(as_text=True)
    assert client.get("/console/t/default").status_code == 302


def test_wrong_password_is_refused_even_with_the_right_code(app):
    client = app.test_client()
    secret = enrol(client, setup_link(app, "ops@example.com"))
    assert (
        sign_in(client, "ops@example.com", secret, password="not-the-password").status_code == 422
    )
    assert client.get("/console/t/default").status_code == 302


def test_signing_out_ends_the_session_a_copied_cookie_included(app):
    client = app.test_client()
    secret = enrol(client, setup_link(app, "ops@example.com"))
    assert sign_in(client, "ops@example.com", secret).status_code == 303
    kept = client.get_cookie("session").value
    elsewhere = app.test_client()  # the same session, copied to another browser
    elsewhere.set_cookie("session", kept)
    assert elsewhere.get("/console/t/default").status_code == 200
    assert client.post("/console/sign-out").status_code == 303
    for browser in (client, elsewhere):
        browser.set_cookie("session", kept)
        assert browser.get("/console/t/default").status_code == 302
    with app.app_context():  # as if a minute had passed: the next code is new to the service
        db.session.execute(sa.update(Operator).values(totp_last_step=0))
        db.session.commit()
    assert sign_in(client, "ops@example.com", secret).status_code == 303
    assert client.get("/console/t/default").status_code == 200  # a new sign-in holds


def test_a_replayed_totp_code_is_refused(app):
    client = app.test_client()
    secret = enrol(client, setup_link(app, "ops@example.com"))
    assert sign_in(client, "ops@example.com", secret).status_code == 303
    client.post("/console/sign-out")
    other = app.test_client()
    assert sign_in(other, "ops@example.com", secret).status_code == 422  # the same code again
    assert other.get("/console/t/default").status_code == 302


def test_the_enrolment_code_cannot_sign_in(app):
    client = app.test_client()
    path = setup_link(app, "ops@example.com")
    secret = secret_of(client.get(path).get_data(as_text=True))
    used = code(secret)
    client.post(path, data={"password": PASSWORD, "code": used})
    response = client.post(
        "/console/sign-in", data={"email": "ops@example.com", "password": PASSWORD, "code": used}
    )
    assert response.status_code == 422


def test_an_expired_setup_link_is_refused(app):
    client = app.test_client()
    path = setup_link(app, "ops@example.com")
    with app.app_context():
        operator = db.session.query(Operator).one()
        operator.setup_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = client.get(path)
    assert page.status_code == 404
    assert "expired" in page.get_data(as_text=True)
    assert 'class="secret"' not in page.get_data(as_text=True)  # no QR code, no key
    # The command to ask for a new link reads whole, its placeholder as text, not as a tag.
    said = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one(".lead").get_text()
    assert "flask --app webapp create-operator <email>." in said


def test_a_setup_link_works_once(app):
    client = app.test_client()
    path = setup_link(app, "ops@example.com")
    enrol(client, path)
    assert client.get(path).status_code == 404


def test_setup_refuses_a_weak_password_and_a_wrong_code(app):
    client = app.test_client()
    path = setup_link(app, "ops@example.com")
    secret = secret_of(client.get(path).get_data(as_text=True))
    assert (
        client.post(path, data={"password": "password1234", "code": code(secret)}).status_code
        == 422
    )
    assert (
        client.post(
            path,
            data={"password": PASSWORD, "code": "000000" if code(secret) != "000000" else "111111"},
        ).status_code
        == 422
    )
    with app.app_context():
        assert db.session.query(Operator).one().enrolled_at is None


def test_setup_page_shows_the_qr_code_inline(app):
    page = app.test_client().get(setup_link(app, "ops@example.com")).get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg")[0]


def test_a_session_idle_for_12_hours_is_over(app):
    client = operator_client(app)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 12 * 3600 - 1
    assert client.get("/console/t/default").status_code == 302


def test_a_session_active_within_12_hours_goes_on(app):
    client = operator_client(app)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 12 * 3600 + 60
    assert client.get("/console/t/default").status_code == 200


@pytest.mark.parametrize("operator", [10**30, -1, 0, True])
def test_a_session_naming_no_possible_operator_is_signed_out(app, operator):
    client = operator_client(app)
    with client.session_transaction() as session:
        session["operator"] = operator
    assert client.get("/console/t/default").status_code == 302


def test_another_tenants_pages_and_customers_are_not_found(two_tenants):
    app = two_tenants
    theirs = app.test_client().post("/api/v1/customers?tenant=acme", json=valid_customer())
    customer_id = theirs.get_json()["customerId"]
    their_key, _ = make_api_key(app, "acme")
    client = operator_client(app, "ops@example.com", "default")
    for path in (
        "/console/t/acme",
        "/console/t/acme/customers",
        "/console/t/acme/keys",
        f"/console/t/acme/customers/{customer_id}",
        f"/console/t/default/customers/{customer_id}",
        f"/console/t/default/customers/{customer_id}/export",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/console/t/default/keys/{their_key}/revoke").status_code == 404
    assert client.post(f"/console/t/acme/keys/{their_key}/revoke").status_code == 404
    assert (
        client.post(
            f"/console/t/default/customers/{customer_id}/erase", data={"confirm": "yes"}
        ).status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(ApiKey, their_key).revoked_at is None
        assert db.session.query(Customer).filter_by(id=customer_id).one().erased_at is None


def test_an_operator_of_every_tenant_sees_both(two_tenants):
    client = operator_client(two_tenants)
    assert client.get("/console/t/acme").status_code == 200
    assert client.get("/console/t/default").status_code == 200


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(make_app, scheme):
    # Over HTTPS too, where a browser sends no Referer under the pages' Referrer-Policy.
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = scheme
    path = setup_link(app, "ops@example.com")
    page = client.get(path).get_data(as_text=True)
    secret = secret_of(page)
    refused = client.post(path, data={"password": PASSWORD, "code": code(secret)})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.query(Operator).one().enrolled_at is None
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    for elsewhere in ("cross-site", "same-site"):  # another site, or another origin of this one
        another_sites = client.post(
            path,
            data={"password": PASSWORD, "code": code(secret), "csrf_token": token},
            headers={"Sec-Fetch-Site": elsewhere, "Origin": "https://admin.evil.example"},
        )
        assert another_sites.status_code == 400, elsewhere
    assert (
        client.post(
            path, data={"password": PASSWORD, "code": code(secret), "csrf_token": token}
        ).status_code
        == 303
    )
    sign_page = client.get("/console/sign-in").get_data(as_text=True)
    token = sign_page.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post(
            "/console/sign-in",
            data={
                "email": "ops@example.com",
                "password": PASSWORD,
                "code": code(secret, 1),
                "csrf_token": token,
            },
        ).status_code
        == 303
    )
    key_id, _ = make_api_key(app)
    assert client.post(f"/console/t/default/keys/{key_id}/revoke").status_code == 400
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is None


@pytest.mark.parametrize("path", ["/console/sign-in", "/console/t/default"])
def test_console_pages_are_never_framed(app, path):
    client = operator_client(app)
    response = client.get(path, follow_redirects=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_every_action_is_in_the_audit_log_which_cannot_be_changed(app):
    client = operator_client(app)
    key_id, _ = make_api_key(app)
    client.post(f"/console/t/default/keys/{key_id}/revoke")
    client.post(f"/console/t/default/keys/{key_id}/revoke")  # a stale page: nothing more happens
    page = client.get("/console/audit").get_data(as_text=True)
    assert "revoked API key" in page and key_id in page and "signed in" in page
    assert "asked to revoke an API key revoked before" in page
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="revoked API key").one()
        assert entry.operator == "ops@example.com" and entry.tenant == "default"
        entry.detail = "something else"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(PermissionError):
            db.session.delete(entry)
            db.session.commit()
        db.session.rollback()


def test_searches_and_refused_sign_ins_as_an_operator_are_in_the_audit_log(app):
    client = operator_client(app)
    client.get("/console/t/default/customers?q=ada%40example.com")
    client.get("/console/t/default/customers")
    stranger = app.test_client()
    for email in ("ops@example.com", "nobody@example.com"):
        refused = stranger.post(
            "/console/sign-in",
            data={"email": email, "password": "wrong", "code": "000000"},
        )
        assert refused.status_code == 422
    with app.app_context():
        entries = [(e.operator, e.action, e.detail) for e in db.session.query(AuditEntry)]
    assert ("ops@example.com", "searched customers", "0 shown") in entries
    assert ("ops@example.com", "listed customers", "0 shown") in entries
    assert ("ops@example.com", "sign-in refused: wrong password or code", None) in entries
    assert not [e for e in entries if "nobody" in e[0] or "ada@" in (e[2] or "")]


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE operator_audit SET detail = 'something else'",
        "DELETE FROM operator_audit",
        "TRUNCATE operator_audit",  # PostgreSQL's (SQLite has none)
    ],
)
def test_the_database_itself_refuses_to_change_the_audit_log(app, database_url, change):
    if change.startswith("TRUNCATE") and not database_url:
        pytest.skip("SQLite has no TRUNCATE")
    operator_client(app)  # signs in: an entry
    with app.app_context():
        before = [(e.id, e.action, e.detail) for e in db.session.query(AuditEntry)]
        assert before
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text(change))
        db.session.rollback()
        assert [(e.id, e.action, e.detail) for e in db.session.query(AuditEntry)] == before


@pytest.mark.parametrize(
    "path",
    [
        "/console/t/default/customers?q=a%00b",
        "/console/t/default/customers/a%00b",
        "/console/setup/a%00b",
    ],
)
def test_a_nul_anywhere_is_400_not_an_error(app, path):
    client = operator_client(app)
    assert client.get(path).status_code == 400
    response = app.test_client().post(
        "/console/sign-in", data={"email": "a\x00@example.com", "password": "x", "code": "123456"}
    )
    assert response.status_code == 400


def test_only_a_request_with_the_session_cookie_has_its_signature_checked(app, monkeypatch):
    """A signed-in operator's cookie is read as before; a request without it (every wizard page)
    never builds the serializer that reads one."""
    signed_in = operator_client(app)
    serializers = []
    interface = app.session_interface
    build = interface.get_signing_serializer
    monkeypatch.setattr(
        interface, "get_signing_serializer", lambda a: serializers.append(1) or build(a)
    )

    assert app.test_client().get("/register").status_code == 200
    assert app.test_client().get("/console/").status_code == 302
    assert serializers == []

    page = signed_in.get("/console/", follow_redirects=True)
    assert "Registrations per day" in page.get_data(as_text=True)
    assert serializers  # the cookie was read (and the session saved) through it


def test_a_rate_limited_sign_in_says_when_to_come_back_in_words(app):
    client = app.test_client()
    for _ in range(10):
        assert sign_in(client, "ops@example.com", "JBSWY3DPEHPK3PXPJBSWY3DP").status_code == 422
    limited = sign_in(client, "ops@example.com", "JBSWY3DPEHPK3PXPJBSWY3DP")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) <= 60
    page = BeautifulSoup(limited.get_data(as_text=True), "html.parser").get_text(" ", strip=True)
    assert "Try again in 1 minute." in page
