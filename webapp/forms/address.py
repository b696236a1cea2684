"""Step 3, address: one optional address; once any part is given, the required parts apply."""

from wtforms import StringField
from wtforms.validators import StopValidation

from webapp.forms.rules import (
    Problem,
    TextForm,
    country_code,
    max_length,
    optional,
    postcode_for_country,
    required,
    strip,
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


class AddressForm(TextForm):
    addressLine1 = StringField(
        N_("Address line 1"),
        filters=[strip],
        validators=[
            only_with_an_address,
            required(N_("Enter address line 1, typically the building and street")),
            max_length(100),
        ],
        render_kw={"autocomplete": "address-line1"},
    )
    addressLine2 = StringField(
        N_("Address line 2"),
        filters=[strip],
        validators=[optional, max_length(100)],
        render_kw={"autocomplete": "address-line2"},
    )
    city = StringField(
        N_("Town or city"),
        filters=[strip],
        validators=[only_with_an_address, required(N_("Enter town or city")), max_length(100)],
        render_kw={"autocomplete": "address-level2"},
    )
    region = StringField(
        N_("County, state or region"),
        filters=[strip],
        validators=[optional, max_length(100)],
        render_kw={"autocomplete": "address-level1"},
    )
    # Whether a postcode is needed is the country's rule (postcode_for_country).
    postcode = StringField(
        N_("Postcode"),
        filters=[strip],
        validators=[only_with_an_address, max_length(20), postcode_for_country],
        render_kw={"autocomplete": "postal-code", "spellcheck": "false"},
    )
    countryCode = StringField(
        N_("Country"),
        filters=[strip],
        validators=[
            only_with_an_address,
            required(Problem("Enter the country, like GB", person=N_("Select the country"))),
            country_code,
        ],
        render_kw={"autocomplete": "country"},
    )
