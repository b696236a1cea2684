"""Step 2, profile: names, date of birth, phones and preferences, and the tenant's own fields."""

from functools import lru_cache

from wtforms import StringField

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
    strip,
)
from webapp.i18n import N_

ATTRIBUTE_PREFIX = "customAttributes."


class ProfileForm(TextForm):
    title = StringField(
        N_("Title"),
        filters=[strip],
        validators=[required(N_("Enter your title, like Ms or Dr")), max_length(20)],
        render_kw={"autocomplete": "honorific-prefix"},
    )
    forename = StringField(
        N_("First name"),
        filters=[strip],
        validators=[optional, max_length(50)],
        render_kw={"autocomplete": "given-name", "spellcheck": "false"},
    )
    surname = StringField(
        N_("Surname"),
        filters=[strip],
        validators=[required(N_("Enter your surname")), max_length(50)],
        render_kw={"autocomplete": "family-name", "spellcheck": "false"},
    )
    displayName = StringField(
        N_("Display name"),
        filters=[strip],
        validators=[optional, max_length(100)],
        render_kw={"autocomplete": "nickname", "spellcheck": "false"},
    )
    dateOfBirth = StringField(
        N_("Date of birth"),
        filters=[strip],
        validators=[optional, birth_date],
        description=N_("For example, 27 3 1990"),
        render_kw={"autocomplete": "bday"},
    )
    phone = StringField(
        N_("Phone number"),
        filters=[strip],
        validators=[optional, max_length(20), phone_number],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    mobile = StringField(
        N_("Mobile number"),
        filters=[strip],
        validators=[optional, max_length(20), phone_number],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    gender = StringField(
        N_("Gender"),
        filters=[strip],
        validators=[optional, max_length(20)],
        render_kw={"autocomplete": "sex"},
    )
    nationality = StringField(
        N_("Nationality"),
        filters=[strip],
        validators=[optional, country_code],
        description=N_("A two-letter country code, like GB"),
    )
    # Which currencies a tenant accepts is its own rule, checked by the registration service.
    currency = StringField(N_("Currency"), filters=[strip], validators=[optional])


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
        fields[ATTRIBUTE_PREFIX + attribute.name] = StringField(
            attribute.label, filters=[strip], validators=[first, max_length(attribute.max_length)]
        )
    return type(f"ProfileForm_{tenant.slug}", (ProfileForm,), fields)
