"""One registration through each door that takes an email and a password, for rules that every
door must enforce alike: each returns (HTTP status, the fault codes the door gives, or [])."""

import json

from conftest import STRONG_PASSWORD, make_api_key, valid_customer
from wizard_client import Wizard, account

# A tenant all doors reach: the web-store API needs a store id.
TENANT = "shop"
STORE_ID = 4242


def _bearer(app):
    key_id, secret = make_api_key(app, TENANT)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def api(app, email, password=STRONG_PASSWORD, headers=None):
    body = valid_customer(email=email, password=password)
    response = app.test_client().post(
        f"/api/v1/customers?tenant={TENANT}", json=body, headers=headers or {}
    )
    return response.status_code, _codes(response)


def online_ordering(app, email, password=STRONG_PASSWORD):
    body = {
        "Customer": {"FirstName": "Ada", "LastName": "Lovelace", "EMail": email},
        "Password": password,
        "SecurityQuestion": "First pet's name?",
        "SecurityAnswer": "Rex",
    }
    response = app.test_client().put("/v1/Customers", json=body, headers=_bearer(app))
    return response.status_code, _codes(response)


def web_store(app, email, password=STRONG_PASSWORD):
    response = app.test_client().post(
        f"/api/v3/{STORE_ID}/customers",
        data=json.dumps({"email": email, "password": password}),
        headers={**_bearer(app), "Content-Type": "application/json"},
    )
    return response.status_code, [] if response.status_code == 200 else [
        response.get_json()["errorMessage"]
    ]


def wizard(app, email, password=STRONG_PASSWORD, start=f"/t/{TENANT}/register"):
    """The account step of the wizard: the status and the messages beside the fields."""
    page = Wizard(app.test_client(), start).submit(account(email=email, password=password))
    return page.status, page.errors()


def _codes(response):
    body = response.get_json()
    return [item["faultCode"] for item in body["faults"]] if "faults" in body else []


def tenants(**keys):
    """The tenants file of TENANT with `keys` (TOML values written by the caller)."""
    lines = "".join(f"{key} = {value}\n" for key, value in keys.items())
    return f"[tenants.{TENANT}]\nstore_id = {STORE_ID}\n{lines}"
