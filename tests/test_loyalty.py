"""Loyalty (contract section 7): the operator's `import-loyalty` command, and the online-ordering
API's linking and stored-value options for a tenant with `loyalty = true`."""

import pytest
from conftest import STRONG_PASSWORD, make_api_key, unique
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import LoyaltyAccount
from webapp.registration.loyalty import luhn_check_digit, luhn_valid

TENANTS = """
[tenants.club]
loyalty = true

[tenants.other]
loyalty = true
"""


def card(seed):
    """A card number passing the Luhn check, made from the digits of `seed`."""
    body = f"6{seed:014d}"
    return body + luhn_check_digit(body)


def bad_card(seed):
    good = card(seed)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def import_csv(app, tmp_path, text, tenant="club", name="accounts.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return app.test_cli_runner().invoke(args=["import-loyalty", tenant, str(path)])


def accounts(app, tenant="club"):
    with app.app_context():
        rows = db.session.execute(
            select(LoyaltyAccount)
            .where(LoyaltyAccount.tenant == tenant)
            .order_by(LoyaltyAccount.id)
        ).scalars()
        return [(row.email_key, row.card_number, row.customer_number) for row in rows]


# --- the Luhn check -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, valid",
    [
        ("79927398713", True),
        ("79927398710", False),
        ("4539578763621486", True),
        ("12345678", False),
        ("", False),
        ("7992 7398 713", False),
    ],
)
def test_luhn_check(number, valid):
    assert luhn_valid(number) is valid


# --- import-loyalty -------------------------------------------------------------------------------


def test_import_stores_each_account_by_its_email_in_lower_case(app, tmp_path):
    text = (
        f"email,card_number\nAda@Example.com,{card(1)}\n"
        f"bob@example.com,{card(2)[:4]} {card(2)[4:8]}-{card(2)[8:]}\n"
    )
    result = import_csv(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output
    assert accounts(app) == [("ada@example.com", card(1), None), ("bob@example.com", card(2), None)]


def test_import_reads_a_header_with_byte_order_mark_spaces_and_extra_columns(app, tmp_path):
    text = f" Card_Number , Email ,name\r\n{card(3)},cy@example.com,Cy\r\n"
    result = import_csv(app, tmp_path, text, encoding="utf-8-sig")
    assert result.exit_code == 0, result.output
    assert accounts(app) == [("cy@example.com", card(3), None)]


def test_importing_the_same_file_again_adds_nothing(app, tmp_path):
    text = f"email,card_number\nada@example.com,{card(1)}\n"
    assert import_csv(app, tmp_path, text).exit_code == 0
    again = import_csv(app, tmp_path, text)
    assert again.exit_code == 0
    assert "imported 0" in again.output and "1 were there already" in again.output
    assert len(accounts(app)) == 1


@pytest.mark.parametrize(
    "rows, problem",
    [
        (f"ada@example.com,{bad_card(1)}", "line 3: card number"),
        ("ada@example.com,1234abcd", "line 3: card number '1234abcd' must be 8 to 19 digits"),
        ("ada@example.com,18", "must be 8 to 19 digits"),
        (f"not-an-email,{card(1)}", "line 3: 'not-an-email' is not an email address"),
        (f",{card(1)}", "line 3: email must be"),
        (f"zed@example.com,{card(2)}", "line 3: '" + card(2) + "' is on line 2 already"),
        (f"BOB@example.com,{card(1)}", "line 3: 'bob@example.com' is on line 2 already"),
    ],
)
def test_a_bad_row_imports_nothing_and_names_its_line(app, tmp_path, rows, problem):
    text = f"email,card_number\nbob@example.com,{card(2)}\n{rows}\n"
    result = import_csv(app, tmp_path, text)
    assert result.exit_code != 0
    assert problem in result.output
    assert accounts(app) == []


def test_luhn_failure_is_named_as_such(app, tmp_path):
    result = import_csv(app, tmp_path, f"email,card_number\nada@example.com,{bad_card(1)}\n")
    assert "fails the Luhn check" in result.output


def test_a_card_imported_for_another_email_is_refused(app, tmp_path):
    assert (
        import_csv(
            app, tmp_path, f"email,card_number\nada@example.com,{card(1)}\n", name="first.csv"
        ).exit_code
        == 0
    )
    result = import_csv(
        app, tmp_path, f"email,card_number\nzed@example.com,{card(4)}\nbob@example.com,{card(1)}\n"
    )
    assert result.exit_code != 0
    assert "line 3" in result.output
    assert [row[0] for row in accounts(app)] == ["ada@example.com"]


def test_the_same_card_may_belong_to_two_tenants(app, tmp_path):
    text = f"email,card_number\nada@example.com,{card(1)}\n"
    assert import_csv(app, tmp_path, text).exit_code == 0
    assert import_csv(app, tmp_path, text, tenant="other").exit_code == 0
    assert len(accounts(app, "other")) == 1


@pytest.mark.parametrize("text", ["email\nada@example.com\n", "", "mail,card\na,b\n"])
def test_missing_columns_are_refused(app, tmp_path, text):
    result = import_csv(app, tmp_path, text)
    assert result.exit_code != 0
    assert "card_number" in result.output


def test_a_file_that_is_not_utf8_is_refused(app, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"email,card_number\n\xe9@example.com,1\n")
    result = app.test_cli_runner().invoke(args=["import-loyalty", "club", str(path)])
    assert result.exit_code != 0
    assert "UTF-8" in result.output


@pytest.mark.parametrize(
    "tenant, problem",
    [("nobody", "no tenant 'nobody'"), ("default", "does not have loyalty = true")],
)
def test_the_tenant_must_exist_and_have_loyalty(app, tmp_path, tenant, problem):
    result = import_csv(
        app, tmp_path, f"email,card_number\nada@example.com,{card(1)}\n", tenant=tenant
    )
    assert result.exit_code != 0
    assert problem in result.output


# --- linking through the online-ordering API ------------------------------------------------------


def register(app, email, query="", tenant="club"):
    key_id, secret = make_api_key(app, tenant)
    body = {
        "Customer": {"EMail": email, "LastName": "Lovelace"},
        "Password": STRONG_PASSWORD,
        "SecurityQuestion": "Q?",
        "SecurityAnswer": "A",
    }
    separator = "&" if query else ""
    response = app.test_client().put(
        f"/v1/Customers?verbose=true{separator}{query}",
        json=body,
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["Customer"]


def test_registration_links_the_imported_account_with_the_same_email(app, tmp_path):
    import_csv(app, tmp_path, f"email,card_number\nada@example.com,{card(1)}\n")
    customer = register(app, "ADA@example.com")
    assert customer["LoyaltyCardNumber"] == card(1)
    assert customer["StoredValueCardNumber"] is None
    assert accounts(app)[0][2] is not None


def test_without_an_imported_account_a_virtual_card_is_issued(app):
    customer = register(app, f"{unique()}@example.com")
    assert luhn_valid(customer["LoyaltyCardNumber"])


def test_linking_turned_off_always_issues_a_new_virtual_card(app, tmp_path):
    import_csv(app, tmp_path, f"email,card_number\nada@example.com,{card(1)}\n")
    customer = register(app, "ada@example.com", "enableLoyaltyAccountLinking=false")
    assert customer["LoyaltyCardNumber"] != card(1)
    assert luhn_valid(customer["LoyaltyCardNumber"])
    assert accounts(app) == [("ada@example.com", card(1), None)]


def test_auto_assign_stored_value_assigns_a_stored_value_card(app):
    customer = register(app, f"{unique()}@example.com", "autoAssignStoredValue=true")
    assert luhn_valid(customer["StoredValueCardNumber"])
    assert customer["StoredValueCardNumber"] != customer["LoyaltyCardNumber"]


def test_tenants_without_loyalty_get_no_cards(app):
    customer = register(
        app, f"{unique()}@example.com", "autoAssignStoredValue=true", tenant="default"
    )
    assert customer["LoyaltyCardNumber"] is None and customer["StoredValueCardNumber"] is None
