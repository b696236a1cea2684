"""The console in Chromium: an operator enrols from the printed link with a TOTP code computed
here, signs in, watches the funnel move as a person walks the wizard, finds that customer,
revokes a key, erases the customer, is refused another tenant's customer; axe on every page."""

import re

import pytest
import requests
from conftest import valid_customer
from console_client import PASSWORD, code
from wizard_client import ADDRESS, CONSENTS, PROFILE, account

from tests.browser.conftest import axe_violations, enter

pytestmark = pytest.mark.browser

TENANTS = """
[tenants.default]
name = "Default"
[tenants.acme]
name = "Acme"
"""


def continue_with(page, fields, button="Continue"):
    for name, value in fields.items():
        if isinstance(value, list):
            for one in value:
                page.check(f"input[name='{name}'][value='{one}']")
        else:
            enter(page.locator(f"[name='{name}']"), value)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def clean(page):
    assert axe_violations(page) == [], page.url


def funnel(console, server):
    console.goto(server.url("/console/t/default"))
    return {
        step: int(
            console.locator(f'#funnel-table tr[data-step="{step}"] [data-drafts]').inner_text()
        )
        for step in ("account", "profile", "address", "consents", "done")
    }


def printed_link(server, email, *tenants):
    app = server.server.app
    result = app.test_cli_runner().invoke(
        args=[
            "create-operator",
            email,
            "--base-url",
            server.url(),
            *[f"--tenant={t}" for t in tenants],
        ]
    )
    return re.search(r"once\): (\S+)", result.output).group(1)


def test_an_operator_enrols_watches_the_funnel_and_looks_after_a_customer(serve, browser):
    server = serve(TENANTS, WTF_CSRF_ENABLED=True)
    console = browser.new_page()
    console.goto(printed_link(server, "ops@example.com", "default"))
    clean(console)
    secret = console.locator(".secret").inner_text()
    continue_with(console, {"password": PASSWORD, "code": code(secret)}, "Finish setup")
    assert console.locator("h1").inner_text() == "Sign in to the console"
    clean(console)
    continue_with(
        console,
        {"email": "ops@example.com", "password": PASSWORD, "code": code(secret, 1)},
        "Sign in",
    )
    assert console.locator("h1").inner_text() == "Overview"
    clean(console)

    person = browser.new_page()
    person.goto(server.url("/register"))
    expected = funnel(console, server)
    who = account()
    for step, fields in (
        ("account", who),
        ("profile", PROFILE),
        ("address", ADDRESS),
        ("consents", CONSENTS),
        ("done", {}),
    ):
        continue_with(person, fields, "Create account" if step == "done" else "Continue")
        expected[step] += 1
        assert funnel(console, server) == expected, step
    customer_id = person.get_attribute("[data-customer-id]", "data-customer-id")

    console.goto(server.url("/console/t/default/customers"))
    clean(console)
    continue_with(console, {"q": who["email"]}, "Search")
    clean(console)
    with console.expect_navigation():
        console.locator("#customers-table a").first.click()
    assert customer_id in console.url
    clean(console)

    console.goto(server.url("/console/t/default/keys"))
    clean(console)
    continue_with(console, {}, "Create an API key")
    clean(console)
    token = console.locator("#key-token").inner_text()
    key_id = console.locator("#key-id").inner_text()
    api = server.url("/api/v1/customers")
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.post(api, json=valid_customer(), headers=bearer, timeout=10).status_code == 201
    console.goto(server.url("/console/t/default/keys"))
    with console.expect_navigation():
        console.get_by_role("button", name=f"Revoke {key_id}").click()
    clean(console)
    assert requests.post(api, json=valid_customer(), headers=bearer, timeout=10).status_code == 401

    console.goto(server.url(f"/console/t/default/customers/{customer_id}"))
    with console.expect_navigation():  # not confirmed: the page again, the box marked
        console.get_by_role("button", name="Erase this customer").click()
    assert console.locator("#confirm").get_attribute("aria-invalid") == "true"
    clean(console)
    console.check("#confirm")
    with console.expect_navigation():
        console.get_by_role("button", name="Erase this customer").click()
    assert "was erased" in console.locator(".notice").inner_text()
    clean(console)
    again = valid_customer(email=who["email"], username=who["username"])
    assert requests.post(api, json=again, timeout=10).status_code == 201

    theirs = requests.post(api + "?tenant=acme", json=valid_customer(), timeout=10).json()
    for path in (
        f"/console/t/acme/customers/{theirs['customerId']}",
        f"/console/t/default/customers/{theirs['customerId']}",
    ):
        response = console.goto(server.url(path))
        assert response.status == 404
        clean(console)

    for path in ("/console/outbox", "/console/audit"):
        console.goto(server.url(path))
        clean(console)
    assert "erased customer" in console.locator("#audit-table").inner_text()

    # On a 320 px screen a wide table scrolls in its own box; no word is cut up to fit.
    console.set_viewport_size({"width": 320, "height": 700})
    for path in (f"/console/t/default/customers/{customer_id}", "/console/audit"):
        console.goto(server.url(path))
        assert console.evaluate(WORDS_CUT_UP) == [], path
        clean(console)


# The table cells whose longest word (a line may break at a space or after a hyphen) is wider than
# the room the cell gives it.
WORDS_CUT_UP = """() => [...document.querySelectorAll('.table th, .table td')].filter(cell => {
  const style = getComputedStyle(cell);
  const probe = document.createElement('span');
  probe.style.cssText = 'position: absolute; visibility: hidden; white-space: nowrap; font: '
    + style.font;
  document.body.appendChild(probe);
  const widest = Math.max(0, ...cell.innerText.split(/[\\s-]+/).filter(Boolean).map(word => {
    probe.textContent = word;
    return probe.getBoundingClientRect().width;
  }));
  probe.remove();
  const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return widest > room + 1;
}).map(cell => cell.innerText)"""
