"""The online-ordering API's dialect, `PUT /v1/Customers` (contract section 7): query parameters,
InRegistration in JSON and XML, answers and faults in the format asked for, safe XML, credentials
and limits."""

import codecs
import json
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from conftest import (
    STRONG_PASSWORD,
    bearer,
    faults,
    hmac_headers,
    make_api_key,
    stored_customer,
    unique,
)
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import select

from webapp import registration
from webapp.extensions import db
from webapp.models import Customer, OutboxMessage
from webapp.registration.passwords import verify_secret

URL = "/v1/Customers"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
INBOUND = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Inbound"
MODELS = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Models.v1"
RESPONSE = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Models.v1.Response"
FAULTS = "urn:registration-service:faults:v1"
TENANTS = """
[tenants.quiet]
send_account_email = false

[tenants.closed]
registration_open = false

[tenants.lenient]
password_min_length = 1
password_min_score = 0

[tenants.nomail]
contact_methods = ["sms", "post"]

[tenants.club]
[[tenants.club.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
required = true
"""


@pytest.fixture
def auth(app):
    return bearer(app)


def registration_body(**customer):
    """An InRegistration that registers cleanly; Customer members replaced, or dropped by None."""
    email = f"{unique()}@example.com"
    members = {
        "FirstName": "Ada",
        "LastName": "Lovelace",
        "EMail": email,
        "Phone": "+44 7911 123456",
        "BirthDate": "1990-03-27T00:00:00",
        **customer,
    }
    return {
        "Customer": {k: v for k, v in members.items() if v is not None},
        "Password": STRONG_PASSWORD,
        "SecurityQuestion": "First pet's name?",
        "SecurityAnswer": "Rex",
        "Channel": "Web",
    }


def to_xml(body, customer_namespace=MODELS):
    """An InRegistration as XML, None written as i:nil; the prefixes are the parser's choice."""
    root = ET.Element(f"{{{INBOUND}}}InRegistration")
    for name, value in body.items():
        element = ET.SubElement(root, f"{{{INBOUND}}}{name}")
        if value is None:
            element.set(f"{{{XSI}}}nil", "true")
        elif isinstance(value, dict):
            for member, text in value.items():
                ET.SubElement(element, f"{{{customer_namespace}}}{member}").text = text
        else:
            element.text = value
    return ET.tostring(root)


def put(client, auth, body, query="", content_type="application/json", accept=None, **headers):
    data = to_xml(body) if "xml" in content_type and isinstance(body, dict) else body
    if isinstance(data, dict):
        data = json.dumps(data)
    if accept:
        headers["Accept"] = accept
    return client.put(
        URL + query, data=data, headers={**auth, "Content-Type": content_type, **headers}
    )


def stored(app, customer_id):
    return stored_customer(app, id=customer_id)


def xml_faults(response):
    root = ET.fromstring(response.data)
    assert root.tag == f"{{{FAULTS}}}Fault"
    return [
        (int(item.find(f"{{{FAULTS}}}FaultCode").text), item.find(f"{{{FAULTS}}}Field").text)
        for item in root.iter(f"{{{FAULTS}}}FaultDetail")
    ]


# --- a customer through each content type ---------------------------------------------------------


def test_json_registration_stores_the_customer_and_answers_customer_results(app, client, auth):
    body = registration_body()
    response = put(client, auth, body)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert answer == {"Customer": None, "CustomerId": answer["CustomerId"], "PrivacySuccess": True}
    customer = stored(app, str(uuid.UUID(answer["CustomerId"])))
    email = body["Customer"]["EMail"]
    assert (customer.username, customer.email) == (email, email)
    assert (customer.forename, customer.surname, customer.title) == ("Ada", "Lovelace", None)
    assert (customer.date_of_birth, customer.phone) == ("1990-03-27", "+44 7911 123456")
    assert (customer.door, customer.source, customer.contact_methods) == (
        "online_ordering",
        "USER",
        ["email"],
    )
    assert sorted(record.consent_id for record in customer.consents) == ["privacy", "terms"]
    assert customer.security_question == "First pet's name?"
    assert customer.security_answer_hash != "Rex"
    with app.app_context():
        assert verify_secret(customer.security_answer_hash, "Rex")
        assert verify_secret(customer.password_hash, STRONG_PASSWORD)


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/json", "application/xml", "text/xml"]
)
def test_each_content_type_is_answered_in_the_same_type(client, auth, content_type):
    response = put(client, auth, registration_body(), content_type=content_type)
    assert response.status_code == 200, response.data
    assert response.mimetype == content_type
    assert response.mimetype_params["charset"] == "utf-8"
    if "xml" in content_type:
        root = ET.fromstring(response.data)
        assert root.tag == f"{{{RESPONSE}}}CustomerResults"
        uuid.UUID(root.find(f"{{{RESPONSE}}}CustomerId").text)
    else:
        uuid.UUID(json.loads(response.data)["CustomerId"])


@pytest.mark.parametrize(
    "content_type, accept, answered",
    [
        ("application/json", "application/xml", "application/xml"),
        ("application/json", "text/xml", "text/xml"),
        ("text/xml", "application/json", "application/json"),
        ("application/xml", "text/json;q=0.9, application/xml;q=0.1", "text/json"),
        ("application/xml", "*/*", "application/xml"),
        ("text/xml", "*/*", "text/xml"),
        ("application/xml", "text/*", "text/xml"),
        ("text/json", "application/*", "application/json"),
        ("text/xml", "text/html", "text/xml"),
    ],
)
def test_accept_chooses_the_answer_format_else_the_request_type(
    client, auth, content_type, accept, answered
):
    response = put(client, auth, registration_body(), content_type=content_type, accept=accept)
    assert response.status_code == 200
    assert response.mimetype == answered
    assert "Accept" in response.vary


def test_xml_as_online_ordering_samples_write_it_registers(app, client, auth):
    email = f"{unique()}@example.com"
    sample = f"""<InRegistration xmlns:i="{XSI}" xmlns="{INBOUND}">
      <Channel>Unknown</Channel>
      <Customer xmlns:d2p1="{MODELS}">
        <d2p1:BirthDate>1990-03-27T00:00:00</d2p1:BirthDate>
        <d2p1:EMail>{email}</d2p1:EMail>
        <d2p1:FirstName i:nil="true" />
        <d2p1:LastName>Lovelace</d2p1:LastName>
        <d2p1:Phone i:nil="true" />
      </Customer>
      <Password>{STRONG_PASSWORD}</Password>
      <SecurityAnswer>Rex</SecurityAnswer>
      <SecurityQuestion>First pet?</SecurityQuestion>
    </InRegistration>"""
    response = put(client, auth, sample, content_type="application/xml")
    assert response.status_code == 200, response.data
    root = ET.fromstring(response.data)
    customer = stored(app, root.find(f"{{{RESPONSE}}}CustomerId").text)
    assert (customer.email, customer.forename, customer.phone) == (email, None, None)


def test_xml_answer_declares_online_ordering_namespaces_and_nil(client, auth):
    response = put(client, auth, registration_body(), content_type="application/xml")
    text = response.data.decode()
    assert text.startswith(f'<CustomerResults xmlns:i="{XSI}" xmlns="{RESPONSE}">')
    root = ET.fromstring(response.data)
    customer = root.find(f"{{{RESPONSE}}}Customer")
    assert customer.get(f"{{{XSI}}}nil") == "true" and len(customer) == 0
    assert f'xmlns:d2p1="{MODELS}"' in text
    assert root.find(f"{{{RESPONSE}}}PrivacySuccess").text == "true"


# --- verbose --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "True", "TRUE"])
def test_verbose_fills_the_customer_in_json(client, auth, value):
    body = registration_body(Phone=None)
    answer = put(client, auth, body, query=f"?verbose={value}").get_json()
    assert answer["Customer"] == {
        "BirthDate": "1990-03-27T00:00:00",
        "CustomerId": answer["CustomerId"],
        "EMail": body["Customer"]["EMail"],
        "EmailVerified": False,  # as in every customer representation (contract section 12)
        "EmailVerifiedAt": None,
        "FirstName": "Ada",
        "LastName": "Lovelace",
        "LoyaltyCardNumber": None,
        "Phone": None,
        "StoredValueCardNumber": None,
    }


def test_verbose_fills_the_customer_in_xml_in_the_models_namespace(client, auth):
    body = registration_body(Phone=None)
    response = put(client, auth, body, query="?verbose=true", content_type="text/xml")
    customer = ET.fromstring(response.data).find(f"{{{RESPONSE}}}Customer")
    values = {child.tag: (child.text, child.get(f"{{{XSI}}}nil")) for child in customer}
    customer_id = ET.fromstring(response.data).find(f"{{{RESPONSE}}}CustomerId").text
    assert values == {
        f"{{{MODELS}}}BirthDate": ("1990-03-27T00:00:00", None),
        f"{{{MODELS}}}CustomerId": (customer_id, None),
        f"{{{MODELS}}}EMail": (body["Customer"]["EMail"], None),
        f"{{{MODELS}}}EmailVerified": ("false", None),
        f"{{{MODELS}}}EmailVerifiedAt": (None, "true"),
        f"{{{MODELS}}}FirstName": ("Ada", None),
        f"{{{MODELS}}}LastName": ("Lovelace", None),
        f"{{{MODELS}}}LoyaltyCardNumber": (None, "true"),
        f"{{{MODELS}}}Phone": (None, "true"),
        f"{{{MODELS}}}StoredValueCardNumber": (None, "true"),
    }


@pytest.mark.parametrize("query", ["?Verbose=true", "?VERBOSE=True"])
def test_the_verbose_parameters_name_is_read_in_any_case(client, auth, query):
    response = put(client, auth, registration_body(), query=query)
    assert response.get_json()["Customer"]["CustomerId"] == response.get_json()["CustomerId"]


@pytest.mark.parametrize("query", ["", "?verbose=false", "?verbose=yes", "?verbose="])
def test_verbose_other_than_true_answers_the_customer_id_alone(client, auth, query):
    response = put(client, auth, registration_body(), query=query)
    assert response.status_code == 200
    assert response.get_json()["Customer"] is None


def test_text_xml_cannot_carry_is_replaced_in_the_xml_answer(client, auth):
    response = put(
        client, auth, {**registration_body(), "Bell\u0007": "x"}, accept="application/xml"
    )
    assert xml_faults(response) == [(91000, "Bell\ufffd")]


# --- the other query parameters -------------------------------------------------------------------


def emails_queued(app):
    with app.app_context():
        return db.session.query(OutboxMessage).filter_by(kind="email").count()


@pytest.mark.parametrize(
    "tenant, query, emails",
    [
        ("default", "", 1),
        ("default", "?accountCreationEmailOption=UseCompanySetting", 1),
        ("default", "?accountCreationEmailOption=", 1),
        ("quiet", "", 0),
        ("quiet", "?accountCreationEmailOption=", 0),
        ("quiet", "?accountCreationEmailOption=UseCompanySetting", 0),
        ("quiet", "?accountCreationEmailOption=SendEmail", 1),
        ("quiet", "?accountCreationEmailOption=sendemail", 1),
        ("default", "?accountCreationEmailOption=DoNotSendEmail", 0),
        # Parameter names in any case, as ASP.NET binds them.
        ("default", "?ACCOUNTCREATIONEMAILOPTION=DoNotSendEmail", 0),
        ("quiet", "?AccountCreationEmailOption=SendEmail", 1),
    ],
)
def test_account_creation_email_option(app, client, tenant, query, emails):
    response = put(client, bearer(app, tenant), registration_body(), query=query)
    assert response.status_code == 200
    assert emails_queued(app) == emails


@pytest.mark.parametrize(
    "query, field",
    [
        ("?accountCreationEmailOption=Always", "accountCreationEmailOption"),
        ("?enableLoyaltyAccountLinking=maybe", "enableLoyaltyAccountLinking"),
        ("?enableLoyaltyAccountLinking=1", "enableLoyaltyAccountLinking"),
        ("?autoAssignStoredValue=yes", "autoAssignStoredValue"),
        ("?AutoAssignStoredValue=yes", "autoAssignStoredValue"),
    ],
)
def test_unknown_query_values_are_400_naming_the_parameter(app, client, auth, query, field):
    response = put(client, auth, registration_body(), query=query)
    assert response.status_code == 400
    assert faults(response) == [(91000, field)]
    assert emails_queued(app) == 0


@pytest.mark.parametrize(
    "query",
    [
        "?enableLoyaltyAccountLinking=false",
        "?enableLoyaltyAccountLinking=TRUE",
        "?autoAssignStoredValue=true",
        "?autoAssignStoredValue=False",
    ],
)
def test_boolean_query_values_are_accepted_in_any_case(client, auth, query):
    assert put(client, auth, registration_body(), query=query).status_code == 200


@pytest.mark.parametrize(
    "name", ["enableLoyaltyAccountLinking", "autoAssignStoredValue", "accountCreationEmailOption"]
)
@pytest.mark.parametrize(
    "value",
    ["", "true", "FALSE", "tRuE", "SendEmail", " ", " true", "false\t", "1", "null", " SendEmail"],
)
def test_query_value_is_accepted_exactly_where_the_document_allows_it(client, auth, name, value):
    document = client.get("/api/openapi.json").get_json()
    schema = {
        p["name"]: p["schema"] for p in document["paths"]["/v1/Customers"]["put"]["parameters"]
    }[name]
    response = put(client, auth, registration_body(), query="?" + urlencode({name: value}))
    assert (response.status_code == 200) == Draft202012Validator(schema).is_valid(value)


# --- required and optional members ----------------------------------------------------------------


def without(body, path):
    parent, _, name = path.rpartition(".")
    holder = body[parent] if parent else body
    holder.pop(name)
    return body


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Customer", [(91000, "Customer")]),
        ("Customer.EMail", [(91000, "Customer.EMail")]),
        ("Customer.LastName", [(91000, "Customer.LastName")]),
        ("Password", [(90044, "Password")]),
        ("SecurityQuestion", [(91000, "SecurityQuestion")]),
        ("SecurityAnswer", [(91000, "SecurityAnswer")]),
    ],
)
@pytest.mark.parametrize("content_type", ["application/json", "application/xml"])
def test_every_required_member_missing_is_a_fault_on_its_path(
    client, auth, path, expected, content_type
):
    response = put(
        client,
        auth,
        without(registration_body(), path),
        content_type=content_type,
        accept="application/json",
    )
    assert response.status_code == 400
    assert faults(response) == expected


@pytest.mark.parametrize(
    "path", ["Customer.FirstName", "Customer.Phone", "Customer.BirthDate", "Channel"]
)
def test_optional_members_may_be_left_out(client, auth, path):
    assert put(client, auth, without(registration_body(), path)).status_code == 200


def test_nil_members_are_missing_ones(client, auth):
    body = {**registration_body(), "Customer": None, "Password": None}
    response = put(client, auth, body, content_type="text/xml", accept="application/json")
    assert faults(response) == [(91000, "Customer"), (90044, "Password")]


def test_online_ordering_sample_of_nulls_lists_every_missing_member(client, auth):
    sample = {
        "Customer": None,
        "Password": None,
        "SecurityQuestion": None,
        "SecurityAnswer": None,
        "Channel": "Unknown",
    }
    response = put(client, auth, sample)
    assert faults(response) == [
        (91000, "Customer"),
        (90044, "Password"),
        (91000, "SecurityQuestion"),
        (91000, "SecurityAnswer"),
    ]
    assert response.get_json()["message"] == "Customer: Is required"


@pytest.mark.parametrize("unknown", ["Surname", "LastName "])
def test_an_unknown_customer_member_is_listed_after_every_known_one(client, auth, unknown):
    body = {**registration_body(EMail="bad"), "SecurityAnswer": ""}
    body["Customer"][unknown] = "x"
    response = put(client, auth, body, query="?accountCreationEmailOption=Nope")
    assert faults(response) == [
        (91000, "Customer.EMail"),
        (91000, "SecurityAnswer"),
        (91000, "accountCreationEmailOption"),
        (91000, f"Customer.{unknown}"),
    ]


def test_security_texts_of_invisible_characters_alone_are_missing(client, auth):
    body = {**registration_body(), "SecurityQuestion": "\u200b\u2060", "SecurityAnswer": " \u00ad "}
    assert faults(put(client, auth, body)) == [
        (91000, "SecurityQuestion"),
        (91000, "SecurityAnswer"),
    ]


def test_security_texts_over_200_characters_are_refused(client, auth):
    body = {**registration_body(), "SecurityQuestion": "q" * 201, "SecurityAnswer": "a" * 201}
    assert faults(put(client, auth, body)) == [
        (91000, "SecurityQuestion"),
        (91000, "SecurityAnswer"),
    ]


def test_security_texts_and_channel_with_control_characters_are_refused_and_nothing_stored(
    app, client, auth
):
    body = {
        **registration_body(),
        "SecurityQuestion": "pet\x00?",
        "SecurityAnswer": "a\x07",
        "Channel": "web\x00",
    }
    assert faults(put(client, auth, body)) == [
        (91000, "SecurityQuestion"),
        (91000, "SecurityAnswer"),
        (91000, "Channel"),
    ]
    with app.app_context():
        assert db.session.execute(select(Customer)).first() is None


# --- the service's rules, on the online-ordering API's paths --------------------------------------


@pytest.mark.parametrize(
    "member, value, expected",
    [
        ("EMail", "not-an-email", (91000, "Customer.EMail")),
        ("FirstName", "f" * 51, (91000, "Customer.FirstName")),
        ("LastName", "s" * 51, (91000, "Customer.LastName")),
        ("Phone", "12", (91000, "Customer.Phone")),
        ("BirthDate", "27/03/1990", (90020, "Customer.BirthDate")),
        ("BirthDate", "2999-01-01T00:00:00", (90020, "Customer.BirthDate")),
        ("BirthDate", "1990-02-30T00:00:00", (90020, "Customer.BirthDate")),
        ("BirthDate", "1990-03-27T99:99:00", (90020, "Customer.BirthDate")),
        ("BirthDate", "1990-03-27T24:00:00", (90020, "Customer.BirthDate")),
        ("BirthDate", "1990-03-27T00:00:00+25:00", (90020, "Customer.BirthDate")),
    ],
)
def test_service_faults_name_online_ordering_paths(client, auth, member, value, expected):
    response = put(client, auth, registration_body(**{member: value}))
    assert faults(response) == [expected]
    if expected[0] == 91000:
        assert response.get_json()["message"].startswith(expected[1] + ": ")


@pytest.mark.parametrize(
    "value",
    [
        "1990-03-27",
        "1990-03-27T00:00:00",
        "1990-03-27T00:00",
        "1990-03-27T00:00:00.000",
        "1990-03-27T00:00:00.0000000",
        "1990-03-27T00:00:00Z",
        "1990-03-27T00:00:00+02:00",
        "1990-03-27T23:30:00-11:00",
    ],
)
def test_birth_date_takes_the_date_part_of_a_date_time(app, client, auth, value):
    response = put(client, auth, registration_body(BirthDate=value))
    assert stored(app, response.get_json()["CustomerId"]).date_of_birth == "1990-03-27"


def test_password_is_checked_against_online_ordering_minimum_of_seven(app, client):
    auth = bearer(app, "lenient")
    short = {**registration_body(), "Password": "kq8#vzp"[:6]}
    assert faults(put(client, auth, short)) == [(90073, "Password")]
    assert put(client, auth, {**registration_body(), "Password": "kq8#vzp"}).status_code == 200


def test_password_follows_the_tenant_policy_which_is_stricter(client, auth):
    body = {**registration_body(), "Password": "kq8#vzp"}
    assert faults(put(client, auth, body)) == [(90073, "Password")]


def test_taken_email_is_409_on_the_email(client, auth):
    body = registration_body()
    assert put(client, auth, body).status_code == 200
    again = registration_body(EMail=body["Customer"]["EMail"].upper())
    response = put(client, auth, again)
    assert response.status_code == 409
    assert faults(response) == [(91001, "Customer.EMail")]


def test_tenant_attributes_are_not_required_through_the_dialect(app, client):
    assert put(client, bearer(app, "club"), registration_body()).status_code == 200


def test_tenant_without_email_as_a_contact_method_registers_with_none(app, client):
    response = put(client, bearer(app, "nomail"), registration_body())
    assert response.status_code == 200
    assert stored(app, response.get_json()["CustomerId"]).contact_methods == []


def test_faults_are_listed_in_the_order_of_section_2s_fields(client, auth):
    # EMail is the username and the email, before the password; the dialect's own members after.
    body = {
        **registration_body(EMail="nope", Phone="12", FirstName="f" * 51),
        "Password": "",
        "SecurityAnswer": "",
    }
    response = put(client, auth, body, query="?autoAssignStoredValue=2")
    assert faults(response) == [
        (91000, "Customer.EMail"),
        (90044, "Password"),
        (91000, "Customer.FirstName"),
        (91000, "Customer.Phone"),
        (91000, "SecurityAnswer"),
        (91000, "autoAssignStoredValue"),
    ]


# --- body shape -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"IsAdmin": True}, [(91000, "IsAdmin")]),
        ({"Password": 1234567}, [(91000, "Password")]),
        ({"Customer": "Ada"}, [(91000, "Customer")]),
        ({"Channel": ["Web"]}, [(91000, "Channel")]),
    ],
)
def test_unknown_or_mistyped_json_members_are_refused(client, auth, change, expected):
    response = put(client, auth, {**registration_body(), **change})
    assert response.status_code == 400
    assert faults(response) == expected


def test_unknown_or_mistyped_customer_members_are_refused(client, auth):
    body = {**registration_body(Title="Ms", EMail=["a@example.com"]), "Password": ""}
    assert faults(put(client, auth, body)) == [
        (91000, "Customer.EMail"),
        (90044, "Password"),
        (91000, "Customer.Title"),
    ]


def test_json_member_names_match_in_any_case_as_dotnet_reads_them(app, client, auth):
    body = registration_body()
    lower = {
        "customer": {k.lower(): v for k, v in body["Customer"].items()},
        "password": STRONG_PASSWORD,
        "securityQuestion": "Q?",
        "SECURITYANSWER": "A",
    }
    response = put(client, auth, lower)
    assert response.status_code == 200
    assert stored(app, response.get_json()["CustomerId"]).email == body["Customer"]["EMail"]


def test_json_member_given_twice_in_different_cases_is_refused(client, auth):
    body = {**registration_body(), "password": STRONG_PASSWORD}
    assert faults(put(client, auth, body)) == [(91000, "Password")]


@pytest.mark.parametrize("data", [b"{", b"[]", b'"text"', b"\xff\xfe"])
def test_malformed_json_is_400_91003(client, auth, data):
    response = put(client, auth, data)
    assert response.status_code == 400
    assert faults(response) == [(91003, None)]


def test_customer_members_in_another_namespace_are_refused(client, auth):
    data = to_xml(registration_body(), customer_namespace=INBOUND)
    response = put(client, auth, data, content_type="application/xml", accept="application/json")
    assert response.status_code == 400
    assert (91000, "Customer.EMail") in faults(response)
    assert MODELS in response.get_json()["faults"][0]["message"]


def test_xml_root_in_another_namespace_is_malformed(client, auth):
    data = to_xml(registration_body()).replace(INBOUND.encode(), b"urn:other", 1)
    response = put(client, auth, data, content_type="application/xml")
    assert response.status_code == 400
    assert xml_faults(response) == [(91003, None)]


def test_xml_unknown_repeated_or_nested_members_are_refused(client, auth):
    email = f"{unique()}@example.com"
    data = f"""<InRegistration xmlns="{INBOUND}" xmlns:m="{MODELS}">
      <Customer><m:EMail>{email}</m:EMail><m:LastName><b>L</b></m:LastName></Customer>
      <Password>{STRONG_PASSWORD}</Password><Password>again</Password>
      <SecurityQuestion>Q</SecurityQuestion><SecurityAnswer>A</SecurityAnswer>
      <Role>admin</Role>
    </InRegistration>"""
    response = put(client, auth, data, content_type="text/xml")
    assert response.status_code == 400
    assert xml_faults(response) == [
        (91000, "Password"),
        (91000, "Customer.LastName"),
        (91000, "Role"),
    ]


# --- safe XML -------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<InRegistration xmlns="%s"><SecurityQuestion>&lol9;</SecurityQuestion></InRegistration>
""" % INBOUND.encode()
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<InRegistration xmlns="%s"><SecurityQuestion>&xxe;</SecurityQuestion></InRegistration>
""" % INBOUND.encode()
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE InRegistration SYSTEM "http://127.0.0.1:9/evil.dtd">
<InRegistration xmlns="%s"/>
""" % INBOUND.encode()


def test_a_json_body_with_a_byte_order_mark_registers(client, auth):
    # .NET's StreamWriter with Encoding.UTF8 writes one first.
    data = codecs.BOM_UTF8 + json.dumps(registration_body()).encode()
    assert put(client, auth, data, content_type="text/json").status_code == 200


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, b"<InRegistration", b"not xml at all"]
)
def test_entity_bombs_external_entities_and_broken_xml_are_a_quick_400(client, auth, data):
    started = time.monotonic()
    response = put(client, auth, data, content_type="application/xml")
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert response.mimetype == "application/xml"
    assert xml_faults(response) == [(91003, None)]
    assert b"root:" not in response.data and b"lollol" not in response.data


def declared(body, encoding):
    """An InRegistration whose declaration names `encoding`, in that encoding's bytes."""
    document = to_xml(body).decode()
    return f'<?xml version="1.0" encoding="{encoding}"?>{document}'.encode(encoding)


@pytest.mark.parametrize("encoding", ["Shift_JIS", "EUC-JP", "Big5", "GB2312", "UTF-7"])
def test_xml_in_an_encoding_its_declaration_names_registers(app, client, auth, encoding):
    # expat reads multi-byte encodings other than UTF-8 and UTF-16 only through the service.
    response = put(
        client, auth, declared(registration_body(LastName="山田"), encoding), "", "application/xml"
    )
    assert response.status_code == 200, response.data
    customer = stored(app, ET.fromstring(response.data).find(f"{{{RESPONSE}}}CustomerId").text)
    assert customer.surname == "山田"


def as_text(body):
    """The InRegistration as text, its letters as themselves (not character references)."""
    return ET.tostring(ET.fromstring(to_xml(body)), encoding="unicode")


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "utf-16"])
def test_xml_without_a_declared_encoding_is_read_in_the_content_types_charset(
    app, client, auth, charset
):
    data = as_text(registration_body(LastName="Müller")).encode(charset)
    response = put(client, auth, data, "", f"application/xml; charset={charset}")
    assert response.status_code == 200, response.data
    customer = stored(app, ET.fromstring(response.data).find(f"{{{RESPONSE}}}CustomerId").text)
    assert customer.surname == "Müller"


def test_xml_not_in_the_content_types_charset_is_400_91003(client, auth):
    data = as_text(registration_body(LastName="Müller")).encode("utf-8")
    response = put(client, auth, data, "", "application/xml; charset=ascii")
    assert (response.status_code, xml_faults(response)) == (400, [(91003, None)])


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="x-bogus"?><InRegistration/>',
        b'<?xml version="1.0" encoding="rot13"?><InRegistration/>',
        b'<?xml version="1.0" encoding="utf-32"?><InRegistration/>',  # not in UTF-32's bytes
        b'<?xml version="1.0" encoding="Shift_JIS"?><InRegistration>\x81</InRegistration>',
    ],
)
def test_xml_in_no_encoding_its_declaration_names_is_400_91003(client, auth, data):
    response = put(client, auth, data, content_type="application/xml")
    assert response.status_code == 400
    assert xml_faults(response) == [(91003, None)]


# --- faults in the request's format ---------------------------------------------------------------


def test_xml_request_gets_its_faults_as_xml(client, auth):
    response = put(client, auth, without(registration_body(), "Password"), content_type="text/xml")
    assert response.status_code == 400
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.find(f"{{{FAULTS}}}FaultCode").text == "90044"
    assert root.find(f"{{{FAULTS}}}Fault").text == "PasswordRequiredFault"
    assert root.find(f"{{{FAULTS}}}Message").text == "No Password provided"
    assert xml_faults(response) == [(90044, "Password")]


def test_fault_without_a_field_is_nil_in_xml(client):
    response = client.put(URL, data=b"<x/>", headers={"Content-Type": "application/xml"})
    assert response.status_code == 401
    field = ET.fromstring(response.data).find(f".//{{{FAULTS}}}Field")
    assert field.get(f"{{{XSI}}}nil") == "true"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/soap+xml"]
)
def test_other_content_types_are_415(client, auth, content_type):
    response = client.put(URL, data=b"<a/>", headers={**auth, "Content-Type": content_type})
    assert response.status_code == 415
    assert faults(response) == [(91002, None)]


def test_415_is_answered_in_xml_when_xml_is_accepted(client, auth):
    response = client.put(
        URL, data=b"x", headers={**auth, "Content-Type": "text/plain", "Accept": "text/xml"}
    )
    assert response.status_code == 415
    assert response.mimetype == "text/xml"
    assert xml_faults(response) == [(91002, None)]


@pytest.mark.parametrize("content_type", ["application/json", "application/xml"])
def test_body_over_64_kib_is_413(client, auth, content_type):
    response = client.put(
        URL, data=b" " * (64 * 1024 + 1), headers={**auth, "Content-Type": content_type}
    )
    assert response.status_code == 413
    assert response.mimetype == content_type


def test_unexpected_error_is_500_90061_without_a_trace(client, auth, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(registration, "register", broken)
    response = put(client, auth, registration_body(), content_type="application/xml")
    assert response.status_code == 500
    assert xml_faults(response) == [(90061, None)]
    assert b"on fire" not in response.data and b"Traceback" not in response.data


# --- credentials, tenants and limits --------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer key_nope.secret"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
)
def test_credentials_are_required(app, client, headers):
    response = put(client, headers, registration_body())
    assert response.status_code == 401
    assert faults(response) == [(91005, None)]
    with app.app_context():
        assert db.session.query(Customer).count() == 0


def test_hmac_signed_request_registers_as_hmac(app, client):
    key_id, secret = make_api_key(app)
    data = json.dumps(registration_body()).encode()
    path = URL + "?verbose=true"
    headers = hmac_headers(key_id, secret, "PUT", path, data)
    response = client.put(path, data=data, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 200
    assert stored(app, response.get_json()["CustomerId"]).source == "HMAC"


def test_the_key_decides_the_tenant(app, client):
    response = put(client, bearer(app, "quiet"), registration_body(), query="?tenant=default")
    assert stored(app, response.get_json()["CustomerId"]).tenant == "quiet"


def test_closed_registration_is_90055_alone(app, client):
    response = put(client, bearer(app, "closed"), {"Password": 5}, content_type="application/json")
    assert response.status_code == 400
    assert faults(response) == [(90055, None)]


@pytest.mark.parametrize(
    "header, member, kept",
    [("Kiosk", "Web", "Kiosk"), (None, "Web", "Web"), ("  ", "Web", "Web"), (None, None, None)],
)
def test_channel_header_wins_over_the_deprecated_member(app, client, auth, header, member, kept):
    body = {**registration_body(), "Channel": member}
    headers = {"X-Api-Channel": header} if header is not None else {}
    response = put(client, auth, body, **headers)
    assert stored(app, response.get_json()["CustomerId"]).extra.get("channel") == kept


@pytest.mark.parametrize(
    "header, member, path",
    [
        ("We\tb\x7f", None, "X-Api-Channel"),
        ("K" * 51, None, "X-Api-Channel"),
        (None, "W" * 51, "Channel"),
    ],
)
def test_a_channel_with_control_characters_or_too_long_is_refused_from_either_source(
    app, client, auth, header, member, path
):
    body = {**registration_body(), "Channel": member}
    headers = {"X-Api-Channel": header} if header is not None else {}
    assert faults(put(client, auth, body, **headers)) == [(91000, path)]
    with app.app_context():
        assert db.session.execute(select(Customer)).first() is None
    kept = put(client, auth, {**body, "Channel": "W" * 50}, **{"X-Api-Channel": " " + "K" * 50})
    assert kept.status_code == 200, kept.get_json()


def test_requests_without_credentials_are_rate_limited(make_app):
    app = make_app(RATELIMIT_PUBLIC_API="2 per hour")
    client = app.test_client()
    for _ in range(2):
        assert put(client, {}, registration_body()).status_code == 401
    response = put(client, {}, registration_body(), accept="application/xml")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert xml_faults(response) == [(91004, None)]


def test_requests_with_a_key_count_against_the_key(make_app):
    app = make_app(RATELIMIT_API="1 per minute")
    client = app.test_client()
    auth = bearer(app)
    assert put(client, auth, registration_body()).status_code == 200
    response = put(client, auth, registration_body())
    assert response.status_code == 429
    assert faults(response) == [(91004, None)]


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_describes_the_dialect(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    put = document["paths"]["/v1/Customers"]["put"]
    parameters = {p["name"]: p["schema"].get("default") for p in put["parameters"]}
    assert parameters == {
        "verbose": "false",
        "accountCreationEmailOption": "UseCompanySetting",
        "enableLoyaltyAccountLinking": "true",
        "autoAssignStoredValue": "false",
        "X-Api-Channel": None,
    }
    assert set(put["responses"]["200"]["content"]) == {
        "application/json",
        "text/json",
        "application/xml",
        "text/xml",
    }
    # text/json, the same as application/json, is said in words: generators know one JSON type.
    assert set(put["requestBody"]["content"]) == {"application/json", "application/xml", "text/xml"}
    assert "text/json" in put["requestBody"]["description"]
    schemas = document["components"]["schemas"]
    assert schemas["OnlineOrderingInRegistration"]["xml"] == {
        "name": "InRegistration",
        "namespace": INBOUND,
    }
    assert schemas["OnlineOrderingCustomer"]["properties"]["EMail"]["xml"]["namespace"] == MODELS
    assert schemas["OnlineOrderingCustomerResults"]["xml"]["namespace"] == RESPONSE
    assert schemas["OnlineOrderingFault"]["xml"]["namespace"] == FAULTS


@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
def test_an_unknown_method_is_a_online_ordering_fault_in_the_format_asked_for(client, auth, accept):
    response = client.get(URL, headers={**auth, "Accept": accept})
    assert response.status_code == 405
    assert "PUT" in response.headers["Allow"]
    if accept == "application/xml":
        assert xml_faults(response) == [(91014, None)]
    else:
        assert faults(response) == [(91014, None)]


@pytest.mark.parametrize("path", ["/v1/customers", "/V1/CUSTOMERS", "/v1/cUsToMeRs"])
def test_the_path_matches_in_any_case_as_an_asp_net_route_does(app, client, auth, path):
    body = registration_body()
    response = client.put(path, json=body, headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored_customer(app, email=body["Customer"]["EMail"]) is not None


@pytest.mark.parametrize(
    # "/v1/cuſtomers": Unicode case folding takes the long s for an s; ASP.NET's routes do not.
    "path",
    ["/V1/Customers/x", "/v1/Customer", "/v1/Customers/", "/v1", "/V1", "/v1/cu\u017ftomers"],
)
def test_another_path_under_v1_is_answered_with_the_dialects_fault(client, auth, path):
    response = client.put(
        path, json=registration_body(), headers={**auth, "Accept": "application/xml"}
    )
    assert response.status_code == 404
    assert xml_faults(response) == [(91013, None)]
