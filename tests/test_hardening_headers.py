"""Security headers on every response (one policy, set in one place) and the wizard's cookie."""

import re

import pytest
from bs4 import BeautifulSoup
from conftest import CUSTOMERS, valid_customer
from wizard_client import account

PAGES = [
    ("GET", "/register"),
    ("GET", "/t/default/register/profile"),
    ("GET", "/register/nowhere"),
    ("POST", "/register"),
    ("GET", "/static/js/wizard.js"),
    ("GET", "/api/openapi.json"),
    ("GET", f"{CUSTOMERS}/123"),
    ("POST", CUSTOMERS),
    ("PUT", "/v1/Customers"),
    ("POST", "/api/v3/1/customers"),
    ("GET", "/healthz"),
    ("GET", "/nowhere"),
]


def directives(response):
    policies = response.headers.getlist("Content-Security-Policy")
    assert len(policies) == 1, policies  # one policy: browsers would enforce every one sent
    return {part.split()[0]: part.split()[1:] for part in policies[0].split("; ")}


@pytest.mark.parametrize("method, path", PAGES)
def test_every_response_carries_the_security_headers(client, method, path):
    with client.open(path, method=method) as response:
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no inline script, no eval
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_errors_and_rate_limits_carry_them_too(make_app, monkeypatch):
    from webapp import registration

    client = make_app(RATELIMIT_PUBLIC_API="1 per hour").test_client()
    client.post(CUSTOMERS, json={})
    limited = client.post(CUSTOMERS, json={})
    monkeypatch.setattr(registration, "check", lambda *a, **k: 1 / 0)
    failed = client.post("/register", data=account())
    for response in (limited, failed):
        assert response.status_code in (429, 500)
        assert directives(response)["script-src"] == ["'self'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pages_inline_style_carries_the_responses_nonce_and_no_script_is_inline(client):
    response = client.get("/register")
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    styles = directives(response)["style-src"]
    assert "'unsafe-inline'" not in styles
    for style in html.find_all("style"):
        assert f"'nonce-{style['nonce']}'" in styles
    assert all(script.get("src") and not script.string for script in html.find_all("script"))
    assert not html.find_all(attrs={"style": True})
    assert not [
        tag for tag in html.find_all(True) if any(name.startswith("on") for name in tag.attrs)
    ]
    # A new nonce for each response.
    assert directives(client.get("/register"))["style-src"] != styles


def test_a_response_without_inline_style_allows_none(client):
    assert directives(client.get("/api/openapi.json"))["style-src"] == ["'self'"]
    # An inline check's fragment is drawn with the wizard's templates but writes no <style>.
    check = client.post(
        "/register/check/username", data={"username": "ada"}, headers={"HX-Request": "true"}
    )
    assert check.status_code == 200 and "<style" not in check.get_data(as_text=True)
    assert directives(check)["style-src"] == ["'self'"]


def draft_cookie(response):
    return next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("wizard_draft=")
    )


@pytest.mark.parametrize(
    "base_url, secure", [("http://localhost", False), ("https://localhost", True)]
)
def test_the_draft_cookie_is_http_only_same_site_and_secure_over_https(app, base_url, secure):
    response = app.test_client().post("/register", data=account(), base_url=base_url)
    assert response.status_code == 303
    cookie = draft_cookie(response)
    assert "HttpOnly" in cookie
    assert re.search(r"SameSite=Lax", cookie)
    assert ("Secure" in cookie) is secure


def test_the_api_sets_no_cookie(client):
    response = client.post(CUSTOMERS, json=valid_customer())
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/t/default/register/profile?draft=abc", "/register/profile?draft=abc"),
        ("/t/default//register", "/t/default/register"),
        ("/console", "/console/"),
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "XN--BCHER-KVA.example", "Evil.example:8080"])
def test_the_frameworks_own_redirects_are_relative_and_not_kept(client, path, location, host):
    # Built on the Host header, a redirect a shared cache kept would send others to that host.
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 308
    assert response.headers["Location"] == location
    assert response.headers["Cache-Control"] == "no-store"
