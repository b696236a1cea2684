"""Passwords beyond zxcvbn's score: the most common ones, and ones built from the person's own data,
are 90073 on every door that has the data; a refused password is never echoed or logged."""

import logging

import pytest
from conftest import CUSTOMERS, faults, make_api_key, unique, valid_customer

from webapp.registration.passwords import COMMON_PASSWORDS_FILE

# Scores and lengths out of the way, so that only the rules under test can refuse.
LAX = """
[tenants.default]
password_min_score = 0
password_min_length = 8
store_id = 7
"""
ADA = {"forename": "Ada", "surname": "Lovelace", "dateOfBirth": "1990-03-27"}
GRACE = {"forename": "Grace", "surname": "Hopper", "dateOfBirth": "1985-12-09"}


@pytest.fixture
def lax(make_app):
    return make_app(LAX)


def register(client, password, **person):
    return client.post(CUSTOMERS, json=valid_customer(password=password, **person))


COMMON = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
# The least common password of the list that is long enough, and the next one long enough in
# zxcvbn's frequency list (its 3005th).
LAST_COMMON = [word for word in COMMON if len(word) >= 8][-1]
FIRST_RARE = "dutchess"


def test_the_common_list_is_the_top_3000():
    assert len(COMMON) == len(set(COMMON)) == 3000
    assert COMMON[:3] == ["123456", "password", "12345678"]
    assert FIRST_RARE not in COMMON


@pytest.mark.parametrize(
    "password", ["password1", "PassWord1", "qwerty123", "sunshine", "1q2w3e4r", LAST_COMMON]
)
def test_common_passwords_are_refused_whatever_the_tenants_score(lax, password):
    assert len(password) >= 8
    response = register(lax.test_client(), password)
    assert faults(response) == [(90073, "password")]


def test_a_password_just_past_the_common_list_is_judged_by_score_alone(lax):
    assert register(lax.test_client(), FIRST_RARE).status_code == 201


@pytest.mark.parametrize(
    "password",
    [
        "Ada.Lovelace1990!",
        "Lovelace27031990",
        "ada-lovelace-19900327",
        "27.03.1990.Lovelace",
        "LOVELACEada0327",
        "Ada!Lovelace!1990!",
    ],
)
def test_passwords_built_from_names_and_birth_date_are_refused(lax, password):
    client = lax.test_client()
    assert faults(register(client, password, **ADA)) == [(90073, "password")]
    # The very same password is fine for someone whose data it is not.
    assert register(client, password, **GRACE).status_code == 201


def test_the_default_score_alone_would_take_such_a_password(make_app):
    # zxcvbn gives "Ada.Lovelace1990!" its top score; only the personal-data rule refuses it.
    client = make_app().test_client()
    assert faults(register(client, "Ada.Lovelace1990!", **ADA)) == [(90073, "password")]
    assert register(client, "Ada.Lovelace1990!", **GRACE).status_code == 201


def test_a_name_inside_a_longer_password_is_allowed(lax):
    response = register(lax.test_client(), "Lovelace-violet-Harbour-tangent", **ADA)
    assert response.status_code == 201


def test_the_display_name_counts_as_a_name(lax):
    response = register(lax.test_client(), "Countess#Byron1815", displayName="The Countess Byron")
    assert faults(response) == [(90073, "password")]


def test_online_ordering_checks_first_name_last_name_and_birth_date(lax):
    key_id, secret = make_api_key(lax)
    body = {
        "Customer": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "EMail": f"{unique()}@example.com",
            "BirthDate": "1990-03-27T00:00:00",
        },
        "Password": "Lovelace27031990",
        "SecurityQuestion": "Pet?",
        "SecurityAnswer": "Rex",
    }
    response = lax.test_client().put(
        "/v1/Customers", json=body, headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert response.status_code == 400
    assert [(f["faultCode"], f["field"]) for f in response.get_json()["faults"]] == [
        (90073, "Password")
    ]


def test_web_store_checks_the_billing_persons_name(lax):
    key_id, secret = make_api_key(lax)
    body = {
        "email": f"{unique()}@example.com",
        "password": "Ada.Lovelace!!",
        "billingPerson": {"name": "Ada Lovelace"},
    }
    response = lax.test_client().post(
        "/api/v3/7/customers", json=body, headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert response.status_code == 400
    assert "password" in response.get_json()["errorMessage"]


def test_a_refused_password_is_never_echoed_or_logged(client, caplog):
    secret = "Ada.Lovelace1990!"
    with caplog.at_level(logging.DEBUG):
        response = register(client, secret, **ADA)
        online_ordering = client.put(
            "/v1/Customers", data=f"<x>{secret}</x>", content_type="application/xml"
        )
    assert response.status_code == 400 and online_ordering.status_code == 401
    assert secret not in response.get_data(as_text=True)
    assert secret not in caplog.text
    assert all(secret not in str(record.__dict__) for record in caplog.records)
