"""Step 3, address: one optional address; once any part is given, the required parts apply."""

from wtforms.validators import StopValidation

from webapp.forms.rules import (
    Problem,
    TextForm,
    country_code,
    max_length,
    optional,
    postcode_for_country,
    required,
    text_field,
)
from webapp.i18n import N_

PARTS = ("addressLine1", "addressLine2", "city", "region", "postcode", "countryCode")


def given(form) -> bool:
    return any((form[name].data or "").strip() for name in PARTS)


def only_with_an_address(form, field):
    """An address left wholly blank is no address: nothing in it is required."""
    if not given(form):
        field.errors[:] = []
        raise StopValidation()


def _required_line(label, message, autocomplete):
    """A line of the address that a given address must have, of up to 100 characters."""
    return text_field(
        label,
        only_with_an_address,
        required(message),
        max_length(100),
        autocomplete=autocomplete,
    )


class AddressForm(TextForm):
    addressLine1 = _required_line(
        N_("Address line 1"),
        N_("Enter address line 1, typically the building and street"),
        autocomplete="address-line1",
    )
    addressLine2 = text_field(
        N_("Address line 2"), optional, max_length(100), autocomplete="address-line2"
    )
    city = _required_line(
        N_("Town or city"), N_("Enter town or city"), autocomplete="address-level2"
    )
    region = text_field(
        N_("County, state or region"), optional, max_length(100), autocomplete="address-level1"
    )
    # Whether a postcode is needed is the country's rule (postcode_for_country).
    postcode = text_field(
        N_("Postcode"),
        only_with_an_address,
        max_length(20),
        postcode_for_country,
        autocomplete="postal-code",
        spellcheck="false",
    )
    countryCode = text_field(
        N_("Country"),
        only_with_an_address,
        required(Problem("Enter the country, like GB", person=N_("Select the country"))),
        country_code,
        autocomplete="country",
    )
