"""Markup and SQL-looking input: stored as typed, read back the same, and shown as text wherever
the service shows it (review, completion and error pages, XML faults). Emails and exports are
covered in test_mail.py and test_export.py."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from conftest import CUSTOMERS, make_api_key, unique, valid_customer
from sqlalchemy import func, select
from wizard_client import ADDRESS, CONSENTS, Wizard, account

from webapp.extensions import db
from webapp.models import Customer

TENANTS = """
[tenants.default]

[[tenants.default.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
"""
# Short enough for the shortest text field (title and gender, 20 characters).
MARKUP = [
    '<b onclick=x>"&',
    "<script>x()</script>",
    "<img src=x onerror=",
    "'><svg/onload=a>",
    "&lt;&#x3c;&amp;",
]
SQL = ["Robert'); DROP TABLE customer;--", "' OR '1'='1", '" OR ""="', "1; SELECT pg_sleep(5)"]
TEXT_FIELDS = {"title": 20, "forename": 50, "surname": 50, "displayName": 100, "gender": 20}
ADDRESS_TEXT = ("addressLine1", "addressLine2", "city", "region")


def readback(client, app, body):
    created = client.post(CUSTOMERS, json=body)
    assert created.status_code == 201, created.get_json()
    key_id, secret = make_api_key(app)
    got = client.get(
        created.headers["Location"], headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert got.get_json() == created.get_json()
    return got.get_json()


@pytest.mark.parametrize("typed", MARKUP + SQL)
def test_markup_and_sql_are_stored_and_read_back_exactly_as_typed(client, app, typed):
    body = valid_customer(
        externalId=typed,
        **{name: typed[:limit] for name, limit in TEXT_FIELDS.items()},
        addresses=[
            {**{part: typed for part in ADDRESS_TEXT}, "countryCode": "FR", "postcode": "75001"}
        ],
        customAttributes=[{"name": "favouriteTeam", "value": typed}],
    )
    stored = readback(client, app, body)
    for name, limit in TEXT_FIELDS.items():
        assert stored[name] == typed[:limit]
    assert stored["externalId"] == typed
    assert stored["addresses"][0] == body["addresses"][0]
    assert stored["customAttributes"] == [{"name": "favouriteTeam", "value": typed}]


def test_sql_looking_input_leaves_the_tables_as_they_were(client, app):
    readback(client, app, valid_customer(surname=SQL[0], forename=SQL[1]))
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 2


def unescaped(html):
    """Payloads that came through as markup: elements or attributes the page did not write."""
    soup = BeautifulSoup(html, "html.parser")
    found = [
        tag.name
        for tag in soup.find_all(["b", "script", "img", "svg"])
        if tag.name != "script" or not tag.get("src")
    ]
    found += [
        name
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name in ("onclick", "onerror", "onload")
    ]
    return found


def profile_with(typed):
    return {
        "title": typed[:20],
        "forename": typed,
        "surname": typed,
        "displayName": typed,
        "gender": typed[:20],
        "dateOfBirth-day": "27",
        "dateOfBirth-month": "3",
        "dateOfBirth-year": "1990",
        "customAttributes.favouriteTeam": typed,
    }


@pytest.mark.parametrize("typed", MARKUP)
def test_the_review_page_shows_markup_as_text(app, typed):
    wizard = Wizard(app.test_client())
    for fields in (
        account(),
        profile_with(typed),
        {**ADDRESS, "addressLine1": typed, "addressLine2": typed, "city": typed, "region": typed},
        CONSENTS,
    ):
        page = wizard.submit(fields)
        assert not page.errors(), page.errors()
    assert page.soup.h1.get_text(strip=True) == "Check your answers"
    assert unescaped(page.html) == []
    shown = [value.get_text(" ", strip=True) for value in page.soup.select(".summary-value")]
    assert shown.count(typed) >= 6  # forename, surname, display name, lines 1 and 2, city...
    done = wizard.submit()
    assert done.soup.select_one("[data-customer-id]") is not None
    assert unescaped(done.html) == []


@pytest.mark.parametrize("typed", MARKUP)
def test_a_step_with_errors_gives_markup_back_as_the_fields_value(app, typed):
    wizard = Wizard(app.test_client())
    wizard.submit(account())
    page = wizard.submit({**profile_with(typed), "surname": "", "phone": typed})
    assert page.status == 422
    assert unescaped(page.html) == []
    assert page.value("forename") == typed and page.value("phone") == typed


def test_an_inline_check_gives_markup_back_as_text(client):
    response = client.post(
        "/register/check/phone", data={"phone": MARKUP[1]}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert unescaped(response.get_data(as_text=True)) == []
    field = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("input")
    assert field["value"] == MARKUP[1]


def test_markup_in_a_username_is_refused_and_not_echoed_as_markup(client):
    response = client.post("/register", data=account(username="<script>x()</script>"))
    assert response.status_code == 422
    assert unescaped(response.get_data(as_text=True)) == []


def test_an_xml_fault_naming_a_member_with_markup_is_well_formed(app, client):
    key_id, secret = make_api_key(app)
    name = "<script>x()</script>&"
    response = client.put(
        "/v1/Customers",
        json={name: "x"},
        headers={"Authorization": f"Bearer {key_id}.{secret}", "Accept": "application/xml"},
    )
    assert response.status_code == 400
    fields = [
        element.text
        for element in ET.fromstring(response.data).iter()
        if element.tag.endswith("Field")
    ]
    assert name in fields


def test_json_faults_are_json_never_a_page(client):
    response = client.post(CUSTOMERS, json={**valid_customer(), "<script>": unique()})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["faults"][-1]["field"] == "<script>"
