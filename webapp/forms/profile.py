"""Step 2, profile: names, date of birth, phones and preferences, and the tenant's own fields."""

from functools import lru_cache

from webapp.forms.rules import (
    Problem,
    Term,
    TextForm,
    birth_date,
    country_code,
    max_length,
    optional,
    phone_number,
    required,
    text_field,
)
from webapp.i18n import N_

ATTRIBUTE_PREFIX = "customAttributes."


class ProfileForm(TextForm):
    title = text_field(
        N_("Title"),
        required(N_("Enter your title, like Ms or Dr")),
        max_length(20),
        autocomplete="honorific-prefix",
    )
    forename = text_field(
        N_("First name"), optional, max_length(50), autocomplete="given-name", spellcheck="false"
    )
    surname = text_field(
        N_("Surname"),
        required(N_("Enter your surname")),
        max_length(50),
        autocomplete="family-name",
        spellcheck="false",
    )
    displayName = text_field(
        N_("Display name"), optional, max_length(100), autocomplete="nickname", spellcheck="false"
    )
    dateOfBirth = text_field(
        N_("Date of birth"),
        optional,
        birth_date,
        description=N_("For example, 27 3 1990"),
        autocomplete="bday",
    )
    phone = text_field(
        N_("Phone number"), optional, max_length(20), phone_number, autocomplete="tel", type="tel"
    )
    mobile = text_field(
        N_("Mobile number"), optional, max_length(20), phone_number, autocomplete="tel", type="tel"
    )
    gender = text_field(N_("Gender"), optional, max_length(20), autocomplete="sex")
    nationality = text_field(
        N_("Nationality"),
        optional,
        country_code,
        description=N_("A two-letter country code, like GB"),
    )
    # Which currencies a tenant accepts is its own rule, checked by the registration service.
    currency = text_field(N_("Currency"), optional)


@lru_cache(maxsize=128)
def profile_form(tenant) -> type[ProfileForm]:
    """ProfileForm plus one field per custom attribute the tenant defines."""
    fields = {}
    for attribute in tenant.custom_attributes:
        first = (
            required(Problem(N_("Enter %(noun)s"), noun=Term(attribute.label, lower=True)))
            if attribute.required
            else optional
        )
        fields[ATTRIBUTE_PREFIX + attribute.name] = text_field(
            attribute.label, first, max_length(attribute.max_length)
        )
    return type(f"ProfileForm_{tenant.slug}", (ProfileForm,), fields)
