"""Step 3, address: one optional address; once any part is given, the required parts apply."""
from wtforms import StringField
from wtforms.validators import StopValidation

from .rules import TextForm, country_code, max_length, postcode_for_country, required, strip

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
        "Address line 1", filters=[strip],
        validators=[only_with_an_address, required("Enter address line 1, typically the "
                                                   "building and street"), max_length(100)],
        render_kw={"autocomplete": "address-line1"})
    addressLine2 = StringField(
        "Address line 2 (optional)", filters=[strip], validators=[max_length(100)],
        render_kw={"autocomplete": "address-line2"})
    city = StringField(
        "Town or city", filters=[strip],
        validators=[only_with_an_address, required("Enter town or city"), max_length(100)],
        render_kw={"autocomplete": "address-level2"})
    region = StringField(
        "County, state or region (optional)", filters=[strip], validators=[max_length(100)],
        render_kw={"autocomplete": "address-level1"})
    postcode = StringField(
        "Postcode", filters=[strip],
        validators=[only_with_an_address, max_length(20), postcode_for_country],
        render_kw={"autocomplete": "postal-code", "spellcheck": "false"})
    countryCode = StringField(
        "Country", filters=[strip],
        validators=[only_with_an_address, required("Enter the country, like GB"), country_code],
        render_kw={"autocomplete": "country"})
