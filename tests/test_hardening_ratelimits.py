"""Rate limits on every door: 429 with Retry-After in the door's own format, username probing held
more tightly than other checks where the operator sets a budget for it, and the API per key
alone."""

import time

import pytest
from bs4 import BeautifulSoup
from conftest import CUSTOMERS, bearer, unique, valid_customer
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

TENANTS = """
[tenants.default]
store_id = 7

[tenants.acme]
embed_origins = ["https://partner.example"]

[tenants.other]
"""
HTMX = {"HX-Request": "true"}


def retry_after(response):
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert seconds > 0
    assert "Traceback" not in response.get_data(as_text=True)
    return seconds


def online_ordering_body():
    return {
        "Customer": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "EMail": f"{unique()}@example.com",
        },
        "Password": "violet-Harbour-tangent-93",
        "SecurityQuestion": "Pet?",
        "SecurityAnswer": "Rex",
    }


# --- every door's 429 -----------------------------------------------------------------------


def api_json(client, app):
    return client.post(CUSTOMERS, json=valid_customer())


def online_ordering_json(client, app, headers=None):
    return client.put("/v1/Customers", json=online_ordering_body(), headers=headers)


def online_ordering_xml(client, app, headers=None):
    return client.put(
        "/v1/Customers", data="<InRegistration/>", content_type="text/xml", headers=headers
    )


def web_store(client, app, headers=None):
    return client.post(
        "/api/v3/7/customers", json={"email": f"{unique()}@example.com"}, headers=headers
    )


def wizard_review(client, app, path="/register"):
    return client.post(f"{path}/review", data={})


def embed_review(client, app):
    return wizard_review(client, app, "/t/acme/embed")


def inline_check(client, app):
    return client.post("/register/check/email", data={"email": "x"}, headers=HTMX)


def as_fault(response):
    assert response.get_json()["faultCode"] == 91004


def as_xml_fault(response):
    assert response.mimetype == "text/xml" and b"<FaultCode>91004</FaultCode>" in response.data


def as_web_store(response):
    assert response.get_json() == {"errorMessage": "Too many requests, please try again later"}


def as_page(response):
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.get_text() == "Too many attempts"


def as_fragment(response):
    assert response.headers["HX-Retarget"] == "#wizard-alert"
    assert "<html" not in response.get_data(as_text=True)
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "send, keyed, rendered",
    [
        (api_json, False, as_fault),
        (online_ordering_json, True, as_fault),
        (online_ordering_xml, True, as_xml_fault),
        (web_store, True, as_web_store),
        (wizard_review, False, as_page),
        (embed_review, False, as_page),
        (inline_check, False, as_fragment),
    ],
)
def test_every_door_answers_429_with_retry_after_in_its_own_format(make_app, send, keyed, rendered):
    app = make_app(
        TENANTS,
        RATELIMIT_REGISTRATION="1 per hour",
        RATELIMIT_PUBLIC_API="1 per hour",
        RATELIMIT_API="1 per minute",
        RATELIMIT_VALIDATION="1 per minute",
    )
    client = app.test_client()
    extra = {"headers": bearer(app)} if keyed else {}
    assert send(client, app, **extra).status_code != 429
    response = send(client, app, **extra)
    retry_after(response)
    rendered(response)


# --- username probing -------------------------------------------------------------------------


def test_by_default_only_the_contracts_budgets_hold_the_wizard(make_app):
    # Inline checks count against RATELIMIT_VALIDATION alone, and the steps before "Create
    # account" against nothing: no budget the contract does not list stops a person or a test.
    client = make_app(RATELIMIT_VALIDATION="50 per minute").test_client()
    for _ in range(25):
        assert client.post("/register", data=account()).status_code == 303
    for field, value in (("username", unique), ("email", lambda: f"{unique()}@example.com")):
        for _ in range(25):
            response = client.post(f"/register/check/{field}", data={field: value()}, headers=HTMX)
            assert response.status_code == 200
    retry_after(client.post("/register/check/surname", data={"surname": "Lovelace"}, headers=HTMX))


def test_the_inline_username_check_is_limited_more_tightly_than_other_checks(make_app):
    client = make_app(RATELIMIT_USERNAME_CHECK="2 per minute").test_client()
    for _ in range(2):
        assert (
            client.post(
                "/register/check/username", data={"username": unique()}, headers=HTMX
            ).status_code
            == 200
        )
    limited = client.post("/register/check/username", data={"username": unique()}, headers=HTMX)
    assert retry_after(limited) <= 60
    as_fragment(limited)
    # Other fields are still checked: the tighter limit is the username's and the email's.
    for _ in range(3):
        assert (
            client.post(
                "/register/check/surname", data={"surname": "Lovelace"}, headers=HTMX
            ).status_code
            == 200
        )


def test_the_inline_email_check_shares_the_username_checks_limit(make_app):
    client = make_app(RATELIMIT_USERNAME_CHECK="2 per minute").test_client()
    assert (
        client.post(
            "/register/check/username", data={"username": unique()}, headers=HTMX
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/register/check/email", data={"email": "a@example.com"}, headers=HTMX
        ).status_code
        == 200
    )
    limited = client.post("/register/check/email", data={"email": "b@example.com"}, headers=HTMX)
    assert retry_after(limited) <= 60
    as_fragment(limited)


def test_account_step_posts_count_as_username_probes(make_app):
    client = make_app(RATELIMIT_USERNAME_CHECK="2 per minute").test_client()
    assert client.post("/register/check/username", data={"username": unique()}).status_code == 200
    assert client.post("/register", data=account()).status_code == 303
    limited = client.post("/register", data=account())
    retry_after(limited)
    as_page(limited)


def test_step_posts_are_not_inline_checks(make_app):
    # RATELIMIT_VALIDATION counts inline checks (contract section 10): a person's steps do not
    # spend it, and a tight budget never stops a wizard half-way.
    app = make_app(RATELIMIT_VALIDATION="1 per minute", MIN_WIZARD_SECONDS=0)
    wizard = Wizard(app.test_client())
    for fields in (account(), PROFILE, ADDRESS, CONSENTS):
        assert wizard.submit(fields).status == 200
    assert wizard.page.soup.h1.get_text(strip=True) == "Check your answers"
    check = {"surname": "Lovelace"}
    first = wizard.client.post("/register/check/surname", data=check, headers=HTMX)
    assert first.status_code == 200
    limited = wizard.client.post("/register/check/surname", data=check, headers=HTMX)
    assert retry_after(limited) <= 60


def test_username_probes_are_counted_per_client_address(make_app):
    client = make_app(RATELIMIT_USERNAME_CHECK="1 per minute").test_client()
    for address in ("192.0.2.1", "192.0.2.2"):
        response = client.post(
            "/register/check/username",
            data={"username": unique()},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200
    response = client.post(
        "/register/check/username",
        data={"username": unique()},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    retry_after(response)


# --- the API per key alone --------------------------------------------------------------------


def test_each_key_counts_against_its_own_budget_alone(make_app):
    """Credentialed posts count only against RATELIMIT_API per key (contract section 15): a
    tenant's keys never spend each other's budget, even with a tenant-wide limit configured."""
    app = make_app(TENANTS, RATELIMIT_API="2 per minute", RATELIMIT_API_TENANT="1 per minute")
    client = app.test_client()
    keys = [bearer(app) for _ in range(3)]
    for _ in range(2):
        for headers in keys:
            assert client.post(CUSTOMERS, json=valid_customer(), headers=headers).status_code == 201
    limited = client.post(CUSTOMERS, json=valid_customer(), headers=keys[0])
    retry_after(limited)
    as_fault(limited)
    assert client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app)).status_code == 201


def test_public_requests_are_not_counted_against_a_key(make_app):
    app = make_app(TENANTS, RATELIMIT_API="1 per minute")
    client = app.test_client()
    for _ in range(2):
        assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app)).status_code == 201


@pytest.mark.parametrize("enabled", [True, False])
def test_with_the_limits_off_a_view_is_called_without_the_limiters_wrapper(
    make_app, monkeypatch, enabled
):
    from webapp.extensions import limiter

    app = make_app(RATELIMIT_ENABLED=enabled)
    looked = []
    check_request_limit = limiter._check_request_limit

    def counted(*args, **kwargs):
        looked.append(args)
        return check_request_limit(*args, **kwargs)

    monkeypatch.setattr(limiter, "_check_request_limit", counted)
    response = app.test_client().post("/register/check/surname", data={"surname": "Lovelace"})
    assert response.status_code == 200
    assert bool(looked) is enabled


def test_retry_after_is_the_time_left_in_the_window_not_its_length(make_app):
    # The store's own clock counts (Redis keeps the window's expiry), so time really passes.
    app = make_app(TENANTS, RATELIMIT_PUBLIC_API="1 per minute")
    client = app.test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    time.sleep(3)
    waited = retry_after(client.post(CUSTOMERS, json=valid_customer()))
    assert 45 <= waited <= 57  # the window's length would say 59 or 60


def test_a_budget_of_several_windows_says_when_all_of_them_take_a_request(make_app):
    app = make_app(TENANTS, RATELIMIT_PUBLIC_API="1 per 2 seconds; 2 per hour")
    client = app.test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    assert retry_after(client.post(CUSTOMERS, json=valid_customer())) <= 2
    time.sleep(2.2)
    # The refused request spent nothing of the hour: the second of its two is taken.
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    # Both windows are spent now: the hour's decides, though the two seconds' refuses first.
    waited = retry_after(client.post(CUSTOMERS, json=valid_customer()))
    assert 3000 <= waited <= 3600
