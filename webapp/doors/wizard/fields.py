"""What the templates need to draw a field: label, hint, widget, value and error.

Labels, hints and autocomplete tokens come from the step forms; the choices come from the tenant.
"""
import re
from dataclasses import dataclass

import pycountry
from wtforms import PasswordField

from ...forms import step_form
from ...forms.rules import noun
from .answers import DATE, LISTS, date_parts

CONTACT_METHODS = {"email": "Email", "sms": "Text message", "phone": "Phone call", "post": "Post"}


def dom_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


@dataclass
class FieldView:
    name: str
    label: str
    noun: str  # the label inside a sentence: "Phone number", not "Phone number (optional)"
    kind: str  # text, password, date, select or checkboxes
    hint: str | None = None
    value: object = ""  # a string; a list for checkboxes; {day, month, year} for a date
    attrs: dict | None = None  # from the form's render_kw: type, autocomplete, spellcheck...
    options: tuple = ()  # (value, label) pairs
    error: str | None = None

    @property
    def id(self):
        return dom_id(self.name)

    def option_id(self, value):
        return f"{self.id}-{dom_id(value)}"

    @property
    def focus_id(self):
        """Where an error summary link lands: the first box of a group."""
        if self.kind == "date":
            return f"{self.id}-day"
        if self.kind == "checkboxes" and self.options:
            return self.option_id(self.options[0][0])
        return self.id

    @property
    def described_by(self):
        ids = [f"{self.id}-hint"] if self.hint else []
        return " ".join(ids + ([f"{self.id}-error"] if self.error else [])) or None

    def shown(self):
        """The answer as the review page shows it."""
        if self.kind == "date":
            parts = self.value
            return " ".join(parts[p] for p in ("day", "month", "year") if parts[p])
        labels = dict(self.options)
        if self.kind == "checkboxes":
            return ", ".join(labels.get(v, v) for v in self.value)
        if self.kind == "select":
            return labels.get(self.value, self.value)  # left blank: the default, by name
        return self.value


def _options(name, tenant):
    if name == "consentIds":
        return tuple((c.id, c.label if c.mandatory else f"{c.label} (optional)")
                     for c in tenant.consents)
    if name == "contactMethods":
        return tuple((m, CONTACT_METHODS.get(m, m.capitalize())) for m in tenant.contact_methods)
    if name == "currency":
        default = (("", f"{tenant.default_currency}, the usual currency"),)
        return default + tuple((code, f"{code}, {pycountry.currencies.get(alpha_3=code).name}")
                               for code in tenant.currencies)
    return ()


def _kind(name, field):
    if isinstance(field, PasswordField):
        return "password"
    if name == DATE:
        return "date"
    if name in LISTS:
        return "checkboxes"
    return "select" if name == "currency" else "text"


def view(name, field, tenant, shown, error=None) -> FieldView:
    kind = _kind(name, field)
    if kind == "date":
        value = date_parts(shown)
    elif kind == "checkboxes":
        value = shown.getlist(name)
    elif kind == "password":
        value = ""  # never sent back to the browser
    else:
        value = shown.get(name, "")
    hint = field.description or None
    if name == "contactMethods" and tenant.require_contact_method:
        hint = "Select at least one."
    return FieldView(name=name, label=field.label.text, noun=noun(field), kind=kind, hint=hint,
                     value=value, attrs=dict(field.render_kw or {}), options=_options(name, tenant),
                     error=error)


def views(step, tenant, shown, errors) -> list[FieldView]:
    """Every field of a step, in the form's order."""
    form = step_form(step, tenant)()
    return [view(name, field, tenant, shown, errors.get(name))
            for name, field in form._fields.items()]


def one(step, name, tenant, shown, error) -> FieldView:
    form = step_form(step, tenant)()
    return view(name, form[name], tenant, shown, error)
