"""Step 2, profile: names, date of birth, phones and preferences, and the tenant's own fields."""
from functools import lru_cache

from wtforms import StringField

from .rules import (TextForm, birth_date, country_code, max_length, optional, phone_number,
                    required, strip)

ATTRIBUTE_PREFIX = "customAttributes."


class ProfileForm(TextForm):
    title = StringField(
        "Title", filters=[strip], validators=[required("Enter your title, like Ms or Dr"),
                                              max_length(20)],
        render_kw={"autocomplete": "honorific-prefix"})
    forename = StringField(
        "First name (optional)", filters=[strip], validators=[optional, max_length(50)],
        render_kw={"autocomplete": "given-name", "spellcheck": "false"})
    surname = StringField(
        "Surname", filters=[strip], validators=[required("Enter your surname"), max_length(50)],
        render_kw={"autocomplete": "family-name", "spellcheck": "false"})
    displayName = StringField(
        "Display name (optional)", filters=[strip], validators=[optional, max_length(100)],
        render_kw={"autocomplete": "nickname", "spellcheck": "false"})
    dateOfBirth = StringField(
        "Date of birth (optional)", filters=[strip], validators=[optional, birth_date],
        description="For example, 27 3 1990", render_kw={"autocomplete": "bday"})
    phone = StringField(
        "Phone number (optional)", filters=[strip],
        validators=[optional, max_length(20), phone_number],
        render_kw={"autocomplete": "tel", "type": "tel"})
    mobile = StringField(
        "Mobile number (optional)", filters=[strip],
        validators=[optional, max_length(20), phone_number],
        render_kw={"autocomplete": "tel", "type": "tel"})
    gender = StringField(
        "Gender (optional)", filters=[strip], validators=[optional, max_length(20)],
        render_kw={"autocomplete": "sex"})
    nationality = StringField(
        "Nationality (optional)", filters=[strip], validators=[optional, country_code],
        description="A two-letter country code, like GB")
    # Which currencies a tenant accepts is its own rule, checked by the registration service.
    currency = StringField("Currency (optional)", filters=[strip], validators=[optional])


@lru_cache(maxsize=128)
def profile_form(tenant) -> type[ProfileForm]:
    """ProfileForm plus one field per custom attribute the tenant defines."""
    fields = {}
    for attribute in tenant.custom_attributes:
        label = attribute.label if attribute.required else f"{attribute.label} (optional)"
        first = required(f"Enter {attribute.label.lower()}") if attribute.required else optional
        fields[ATTRIBUTE_PREFIX + attribute.name] = StringField(
            label, filters=[strip], validators=[first, max_length(attribute.max_length)])
    return type(f"ProfileForm_{tenant.slug}", (ProfileForm,), fields)
