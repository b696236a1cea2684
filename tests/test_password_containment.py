"""A password may not contain the username or the email's local part (contract section 2), where
that is 3 characters or more: a shorter one is inside almost every password."""

import pytest
from conftest import CUSTOMERS, STRONG_PASSWORD, fault_codes, valid_customer

from webapp.registration.passwords import contains_personal_data

# STRONG_PASSWORD is "violet-Harbour-tangent-93".


@pytest.mark.parametrize(
    "username, email, contained",
    [
        ("vi", None, False),
        ("vio", None, True),
        ("VIO", None, True),
        (None, "an@example.com", False),
        (None, "ang@example.com", True),
        (None, "a@example.com", False),
        ("ＶＩＯ", None, True),  # full-width, as NFKC reads it
    ],
)
def test_only_parts_of_3_characters_or_more_are_looked_for(username, email, contained):
    assert contains_personal_data(STRONG_PASSWORD, username, email) is contained


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"username": "vi"}, 201),
        ({"username": "vio"}, 400),
        ({"email": "an@example.com"}, 201),
        ({"email": "ang@example.com"}, 400),
    ],
)
def test_the_rule_holds_at_the_door(client, changes, status):
    response = client.post(CUSTOMERS, json=valid_customer(**changes))
    assert response.status_code == status
    if status == 400:
        assert fault_codes(response) == [90073]
