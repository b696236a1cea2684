"""Checking a door's answers: the step forms (shapes and limits), then the rules that need the
tenant or the database. Faults come back in the customer fields' order."""

from dataclasses import dataclass
from functools import cache, lru_cache

from sqlalchemy import bindparam, or_, select
from werkzeug.datastructures import MultiDict

from webapp.database import reads
from webapp.faults import Fault, fault
from webapp.forms import STEPS, field_form, field_names, step_form, step_of
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.forms.rules import (
    age_on,
    email_key,
    is_email,
    normalize_username,
    parse_birth_date,
    username_key,
    utc_today,
)
from webapp.http import logs
from webapp.models import Customer
from webapp.registration.fields import CONSENT_LISTS, order_key
from webapp.registration.passwords import unsafe
from webapp.registration.policy import policy_of
from webapp.trust import breached, disposable

CONSENTS, CONTACT_METHODS = CONSENT_LISTS


@dataclass(frozen=True)
class Caller:
    """Who is registering; decided by credentials, never by the request's own headers."""

    source: str = "CUSTOMER"  # CUSTOMER, USER (API key) or HMAC
    user_id: str | None = None

    @property
    def has_credentials(self):
        return self.source != "CUSTOMER"


def ensure_open(tenant):
    logs.note(tenant.slug)
    if not tenant.registration_open:
        raise fault(90055)


def _bind(tenant, step, answers, policy, country, only=None):
    exempt = policy.waived
    if policy.waives_custom_attributes:
        exempt |= {ATTRIBUTE_PREFIX + a.name for a in tenant.custom_attributes}
    meta = {"exempt": exempt, "country": country, "username_is_email": policy.email_as_username}
    form = step_form(step, tenant) if only is None else field_form(step, tenant, only)
    return form(answers, meta=meta)


def _checked(tenant, step, answers, policy, only=None):
    """A step form's (data, faults) for the answers; with `only`, what checking that field
    needs of it."""
    if not any(name in answers for name in field_names(step, tenant)):
        data, faults = _unanswered(tenant, step, policy)
        return {name: list(value) if isinstance(value, list) else value for name, value in data}, [
            *faults
        ]
    # National phone numbers are read in the address's country, else the tenant's (section 15).
    country = (answers.get("countryCode") or "").strip() or tenant.default_country
    form = _bind(tenant, step, answers, policy, country, only)
    form.validate()
    return form.data, _form_faults(form)


@lru_cache(maxsize=256)
def _unanswered(tenant, step, policy):
    """What a step form none of whose fields was answered gives (the JSON API's partner fields,
    an address left out): a field reads only its own answer (and the country only for a phone
    number given), so this is the same for every such registration of the tenant and door.
    Bound and validated once, then remembered."""
    form = _bind(tenant, step, MultiDict(), policy, tenant.default_country)
    form.validate()
    return tuple(form.data.items()), tuple(_form_faults(form))


def _form_faults(form):
    # A 91000 fault carries the form's plain instruction (a Problem, which the wizard translates);
    # vendor faults keep the vendor table's message.
    return [
        Fault(error.code, name, error if error.code == 91000 else None)
        for name, errors in form.errors.items()
        for error in errors[:1]
    ]


# The fields unique per tenant: (field, fault when taken, column, what the column holds).
UNIQUE_FIELDS = (
    ("externalId", 91008, Customer.external_id, lambda value: value),
    ("username", 90074, Customer.username_key, username_key),
    ("email", 91001, Customer.email_unique_key, email_key),
)


@cache
def _holders_query(names):
    """The tenant's customers holding any of the values of `names`: one query, built once."""
    columns = [column for name, _, column, _ in UNIQUE_FIELDS if name in names]
    return select(*columns).where(
        Customer.tenant == bindparam("tenant"),
        or_(*(column == bindparam(column.key) for column in columns)),
    )


def taken(tenant, data, bad=frozenset()):
    """A fault for each unique field whose value another customer of the tenant already has."""
    wanted = [
        (name, code, column, key(data[name]))
        for name, code, column, key in UNIQUE_FIELDS
        if name not in bad and data.get(name) and (name != "email" or tenant.unique_email)
    ]
    if not wanted:
        return []
    query = _holders_query(frozenset(name for name, *_ in wanted))
    values = {column.key: value for _, _, column, value in wanted}
    # Not through the ORM's session: no transaction begun (and rolled back) for one read.
    holders = reads.fetch_all(query, {"tenant": tenant.slug, **values})
    # The query's columns are those of `wanted`, in its order (both follow UNIQUE_FIELDS).
    return [
        Fault(code, name)
        for index, (name, code, _, value) in enumerate(wanted)
        if any(holder[index] == value for holder in holders)
    ]


def someone_elses_address(tenant, caller, username, email):
    """True where an enumeration-safe tenant is sent someone else's address as a username
    without credentials: a dialect's customer has their address as username, so "taken" would
    tell that the address is registered (trust/enumeration.py). Read after NFKC, as uniqueness
    reads a username ("ada＠example.com" is "ada@example.com")."""
    if not (tenant.enumeration_safe and username and email) or caller.has_credentials:
        return False
    name = normalize_username(username)
    return is_email(name) and email_key(name) != email_key(normalize_username(email))


def _account_rules(tenant, data, bad, policy, caller, email):
    """`email` as sent: an inline check of the username has it though it checks no email."""
    found = []
    if "username" not in bad and someone_elses_address(tenant, caller, data.get("username"), email):
        found.append(Fault(90030, "username"))
        bad = bad | {"username"}
    if "email" not in bad and data.get("email") and disposable.refused(tenant, data["email"]):
        found.append(disposable.fault())
        bad = bad | {"email"}  # a refused address is not also reported taken
    found += taken(tenant, data, bad)
    password = data.get("password")
    # Names and the date of birth count where the door has them.
    minimum = max(tenant.password_min_length, policy.password_min_length)
    if "password" not in bad and password and breached.is_breached(password):
        found.append(breached.fault())
    elif (
        "password" not in bad
        and password
        and unsafe(
            password,
            minimum,
            tenant.password_min_score,
            (data.get("username"), data.get("email")),
            (data.get("forename"), data.get("surname"), data.get("displayName")),
            parse_birth_date(data.get("dateOfBirth")),
        )
    ):
        found.append(Fault(90073, "password"))
    return found


def _profile_rules(tenant, data, bad, caller):
    found = []
    born = parse_birth_date(data.get("dateOfBirth"))
    if "dateOfBirth" not in bad and born and age_on(born, utc_today()) < tenant.min_age:
        found.append(Fault(90020, "dateOfBirth"))
    kind = data.get("customerType")
    allowed = tenant.customer_types if caller.has_credentials else tenant.customer_types[:1]
    if "customerType" not in bad and kind and kind not in allowed:
        found.append(Fault(91000, "customerType", f"Must be one of {', '.join(allowed)}"))
    currency = (data.get("currency") or "").upper()
    if "currency" not in bad and currency and currency not in tenant.currencies:
        found.append(Fault(90019, "currency"))
    return found


def _consent_rules(tenant, data, bad, policy):
    found = []
    given = data.get(CONSENTS) or []
    methods = data.get(CONTACT_METHODS) or []
    if CONSENTS not in bad:  # an unknown consent does not stand for a missing one
        if any(tenant.consent(c) is None for c in given):
            found.append(Fault(90066, CONSENTS))
        if any(c.id not in given for c in tenant.mandatory_consents):
            found.append(Fault(90037, CONSENTS))
    if CONTACT_METHODS not in bad:
        if any(m not in tenant.contact_methods for m in methods):
            found.append(Fault(90067, CONTACT_METHODS))
        elif tenant.require_contact_method and not methods and CONTACT_METHODS not in policy.waived:
            found.append(Fault(90038, CONTACT_METHODS))
    return found


def _as_the_door_gives(tenant, answers, policy):
    """The answers with what the door's policy implies added."""
    answers = MultiDict(answers)
    if policy.email_as_username and "email" in answers:
        answers.setlist("username", answers.getlist("email"))
    if policy.implied_consents:
        answers.setlist(
            CONSENTS,
            [c.id for c in tenant.mandatory_consents] + [c for c in answers.getlist(CONSENTS) if c],
        )
        answers.setlist(CONTACT_METHODS, ["email"] if "email" in tenant.contact_methods else [])
    return answers


def check(
    tenant, answers, door, caller=Caller(), steps=STEPS, prior=(), password_hash=None, only=None
):
    """Check the answers of some steps; return (clean data, faults in field order).

    `prior` holds faults the door found while parsing; a field keeps only the first fault of
    its shape (a door's or a form's), to which the rules beyond the forms add theirs.
    With a `password_hash` (the wizard hashed it at the account step) no password is needed.
    With `only` (a field name) the rules beyond the forms run for that field alone.
    """
    logs.note(tenant.slug, door)
    policy = policy_of(door)
    answers = _as_the_door_gives(tenant, answers, policy)
    data, faults = {}, list(prior)
    for step in [*steps, "partner"] if policy.partner_fields else steps:
        step_data, step_faults = _checked(tenant, step, answers, policy, only)
        data.update(step_data)
        faults += step_faults
    if password_hash and "account" in steps and not data.get("password"):
        faults = [f for f in faults if f.field != "password"]
    faults = _first_per_field(faults)
    bad = {f.field for f in faults}
    if only is not None:  # no uniqueness query nor strength estimate for the other fields
        bad |= set(data) - {only}
    if "account" in steps:
        faults += _account_rules(tenant, data, bad, policy, caller, answers.get("email"))
    if "profile" in steps:
        faults += _profile_rules(tenant, data, bad, caller)
    if "consents" in steps:
        faults += _consent_rules(tenant, data, bad, policy)
    return data, sorted(faults, key=lambda f: order_key(f.field))


def check_field(tenant, name, answers, door, caller=Caller()):
    """The inline check of one field: its first fault, or None. Needs only that step's answers."""
    step = step_of(name, tenant)
    if step is None:
        return None
    _, faults = check(tenant, answers, door, caller, steps=(step,), only=name)
    return next((f for f in faults if f.field == name), None)


def _first_per_field(faults):
    seen, kept = set(), []
    for item in faults:
        if item.field not in seen:
            seen.add(item.field)
            kept.append(item)
    return kept
