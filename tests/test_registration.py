"""The registration service itself: what the doors cannot show from outside."""

import pytest
from conftest import CUSTOMERS, faults, unique, valid_customer

from webapp.registration import rules


@pytest.fixture
def racing(monkeypatch):
    """Registrations whose uniqueness check ran before a rival's commit: the check sees nothing."""
    real = rules._account_rules

    def without_taken(*arguments):
        return [f for f in real(*arguments) if f.code == 90073]

    monkeypatch.setattr(rules, "_account_rules", without_taken)


@pytest.mark.parametrize(
    "field, value, status, code",
    [
        ("username", "Rival", 400, 90074),
        ("email", "rival@example.com", 409, 91001),
        ("externalId", "crm-7", 409, 91008),
    ],
)
def test_a_lost_race_is_the_fields_fault(client, racing, field, value, status, code):
    assert client.post(CUSTOMERS, json=valid_customer(**{field: value})).status_code == 201
    again = value.upper() if field != "externalId" else value
    response = client.post(CUSTOMERS, json=valid_customer(**{field: again}))
    assert response.status_code == status
    assert faults(response) == [(code, field)]


def test_a_lost_race_on_several_fields_lists_each(client, racing):
    body = valid_customer(externalId="crm-8")
    assert client.post(CUSTOMERS, json=body).status_code == 201
    response = client.post(CUSTOMERS, json={**body, "email": unique() + "@example.com"})
    assert faults(response) == [(91008, "externalId"), (90074, "username")]
