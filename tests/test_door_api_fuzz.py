"""No body, however malformed, makes the JSON API fail: every answer is a 201 or a fault."""

import pytest
from conftest import CUSTOMERS, valid_customer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.registration.fields import NAMES as FIELDS

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=40)
    | st.floats(allow_nan=False, allow_infinity=False)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=8,
)
addresses = st.lists(
    st.dictionaries(st.sampled_from(ADDRESS_PARTS) | st.text(max_size=8), values, max_size=6),
    max_size=2,
)
consents = st.dictionaries(
    st.sampled_from(["consentIds", "contactMethods"]) | st.text(max_size=8),
    st.lists(st.sampled_from(["terms", "privacy", "email", ""]) | values, max_size=3) | values,
    max_size=3,
)
attributes = st.lists(
    st.dictionaries(st.sampled_from(["name", "value"]), values, max_size=2), max_size=3
)
changes = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=12),
    values | addresses | consents | attributes,
    max_size=6,
)


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=st.builds(valid_customer), changed=changes)
def test_any_json_object_is_answered_with_a_customer_or_faults(client, base, changed):
    response = client.post(CUSTOMERS, json={**base, **changed})
    body = response.get_json()
    if response.status_code == 201:
        assert body["customerId"]
    else:
        assert 400 <= response.status_code < 500, body
        assert body["faults"] and body["faultCode"] == body["faults"][0]["faultCode"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_any_bytes_are_answered_with_a_fault(client, data):
    response = client.post(CUSTOMERS, data=data, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.get_json()["faults"]
