"""`public_registration = false` on the browser doors: the tenant's own wizard pages and their
inline checks answer 404; its embed serves only a browser that frames it (docs/production.md)."""

import pytest
from conftest import unique
from wizard_client import Wizard

from webapp.extensions import db
from webapp.models import Customer

TENANTS = """
[tenants.default]
name = "Default"

[tenants.closed]
name = "Partners only"
public_registration = false
embed_origins = ["https://partner.example"]

[tenants.hidden]
name = "API only"
public_registration = false
"""
IN_A_FRAME = {"HTTP_SEC_FETCH_DEST": "iframe", "HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


def _customers(app):
    with app.app_context():
        return db.session.query(Customer).count()


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/t/closed/register"),
        ("GET", "/t/closed/register/profile"),
        ("POST", "/t/closed/register"),
        ("POST", "/t/closed/register/check/email"),
        ("POST", "/t/closed/register/review"),
        ("GET", "/t/hidden/register"),
        ("GET", "/t/hidden/embed"),
        ("POST", "/t/hidden/embed/check/email"),
    ],
)
def test_the_tenants_own_pages_and_checks_are_not_found(app, method, path):
    client = app.test_client()
    name = unique()
    response = client.open(
        path,
        method=method,
        environ_base=IN_A_FRAME,
        data={"email": f"{name}@example.com", "username": name},
    )
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert _customers(app) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script, or a browser too old to say
        {"HTTP_SEC_FETCH_DEST": "document", "HTTP_SEC_FETCH_SITE": "none"},  # opened directly
    ],
)
def test_the_embed_opened_outside_a_frame_is_not_found(app, headers):
    assert app.test_client().get("/t/closed/embed", environ_base=headers).status_code == 404


def test_an_inline_check_of_the_embed_must_come_from_the_embed_itself(app):
    client = app.test_client()
    outside = {"HTTP_SEC_FETCH_DEST": "empty", "HTTP_SEC_FETCH_SITE": "cross-site"}
    assert (
        client.post(
            "/t/closed/embed/check/email", environ_base=outside, data={"email": "a@example.com"}
        ).status_code
        == 404
    )
    inside = {"HTTP_SEC_FETCH_DEST": "empty", "HTTP_SEC_FETCH_SITE": "same-origin"}
    assert (
        client.post(
            "/t/closed/embed/check/email", environ_base=inside, data={"email": "a@example.com"}
        ).status_code
        == 200
    )


def test_the_embed_completes_inside_a_partners_frame(app):
    client = app.test_client()
    client.environ_base.update(IN_A_FRAME)
    page = Wizard(client, "/t/closed/embed").complete()
    assert page.soup.select_one("[data-customer-id]") is not None
    assert _customers(app) == 1


def test_a_public_tenants_wizard_is_unchanged(app):
    page = Wizard(app.test_client(), "/register").complete()
    assert page.soup.select_one("[data-customer-id]") is not None
