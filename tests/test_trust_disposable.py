"""Throwaway addresses (contract section 13): 91018 through every door of a tenant that blocks
them, from the package's list plus the tenant's own, less the domains it allows."""

import pytest
from every_door import api, online_ordering, tenants, web_store, wizard
from wizard_client import Page

from webapp.tenants import registry
from webapp.trust import disposable

BLOCKING = tenants(
    block_disposable_email="true",
    blocked_email_domains='["rival.example"]',
    allowed_email_domains='["staff.mailinator.com"]',
)
KEEP = "Use an email address you will keep"


@pytest.fixture
def app(make_app):
    return make_app(BLOCKING)


@pytest.mark.parametrize(
    "email",
    [
        "ada@mailinator.com",
        "ada@inbox.mailinator.com",
        "ada@MAILINATOR.COM",
        "ada@rival.example",
        "ada@eu.rival.example",
        # What the address's validation reads as a listed domain.
        "ada@\uff4dailinator.com",  # a full-width m
        "ada@mailinator\u3002com",  # an ideographic full stop
        "ada@mailinator.\uff43\uff4f\uff4d",  # a full-width com
    ],
)
def test_every_json_door_refuses_a_throwaway_address(app, email):
    assert api(app, email) == (400, [91018])
    assert online_ordering(app, email) == (400, [91018])
    status, messages = web_store(app, email)
    assert status == 400 and messages == ["email: Email addresses at this domain are not accepted"]


def test_the_wizard_says_use_an_address_you_will_keep(app):
    assert wizard(app, "ada@mailinator.com") == (422, [KEEP])
    assert wizard(app, "ada@mailinator.com", start="/t/shop/embed") == (422, [KEEP])


def test_the_inline_check_says_so_too(app):
    response = app.test_client().post(
        "/t/shop/register/check/email", data={"email": "ada@mailinator.com"}
    )
    assert KEEP in Page(response).html


@pytest.mark.parametrize(
    "email", ["ada@example.com", "ada@staff.mailinator.com", "ada@mailinator.com.example"]
)
def test_kept_and_allowed_addresses_register(app, email):
    assert api(app, email)[0] == 201


def test_a_tenant_that_does_not_block_takes_them(make_app):
    app = make_app(tenants())
    assert api(app, "ada@mailinator.com")[0] == 201
    assert wizard(app, "bob@mailinator.com")[1] == []


def test_refused_names_the_most_specific_listed_domain(make_app):
    app = make_app(BLOCKING)
    with app.app_context():
        shop = registry().get("shop")
        assert disposable.refused(shop, "a@x.y.mailinator.com")
        assert not disposable.refused(shop, "a@x.staff.mailinator.com")
        assert not disposable.refused(shop, "a@example.com")


def test_a_blocked_domain_written_in_unicode_refuses_its_addresses(make_app):
    app = make_app(tenants(blocked_email_domains='["bücher.example"]'))
    assert api(app, "ada@bücher.example") == (400, [91018])
    assert api(app, "bob@xn--bcher-kva.example") == (400, [91018])
    assert api(app, "cy@buecher.example")[0] == 201
