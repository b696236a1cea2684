"""The address step follows its country (labels, hints, a list of states, no postcode where a
country has none), drawn again when the country changes, while the rules stay the contract's."""

import unicodedata

import pytest
from bs4 import BeautifulSoup
from wizard_client import ADDRESS, PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import Customer

HTMX = {"HX-Request": "true"}


def at_address(client, start="/register"):
    wizard = Wizard(client, start)
    wizard.submit(account())
    wizard.submit(PROFILE)
    assert wizard.page.path.startswith(start + "/address")
    return wizard


def change_country(client, wizard, country, **fields):
    """What htmx posts when the country list changes: the form, and the block it answers with."""
    data = {**wizard.page.values, **fields, "countryCode": country}
    data.pop("password", None)
    response = client.post(
        wizard.page.soup.select_one("#countryCode")["hx-post"], data=data, headers=HTMX
    )
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def label(soup, name):
    return soup.find("label", attrs={"for": name}).get_text(" ", strip=True)


def hint(soup, name):
    found = soup.select_one(f"#{name}-hint")
    return found.get_text(" ", strip=True) if found else None


def names(soup):
    return [
        field["name"]
        for field in soup.find_all(["input", "select"])
        if field.get("type") != "hidden"
    ]


def test_the_country_is_a_list_of_countries_by_name_with_its_code_as_value(client):
    wizard = at_address(client)
    country = wizard.page.soup.select_one("select#countryCode")
    assert country["autocomplete"] == "country"
    options = {option["value"]: option.get_text(strip=True) for option in country("option")}
    assert options[""] == "Select a country"
    assert (options["GB"], options["US"], options["DE"]) == (
        "United Kingdom",
        "United States",
        "Germany",
    )
    assert len(options) == 250  # every ISO 3166-1 country, and the empty choice
    names_shown = [name for value, name in options.items() if value]
    assert names_shown == sorted(
        names_shown,
        key=lambda name: (
            unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
        ),
    )  # Åland among the As


def test_in_german_the_countries_are_named_and_sorted_in_german(client):
    wizard = at_address(client, "/register")
    wizard.open(wizard.page.path + "&lang=de")
    country = wizard.page.soup.select_one("select#countryCode")
    options = [(option["value"], option.get_text(strip=True)) for option in country("option")]
    named = dict(options)
    assert (named["DE"], named["GB"], named["US"]) == (
        "Deutschland",
        "Vereinigtes Königreich",
        "Vereinigte Staaten",
    )
    order = [value for value, _ in options]
    assert order.index("EG") < order.index("AL")  # Ägypten before Albanien: Ä sorts as A


def test_a_us_address_asks_for_a_state_from_a_list_and_a_zip_code(client):
    wizard = at_address(client)
    block = change_country(client, wizard, "US")
    assert block.select_one("#address-fields") is not None
    state = block.select_one("select#region")
    assert state is not None and state["autocomplete"] == "address-level1"
    assert label(block, "region") == "State (optional)"  # region stays optional
    states = {option["value"]: option.get_text(strip=True) for option in state("option")}
    assert states[""] == "Select one" and states["CA"] == "California" and states["NY"]
    assert label(block, "postcode") == "ZIP code"
    assert hint(block, "postcode") == "For example, 95014"
    assert block.select_one("#countryCode option[selected]")["value"] == "US"


def test_a_gb_address_asks_for_a_postcode_and_a_free_county(client):
    wizard = at_address(client)
    block = change_country(client, wizard, "GB")
    assert label(block, "postcode") == "Postcode"
    assert hint(block, "postcode").startswith("For example, ")
    assert block.select_one("input#region") is not None
    assert label(block, "region") == "County, state or region (optional)"


def test_a_country_without_postcodes_shows_no_postcode_field(client):
    wizard = at_address(client)
    block = change_country(client, wizard, "AE", postcode="12345")
    assert "postcode" not in names(block)
    assert names(block) == ["countryCode", "addressLine1", "addressLine2", "city", "region"]
    assert label(block, "region") == "Emirate (optional)"


def test_an_optional_postcode_says_so(client):
    block = change_country(client, at_address(client), "IE")
    assert label(block, "postcode") == "Eircode (optional)"
    assert label(block, "region") == "County (optional)"


def test_changing_the_country_keeps_what_was_typed_and_gives_the_countrys_verdict(client):
    wizard = at_address(client)
    block = change_country(
        client, wizard, "US", addressLine1="1 Main St", city="Springfield", postcode="62701"
    )
    assert block.select_one("#addressLine1")["value"] == "1 Main St"
    assert block.select_one("#postcode")["value"] == "62701"
    assert block.select_one(".error-message") is None
    block = change_country(client, wizard, "", addressLine1="1 Main St")
    assert (
        block.select_one("#field-countryCode .error-message").get_text(" ", strip=True)
        == "Error: Select the country"
    )
    assert block.select_one("#countryCode")["aria-invalid"] == "true"


def test_the_country_redraws_the_address_and_other_fields_only_themselves(client):
    wizard = at_address(client)
    country = wizard.page.soup.select_one("#countryCode")
    assert (country["hx-target"], country["hx-swap"]) == ("#address-fields", "outerHTML")
    assert wizard.page.soup.select_one("#city")["hx-target"] == "#field-city"
    # The page draws the same block that a change of country answers with.
    page = wizard.submit({**ADDRESS, "countryCode": "US", "postcode": "SW1A 1AA"})
    assert page.status == 422
    block = change_country(client, wizard, "US")
    assert names(block) == names(page.soup.select_one("#address-fields"))


def test_without_javascript_a_failed_post_draws_the_address_for_its_country(client):
    wizard = at_address(client)
    page = wizard.submit({**ADDRESS, "countryCode": "US", "postcode": "SW1A 1AA"})
    assert page.status == 422
    assert page.errors() == ["Enter a real ZIP code, like 95014"]
    assert label(page.soup, "postcode") == "ZIP code"
    assert page.soup.select_one("select#region") is not None


def test_the_rules_stay_the_contracts_whatever_is_shown(client):
    wizard = at_address(client)
    # A region typed rather than chosen (without JavaScript, say) is still a region: optional
    # free text, for the US too.
    page = wizard.submit(
        {
            "addressLine1": "1 Main St",
            "city": "Springfield",
            "region": "Somewhere",
            "postcode": "62701",
            "countryCode": "US",
        }
    )
    assert page.errors() == [] and page.path.startswith("/register/consents")
    page = wizard.open(page.soup.select_one("a.back-link")["href"])
    state = page.soup.select_one("select#region")
    assert state.select_one("option[selected]")["value"] == "Somewhere"  # shown, not lost


@pytest.mark.parametrize(
    "country, postcode, error",
    [
        ("US", "", "Enter a ZIP code"),  # the US requires one, and calls it so
        ("US", "ABCDE", "Enter a real ZIP code, like 95014"),
        ("GB", "12345", "Enter a real postcode, like EC1Y 8SY"),
        ("IE", "zzz", "Enter a real Eircode, like A65 F4E2"),
        ("AE", "", None),
        ("IE", "", None),
    ],
)
def test_the_postcode_rule_is_the_one_for_the_country(client, country, postcode, error):
    wizard = at_address(client)
    page = wizard.submit(
        {"addressLine1": "1 Road", "city": "Town", "postcode": postcode, "countryCode": country}
    )
    assert page.errors() == ([error] if error else [])


def test_a_state_is_stored_by_its_code_and_reviewed_by_its_name(client, app):
    wizard = at_address(client)
    wizard.submit(
        {
            "addressLine1": "1 Main St",
            "city": "Springfield",
            "region": "IL",
            "postcode": "62701",
            "countryCode": "US",
        }
    )
    wizard.submit({"consentIds": ["terms", "privacy"], "contactMethods": ["email"]})
    address = wizard.page.soup.select(".summary")[2]
    rows = {
        row.select_one(".summary-key").get_text(strip=True): row.select_one(
            ".summary-value"
        ).get_text(" ", strip=True)
        for row in address.select(".summary-row")
    }
    assert (rows["State"], rows["ZIP code"], rows["Country"]) == (
        "Illinois",
        "62701",
        "United States",
    )
    number = int(wizard.submit().soup.select_one(".customer-number").get_text(strip=True))
    with app.app_context():
        stored = db.session.get(Customer, number).address
    assert (stored["region"], stored["countryCode"]) == ("IL", "US")
