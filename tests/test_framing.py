"""Framing (contract section 6): only a tenant's embed may be framed, and only by its origins."""

import re

import pytest
from bs4 import BeautifulSoup
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

TENANTS = """
[tenants.acme]
embed_origins = ["https://partner.example", "http://127.0.0.1:8001"]

[tenants.plain]
name = "No partners"
"""


def refuses_framing(response):
    policy = response.headers.get("Content-Security-Policy", "")
    return response.headers.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/register",
        "/t/acme/register",
        "/t/plain/register",
        "/t/plain/embed",
        "/t/nobody/embed",
        "/register/nowhere",
        "/api/v1/customers/123",
        "/static/embed.js",
        "/api/openapi.json",
    ],
)
def test_every_page_but_the_embed_refuses_to_be_framed(client, path):
    with client.get(path) as response:
        assert refuses_framing(response), path


def test_a_tenant_without_embed_origins_has_an_embed_no_page_may_frame(client):
    response = client.get("/t/plain/embed")
    assert response.status_code == 200
    assert 'name="username"' in response.get_data(as_text=True)
    assert refuses_framing(response)


def test_the_embed_may_be_framed_only_by_the_tenants_origins(client):
    response = client.get("/t/acme/embed")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example http://127.0.0.1:8001" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1]


def test_every_step_of_the_embed_keeps_its_framing_and_needs_no_cookie(make_app):
    app = make_app(TENANTS, WTF_CSRF_ENABLED=True)
    client = app.test_client(use_cookies=False)
    wizard = Wizard(client, "/t/acme/embed")
    responses = [wizard.page.response]
    for fields in (account(), PROFILE, ADDRESS, CONSENTS, None):
        page = wizard.submit(fields)
        responses += [*page.response.history, page.response]
    assert wizard.page.soup.select_one("[data-customer-id]") is not None
    for response in responses:
        assert "X-Frame-Options" not in response.headers, response.request.path
        assert (
            "frame-ancestors https://partner.example" in response.headers["Content-Security-Policy"]
        )
        assert "Set-Cookie" not in response.headers


def test_an_error_inside_the_embed_can_still_be_shown_in_its_frame(make_app):
    app = make_app(TENANTS, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/t/acme/embed", data=account())
    assert response.status_code == 400
    assert "frame-ancestors https://partner.example" in response.headers["Content-Security-Policy"]


def test_the_embed_knows_where_its_events_may_go(client):
    soup = BeautifulSoup(client.get("/t/acme/embed").get_data(as_text=True), "html.parser")
    assert (
        soup.body["data-parent-origins"] == '["https://partner.example", "http://127.0.0.1:8001"]'
    )
    assert soup.find("script", src=re.compile(r"^/static/js/frame\.[0-9a-f]{12}\.js$")) is not None
    assert soup.select_one(".masthead") is None


def test_the_partner_script_is_served(client):
    with client.get("/static/embed.js") as response:
        assert response.status_code == 200 and "javascript" in response.mimetype
        assert b"registration:complete" in response.data
