"""Rate limits on the JSON API: 429 91004 with Retry-After (sections 3 and 10)."""
from conftest import CUSTOMERS, bearer, faults, make_api_key, valid_customer


def assert_limited(response):
    assert response.status_code == 429
    assert faults(response) == [(91004, None)]
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


def test_registration_attempts_per_address_are_limited(make_app):
    client = make_app(RATELIMIT_REGISTRATION="2 per hour").test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert client.post(CUSTOMERS, json={}).status_code == 400  # a failed attempt counts too
    assert_limited(client.post(CUSTOMERS, json=valid_customer()))


def test_the_limit_counts_each_client_address_apart(make_app):
    client = make_app(RATELIMIT_REGISTRATION="1 per hour").test_client()
    first = {"REMOTE_ADDR": "192.0.2.1"}
    assert client.post(CUSTOMERS, json=valid_customer(), environ_base=first).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer(), environ_base=first))
    other = {"REMOTE_ADDR": "192.0.2.2"}
    assert client.post(CUSTOMERS, json=valid_customer(), environ_base=other).status_code == 201


def test_requests_with_a_key_count_against_the_keys_limit(make_app):
    app = make_app(RATELIMIT_REGISTRATION="100 per hour", RATELIMIT_API="3 per minute")
    client = app.test_client()
    headers = bearer(app)
    for _ in range(3):
        assert client.post(CUSTOMERS, json=valid_customer(), headers=headers).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer(), headers=headers))
    assert client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app)).status_code == 201


def test_requests_with_a_key_count_against_their_address_too(make_app):
    # Contract section 10: every post of a JSON door is a registration attempt of its address.
    app = make_app(RATELIMIT_REGISTRATION="2 per hour", RATELIMIT_API="100 per minute")
    client = app.test_client()
    first, second = bearer(app), bearer(app)
    assert client.post(CUSTOMERS, json=valid_customer(), headers=first).status_code == 201
    assert client.post(CUSTOMERS, json=valid_customer(), headers=second).status_code == 201
    assert_limited(client.post(CUSTOMERS, json=valid_customer(), headers=first))
    elsewhere = {"REMOTE_ADDR": "192.0.2.9"}
    assert client.post(CUSTOMERS, json=valid_customer(), headers=first,
                       environ_base=elsewhere).status_code == 201


def test_reading_a_customer_counts_against_the_keys_limit(make_app):
    app = make_app(RATELIMIT_API="2 per minute")
    client = app.test_client()
    key_id, secret = make_api_key(app)
    headers = {"Authorization": f"Bearer {key_id}.{secret}"}
    customer = client.post(CUSTOMERS, json=valid_customer(), headers=headers).get_json()
    assert client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=headers).status_code == 200
    assert_limited(client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=headers))


def test_rate_limiting_can_be_switched_off(make_app):
    client = make_app(RATELIMIT_REGISTRATION="1 per hour", RATELIMIT_ENABLED=False).test_client()
    for _ in range(3):
        assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
