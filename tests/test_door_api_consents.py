"""Consents and contact methods through the JSON API, and the consent records (section 2)."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import CUSTOMERS, faults, valid_customer

OWN_CONSENTS = """
[tenants.default]
contact_methods = ["email", "post"]

[[tenants.default.consents]]
id = "terms"
label = "I accept the terms"
version = "2026-01"
mandatory = true

[[tenants.default.consents]]
id = "newsletter"
label = "Send me the newsletter"
version = "3"
"""


def consents(consent_ids=("terms", "privacy"), methods=("email",)):
    return {"consentIds": list(consent_ids), "contactMethods": list(methods)}


def post_consents(client, given):
    return client.post(CUSTOMERS, json=valid_customer(consents=given))


def test_given_consents_and_methods_come_back(client):
    body = post_consents(client, consents(("terms", "privacy", "marketing"), ("email", "sms")))
    assert body.status_code == 201
    assert body.get_json()["consents"]["consentIds"] == ["terms", "privacy", "marketing"]
    assert body.get_json()["consents"]["contactMethods"] == ["email", "sms"]


def test_each_consent_is_recorded_with_version_time_and_door(make_app):
    client = make_app(OWN_CONSENTS).test_client()
    before = datetime.now(UTC).replace(microsecond=0)
    response = post_consents(client, consents(("terms", "newsletter")))
    after = datetime.now(UTC)
    assert response.status_code == 201
    records = response.get_json()["consents"]["records"]
    assert [(r["consentId"], r["version"], r["door"]) for r in records] == [
        ("terms", "2026-01", "api"),
        ("newsletter", "3", "api"),
    ]
    for record in records:
        granted = datetime.fromisoformat(record["grantedAt"].replace("Z", "+00:00"))
        assert before <= granted <= after + timedelta(seconds=1)
        assert record["grantedAt"].endswith("Z")


def test_built_in_consent_versions_are_recorded(client):
    records = post_consents(client, consents()).get_json()["consents"]["records"]
    assert {r["consentId"] for r in records} == {"terms", "privacy"}
    assert all(r["version"] for r in records)


def test_a_consent_given_twice_is_recorded_once(client):
    response = post_consents(client, consents(("terms", "privacy", "terms")))
    assert [r["consentId"] for r in response.get_json()["consents"]["records"]] == [
        "terms",
        "privacy",
    ]


@pytest.mark.parametrize("consent_ids", [("terms", "privacy", "lottery"), ("terms", "privacy", "")])
def test_unknown_consent_is_404_90066(client, consent_ids):
    response = post_consents(client, consents(consent_ids))
    assert response.status_code == 404
    assert faults(response) == [(90066, "consents.consentIds")]
    assert response.get_json()["message"] == "ConsentId provided does not exist"


@pytest.mark.parametrize("consent_ids", [("nope",), ("",), ("marketing", "lottery")])
def test_unknown_consent_in_place_of_a_mandatory_one_is_both_faults(client, consent_ids):
    response = post_consents(client, consents(consent_ids))
    assert response.status_code == 404
    assert faults(response) == [(90066, "consents.consentIds"), (90037, "consents.consentIds")]


@pytest.mark.parametrize("consent_ids", [(), ("terms",), ("privacy", "marketing")])
def test_mandatory_consent_missing_is_90037(client, consent_ids):
    response = post_consents(client, consents(consent_ids))
    assert response.status_code == 400
    assert faults(response) == [(90037, "consents.consentIds")]
    assert response.get_json()["message"] == "Consent Method Required"


def test_mandatory_consents_are_the_tenants(make_app):
    client = make_app(OWN_CONSENTS).test_client()
    assert post_consents(client, consents(("terms",))).status_code == 201
    assert faults(post_consents(client, consents(("terms", "privacy")))) == [
        (90066, "consents.consentIds")
    ]


@pytest.mark.parametrize("methods", [("carrier-pigeon",), ("email", "fax")])
def test_unknown_contact_method_is_404_90067(client, methods):
    response = post_consents(client, consents(methods=methods))
    assert response.status_code == 404
    assert faults(response) == [(90067, "consents.contactMethods")]
    assert response.get_json()["message"] == "Contact Method provided does not exist"


def test_contact_methods_are_the_tenants(make_app):
    client = make_app(OWN_CONSENTS).test_client()
    assert post_consents(client, consents(("terms",), ("post",))).status_code == 201
    assert faults(post_consents(client, consents(("terms",), ("sms",)))) == [
        (90067, "consents.contactMethods")
    ]


def test_no_contact_method_is_90038(client):
    response = post_consents(client, consents(methods=()))
    assert response.status_code == 400
    assert faults(response) == [(90038, "consents.contactMethods")]
    assert response.get_json()["message"] == "Contact Method Required"


def test_tenant_not_requiring_a_contact_method_accepts_none(make_app):
    client = make_app("[tenants.default]\nrequire_contact_method = false\n").test_client()
    response = post_consents(client, consents(methods=()))
    assert response.status_code == 201
    assert response.get_json()["consents"]["contactMethods"] == []


def test_consents_left_out_entirely_miss_both_mandatory_parts(client):
    body = valid_customer()
    del body["consents"]
    assert faults(client.post(CUSTOMERS, json=body)) == [
        (90037, "consents.consentIds"),
        (90038, "consents.contactMethods"),
    ]


@pytest.mark.parametrize(
    "given, field",
    [
        (["terms"], "consents"),
        ("terms", "consents"),
        ({"consentIds": "terms", "contactMethods": ["email"]}, "consents.consentIds"),
        ({"consentIds": ["terms", "privacy"], "contactMethods": [1]}, "consents.contactMethods"),
        (
            {"consentIds": ["terms", "privacy"], "contactMethods": ["email"], "extra": []},
            "consents.extra",
        ),
    ],
)
def test_consents_of_the_wrong_shape_are_91000(client, given, field):
    response = post_consents(client, given)
    assert response.status_code == 400
    assert faults(response)[0] == (91000, field)
