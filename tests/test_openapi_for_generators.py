"""The OpenAPI document as client generators and documentation viewers read it (contract sections
4 and 15): a server, a working example for every operation, and schemas that make strict types.
The generators themselves run in test_vendor_client_packages.py (slow)."""

import pytest
from conftest import bearer
from jsonschema import Draft202012Validator


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").get_json()


def _valid(document, schema, instance):
    validator = Draft202012Validator({**schema, "components": document["components"]})
    return [error.message for error in validator.iter_errors(instance)]


def test_there_is_a_server(document):
    assert document["servers"] == [{"url": "/", "description": "This service"}]


def test_every_operation_has_a_working_example_request_and_answer(document):
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) == 6
    for path, method, operation in operations:
        answers = [a for status, a in operation["responses"].items() if status.startswith("2")]
        bodies = [
            *operation.get("requestBody", {}).get("content", {}).items(),
            *(item for answer in answers for item in answer.get("content", {}).items()),
        ]
        path_parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        assert bodies or path_parameters, (path, method)  # something to show
        for media, content in bodies:
            assert "example" in content, (path, method, media)
            if "json" in media:
                assert _valid(document, content["schema"], content["example"]) == [], (path, media)
        for parameter in path_parameters:
            assert "example" in parameter, (path, method, parameter["name"])


def _schemas_in(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas_in(value)


def test_no_enum_holds_null_and_every_enum_is_named_once(document):
    # A null in an enum, or one enum written out at each use, makes generators emit a type each.
    enums = [
        tuple(node["enum"])
        for node in _schemas_in(document["components"])
        if isinstance(node.get("enum"), list)
    ]
    assert enums and all(None not in values for values in enums)
    assert len(enums) == len(set(enums))


@pytest.mark.parametrize(
    "name",
    [
        "Customer",
        "StoredConsents",
        "StoreProfile",
        "OnlineOrderingCustomerResults",
        "WebStoreError",
    ],
)
def test_response_schemas_require_every_member(document, name):
    schema = document["components"]["schemas"][name]
    assert set(schema["required"]) == set(schema["properties"])


def test_required_strings_are_not_empty(document):
    schemas = document["components"]["schemas"]
    for name in ("NewCustomer", "Address", "WebStoreCustomer", "OnlineOrderingInRegistration"):
        for member in schemas[name]["required"]:
            schema = schemas[name]["properties"][member]
            if schema.get("type") == "string":
                assert schema.get("minLength", 0) >= 1, (name, member)


def _example_body(document, path, method, media="application/json"):
    return document["paths"][path][method]["requestBody"]["content"][media]["example"]


def test_the_registration_examples_can_each_be_sent_as_served_and_again(app, client):
    # "Try it out" sends the example as it stands: each reader of the document gets an example
    # person of their own, so that no door's example (nor the XML one beside the JSON one) finds
    # another's customer taken.
    credentials = bearer(app)
    for _ in range(2):
        document = client.get("/api/openapi.json").get_json()
        created = client.post(
            "/api/v1/customers",
            json=_example_body(document, "/api/v1/customers", "post"),
            headers=credentials,
        )
        assert created.status_code == 201, created.get_json()
        put = client.put(
            "/v1/Customers",
            json=_example_body(document, "/v1/Customers", "put"),
            headers=credentials,
        )
        assert put.status_code == 200, put.get_json()
        put_xml = client.put(
            "/v1/Customers",
            data=_example_body(document, "/v1/Customers", "put", "application/xml"),
            content_type="application/xml",
            headers=credentials,
        )
        assert put_xml.status_code == 200, put_xml.get_data(as_text=True)
        assert client.get("/api/openapi.json").headers["Cache-Control"] == "no-store"
