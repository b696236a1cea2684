"""Schemathesis against the service's own OpenAPI document (`/api/openapi.json`): requests made
from every operation's schema, valid and invalid, each answered without a 5xx and as the document
says (status, content type, headers and body). At least 1,000 requests a run across the doors."""

import pytest
import schemathesis
from conftest import make_api_key, valid_customer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

TENANTS = """
[tenants.default]
store_id = 7
"""
OPERATIONS = [
    ("/api/v1/customers", "POST"),
    ("/api/v1/customers/{customerId}", "GET"),
    ("/v1/Customers", "PUT"),
    ("/api/v3/{storeId}/customers", "POST"),
]
pytestmark = pytest.mark.slow  # a thousand generated requests
MINIMUM = 1000 // len(OPERATIONS)  # requests per operation, for 1,000 a run
EXAMPLES = MINIMUM + 10  # hypothesis may stop a few short once it has seen enough
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def app(make_app):
    return make_app(TENANTS, RATELIMIT_ENABLED=False)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def accepted(app, operation, fixed):
    """Requests the service accepts, so that its successes are checked against the document
    too: a fresh valid customer each time, and an existing customer read back."""
    if operation.label == "POST /api/v1/customers":
        return [
            st.builds(valid_customer).flatmap(
                lambda body: operation.as_strategy(
                    GenerationMode.POSITIVE, body=body, headers=fixed["headers"]
                )
            )
        ]
    if operation.label == "GET /api/v1/customers/{customerId}":
        created = app.test_client().post("/api/v1/customers", json=valid_customer())
        return [
            operation.as_strategy(
                GenerationMode.POSITIVE,
                headers=fixed["headers"],
                path_parameters={"customerId": created.get_json()["customerId"]},
            )
        ]
    return []


@pytest.mark.parametrize("path, method", OPERATIONS)
def test_every_operation_answers_as_documented_and_never_with_a_5xx(app, api_schema, path, method):
    operation = api_schema[path][method]
    key_id, secret = make_api_key(app)
    # Valid credentials and the tenant's store, so that requests get past them to the bodies;
    # the doors' own tests cover missing and wrong ones.
    fixed = {
        "headers": {"Authorization": f"Bearer {key_id}.{secret}"},
        "path_parameters": {"storeId": 7} if "{storeId}" in path else None,
    }
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, **fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, **fixed),
        *accepted(app, operation, fixed),
    )
    sent = []

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=cases)
    def request(case):
        response = case.call()
        sent.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    request()
    assert len(sent) >= MINIMUM, len(sent)
