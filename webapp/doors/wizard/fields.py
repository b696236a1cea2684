"""What the templates need to draw a field: label, hint, widget, value and error.

Labels, hints and autocomplete tokens come from the step forms, translated into the page's
language; the choices come from the tenant, and the address's from its country.
"""

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from flask_babel import format_date
from wtforms import PasswordField

from webapp import i18n
from webapp.doors.wizard import countries
from webapp.doors.wizard.answers import DATE, LISTS, date_parts
from webapp.forms import blank_form, field_names
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.rules import parse_birth_date
from webapp.i18n import N_, currency_name, gettext, ngettext

CONTACT_METHODS = {
    "email": N_("Email"),
    "sms": N_("Text message"),
    "phone": N_("Phone call"),
    "post": N_("Post"),
}
# How the review writes a date, as a CLDR pattern ("27 March 1990"); each language has its own.
DATE_PATTERN = N_("d MMMM y")


@lru_cache(maxsize=1024)
def dom_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


@dataclass
class FieldView:
    name: str
    noun: str  # the label inside a sentence: "Phone number", not "Phone number (optional)"
    kind: str  # text, password, date, select or checkboxes
    optional: bool = False
    hint: str | None = None
    value: object = ""  # a string; a list for checkboxes; {day, month, year} for a date
    attrs: dict | None = None  # from the form's render_kw: type, autocomplete, spellcheck...
    options: tuple = ()  # (value, label) pairs
    error: str | None = None
    target: str | None = None  # what an inline check replaces, when more than the field
    links: dict | None = None  # option value -> the text it agrees to (a consent's url)
    # The options a missing answer is about (the mandatory consents): only those, left unticked,
    # are marked invalid beside the list's error; None: every option of a list in error.
    mandatory: frozenset | None = None
    # option value -> its label as an answer, where the list's differs: a consent's without
    # "(optional)", which the review would otherwise show as part of what was agreed to
    answer_labels: dict | None = None

    @property
    def label(self):
        return gettext("%(label)s (optional)", label=self.noun) if self.optional else self.noun

    @property
    def id(self):
        return dom_id(self.name)

    @property
    def choices(self):
        """The options of a select, with the answer given even when it is not among them."""
        if self.value and self.value not in _values(self.options):
            return (*self.options, (self.value, self.value))
        return self.options

    def common(self):
        """What the field is drawn from, as a key, when every visitor of the tenant and language
        sees it alike: no error, and no answer but one chosen from its list. None for a field
        that shows a visitor's own answer or error: it is drawn for them alone."""
        if self.error:
            return None
        if self.kind == "select":
            if self.value and self.value not in _values(self.options):
                return None
        elif self.value and (self.kind != "date" or any(self.value.values())):
            return None
        attrs = tuple(self.attrs.items()) if self.attrs else None
        links = tuple(self.links.items()) if self.links else None
        chosen = self.value if self.kind == "select" else None
        return (self.name, self.noun, self.kind, self.optional, self.hint, chosen, attrs, links) + (
            self.options,
            self.target,
        )

    def option_id(self, value):
        return f"{self.id}-{dom_id(value)}"

    def option_invalid(self, value):
        """Whether the option `value` of a list in error is marked invalid: an optional consent,
        or a mandatory one ticked, is not what the error asks for."""
        if not self.error:
            return False
        return self.mandatory is None or (value in self.mandatory and value not in self.value)

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
            born = parse_birth_date("{year}-{month:0>2}-{day:0>2}".format(**self.value))
            return format_date(born, gettext(DATE_PATTERN)) if born else ""
        labels = {**dict(self.options), **(self.answer_labels or {})}
        if self.kind == "checkboxes":
            return ", ".join(labels.get(v, v) for v in self.value)
        if self.kind == "select":  # left blank: not provided, never the list's placeholder
            return labels.get(self.value, self.value) if self.value else ""
        return self.value.strip()  # as it is stored: only spaces are no answer


@lru_cache(maxsize=256)
def _values(options) -> frozenset:
    return frozenset(value for value, _ in options)


def _options(name, tenant):
    # Labels from the tenants file are shown as written, but for the built-in ones.
    if name == "consentIds":
        return tuple(
            (
                c.id,
                i18n.consent_label(c)
                if c.mandatory
                else gettext("%(label)s (optional)", label=i18n.consent_label(c)),
            )
            for c in tenant.consents
        )
    if name == "contactMethods":
        return tuple(
            (m, gettext(CONTACT_METHODS[m]) if m in CONTACT_METHODS else m.capitalize())
            for m in tenant.contact_methods
        )
    if name == "currency":
        default = (("", gettext("%(code)s, the usual currency", code=tenant.default_currency)),)
        return default + tuple(
            (code, f"{code}, {currency_name(code)}") for code in tenant.currencies
        )
    if name == "nationality":
        return (("", gettext("Select a country")), *i18n.countries())
    return ()


SELECTS = ("currency", "nationality")  # a person picks these from a list, by name


def _kind(name, field):
    if isinstance(field, PasswordField):
        return "password"
    if name == DATE:
        return "date"
    if name in LISTS:
        return "checkboxes"
    return "select" if name in SELECTS else "text"


@lru_cache(maxsize=256)
def _blank_views(step, tenant, language) -> dict[str, FieldView]:
    """A step's fields as every visitor of the tenant and language (the current one) sees them
    before answering: labels, hints and choices, translated once."""
    form = blank_form(step, tenant)
    return {name: _blank_view(name, field, tenant) for name, field in form._fields.items()}


def _blank_view(name, field, tenant) -> FieldView:
    kind = _kind(name, field)
    # A list needs no hint on how to write its codes ("like GB").
    hint = gettext(field.description) if field.description and kind != "select" else None
    if kind == "password":
        length = tenant.password_min_length
        hint = (
            ngettext("At least %(num)d character.", "At least %(num)d characters.", length)
            + " "
            + hint
        )
    if name == "contactMethods" and tenant.require_contact_method:
        hint = gettext("Select at least one.")
    return FieldView(
        name=name,
        noun=gettext(field.label.text),
        kind=kind,
        optional=bool(field.flags.optional),
        hint=hint,
        attrs=dict(field.render_kw or {}),
        options=_options(name, tenant),
        links={c.id: c.url for c in tenant.consents if c.url} if name == "consentIds" else None,
        mandatory=frozenset(c.id for c in tenant.mandatory_consents)
        if name == "consentIds"
        else None,
        answer_labels={c.id: i18n.consent_label(c) for c in tenant.consents}
        if name == "consentIds"
        else None,
    )


def view(step, name, tenant, shown, error=None) -> FieldView:
    """The field `name` of `step` with the answer shown and its error, if any."""
    blank = _blank_views(step, tenant, i18n.current())[name]
    if blank.kind == "date":
        value = date_parts(shown)
    elif blank.kind == "checkboxes":
        value = shown.getlist(name)
    elif blank.kind == "password":
        value = ""  # never sent back to the browser
    else:
        value = shown.get(name, "")
    found = replace(blank, value=value, error=error)
    if name in ADDRESS_PARTS:
        return countries.present(found, countries.country_of(shown))
    return found


def views(step, tenant, shown, errors) -> list[FieldView]:
    """Every field a step shows, in the form's order."""
    country = countries.country_of(shown)
    # The country first: the address's other fields follow it (section 15).
    return sorted(
        (
            view(step, name, tenant, shown, errors.get(name))
            for name in field_names(step, tenant)
            if countries.shows(name, country)
        ),
        key=lambda found: found.name != "countryCode",
    )


def one(step, name, tenant, shown, error) -> FieldView:
    return view(step, name, tenant, shown, error)
