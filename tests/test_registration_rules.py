"""The registration service's rules, called directly: `registration.check` field by field, and what
each door's policy changes. The doors' own tests show the same rules through HTTP."""

import pytest
from conftest import STRONG_PASSWORD

from webapp import registration
from webapp.tenants import registry

TENANTS = """
[tenants.lenient]
password_min_length = 1
password_min_score = 0
"""

VALID = {
    "username": "ada.lovelace",
    "password": STRONG_PASSWORD,
    "email": "ada@example.com",
    "title": "Ms",
    "forename": "Ada",
    "surname": "Lovelace",
    "dateOfBirth": "1990-03-27",
    "consentIds": ["terms", "privacy"],
    "contactMethods": ["email"],
}
ADDRESS = {
    "addressLine1": "1 High Street",
    "city": "London",
    "postcode": "SW1A 1AA",
    "countryCode": "GB",
}


@pytest.fixture
def tenants(make_app):
    """The tenants by slug, inside a request (as the doors call the service)."""
    app = make_app(TENANTS)
    with app.test_request_context():
        yield {tenant.slug: tenant for tenant in registry()}


def found(tenant, door="api", caller=None, **changes):
    """The (fault code, field) pairs `check` finds in VALID with `changes` (None drops a field)."""
    answers = {name: value for name, value in {**VALID, **changes}.items() if value is not None}
    _, faults = registration.check(tenant, answers, door, caller or registration.Caller())
    return [(item.code, item.field) for item in faults]


def test_valid_answers_have_no_fault(tenants):
    assert found(tenants["default"]) == []
    assert found(tenants["default"], **ADDRESS) == []


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("username", None, 90075),
        ("username", "   ", 90075),
        ("username", "ada lovelace", 90030),
        ("username", "ada!", 90030),
        ("username", "pаypal", 90030),  # a Cyrillic "а" among Latin letters
        ("username", "a" * 201, 90030),
        ("email", None, 91000),
        ("email", "ada.example.com", 91000),
        ("email", "a" * 190 + "@example.com", 91000),
        ("password", None, 90044),
        ("password", "password1", 90073),
        ("password", "ada.lovelace-2024", 90073),  # holds the username
        ("password", STRONG_PASSWORD + "x" * 200, 91000),
        ("title", None, 91000),
        ("title", "T" * 21, 91000),
        ("forename", "F" * 51, 91000),
        ("forename", "Ada\nLovelace", 91000),
        ("surname", None, 91000),
        ("surname", "S" * 51, 91000),
        ("displayName", "D" * 101, 91000),
        ("dateOfBirth", "27/03/1990", 90020),
        ("dateOfBirth", "1990-02-30", 90020),
        ("dateOfBirth", "2999-01-01", 90020),
        ("dateOfBirth", "1800-01-01", 90020),
        ("phone", "12", 91000),
        ("mobile", "+44 12", 91000),
        ("gender", "G" * 21, 91000),
        ("nationality", "XX", 91000),
        ("currency", "XYZ", 90019),
        ("customerType", "Platinum", 91000),
        ("customerType", "VIP", 91000),  # only the first type without credentials
        ("externalId", "e" * 201, 91000),
        ("consentIds", ["terms"], 90037),
        ("consentIds", ["terms", "privacy", "unknown"], 90066),
        ("contactMethods", [], 90038),
        ("contactMethods", ["pigeon"], 90067),
    ],
)
def test_each_field_has_its_fault(tenants, field, value, code):
    assert found(tenants["default"], **{field: value}) == [(code, field)]


def test_the_age_is_at_least_the_tenants_minimum(tenants):
    assert found(tenants["default"], dateOfBirth="2015-01-01") == [(90020, "dateOfBirth")]


def test_with_credentials_any_of_the_tenants_types_may_be_picked(tenants):
    assert (
        found(tenants["default"], caller=registration.Caller("USER", "key"), customerType="VIP")
        == []
    )


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"addressLine1": "1 High Street"}, [(91000, "city"), (91000, "countryCode")]),
        ({**ADDRESS, "postcode": "12345"}, [(90026, "postcode")]),
        ({**ADDRESS, "countryCode": "ZZ"}, [(91000, "countryCode")]),
        ({**ADDRESS, "city": "C" * 101}, [(91000, "city")]),
    ],
)
def test_an_address_once_begun_has_its_rules(tenants, changes, expected):
    assert found(tenants["default"], **changes) == expected


def test_faults_come_in_the_fields_order(tenants):
    assert found(
        tenants["default"], nationality="XX", username=None, surname=None, consentIds=[]
    ) == [(90075, "username"), (91000, "surname"), (90037, "consentIds"), (91000, "nationality")]


def test_a_taken_username_and_email_are_faults(tenants):
    registration.register(tenants["default"], VALID, "api")
    assert found(tenants["default"], username="ADA.LOVELACE", email="Ada@Example.com") == [
        (90074, "username"),
        (91001, "email"),
    ]


def test_check_field_runs_one_fields_rules(tenants):
    fault = registration.check_field(tenants["default"], "username", {"username": "a b"}, "wizard")
    assert (fault.code, fault.field) == (90030, "username")
    assert (
        registration.check_field(tenants["default"], "email", {"email": "a@b.co"}, "wizard") is None
    )


def test_an_inline_check_binds_a_field_alone_unless_its_checks_read_others(tenants, monkeypatch):
    from webapp.forms import field_form
    from webapp.registration import rules

    tenant = tenants["default"]
    bound = []
    bind = rules._bind
    monkeypatch.setattr(rules, "_bind", lambda *a, **k: bound.append(bind(*a, **k)) or bound[-1])
    answers = {"username": "ada", "email": "not an email", "password": "ada"}
    for name in ("username", "email", "password"):
        registration.check_field(tenant, name, answers, "wizard")
    assert [list(form.data) for form in bound] == [
        ["username"],
        ["email"],
        ["username", "email", "password"],
    ]
    assert field_form("address", tenant, "city") is field_form("address", tenant, "postcode")


# --- what each door's policy changes ---------------------------------------------------------


@pytest.mark.parametrize(
    "door, waived",
    [
        ("online_ordering", ("title", "contactMethods")),
        ("web_store", ("title", "surname", "password", "contactMethods")),
    ],
)
def test_a_dialect_waives_the_fields_it_has_no_place_for(tenants, door, waived):
    blank = dict.fromkeys(waived)
    assert found(tenants["default"], door, **blank) == []
    assert found(tenants["default"], "api", **blank) != []


@pytest.mark.parametrize("door", ["online_ordering", "web_store"])
def test_a_dialects_email_is_its_username_and_its_callers_collected_consent(tenants, door):
    changes = {"username": None, "consentIds": None, "contactMethods": None}
    assert found(tenants["default"], door, **changes) == []
    data, _ = registration.check(tenants["default"], {"email": "ada@example.com"}, door)
    assert data["username"] == "ada@example.com"
    assert data["consentIds"] == ["terms", "privacy"] and data["contactMethods"] == ["email"]


def test_the_online_ordering_api_asks_at_least_7_characters_of_a_password(tenants):
    lenient = tenants["lenient"]
    assert found(lenient, "online_ordering", password="abcdef") == [(90073, "password")]
    assert found(lenient, "online_ordering", password="abcdefg") == []
    assert found(lenient, "api", password="abcdef") == []


def test_only_machine_doors_take_the_partners_fields(tenants):
    assert found(tenants["default"], "api", externalId="e" * 201) == [(91000, "externalId")]
    assert found(tenants["default"], "wizard", externalId="e" * 201) == []
