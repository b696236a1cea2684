"""Property tests on every JSON and XML door: whatever the body, the answer is a success or a fault
the OpenAPI document lists for that door, never a 5xx; and a customer a door accepted reads back
through `GET /api/v1/customers/<id>` as it was sent. (test_door_api_fuzz.py throws malformed JSON
API bodies and bytes at the JSON API.)"""

import json
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from conftest import CUSTOMERS, STRONG_PASSWORD, make_api_key, unique, valid_customer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from webapp.extensions import db
from webapp.faults import BY_CODE
from webapp.models import Customer

TENANTS = """
[tenants.default]
store_id = 7
"""
pytestmark = pytest.mark.slow  # 150 generated bodies a door
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INBOUND = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Inbound"
MODELS = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Models.v1"
RESPONSE = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Models.v1.Response"
FAULTS = "urn:registration-service:faults:v1"

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.floats(allow_nan=False, allow_infinity=False)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)
# Text that a person might type, or anything at all.
texts = st.sampled_from(
    [
        "",
        "  Ada  ",
        "<b>x</b>",
        "O'Brien; --",
        "Zoë",
        "+44 7911 123456",
        "1990-03-27",
        "1990-03-27T00:00:00",
    ]
) | st.text(max_size=40)
# Free-text fields of section 2 with their limits, a few characters past them to cross them.
FREE_TEXT = {"title": 20, "forename": 50, "surname": 50, "displayName": 100, "gender": 20}


@pytest.fixture
def app(make_app):
    return make_app(TENANTS, RATELIMIT_ENABLED=False)


@pytest.fixture
def auth(app):
    key_id, secret = make_api_key(app)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


@pytest.fixture
def documented(client):
    """documented(path, method): the statuses the OpenAPI document lists for an operation."""
    paths = client.get("/api/openapi.json").get_json()["paths"]
    return lambda path, method: {int(status) for status in paths[path][method]["responses"]}


def answered(response, documented_statuses):
    """A documented status, never a 5xx; counted in hypothesis' statistics."""
    event(f"status {response.status_code}")
    assert response.status_code in documented_statuses - {500}, response.get_data(as_text=True)


def assert_json_faults(response):
    body = response.get_json()
    assert body["faults"] and body["faultCode"] == body["faults"][0]["faultCode"], body
    assert all(item["faultCode"] in BY_CODE for item in body["faults"]), body
    assert response.status_code == BY_CODE[body["faultCode"]].status


def read_back(client, auth, customer_id):
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=auth)
    assert response.status_code == 200
    return response.get_json()


def typed(value):
    """What a text field stores: the value trimmed, or nothing."""
    return value.strip() or None


# --- POST /api/v1/customers -------------------------------------------------------------------


@SETTINGS
@given(
    base=st.builds(valid_customer),
    changed=st.fixed_dictionaries(
        {}, optional={name: st.text(max_size=limit + 3) for name, limit in FREE_TEXT.items()}
    ),
    keyed=st.booleans(),
)
def test_api_answers_a_fault_or_a_customer_that_reads_back_as_sent(
    client, auth, documented, base, changed, keyed
):
    response = client.post(CUSTOMERS, json={**base, **changed}, headers=auth if keyed else {})
    answered(response, documented("/api/v1/customers", "post"))
    if response.status_code != 201:
        assert_json_faults(response)
        return
    created = response.get_json()
    assert read_back(client, auth, created["customerId"]) == created
    for name, value in changed.items():
        assert created[name] == typed(value), name
    assert created["source"] == ("USER" if keyed else "CUSTOMER")


# --- PUT /v1/Customers, JSON and XML ----------------------------------------------------------


def in_registration():
    return {
        "Customer": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "EMail": f"{unique()}@example.com",
            "Phone": "+44 7911 123456",
            "BirthDate": "1990-03-27T00:00:00",
        },
        "Password": STRONG_PASSWORD,
        "SecurityQuestion": "First pet?",
        "SecurityAnswer": "Rex",
    }


CUSTOMER_MEMBERS = ["FirstName", "LastName", "EMail", "Phone", "BirthDate"]
MEMBERS = ["Customer", "Password", "SecurityQuestion", "SecurityAnswer", "Channel"]
# Known members with text (often taken), or any member with any JSON value.
customer_changes = st.dictionaries(
    st.sampled_from(CUSTOMER_MEMBERS), texts, max_size=2
) | st.dictionaries(st.sampled_from(CUSTOMER_MEMBERS) | st.text(max_size=8), values, max_size=3)
member_changes = st.dictionaries(st.sampled_from(MEMBERS[1:]), texts, max_size=1) | st.dictionaries(
    st.sampled_from(MEMBERS) | st.text(max_size=8), values, max_size=2
)


def assert_reads_back_as_online_ordering_sent(client, auth, customer_id, sent):
    stored = read_back(client, auth, customer_id)
    assert stored["email"] == stored["username"] == sent["EMail"].strip()
    assert stored["forename"] == typed(sent.get("FirstName") or "")
    assert stored["surname"] == typed(sent["LastName"])
    assert stored["source"] == "USER"


@SETTINGS
@given(base=st.builds(in_registration), customer=customer_changes, members=member_changes)
def test_online_ordering_json_answers_a_fault_or_a_customer_that_reads_back(
    client, auth, documented, base, customer, members
):
    body = {**base, **members, "Customer": {**base["Customer"], **customer}}
    response = client.put("/v1/Customers", json=body, headers=auth)
    answered(response, documented("/v1/Customers", "put"))
    if response.status_code != 200:
        assert_json_faults(response)
        return
    assert_reads_back_as_online_ordering_sent(
        client, auth, response.get_json()["CustomerId"], body["Customer"]
    )


xml_names = st.sampled_from(CUSTOMER_MEMBERS) | st.from_regex(
    r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True
)


def to_xml(body):
    """InRegistration as the online-ordering API writes it; text is escaped, but may hold what XML
    cannot."""

    def element(namespace, name, value):
        if isinstance(value, dict):
            inner = "".join(element(MODELS, key, item) for key, item in value.items())
            return f'<{name} xmlns="{namespace}">{inner}</{name}>'
        return f'<{name} xmlns="{namespace}">{escape(value)}</{name}>'

    inner = "".join(element(INBOUND, name, value) for name, value in body.items())
    return f'<InRegistration xmlns="{INBOUND}">{inner}</InRegistration>'.encode()


def xml_fault_codes(response):
    root = ET.fromstring(response.data)
    assert root.tag == f"{{{FAULTS}}}Fault"
    return [int(item.text) for item in root.iter(f"{{{FAULTS}}}FaultCode")]


@SETTINGS
@given(
    base=st.builds(in_registration),
    customer=st.dictionaries(xml_names, texts, max_size=3),
    members=st.dictionaries(st.sampled_from(MEMBERS[1:]) | xml_names, texts, max_size=2),
    content_type=st.sampled_from(["application/xml", "text/xml"]),
)
def test_online_ordering_xml_answers_an_xml_fault_or_a_customer_that_reads_back(
    client, auth, documented, base, customer, members, content_type
):
    body = {**base, **members, "Customer": {**base["Customer"], **customer}}
    response = client.put(
        "/v1/Customers", data=to_xml(body), content_type=content_type, headers=auth
    )
    answered(response, documented("/v1/Customers", "put"))
    assert response.mimetype == content_type
    if response.status_code != 200:
        codes = xml_fault_codes(response)
        assert codes and all(code in BY_CODE for code in codes)
        assert response.status_code == BY_CODE[codes[0]].status
        return
    customer_id = ET.fromstring(response.data).find(f"{{{RESPONSE}}}CustomerId").text
    assert_reads_back_as_online_ordering_sent(client, auth, customer_id, body["Customer"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_online_ordering_xml_takes_any_bytes_with_an_xml_fault(client, auth, data):
    response = client.put("/v1/Customers", data=data, content_type="text/xml", headers=auth)
    assert 400 <= response.status_code < 500
    assert xml_fault_codes(response)


# --- POST /api/v3/<storeId>/customers ---------------------------------------------------------

PERSON = [
    "name",
    "companyName",
    "street",
    "city",
    "countryCode",
    "postalCode",
    "stateOrProvinceCode",
    "phone",
]
WEB_STORE = [
    "password",
    "customerGroupId",
    "billingPerson",
    "shippingAddresses",
    "taxId",
    "taxIdValid",
    "b2b_b2c",
    "fiscalCode",
    "taxExempt",
    "acceptMarketing",
    "lang",
]


def web_store_customer():
    return {
        "email": f"{unique()}@example.com",
        "password": STRONG_PASSWORD,
        "billingPerson": {"name": "Ada Lovelace"},
        "lang": "en",
    }


@SETTINGS
@given(
    base=st.builds(web_store_customer),
    changed=st.dictionaries(
        st.sampled_from(WEB_STORE) | st.text(max_size=8), texts | values, max_size=3
    ),
    person=st.dictionaries(st.sampled_from(PERSON), texts | values, max_size=3),
)
def test_web_store_answers_an_error_message_or_a_customer_that_reads_back(
    app, client, auth, documented, base, changed, person
):
    body = {**base, **changed}
    if isinstance(body.get("billingPerson"), dict):
        body["billingPerson"] = {**body["billingPerson"], **person}
    response = client.post(
        "/api/v3/7/customers", data=json.dumps(body), content_type="application/json", headers=auth
    )
    answered(response, documented("/api/v3/{storeId}/customers", "post"))
    answer = response.get_json()
    if response.status_code != 200:
        assert set(answer) == {"errorMessage"} and answer["errorMessage"]
        return
    with app.app_context():
        customer_id = db.session.scalar(
            select(Customer.id).where(Customer.tenant == "default", Customer.number == answer["id"])
        )
    stored = read_back(client, auth, customer_id)
    assert stored["email"] == body["email"].strip()
    assert stored["customerNumber"] == answer["id"]
    person = body.get("billingPerson") or {}  # null counts as left out
    assert stored["displayName"] == typed(person.get("name") or "")
