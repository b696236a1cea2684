"""The OpenAPI 3.1 document of the JSON doors at /api/openapi.json (section 4)."""

import re
import types

import pytest
from conftest import CUSTOMERS, valid_customer
from openapi_spec_validator import validate

from webapp.doors import openapi
from webapp.faults import BY_CODE


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_both_json_api_routes_are_described(document):
    assert set(document["paths"][CUSTOMERS]) == {"post"}
    assert set(document["paths"][CUSTOMERS + "/{customerId}"]) == {"get", "delete"}
    post = document["paths"][CUSTOMERS]["post"]
    assert {"201", "400", "401", "404", "409", "413", "415", "422", "429", "500"} <= set(
        post["responses"]
    )
    assert {p["name"] for p in post["parameters"]} == {"tenant", "Idempotency-Key", "X-Altcha"}


def test_every_rate_limited_operation_documents_its_429_and_every_one_its_500(app, document):
    # A generated client raises on a status its document leaves out, rather than return a Fault.
    urls = app.url_map.bind("localhost")
    limited = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            url = re.sub(r"\{[^}]+\}", "1", path)
            endpoint, _ = urls.match(url, method=method.upper())
            view = app.view_functions[endpoint]
            if hasattr(view, "limited"):  # under one of webapp.auth.ratelimits' decorators
                limited.append(f"{method} {path}")
                assert "429" in operation["responses"], f"{method} {path}"
                assert "Retry-After" in operation["responses"]["429"]["headers"]
            assert "500" in operation["responses"], f"{method} {path}"
    assert "get /api/v1/challenge" in limited and len(limited) == 6


def test_the_challenge_s_401_for_a_tenant_without_public_registration_is_documented(make_app):
    client = make_app("[tenants.private]\npublic_registration = false\n").test_client()
    answer = client.get("/api/v1/challenge?tenant=private")
    assert answer.status_code == 401
    document = client.get("/api/openapi.json").get_json()
    assert "401" in document["paths"]["/api/v1/challenge"]["get"]["responses"]


def test_every_401_documents_its_www_authenticate_header(document):
    answered = [
        (f"{method} {path}", operation["responses"]["401"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "401" in operation["responses"]
    ]
    assert len(answered) >= 4  # the registration, its read and erasure, both dialects
    for name, response in answered:
        assert "WWW-Authenticate" in response.get("headers", {}), name


def test_security_schemes_are_bearer_and_the_hmac_headers(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert {schemes[name]["name"] for name in ("hmacKeyId", "hmacTimestamp", "hmacSignature")} == {
        "X-Key-Id",
        "X-Timestamp",
        "X-Signature",
    }
    post = document["paths"][CUSTOMERS]["post"]
    assert {} in post["security"]  # public registration needs no credentials
    get = document["paths"][CUSTOMERS + "/{customerId}"]["get"]
    assert {} not in get["security"]


def test_the_customer_schema_carries_the_section_2_limits(document):
    schemas = document["components"]["schemas"]
    new = schemas["NewCustomer"]
    assert set(new["required"]) == {"username", "password", "email", "title", "surname"}
    limits = {name: schema.get("maxLength") for name, schema in new["properties"].items()}
    assert limits == {
        "externalId": 200,
        "username": 200,
        "password": 200,
        "email": 200,
        "title": 20,
        "forename": 50,
        "surname": 50,
        "dateOfBirth": None,
        "phone": 20,
        "mobile": 20,
        "addresses": None,
        "consents": None,
        "customAttributes": None,
        "displayName": 100,
        "customerType": 64,
        "currency": None,
        "gender": 20,
        "nationality": None,
    }
    assert new["properties"]["addresses"]["maxItems"] == 1
    address = schemas["Address"]
    assert set(address["required"]) == {"addressLine1", "city", "countryCode"}
    assert {name: s.get("maxLength") for name, s in address["properties"].items()} == {
        "addressLine1": 100,
        "addressLine2": 100,
        "city": 100,
        "region": 100,
        "postcode": 20,
        "countryCode": None,
    }


def test_the_stored_customer_schema_matches_what_the_api_returns(client, document):
    returned = client.post(CUSTOMERS, json=valid_customer()).get_json()
    described = document["components"]["schemas"]["Customer"]["properties"]
    assert set(described) == set(returned)
    assert "password" not in described


def test_the_fault_schema_lists_every_fault_code(document):
    schemas = document["components"]["schemas"]
    assert schemas["Fault"]["properties"]["faultCode"] == {"$ref": "#/components/schemas/FaultCode"}
    assert schemas["FaultCode"]["enum"] == sorted(BY_CODE)


def test_a_door_modules_own_paths_and_schemas_are_merged():
    part = types.SimpleNamespace(
        OPENAPI_PATHS={
            "/v9/Things": {
                "put": {
                    "responses": {
                        "200": {"description": "ok"},
                        "500": openapi.fault_response("90061"),
                    }
                }
            }
        },
        OPENAPI_SCHEMAS={"Thing": {"type": "object"}},
    )
    from webapp.doors.dialects.web_store import views as web_store  # holds StoreProfile

    document = openapi.build([web_store, part])
    assert "/v9/Things" in document["paths"] and CUSTOMERS in document["paths"]
    assert document["components"]["schemas"]["Thing"] == {"type": "object"}
    validate(document)


def test_every_door_registers_its_part(document):
    assert {"/v1/Customers", "/api/v3/{storeId}/customers", "/api/v1/challenge"} <= set(
        document["paths"]
    )


def test_the_document_is_served_without_credentials_or_csrf(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.get("/api/openapi.json").status_code == 200
