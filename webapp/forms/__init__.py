"""One WTForms form per wizard step: the shapes and limits of every field (contract section 2).

A form never queries the database; the rules that need the tenant's data or the database live in
`webapp.registration`.
"""

from functools import lru_cache

from wtforms import Form

from webapp.forms.account import AccountForm
from webapp.forms.address import AddressForm
from webapp.forms.consents import ConsentsForm
from webapp.forms.partner import PartnerForm
from webapp.forms.profile import profile_form

# The wizard's steps that carry fields, in order.
STEPS = ("account", "profile", "address", "consents")


def step_form(step, tenant) -> type[Form]:
    """The form class for a step (the profile form depends on the tenant's custom attributes)."""
    if step == "profile":
        return profile_form(tenant)
    return {
        "account": AccountForm,
        "address": AddressForm,
        "consents": ConsentsForm,
        "partner": PartnerForm,
    }[step]


@lru_cache(maxsize=512)
def field_form(step, tenant, name) -> type[Form]:
    """The form an inline check of the field `name` binds: the field alone where its checks read
    no other field (its form lists it in `stands_alone`), else the step's whole form."""
    form = step_form(step, tenant)
    if name not in getattr(form, "stands_alone", ()):
        return form
    others = {other: None for other in field_names(step, tenant) if other != name}
    return type(f"{form.__name__}_{name}", (form,), others)


@lru_cache(maxsize=512)
def blank_form(step, tenant) -> Form:
    """A step's form without answers, built once per step and tenant: to read its fields' names,
    labels, hints and limits from, never to fill in or validate."""
    return step_form(step, tenant)()


@lru_cache(maxsize=512)
def field_names(step, tenant) -> tuple[str, ...]:
    """The names of a step's fields, in the form's order."""
    return tuple(blank_form(step, tenant)._fields)


def step_of(name, tenant) -> str | None:
    """The wizard step whose form has the field `name`, if any."""
    return next((step for step in STEPS if name in field_names(step, tenant)), None)
