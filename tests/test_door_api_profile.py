"""The profile fields through the JSON API: names, date of birth, phones, type, currency,
nationality and the tenant's custom attributes (section 2)."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import CUSTOMERS, faults, make_api_key, valid_customer

GB_ADDRESS = {
    "addressLine1": "1 Main Street",
    "city": "London",
    "postcode": "SW1A 1AA",
    "countryCode": "GB",
}


def years_before_today(years, days=0):
    """`years` before today in UTC (28 February for a 29th that year lacks), plus `days`."""
    today = datetime.now(UTC).date()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:
        anniversary = today.replace(year=today.year - years, day=28)
    return (anniversary + timedelta(days=days)).isoformat()


# --- plain text fields ------------------------------------------------------------------------

TEXT_LIMITS = [
    ("title", 20),
    ("forename", 50),
    ("surname", 50),
    ("displayName", 100),
    ("gender", 20),
]


@pytest.mark.parametrize("field, limit", TEXT_LIMITS)
def test_text_at_its_limit_is_stored(client, field, limit):
    value = "Ab" * (limit // 2)
    response = client.post(CUSTOMERS, json=valid_customer(**{field: value}))
    assert response.status_code == 201
    assert response.get_json()[field] == value


@pytest.mark.parametrize("field, limit", TEXT_LIMITS)
def test_text_over_its_limit_is_91000(client, field, limit):
    response = client.post(CUSTOMERS, json=valid_customer(**{field: "A" * (limit + 1)}))
    assert response.status_code == 400
    assert faults(response) == [(91000, field)]
    assert response.get_json()["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("field", ["title", "surname"])
def test_title_and_surname_are_required(client, field):
    body = valid_customer()
    del body[field]
    assert faults(client.post(CUSTOMERS, json=body)) == [(91000, field)]
    assert faults(client.post(CUSTOMERS, json={**body, field: "  "})) == [(91000, field)]


@pytest.mark.parametrize(
    "field",
    [
        "forename",
        "displayName",
        "gender",
        "dateOfBirth",
        "phone",
        "mobile",
        "nationality",
        "currency",
        "customerType",
    ],
)
def test_optional_fields_may_be_left_out(client, field):
    body = valid_customer()
    body.pop(field, None)
    assert client.post(CUSTOMERS, json=body).status_code == 201


# --- dateOfBirth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1990-3-27",
        "27/03/1990",
        "1990-03-27T00:00:00",
        "19900327",
        "1990-02-30",
        "1990-13-01",
        "1990-00-10",
        "0000-01-01",
        "+1990-03-27",
        "\u0661\u0669\u0669\u0660-03-27",
        "yesterday",
    ],
)
def test_date_of_birth_not_an_exact_real_date_is_90020(client, text):
    response = client.post(CUSTOMERS, json=valid_customer(dateOfBirth=text))
    assert response.status_code == 400
    assert faults(response) == [(90020, "dateOfBirth")]
    assert response.get_json()["message"] == "Date of Birth provided is incorrect"


def test_date_of_birth_is_trimmed(client):
    response = client.post(CUSTOMERS, json=valid_customer(dateOfBirth=" 1990-03-27 "))
    assert response.get_json()["dateOfBirth"] == "1990-03-27"


def test_turning_the_minimum_age_today_registers(client):
    response = client.post(CUSTOMERS, json=valid_customer(dateOfBirth=years_before_today(18)))
    assert response.status_code == 201


def test_one_day_under_the_minimum_age_is_90020(client):
    body = valid_customer(dateOfBirth=years_before_today(18, days=1))
    assert faults(client.post(CUSTOMERS, json=body)) == [(90020, "dateOfBirth")]


def test_minimum_age_is_the_tenants(make_app):
    client = make_app("[tenants.default]\nmin_age = 21\n").test_client()
    under = valid_customer(dateOfBirth=years_before_today(21, days=1))
    assert faults(client.post(CUSTOMERS, json=under)) == [(90020, "dateOfBirth")]
    exact = valid_customer(dateOfBirth=years_before_today(21))
    assert client.post(CUSTOMERS, json=exact).status_code == 201


def test_age_120_registers(client):
    body = valid_customer(dateOfBirth=years_before_today(121, days=1))
    assert client.post(CUSTOMERS, json=body).status_code == 201


def test_age_over_120_is_90020(client):
    body = valid_customer(dateOfBirth=years_before_today(121))
    assert faults(client.post(CUSTOMERS, json=body)) == [(90020, "dateOfBirth")]


def test_date_of_birth_in_the_future_is_90020(make_app):
    client = make_app("[tenants.default]\nmin_age = 0\n").test_client()
    today = valid_customer(dateOfBirth=years_before_today(0))
    assert client.post(CUSTOMERS, json=today).status_code == 201
    tomorrow = valid_customer(dateOfBirth=years_before_today(0, days=1))
    assert faults(client.post(CUSTOMERS, json=tomorrow)) == [(90020, "dateOfBirth")]


# --- phone and mobile -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["phone", "mobile"])
def test_international_number_is_stored_as_typed(client, field):
    response = client.post(CUSTOMERS, json=valid_customer(**{field: "+44 7911 123456"}))
    assert response.status_code == 201
    assert response.get_json()[field] == "+44 7911 123456"


@pytest.mark.parametrize("field", ["phone", "mobile"])
def test_national_number_is_read_with_the_address_country(client, field):
    with_gb = valid_customer(addresses=[GB_ADDRESS], **{field: "07911 123456"})
    assert client.post(CUSTOMERS, json=with_gb).status_code == 201
    with_us = valid_customer(
        addresses=[{**GB_ADDRESS, "countryCode": "US", "postcode": "90210"}],
        **{field: "07911 123456"},
    )
    assert faults(client.post(CUSTOMERS, json=with_us)) == [(91000, field)]
    # Without an address, in the tenant's default_country (GB unless the tenant says otherwise).
    without = valid_customer(**{field: "07911 123456"})
    assert client.post(CUSTOMERS, json=without).status_code == 201
    american = valid_customer(**{field: "(650) 253-0000"})
    assert faults(client.post(CUSTOMERS, json=american)) == [(91000, field)]


@pytest.mark.parametrize("field", ["phone", "mobile"])
@pytest.mark.parametrize(
    "number",
    # Letters too, which the phone library would read as a keypad's digits, and marks.
    [
        "+44 7911 12345",
        "not a number",
        "+999 123",
        "12",
        "+44 7911 ABCDEF",
        "0800 FLOWERS",
        "+44 7911 123456\u0301",
        "+44 7911 123456 x12",
    ],
)
def test_invalid_number_is_91000(client, field, number):
    response = client.post(CUSTOMERS, json=valid_customer(**{field: number}))
    assert faults(response) == [(91000, field)]


@pytest.mark.parametrize(
    "number", ["+44 (0)7911 123-456", "＋４４ ７９１１ １２３４５６", "+44/7911.123456"]
)
def test_numbers_written_with_brackets_dashes_or_full_width_digits_pass(client, number):
    assert client.post(CUSTOMERS, json=valid_customer(phone=number)).status_code == 201


@pytest.mark.parametrize("field", ["phone", "mobile"])
def test_number_length_limit_is_20(client, field):
    at_limit = "+44  7911   123  456"
    assert len(at_limit) == 20
    assert client.post(CUSTOMERS, json=valid_customer(**{field: at_limit})).status_code == 201
    over = "+44   7911   123  456"
    assert faults(client.post(CUSTOMERS, json=valid_customer(**{field: over}))) == [(91000, field)]


# --- customerType -----------------------------------------------------------------------------


def test_customer_type_defaults_to_the_first_type(client):
    assert client.post(CUSTOMERS, json=valid_customer()).get_json()["customerType"] == "Standard"


def test_without_credentials_only_the_first_type_may_be_sent(client):
    assert client.post(CUSTOMERS, json=valid_customer(customerType="Standard")).status_code == 201
    response = client.post(CUSTOMERS, json=valid_customer(customerType="VIP"))
    assert faults(response) == [(91000, "customerType")]


def test_with_credentials_any_of_the_tenants_types_may_be_sent(app, client):
    key_id, secret = make_api_key(app)
    bearer = {"Authorization": f"Bearer {key_id}.{secret}"}
    response = client.post(CUSTOMERS, json=valid_customer(customerType="VIP"), headers=bearer)
    assert response.status_code == 201
    assert response.get_json()["customerType"] == "VIP"
    unknown = client.post(CUSTOMERS, json=valid_customer(customerType="Gold"), headers=bearer)
    assert faults(unknown) == [(91000, "customerType")]


def test_customer_types_are_the_tenants(make_app):
    app = make_app('[tenants.default]\ncustomer_types = ["Bronze", "Gold"]\n')
    client = app.test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).get_json()["customerType"] == "Bronze"
    key_id, secret = make_api_key(app)
    response = client.post(
        CUSTOMERS,
        json=valid_customer(customerType="Gold"),
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert response.get_json()["customerType"] == "Gold"
    vip = client.post(
        CUSTOMERS,
        json=valid_customer(customerType="VIP"),
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert faults(vip) == [(91000, "customerType")]


# --- currency ---------------------------------------------------------------------------------


def test_currency_defaults_to_the_tenants_default(make_app):
    client = make_app('[tenants.default]\ndefault_currency = "EUR"\n').test_client()
    assert client.post(CUSTOMERS, json=valid_customer()).get_json()["currency"] == "EUR"


def test_currency_default_is_gbp(client):
    assert client.post(CUSTOMERS, json=valid_customer()).get_json()["currency"] == "GBP"


@pytest.mark.parametrize("currency", ["GBP", "EUR", "USD"])
def test_accepted_currency_is_stored(client, currency):
    response = client.post(CUSTOMERS, json=valid_customer(currency=currency))
    assert response.get_json()["currency"] == currency


@pytest.mark.parametrize("currency", ["JPY", "XYZ", "POUNDS", "£"])
def test_currency_the_tenant_does_not_accept_is_404_90019(client, currency):
    response = client.post(CUSTOMERS, json=valid_customer(currency=currency))
    assert response.status_code == 404
    assert faults(response) == [(90019, "currency")]
    assert response.get_json()["message"] == "Currency code provided does not exist"


def test_currencies_are_the_tenants(make_app):
    client = make_app('[tenants.default]\ncurrencies = ["GBP", "JPY"]\n').test_client()
    assert client.post(CUSTOMERS, json=valid_customer(currency="JPY")).status_code == 201
    assert faults(client.post(CUSTOMERS, json=valid_customer(currency="EUR"))) == [
        (90019, "currency")
    ]


# --- nationality ------------------------------------------------------------------------------


def test_nationality_is_an_iso_country_code(client):
    response = client.post(CUSTOMERS, json=valid_customer(nationality="IE"))
    assert response.get_json()["nationality"] == "IE"


@pytest.mark.parametrize("code", ["XX", "GBR", "G", "Ireland", "12"])
def test_nationality_not_a_country_code_is_91000(client, code):
    response = client.post(CUSTOMERS, json=valid_customer(nationality=code))
    assert faults(response) == [(91000, "nationality")]


# --- customAttributes -------------------------------------------------------------------------

ATTRIBUTES = """
[[tenants.default.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
max_length = 10

[[tenants.default.custom_attributes]]
name = "memberNo"
label = "Member number"
required = true
"""


@pytest.fixture
def attributes_client(make_app):
    return make_app(ATTRIBUTES).test_client()


def test_custom_attributes_are_stored(attributes_client):
    given = [{"name": "memberNo", "value": "M-1"}, {"name": "favouriteTeam", "value": "A" * 10}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert response.status_code == 201
    assert sorted(response.get_json()["customAttributes"], key=lambda a: a["name"]) == sorted(
        given, key=lambda a: a["name"]
    )


def test_custom_attribute_over_its_max_length_is_91000(attributes_client):
    given = [{"name": "memberNo", "value": "M-1"}, {"name": "favouriteTeam", "value": "A" * 11}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[1].value")]


def test_custom_attribute_max_length_defaults_to_200(make_app):
    client = make_app("""
        [[tenants.default.custom_attributes]]
        name = "note"
        label = "Note"
        """).test_client()
    at_limit = valid_customer(customAttributes=[{"name": "note", "value": "n" * 200}])
    assert client.post(CUSTOMERS, json=at_limit).status_code == 201
    over = valid_customer(customAttributes=[{"name": "note", "value": "n" * 201}])
    assert faults(client.post(CUSTOMERS, json=over)) == [(91000, "customAttributes[0].value")]


def test_custom_attribute_faults_follow_the_body_s_order(attributes_client):
    given = [
        {"name": "favouriteTeam", "value": "A" * 11},
        {"name": "nope", "value": "x"},
        {"name": "memberNo", "value": "M" * 201},
    ]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [
        (91000, "customAttributes[0].value"),
        (91000, "customAttributes[1].name"),
        (91000, "customAttributes[2].value"),
    ]


@pytest.mark.parametrize(
    "entry", ["memberNo", {"name": "memberNo", "value": "M-1", "extra": 1}, {"value": "M-1"}]
)
def test_an_entry_that_cannot_be_read_is_one_fault_and_nothing_it_holds_is_read(
    attributes_client, entry
):
    # Not "memberNo is not an attribute", nor "enter the member number": the entry may give it.
    given = [{"name": "favouriteTeam", "value": "Arsenal"}, entry]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[1]")]


def test_required_custom_attribute_missing_is_91000(attributes_client):
    for given in ([], [{"name": "memberNo", "value": "  "}]):
        response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
        assert [code for code, _ in faults(response)] == [91000]
        assert faults(response)[0][1].startswith("customAttributes")
        assert (
            "memberNo" in response.get_json()["message"]
            or "member number" in response.get_json()["message"].lower()
        )


def test_custom_attribute_names_are_trimmed(attributes_client):
    given = [{"name": " memberNo ", "value": "M-1"}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["customAttributes"] == [{"name": "memberNo", "value": "M-1"}]


def test_a_custom_attribute_value_of_the_wrong_type_is_one_fault_on_it(attributes_client):
    given = [{"name": "memberNo", "value": 5}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[0].value")]
    assert "Must be a string" in response.get_json()["message"]


def test_unknown_custom_attribute_is_91000_naming_it(attributes_client):
    given = [{"name": "memberNo", "value": "M-1"}, {"name": "shoeSize", "value": "9"}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[1].name")]
    assert "shoeSize" in response.get_json()["message"]


def test_custom_attribute_given_twice_is_91000(attributes_client):
    given = [{"name": "memberNo", "value": "M-1"}, {"name": "memberNo", "value": "M-2"}]
    response = attributes_client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[1]")]


def test_tenant_without_attributes_refuses_any(client):
    given = [{"name": "favouriteTeam", "value": "Reds"}]
    response = client.post(CUSTOMERS, json=valid_customer(customAttributes=given))
    assert faults(response) == [(91000, "customAttributes[0].name")]


def test_the_example_in_the_phone_message_is_itself_valid(client):
    message = client.post(CUSTOMERS, json=valid_customer(phone="12")).get_json()["message"]
    example = message.rpartition("like ")[2]
    assert client.post(CUSTOMERS, json=valid_customer(phone=example)).status_code == 201
