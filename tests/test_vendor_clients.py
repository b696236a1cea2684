"""What vendor client software sends, replayed byte for byte from tests/fixtures/vendor_clients/:
.NET DataContractSerializer and DataContractJsonSerializer clients of the online-ordering API, and
web-store clients (pyecwid, and a customer fetched from the vendor sent back as it came)."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import CUSTOMERS, WEBHOOK_SECRET, faults, make_api_key, valid_customer
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Customer, OutboxMessage

FIXTURES = Path(__file__).parent / "fixtures" / "vendor_clients"
ONLINE_ORDERING = "/v1/Customers"
WEB_STORE = "/api/v3/1001/customers"
MODELS = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI.Models.v1"
TENANTS = f"""
[tenants.default]
webhook_url = "https://partner.example/hooks"
webhook_secret = "{WEBHOOK_SECRET}"

[tenants.acme]
store_id = 1001
webhook_url = "https://partner.example/hooks"
webhook_secret = "{WEBHOOK_SECRET}"
"""


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


@pytest.fixture
def token(app):
    key_id, secret = make_api_key(app, "acme")
    return f"{key_id}.{secret}"


@pytest.fixture
def auth(app):
    key_id, secret = make_api_key(app)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def fixture(name):
    return (FIXTURES / name).read_bytes()


def customer(app, **where):
    with app.app_context():
        found = db.session.execute(select(Customer).filter_by(**where)).scalar_one()
        db.session.expunge(found)
        return found


# --- the online-ordering API: DataContractSerializer and DataContractJsonSerializer ----------


def test_a_datacontract_client_sends_the_read_only_members_nil(app, client, auth):
    response = client.put(
        ONLINE_ORDERING + "?verbose=true",
        data=fixture("online_ordering_datacontract_nil_members.xml"),
        headers={**auth, "Content-Type": "application/xml"},
    )
    assert response.status_code == 200, response.data
    stored = customer(app, email="ann@example.com")
    assert (stored.forename, stored.surname, stored.date_of_birth) == ("Ann", "Lee", "1990-03-27")
    # XML dates stay ISO.
    born = ET.fromstring(response.data).find(f".//{{{MODELS}}}BirthDate")
    assert born.text == "1990-03-27T00:00:00"


def test_a_datacontractjson_client_sends_nulls_and_dotnet_dates_and_reads_one_back(
    app, client, auth
):
    response = client.put(
        ONLINE_ORDERING + "?verbose=true",
        data=fixture("online_ordering_datacontractjson_nulls_and_date.json"),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.data
    # DataContractJsonSerializer reads a date only as "\/Date(...)\/", slashes escaped.
    assert b'"BirthDate":"\\/Date(638496000000+0000)\\/"' in response.data.replace(b" ", b"")
    answer = response.get_json()
    assert answer["Customer"]["BirthDate"] == "/Date(638496000000+0000)/"
    stored = customer(app, id=answer["CustomerId"])
    assert stored.date_of_birth == "1990-03-27"
    # The email is the username there: an address with + is a username too.
    assert stored.username == stored.email == "ann+shop@example.com"


def test_a_stringwriter_client_declares_utf16_and_sends_utf8(app, client, auth):
    response = client.put(
        ONLINE_ORDERING,
        data=fixture("online_ordering_stringwriter_utf16_declared.xml"),
        headers={**auth, "Content-Type": "text/xml; charset=utf-8"},
    )
    assert response.status_code == 200, response.data
    stored = customer(app, email="zoe@example.com")
    assert (stored.forename, stored.surname) == ("Zoë", "Brontë")


def test_a_body_truly_in_utf16_is_read_as_utf16(app, client, auth):
    text = fixture("online_ordering_stringwriter_utf16_declared.xml").decode("utf-8")
    response = client.put(
        ONLINE_ORDERING, data=text.encode("utf-16"), headers={**auth, "Content-Type": "text/xml"}
    )
    assert response.status_code == 200, response.data
    assert customer(app, email="zoe@example.com").forename == "Zoë"


def _registration(**customer_members):
    body = json.loads(fixture("online_ordering_datacontractjson_nulls_and_date.json"))
    body["Customer"].update(customer_members)
    return body


@pytest.mark.parametrize("member", ["CustomerId", "LoyaltyCardNumber", "StoredValueCardNumber"])
def test_a_read_only_member_with_a_value_stays_a_fault(client, auth, member):
    response = client.put(
        ONLINE_ORDERING, json=_registration(**{member: "6011000990139424"}), headers=auth
    )
    assert response.status_code == 400
    assert faults(response) == [(91000, f"Customer.{member}")]
    assert "read-only" in response.get_json()["message"]


DOTNET_DEFAULTS = {
    "CustomerId": "00000000-0000-0000-0000-000000000000",
    "EmailVerified": False,
    "EmailVerifiedAt": "0001-01-01T00:00:00",
}


def test_read_only_members_at_their_dotnet_defaults_are_ignored(app, client, auth):
    # A Guid, a bool and a DateTime cannot be null in .NET: a client reusing the answer's
    # contract sends their defaults, as the vendor's own sample shows the empty Guid.
    response = client.put(ONLINE_ORDERING, json=_registration(**DOTNET_DEFAULTS), headers=auth)
    assert response.status_code == 200, response.get_json()
    xml = fixture("online_ordering_datacontract_nil_members.xml").decode()
    xml = xml.replace(
        '<d2p1:CustomerId i:nil="true"/>',
        "".join(
            f"<d2p1:{name}>{str(value).lower()}</d2p1:{name}>"
            for name, value in DOTNET_DEFAULTS.items()
        ),
    )
    response = client.put(
        ONLINE_ORDERING, data=xml, headers={**auth, "Content-Type": "application/xml"}
    )
    assert response.status_code == 200, response.data
    assert customer(app, email="ann@example.com").email_verified_at is None


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("CustomerId", "3f8e2a61-9c1d-4b7e-a5f0-6d2c8b9e1a47"),
        ("EmailVerified", True),
        ("EmailVerifiedAt", "2026-12-06T09:30:00"),
    ],
)
def test_a_read_only_member_other_than_its_default_stays_a_fault(client, auth, member, value):
    response = client.put(ONLINE_ORDERING, json=_registration(**{member: value}), headers=auth)
    assert faults(response) == [(91000, f"Customer.{member}")]


def test_unknown_members_are_ignored_when_null_and_refused_otherwise(client, auth):
    body = {**_registration(Title=None), "Referrer": None}
    assert client.put(ONLINE_ORDERING, json=body, headers=auth).status_code == 200
    body = {**_registration(Title="Ms", EMail="cy@example.com"), "Referrer": None}
    response = client.put(ONLINE_ORDERING, json=body, headers=auth)
    assert faults(response) == [(91000, "Customer.Title")]
    assert "not a known field" in response.get_json()["message"]


def test_xml_unknown_or_read_only_members_with_a_value_are_refused(client, auth):
    data = (
        fixture("online_ordering_datacontract_nil_members.xml")
        .replace(b'<d2p1:CustomerId i:nil="true"/>', b"<d2p1:CustomerId>x</d2p1:CustomerId>")
        .replace(b'<Channel i:nil="true"/>', b'<Channel i:nil="true"/><Referrer>web</Referrer>')
    )
    response = client.put(
        ONLINE_ORDERING,
        data=data,
        headers={**auth, "Content-Type": "application/xml", "Accept": "application/json"},
    )
    assert response.status_code == 400
    assert set(faults(response)) == {(91000, "Customer.CustomerId"), (91000, "Referrer")}


@pytest.mark.parametrize(
    "sent, expected",
    [
        ("/Date(638496000000)/", "1990-03-27"),  # UTC
        ("/Date(638488800000+0200)/", "1990-03-27"),  # local midnight two hours east of UTC
        ("/Date(638517600000-0600)/", "1990-03-27"),
        ("/Date(-62135596800000)/", None),  # year 1: beyond the age rule
        ("/Date(99999999999999999)/", None),  # beyond any date
        ("/Date(abc)/", None),
        ("/Date(638496000000+02)/", None),
    ],
)
def test_dotnet_json_dates_are_read_in_their_own_offset(app, client, auth, sent, expected):
    response = client.put(
        ONLINE_ORDERING + "?verbose=true", json=_registration(BirthDate=sent), headers=auth
    )
    if expected is None:
        assert faults(response) == [(90020, "Customer.BirthDate")]
        return
    assert response.status_code == 200, response.data
    answer = response.get_json()
    assert answer["Customer"]["BirthDate"] == sent  # midnight, in the offset it came in
    assert customer(app, id=answer["CustomerId"]).date_of_birth == expected


def test_an_iso_date_is_answered_as_iso(client, auth):
    response = client.put(
        ONLINE_ORDERING + "?verbose=true",
        json=_registration(BirthDate="1990-03-27T00:00:00"),
        headers=auth,
    )
    assert response.get_json()["Customer"]["BirthDate"] == "1990-03-27T00:00:00"
    assert b"\\/" not in response.data


# --- the web-store API: pyecwid, and a fetched customer sent back ---------------------------


def test_pyecwid_sends_the_token_in_the_query_with_its_secret_prefix(app, client, token):
    response = client.post(
        f"{WEB_STORE}?token=secret_{token}",
        data=fixture("web_store_pyecwid_add.json"),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.data
    stored = customer(app, number=response.get_json()["id"])
    assert stored.username == stored.email == "ann+shop@example.com"


def test_the_token_in_the_query_works_without_the_prefix(client, token):
    response = client.post(
        f"{WEB_STORE}?token={token}",
        data=fixture("web_store_pyecwid_add.json"),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200


def test_the_header_takes_the_prefix_too_and_wins_over_the_query(client, token):
    response = client.post(
        f"{WEB_STORE}?token=key_0000.nope",
        data=fixture("web_store_pyecwid_add.json"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer secret_{token}"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["?token=secret_key_0000.nope", "?token=", "?token=%00"])
def test_a_wrong_token_in_the_query_is_401_as_in_the_header(client, query):
    by_query = client.post(
        WEB_STORE + query,
        data=fixture("web_store_pyecwid_add.json"),
        headers={"Content-Type": "application/json"},
    )
    by_header = client.post(
        WEB_STORE,
        data=fixture("web_store_pyecwid_add.json"),
        headers={"Content-Type": "application/json", "Authorization": "Bearer key_0000.nope"},
    )
    assert by_query.status_code == by_header.status_code == 401
    assert by_query.get_json() == by_header.get_json()
    assert by_query.headers.get("WWW-Authenticate") == by_header.headers.get("WWW-Authenticate")


def test_a_fetched_customer_is_sent_back_with_its_read_only_members(app, client, token):
    response = client.post(
        f"{WEB_STORE}?token={token}",
        data=fixture("web_store_fetched_customer.json"),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.data
    stored = customer(app, number=response.get_json()["id"])
    assert stored.number != 177737165 and stored.display_name == "Bo Lee"
    assert stored.extra["shippingAddresses"] == [
        {
            "id": 73150014,
            "name": "Bo Lee",
            "street": "1 Dock Rd",
            "city": "Leeds",
            "countryCode": "GB",
            "postalCode": "LS1 1AA",
            "stateOrProvinceCode": "WYK",
        }
    ]


@pytest.mark.parametrize(
    "change, path",
    [
        ({"contacts": []}, "contacts"),
        ({"billingPerson": {"nickname": "Bo"}}, "billingPerson.nickname"),
    ],
)
def test_members_the_vendor_does_not_have_are_still_refused(client, token, change, path):
    body = {**json.loads(fixture("web_store_fetched_customer.json")), **change}
    response = client.post(f"{WEB_STORE}?token={token}", json=body)
    assert response.status_code == 400
    assert path in response.get_json()["errorMessage"]


# --- storeProfile: the web store's extras, returned --------------------------------------------

STORE_PROFILE = {
    "customerGroupId": 7,
    "companyName": "Engines Ltd",
    "shippingAddresses": [
        {
            "id": 73150014,
            "name": "Bo Lee",
            "street": "1 Dock Rd",
            "city": "Leeds",
            "countryCode": "GB",
            "postalCode": "LS1 1AA",
            "stateOrProvinceCode": "WYK",
        }
    ],
    "taxId": "GB123456789",
    "taxIdValid": True,
    "b2b_b2c": "b2b",
    "fiscalCode": "",
    "taxExempt": False,
    "acceptMarketing": None,
    "lang": "en",
}


def test_the_store_profile_is_returned_by_the_api_webhooks_and_export(app, client, token):
    number = client.post(
        f"{WEB_STORE}?token={token}",
        data=fixture("web_store_fetched_customer.json"),
        headers={"Content-Type": "application/json"},
    ).get_json()["id"]
    customer_id = customer(app, number=number).id
    shown = client.get(
        f"{CUSTOMERS}/{customer_id}", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert shown["storeProfile"] == STORE_PROFILE
    with app.app_context():
        hook = db.session.execute(select(OutboxMessage).filter_by(kind="webhook")).scalar_one()
        assert hook.payload["data"]["storeProfile"] == STORE_PROFILE
    result = app.test_cli_runner().invoke(
        args=["export-customers", "--tenant", "acme", "--format", "jsonl"]
    )
    assert json.loads(result.stdout_bytes)["storeProfile"] == STORE_PROFILE
    result = app.test_cli_runner().invoke(
        args=["export-customers", "--tenant", "acme", "--format", "csv"]
    )
    row = next(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert json.loads(row["storeProfile"]) == STORE_PROFILE


def test_customers_of_other_doors_have_a_null_store_profile(client):
    response = client.post(CUSTOMERS, json=valid_customer())
    assert response.status_code == 201
    assert response.get_json()["storeProfile"] is None
