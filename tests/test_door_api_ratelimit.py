"""Rate limits on the JSON API: 429 91004 with Retry-After (sections 3 and 10), in the separate
budgets of section 15: uncredentialed posts per address (RATELIMIT_PUBLIC_API), credentialed ones
per key only (RATELIMIT_API), the wizard's final posts on their own (RATELIMIT_REGISTRATION)."""

from conftest import CUSTOMERS, bearer, faults, make_api_key, valid_customer
from wizard_client import Wizard


def assert_limited(response):
    assert response.status_code == 429
    assert faults(response) == [(91004, None)]
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


def test_public_registration_attempts_per_address_are_limited(make_app):
    client = make_app(RATELIMIT_PUBLIC_API="2 per hour").test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert client.post(CUSTOMERS, json={}).status_code == 400  # a failed attempt counts too
    assert_limited(client.post(CUSTOMERS, json=valid_customer()))


def test_the_limit_counts_each_client_address_apart(make_app):
    client = make_app(RATELIMIT_PUBLIC_API="1 per hour").test_client()
    first = {"REMOTE_ADDR": "192.0.2.1"}
    assert client.post(CUSTOMERS, json=valid_customer(), environ_base=first).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer(), environ_base=first))
    other = {"REMOTE_ADDR": "192.0.2.2"}
    assert client.post(CUSTOMERS, json=valid_customer(), environ_base=other).status_code == 201


def test_requests_with_a_key_count_against_the_keys_limit(make_app):
    app = make_app(RATELIMIT_PUBLIC_API="1 per hour", RATELIMIT_API="3 per minute")
    client = app.test_client()
    headers = bearer(app)
    for _ in range(3):
        assert client.post(CUSTOMERS, json=valid_customer(), headers=headers).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer(), headers=headers))
    assert client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app)).status_code == 201


def test_requests_with_a_key_count_only_against_the_key(make_app):
    # Section 15 (revised from section 10): a partner's server behind one address is not held to
    # the public budget of that address, nor to the wizard's.
    app = make_app(
        RATELIMIT_PUBLIC_API="1 per hour",
        RATELIMIT_REGISTRATION="1 per hour",
        RATELIMIT_API="100 per minute",
    )
    client = app.test_client()
    headers = bearer(app)
    for _ in range(3):
        assert client.post(CUSTOMERS, json=valid_customer(), headers=headers).status_code == 201
    # ... and the public budget of the address is still whole.
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer()))


def test_the_wizard_and_the_public_api_have_separate_budgets(make_app):
    app = make_app(RATELIMIT_PUBLIC_API="1 per hour", RATELIMIT_REGISTRATION="1 per hour")
    client = app.test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer()))
    done = Wizard(client).complete()  # the wizard's own budget is untouched
    assert done.status == 200 and done.soup.select_one("[data-customer-id]") is not None
    assert client.post("/register/review", data={}).status_code == 429


def test_retry_after_is_on_429_answers_alone(make_app):
    app = make_app(RATELIMIT_PUBLIC_API="2 per hour", RATELIMIT_API="5 per minute")
    client = app.test_client()
    created = client.post(CUSTOMERS, json=valid_customer())
    assert created.status_code == 201 and "Retry-After" not in created.headers
    refused = client.post(CUSTOMERS, json={})
    assert refused.status_code == 400 and "Retry-After" not in refused.headers
    assert_limited(client.post(CUSTOMERS, json=valid_customer()))
    keyed = client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app))
    assert keyed.status_code == 201 and "Retry-After" not in keyed.headers


def test_a_401_says_how_to_authenticate(client):
    customer = f"{CUSTOMERS}/00000000-0000-0000-0000-000000000000"
    for response in (
        client.get(customer),
        client.get(customer, headers={"Authorization": "Bearer nope.nope"}),
        client.put("/v1/Customers", json={}),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="registration"'
    assert "WWW-Authenticate" not in client.post(CUSTOMERS, json={}).headers


def test_reading_a_customer_counts_against_the_keys_limit(make_app):
    app = make_app(RATELIMIT_API="2 per minute")
    client = app.test_client()
    key_id, secret = make_api_key(app)
    headers = {"Authorization": f"Bearer {key_id}.{secret}"}
    customer = client.post(CUSTOMERS, json=valid_customer(), headers=headers).get_json()
    assert client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=headers).status_code == 200
    assert_limited(client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=headers))


def test_rate_limiting_can_be_switched_off(make_app):
    client = make_app(RATELIMIT_PUBLIC_API="1 per hour", RATELIMIT_ENABLED=False).test_client()
    for _ in range(3):
        assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
