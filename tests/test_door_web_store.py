"""The web-store API's dialect, `POST /api/v3/<storeId>/customers` (contract section 8): the
store's key, the web-store API's Customer, `{"id": <customer number>}`, and the web-store API's
error statuses and body."""

import json

import pytest
from conftest import STRONG_PASSWORD, bearer, hmac_headers, make_api_key, stored_customer, unique
from openapi_spec_validator import validate

from webapp import registration
from webapp.extensions import db
from webapp.models import Customer
from webapp.registration.passwords import verify_secret

TENANTS = """
[tenants.acme]
store_id = 1001

[tenants.other]
store_id = 2002

[tenants.plain]
store_id = 3003
[[tenants.plain.consents]]
id = "terms"
label = "Terms"
mandatory = true

[tenants.shut]
store_id = 4004
registration_open = false

[tenants.nomail]
store_id = 5005
contact_methods = ["sms", "post"]
"""
URL = "/api/v3/1001/customers"


@pytest.fixture
def auth(app):
    return bearer(app, "acme")


def customer_body(**changes):
    """A web-store API Customer that registers cleanly; keyword arguments replace or (None)
    drop."""
    body = {
        "email": f"{unique()}@example.com",
        "password": STRONG_PASSWORD,
        "customerGroupId": 7,
        "billingPerson": {
            "name": "Ada Lovelace",
            "companyName": "Engines Ltd",
            "street": "12 St James's Square",
            "city": "London",
            "countryCode": "GB",
            "postalCode": "SW1Y 4JH",
            "stateOrProvinceCode": "LND",
            "phone": "+44 7911 123456",
        },
        "shippingAddresses": [
            {
                "id": 1,
                "name": "Ada Lovelace",
                "street": "1 Dock Rd",
                "city": "Leeds",
                "countryCode": "GB",
                "postalCode": "LS1 1AA",
            }
        ],
        "taxId": "GB123456789",
        "taxIdValid": True,
        "b2b_b2c": "b2b",
        "fiscalCode": "F-1",
        "taxExempt": False,
        "acceptMarketing": True,
        "lang": "en",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def post(client, auth, body, url=URL, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, data=data, headers={**auth, "Content-Type": content_type})


def stored(app, number):
    return stored_customer(app, number=number)


def error_of(response):
    body = response.get_json()
    assert set(body) == {"errorMessage"}
    return body["errorMessage"]


# --- 200 ------------------------------------------------------------------------------------------


def test_customer_is_stored_and_answered_with_its_number(app, client, auth):
    body = customer_body()
    response = post(client, auth, body)
    assert response.status_code == 200
    answer = response.get_json()
    assert set(answer) == {"id"} and isinstance(answer["id"], int)
    customer = stored(app, answer["id"])
    assert (customer.tenant, customer.door, customer.source) == ("acme", "web_store", "USER")
    assert (customer.username, customer.email) == (body["email"], body["email"])
    assert (customer.display_name, customer.phone, customer.language) == (
        "Ada Lovelace",
        "+44 7911 123456",
        "en",
    )
    assert customer.address == {
        "addressLine1": "12 St James's Square",
        "addressLine2": None,
        "city": "London",
        "region": "LND",
        "postcode": "SW1Y 4JH",
        "countryCode": "GB",
    }
    assert customer.extra == {
        "customerGroupId": 7,
        "shippingAddresses": body["shippingAddresses"],
        "taxId": "GB123456789",
        "taxIdValid": True,
        "b2b_b2c": "b2b",
        "fiscalCode": "F-1",
        "taxExempt": False,
        "billingPerson": {"companyName": "Engines Ltd"},
    }
    assert customer.contact_methods == ["email"]
    with app.app_context():
        assert verify_secret(customer.password_hash, STRONG_PASSWORD)


def test_email_alone_is_enough_and_no_password_is_stored(app, client, auth):
    response = post(client, auth, {"email": f"{unique()}@example.com"})
    assert response.status_code == 200
    customer = stored(app, response.get_json()["id"])
    assert (customer.password_hash, customer.surname, customer.address) == (None, None, None)


def consent_ids(app, response):
    return sorted(r.consent_id for r in stored(app, response.get_json()["id"]).consents)


@pytest.mark.parametrize(
    "accept, consents",
    [
        (True, ["marketing", "privacy", "terms"]),
        (False, ["privacy", "terms"]),
        (None, ["privacy", "terms"]),
    ],
)
def test_accept_marketing_records_the_marketing_consent(app, client, auth, accept, consents):
    response = post(client, auth, customer_body(acceptMarketing=accept))
    assert consent_ids(app, response) == consents
    assert "acceptMarketing" not in stored(app, response.get_json()["id"]).extra


def test_accept_marketing_is_kept_where_the_tenant_has_no_marketing_consent(app, client):
    response = post(client, bearer(app, "plain"), customer_body(), url="/api/v3/3003/customers")
    assert consent_ids(app, response) == ["terms"]
    assert stored(app, response.get_json()["id"]).extra["acceptMarketing"] is True


def test_tenant_without_email_as_a_contact_method_registers_with_none(app, client):
    response = post(client, bearer(app, "nomail"), customer_body(), url="/api/v3/5005/customers")
    assert response.status_code == 200
    assert stored(app, response.get_json()["id"]).contact_methods == []


def test_text_json_is_accepted(client, auth):
    assert post(client, auth, customer_body(), content_type="text/json").status_code == 200


def test_hmac_signed_request_is_accepted(app, client):
    key_id, secret = make_api_key(app, "acme")
    data = json.dumps(customer_body()).encode()
    headers = {
        **hmac_headers(key_id, secret, "POST", URL, data),
        "Content-Type": "application/json",
    }
    response = client.post(URL, data=data, headers=headers)
    assert stored(app, response.get_json()["id"]).source == "HMAC"


@pytest.mark.parametrize("lang", ["fr", "pt-BR", "pt_BR", "fil", "zh-Hant-TW"])
def test_language_codes_are_kept(app, client, auth, lang):
    response = post(client, auth, customer_body(lang=lang))
    assert stored(app, response.get_json()["id"]).language == lang


# --- 400 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"email": None}, "email"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"b2b_b2c": "b2x"}, "b2b_b2c"),
        ({"b2b_b2c": "B2B"}, "b2b_b2c"),
        ({"lang": "english please"}, "lang"),
        ({"lang": "xx"}, "lang"),
        ({"lang": "en-" + "a" * 14}, "lang"),
        ({"taxExempt": "yes"}, "taxExempt"),
        ({"taxIdValid": 1}, "taxIdValid"),
        ({"acceptMarketing": "true"}, "acceptMarketing"),
        ({"customerGroupId": "7"}, "customerGroupId"),
        ({"customerGroupId": 7.5}, "customerGroupId"),
        ({"customerGroupId": 2**63}, "customerGroupId"),
        ({"customerGroupId": 10**30}, "customerGroupId"),
        ({"shippingAddresses": [{"id": -(2**63) - 1}]}, "shippingAddresses[0].id"),
        ({"taxId": 123}, "taxId"),
        ({"billingPerson": "Ada"}, "billingPerson"),
        ({"shippingAddresses": {"id": 1}}, "shippingAddresses"),
        ({"shippingAddresses": [{"id": 1, "door": "red"}]}, "shippingAddresses[0].door"),
        ({"shippingAddresses": [None]}, "shippingAddresses[0]"),
        ({"isAdmin": True}, "isAdmin"),
    ],
)
def test_invalid_members_are_400_naming_them(app, client, auth, changes, named):
    response = post(client, auth, customer_body(**changes))
    assert response.status_code == 400
    assert error_of(response).startswith(f"{named}: ")
    with app.app_context():
        assert db.session.query(Customer).count() == 0


def test_an_integer_too_long_for_python_is_refused_naming_its_member(client, auth):
    data = json.dumps(customer_body(customerGroupId=0))
    data = data.replace('"customerGroupId": 0', '"customerGroupId": ' + "7" * 5000)
    response = post(client, auth, data.encode())
    assert response.status_code == 400
    assert error_of(response).startswith("customerGroupId: ")


@pytest.mark.parametrize(
    "person, named",
    [
        ({"postalCode": "XYZ"}, "billingPerson.postalCode: Postcode provided is incorrect"),
        ({"postalCode": None}, "billingPerson.postalCode: Postcode provided is incorrect"),
        ({"city": None}, "billingPerson.city: "),
        ({"street": None}, "billingPerson.street: "),
        ({"countryCode": "ZZ"}, "billingPerson.countryCode: "),
        ({"phone": "12"}, "billingPerson.phone: "),
        ({"name": "n" * 101}, "billingPerson.name: "),
        ({"stateOrProvinceCode": "s" * 101}, "billingPerson.stateOrProvinceCode: "),
        ({"fax": "1"}, "billingPerson.fax: Is not a known field"),
    ],
)
def test_billing_person_is_checked_like_an_address(client, auth, person, named):
    billing = {**customer_body()["billingPerson"], **person}
    billing = {key: value for key, value in billing.items() if value is not None}
    response = post(client, auth, customer_body(billingPerson=billing))
    assert response.status_code == 400
    assert error_of(response).startswith(named)


@pytest.mark.parametrize(
    "address, named",
    [
        ({"postalCode": "ZZZ"}, "shippingAddresses[0].postalCode: Postcode provided is incorrect"),
        ({"postalCode": None}, "shippingAddresses[0].postalCode: Postcode provided is incorrect"),
        ({"street": None}, "shippingAddresses[0].street: "),
        ({"countryCode": "ZZ"}, "shippingAddresses[0].countryCode: "),
        ({"phone": "12"}, "shippingAddresses[0].phone: "),
        ({"name": "n" * 101}, "shippingAddresses[0].name: "),
        ({"companyName": "c" * 101}, "shippingAddresses[0].companyName: "),
        ({"city": "Leeds\u0000"}, "shippingAddresses[0].city: "),
    ],
)
def test_each_shipping_address_is_checked_like_the_billing_person(
    app, client, auth, address, named
):
    shipping = {**customer_body()["shippingAddresses"][0], **address}
    shipping = {key: value for key, value in shipping.items() if value is not None}
    response = post(client, auth, customer_body(shippingAddresses=[shipping]))
    assert response.status_code == 400
    assert error_of(response).startswith(named)
    with app.app_context():
        assert db.session.query(Customer).count() == 0


def test_every_shipping_address_is_checked_and_named_by_its_index(client, auth):
    good = customer_body()["shippingAddresses"][0]
    bad = {**good, "postalCode": "ZZZ", "phone": "12"}
    response = post(client, auth, customer_body(shippingAddresses=[good, bad, {"id": 3}, bad]))
    message = error_of(response)
    assert [problem.split(": ")[0] for problem in message.split("; ")] == [
        "shippingAddresses[1].postalCode",
        "shippingAddresses[1].phone",
        "shippingAddresses[3].postalCode",
        "shippingAddresses[3].phone",
    ]
    assert message.startswith("shippingAddresses[1].postalCode: Postcode provided is incorrect")


def test_at_most_100_shipping_addresses_are_taken(app, client, auth):
    addresses = [{"id": index} for index in range(101)]
    response = post(client, auth, customer_body(shippingAddresses=addresses))
    assert response.status_code == 400
    assert error_of(response) == "shippingAddresses: At most 100 addresses are allowed"
    assert post(client, auth, customer_body(shippingAddresses=addresses[:100])).status_code == 200


@pytest.mark.parametrize(
    "member, limit", [("taxId", 50), ("fiscalCode", 50), ("billingPerson.companyName", 100)]
)
def test_kept_free_text_has_a_limit_and_no_control_characters(app, client, auth, member, limit):
    def body(value):
        if member.startswith("billingPerson."):
            person = customer_body()["billingPerson"]
            return customer_body(billingPerson={**person, "companyName": value})
        return customer_body(**{member: value})

    assert post(client, auth, body("x" * limit)).status_code == 200
    for value in ("x" * (limit + 1), "x" * 5000, "GB\u00001", "GB\n1"):
        response = post(client, auth, body(value))
        assert response.status_code == 400
        assert error_of(response).startswith(f"{member}: ")
    with app.app_context():
        assert db.session.query(Customer).count() == 1


def test_kept_text_is_trimmed(app, client, auth):
    body = customer_body(taxId=" GB123456789\n", fiscalCode="\tF-1 ")
    body["billingPerson"]["companyName"] = " Engines Ltd "
    body["shippingAddresses"][0]["city"] = "Leeds "
    response = post(client, auth, body)
    extra = stored(app, response.get_json()["id"]).extra
    assert (extra["taxId"], extra["fiscalCode"], extra["billingPerson"]) == (
        "GB123456789",
        "F-1",
        {"companyName": "Engines Ltd"},
    )
    assert extra["shippingAddresses"][0]["city"] == "Leeds"


def test_billing_person_without_an_address_needs_none(app, client, auth):
    response = post(
        client, auth, customer_body(billingPerson={"name": "Ada", "phone": "+44 7911 123456"})
    )
    assert response.status_code == 200
    assert stored(app, response.get_json()["id"]).address is None


def test_every_problem_is_in_the_message_in_body_order(client, auth):
    response = post(
        client,
        auth,
        customer_body(
            lang="??",
            email="nope",
            billingPerson={
                "street": "1 High St",
                "city": "London",
                "countryCode": "GB",
                "postalCode": "XYZ",
            },
        ),
    )
    message = error_of(response)
    assert (
        message.index("email: ")
        < message.index("billingPerson.postalCode: ")
        < message.index("lang: ")
    )


@pytest.mark.parametrize("data", [b"{", b"[]", b"null", b"\xff"])
def test_malformed_body_is_400(client, auth, data):
    response = post(client, auth, data)
    assert response.status_code == 400
    assert error_of(response)


def test_closed_registration_is_400(app, client):
    response = post(client, bearer(app, "shut"), customer_body(), url="/api/v3/4004/customers")
    assert response.status_code == 400
    assert error_of(response) == "Registration cannot be completed at this time"


# --- 409, 415, 413, 500 ---------------------------------------------------------------------------


def test_taken_email_is_409(client, auth):
    body = customer_body()
    assert post(client, auth, body).status_code == 200
    response = post(client, auth, customer_body(email=body["email"].upper()))
    assert response.status_code == 409
    assert error_of(response) == "email: Email provided already exists"


def test_same_email_in_another_store_is_not_taken(app, client, auth):
    body = customer_body()
    assert post(client, auth, body).status_code == 200
    other = post(client, bearer(app, "other"), body, url="/api/v3/2002/customers")
    assert other.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_other_content_types_are_415(client, auth, content_type):
    response = post(client, auth, customer_body(), content_type=content_type)
    assert response.status_code == 415
    assert error_of(response) == "Content-Type is not supported"


def test_body_over_64_kib_is_413(client, auth):
    response = post(client, auth, b" " * (64 * 1024 + 1))
    assert response.status_code == 413
    assert error_of(response)


def test_unexpected_error_is_500_without_a_trace(client, auth, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registration, "register", broken)
    response = post(client, auth, customer_body())
    assert response.status_code == 500
    assert error_of(response) == "System Failure, please try again later"


# --- 401, 403, 404, 429 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer key_nope.nope"}, {"Authorization": "Token abc"}]
)
def test_missing_or_bad_credentials_are_401(client, headers):
    response = post(client, headers, customer_body())
    assert response.status_code == 401
    assert error_of(response) == "Credentials are missing or invalid"


def test_another_tenants_key_is_403(app, client):
    response = post(client, bearer(app, "other"), customer_body())
    assert response.status_code == 403
    assert error_of(response)
    with app.app_context():
        assert db.session.query(Customer).count() == 0


@pytest.mark.parametrize("store", ["9999", "abc", "1001.0", "-1001"])
def test_unknown_store_is_404(client, auth, store):
    response = post(client, auth, customer_body(), url=f"/api/v3/{store}/customers")
    assert response.status_code == 404
    assert error_of(response) == "Tenant does not exist"


def test_rate_limit_is_429_with_retry_after(make_app):
    app = make_app(TENANTS, RATELIMIT_API="1 per minute")
    client = app.test_client()
    auth = bearer(app, "acme")
    assert post(client, auth, customer_body()).status_code == 200
    response = post(client, auth, customer_body())
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert error_of(response)


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_describes_the_dialect(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    post = document["paths"]["/api/v3/{storeId}/customers"]["post"]
    assert set(post["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "429",
        "500",
    }
    customer = document["components"]["schemas"]["WebStoreCustomer"]
    assert customer["required"] == ["email"]
    read_only = {name for name, schema in customer["properties"].items() if schema.get("readOnly")}
    assert read_only == {
        "id",
        "registered",
        "updated",
        "totalOrderCount",
        "customerGroupName",
        "stats",
    }
    assert set(customer["properties"]) - read_only == set(customer_body()) | {"billingPerson"}
    # An enum, or null for left out: one enum type to a client generator, not one per branch.
    assert customer["properties"]["b2b_b2c"]["anyOf"] == [
        {"$ref": "#/components/schemas/WebStoreOrderType"},
        {"type": "null"},
    ]
    assert document["components"]["schemas"]["WebStoreOrderType"]["enum"] == ["b2b", "b2c"]
    assert customer["properties"]["taxId"]["maxLength"] == 50
    assert customer["properties"]["shippingAddresses"]["maxItems"] == 100
    schemas = document["components"]["schemas"]
    shipping = schemas["WebStoreShippingAddress"]["properties"]
    assert {name: shipping[name] for name in schemas["WebStorePerson"]["properties"]} == schemas[
        "WebStorePerson"
    ]["properties"]


@pytest.mark.parametrize(
    "method, url, status",
    [("GET", URL, 405), ("PUT", URL, 405), ("GET", "/api/v3/1001/orders", 404)],
)
def test_an_unknown_method_or_path_is_a_web_store_error(client, auth, method, url, status):
    response = client.open(url, method=method, headers=auth)
    assert response.status_code == status
    assert error_of(response)
