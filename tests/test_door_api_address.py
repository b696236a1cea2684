"""The address through the JSON API: at most one, its parts, country and postcode (section 2)."""

import pytest
from conftest import CUSTOMERS, faults, valid_customer

GB = {
    "addressLine1": "10 Downing Street",
    "addressLine2": "Westminster",
    "city": "London",
    "region": "Greater London",
    "postcode": "SW1A 2AA",
    "countryCode": "GB",
}
# Hong Kong has no postcodes: a country whose postcode rules leave only the length limit.
HK = {"addressLine1": "1 Queen's Road", "city": "Hong Kong", "countryCode": "HK"}


def post_address(client, address):
    return client.post(CUSTOMERS, json=valid_customer(addresses=[address]))


def test_address_is_stored_as_typed_after_trimming(client):
    typed = {**GB, "addressLine1": "  10 Downing Street ", "city": "London  "}
    response = post_address(client, typed)
    assert response.status_code == 201
    assert response.get_json()["addresses"] == [{**GB}]


def test_no_address_is_an_empty_list(client):
    assert client.post(CUSTOMERS, json=valid_customer()).get_json()["addresses"] == []
    assert client.post(CUSTOMERS, json=valid_customer(addresses=[])).get_json()["addresses"] == []


def test_more_than_one_address_is_91000(client):
    response = client.post(CUSTOMERS, json=valid_customer(addresses=[GB, HK]))
    assert response.status_code == 400
    assert faults(response) == [(91000, "addresses")]


@pytest.mark.parametrize("part", ["addressLine1", "city", "countryCode"])
def test_required_part_missing_is_91000(client, part):
    address = {k: v for k, v in HK.items() if k != part}
    assert faults(post_address(client, address)) == [(91000, f"addresses[0].{part}")]
    assert faults(post_address(client, {**HK, part: " "})) == [(91000, f"addresses[0].{part}")]


@pytest.mark.parametrize("part", ["addressLine1", "addressLine2", "city", "region"])
def test_part_lengths_are_at_most_100(client, part):
    assert post_address(client, {**HK, part: "a" * 100}).status_code == 201
    assert faults(post_address(client, {**HK, part: "a" * 101})) == [
        (91000, f"addresses[0].{part}")
    ]


def test_postcode_length_is_at_most_20(client):
    assert post_address(client, {**HK, "postcode": "p" * 20}).status_code == 201
    assert faults(post_address(client, {**HK, "postcode": "p" * 21})) == [
        (91000, "addresses[0].postcode")
    ]


@pytest.mark.parametrize("code", ["XX", "GBR", "G", "United Kingdom", "12", "all", "ZZ"])
def test_country_code_not_iso_3166_alpha_2_is_91000(client, code):
    assert faults(post_address(client, {**HK, "countryCode": code})) == [
        (91000, "addresses[0].countryCode")
    ]


def test_country_code_is_stored_in_capitals(client):
    response = post_address(client, {**GB, "countryCode": "gb"})
    assert response.get_json()["addresses"][0]["countryCode"] == "GB"


@pytest.mark.parametrize(
    "country, postcode",
    [
        ("GB", "SW1A 2AA"),
        ("GB", "sw1a2aa"),
        ("GB", "M1 1AE"),
        ("US", "90210"),
        ("US", "90210-1234"),
        ("DE", "10115"),
        ("FR", "75008"),
        ("NL", "1012 JS"),
    ],
)
def test_postcode_valid_for_its_country_registers(client, country, postcode):
    response = post_address(client, {**GB, "countryCode": country, "postcode": postcode})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["addresses"][0]["postcode"] == postcode


@pytest.mark.parametrize(
    "country, postcode",
    [
        ("GB", "12345"),
        ("GB", "SW1A 2AA EXTRA"),
        ("GB", "XSW1A 2AA"),
        ("US", "9021"),
        ("US", "SW1A 2AA"),
        ("DE", "1011"),
        ("NL", "1012"),
    ],
)
def test_postcode_invalid_for_its_country_is_90026(client, country, postcode):
    response = post_address(client, {**GB, "countryCode": country, "postcode": postcode})
    assert response.status_code == 400
    assert faults(response) == [(90026, "addresses[0].postcode")]
    assert response.get_json()["message"] == "Postcode provided is incorrect"


@pytest.mark.parametrize("country", ["GB", "US"])
def test_postcode_missing_where_the_country_requires_one_is_90026(client, country):
    address = {k: v for k, v in GB.items() if k != "postcode"}
    response = post_address(client, {**address, "countryCode": country})
    assert faults(response) == [(90026, "addresses[0].postcode")]


def test_postcode_may_be_left_out_where_the_country_has_none(client):
    assert post_address(client, HK).status_code == 201


def test_unknown_address_part_is_91000_naming_it(client):
    response = post_address(client, {**GB, "street": "Downing Street"})
    assert faults(response) == [(91000, "addresses[0].street")]
    assert "addresses[0].street" in response.get_json()["message"]


@pytest.mark.parametrize(
    "addresses, field",
    [
        ("10 Downing Street", "addresses"),
        ({"city": "London"}, "addresses"),
        (["10 Downing Street"], "addresses[0]"),
        ([{**GB, "city": 7}], "addresses[0].city"),
        ([{**GB, "postcode": ["SW1A", "2AA"]}], "addresses[0].postcode"),
    ],
)
def test_address_of_the_wrong_json_type_is_91000(client, addresses, field):
    response = client.post(CUSTOMERS, json=valid_customer(addresses=addresses))
    assert response.status_code == 400
    assert faults(response) == [(91000, field)]
