"""A partner's own front end in Chromium: a page on one origin (127.0.0.1) registers a customer
through the JSON API on another (localhost) with `fetch`, as the tenant's `embed_origins` allow;
a page on an origin the tenant does not list cannot."""

import pytest
from conftest import valid_customer

pytestmark = pytest.mark.browser

REGISTER = """
async ([url, customer]) => {
  try {
    const answer = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID()},
      body: JSON.stringify(customer),
    });
    return {status: answer.status, location: answer.headers.get("Location"),
            body: await answer.json()};
  } catch (error) {
    return {refused: error.name};
  }
}
"""


def tenants(origin):
    return f"""
        [tenants.acme]
        name = "Acme Bets"
        embed_origins = ["{origin}"]
    """


def test_a_listed_partner_page_registers_through_the_api(serve, partner_site, browser):
    partner = partner_site({"/": "<!doctype html><title>Partner</title><h1>Join us</h1>"})
    server = serve(tenants(partner.origin))
    page = browser.new_page()
    page.goto(f"{partner.origin}/")

    url = server.url("/api/v1/customers?tenant=acme", host="localhost")
    created = page.evaluate(REGISTER, [url, valid_customer()])
    assert created["status"] == 201, created
    assert created["location"] == f"/api/v1/customers/{created['body']['customerId']}"
    assert created["body"]["tenantId"] == "acme"

    # A fault reaches the page as JSON it can show.
    refused = page.evaluate(REGISTER, [url, {}])
    assert refused["status"] == 400
    assert refused["body"]["faultCode"] == 90075


def test_a_page_the_tenant_does_not_list_cannot(serve, partner_site, browser):
    stranger = partner_site({"/": "<!doctype html><title>Stranger</title><h1>Hello</h1>"})
    server = serve(tenants("https://partner.example"))
    page = browser.new_page()
    page.goto(f"{stranger.origin}/")

    url = server.url("/api/v1/customers?tenant=acme", host="localhost")
    assert page.evaluate(REGISTER, [url, valid_customer()]) == {"refused": "TypeError"}
