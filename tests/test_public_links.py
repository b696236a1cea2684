"""The links a mail carries are built on PUBLIC_URL when it is set, never on the Host header a
client sent (anyone can forge it, and the link would carry the person's token to the forger)."""

import re

import pytest
from conftest import CUSTOMERS, valid_customer
from queued_mail import mails, text
from wizard_client import Wizard, account

from webapp.config import ConfigError

PUBLIC = "https://signup.example.com"
FORGED = {"Host": "attacker.example"}
TENANTS = """
[tenants.default]
name = "Acme Bets"
verify_email = "code"

[[tenants.default.consents]]
id = "terms"
label = "I accept the terms and conditions"
mandatory = true

[[tenants.default.consents]]
id = "marketing"
label = "Send me offers"
double_opt_in = true
"""


def links(app):
    return [link for m in mails(app) for link in re.findall(r"https?://\S+", text(m))]


def register_forged(app):
    consents = {"consentIds": ["terms", "marketing"], "contactMethods": ["email"]}
    body = valid_customer(consents=consents)
    response = app.test_client().post(CUSTOMERS, json=body, headers=FORGED)
    assert response.status_code == 201, response.get_json()


def test_the_json_doors_mails_link_to_the_public_url_whatever_host_was_sent(make_app):
    app = make_app(TENANTS, PUBLIC_URL=PUBLIC + "/")
    register_forged(app)

    found = links(app)
    paths = ("/verify/", "/consent/confirm/", "/consent/withdraw/")
    assert {p for p in paths for link in found if link.startswith(PUBLIC + p)} == set(paths)
    assert not [link for link in found if "attacker.example" in link]


def test_the_wizards_code_mail_links_to_the_public_url(make_app):
    app = make_app(TENANTS, PUBLIC_URL=PUBLIC)
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "attacker.example"
    Wizard(client).submit(account())

    (link,) = links(app)
    assert link.startswith(PUBLIC + "/register/verify?draft=")


def test_without_a_public_url_links_are_on_the_address_the_request_came_to(make_app):
    app = make_app(TENANTS)
    register_forged(app)

    assert links(app) and all(link.startswith("http://attacker.example/") for link in links(app))


def test_links_on_a_punycode_host_stay_in_punycode(make_app):
    # Werkzeug shows the request's host in Unicode; a mail header carries a link only in ASCII.
    app = make_app(TENANTS)
    consents = {"consentIds": ["terms", "marketing"], "contactMethods": ["email"]}
    response = app.test_client().post(
        CUSTOMERS,
        json=valid_customer(consents=consents),
        headers={"Host": "xn--bcher-kva.example:5106"},
    )
    assert response.status_code == 201
    assert links(app) and all(
        link.startswith("http://xn--bcher-kva.example:5106/") for link in links(app)
    )
    (confirmation,) = [m for m in mails(app) if m["List-Unsubscribe"]]
    sent = confirmation.as_bytes().decode("ascii")
    assert "\nList-Unsubscribe: <http://xn--bcher-kva.example:5106/consent/withdraw/" in sent


@pytest.mark.parametrize(
    "value",
    [
        "signup.example.com",
        "ftp://signup.example.com",
        "https://",
        PUBLIC + "/app",
        PUBLIC + "?a",
        PUBLIC + ":abc",
        PUBLIC + ":99999",
        PUBLIC + ":0",
        PUBLIC + ":",
        PUBLIC + "\n",
        "https://signup\t.example.com",
        "https://sign up.example.com",
        "https://signup..example.com",
        "https://-signup.example.com",
        "https://sign_up.example.com",
        "https://[signup]",
        "https://256.1.1.1",  # all digits, yet no IPv4 address
        "https://signup.123",
    ],
)
def test_a_public_url_that_is_not_a_scheme_and_host_stops_the_start(make_app, value):
    with pytest.raises(ConfigError, match="PUBLIC_URL="):
        make_app(TENANTS, PUBLIC_URL=value)


@pytest.mark.parametrize("host", ["10.0.0.7", "[2001:db8::1]", "localhost", "signup.example"])
def test_a_public_url_on_an_address_or_a_name_starts(make_app, host):
    assert make_app(TENANTS, PUBLIC_URL=f"https://{host}").config["PUBLIC_URL"] == f"https://{host}"


def test_a_public_url_in_unicode_is_kept_in_its_ascii_form(make_app):
    app = make_app(TENANTS, PUBLIC_URL="https://Anmeldung.Bücher.de:8443/")

    assert app.config["PUBLIC_URL"] == "https://anmeldung.xn--bcher-kva.de:8443"


def test_create_operator_prints_its_link_on_the_public_url(make_app):
    app = make_app(TENANTS, PUBLIC_URL="https://signup.example.com:8443")
    result = app.test_cli_runner().invoke(args=["create-operator", "ops@example.com"])

    assert result.exit_code == 0, result.output
    assert "setup link (valid 24 hours, once): https://signup.example.com:8443/console/setup/" in (
        result.output
    )
