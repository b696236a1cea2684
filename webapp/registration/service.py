"""The one registration service: every door checks and stores customers through here.

Doors hand in *answers*: a MultiDict keyed by the wizard's field names (which are the JSON names,
with the address and consents flattened and custom attributes as `customAttributes.<name>`).
Faults come back keyed the same way, in the contract's field order; each door maps them onto its
own paths and format.
"""
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from webapp import outbox
from webapp.extensions import db
from webapp.faults import Fault, FaultError, fault
from webapp.forms import STEPS, step_form, step_of
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.forms.rules import (
    age_on,
    email_key,
    parse_birth_date,
    username_key,
    utc_today,
)
from webapp.http import logs
from webapp.models import ConsentRecord, Customer
from webapp.registration import loyalty, numbers
from webapp.registration.passwords import hash_secret, unsafe

WIZARD_DOORS = ("wizard", "embed")
DIALECT_DOORS = ("online_ordering", "web_store")
# Fields a door has no place for: their requiredness is waived there (contract section 1). A
# dialect's contact method is the email, and none where the tenant does not offer email.
WAIVED = {"online_ordering": frozenset({"title", "contactMethods"}),
          "web_store": frozenset({"title", "surname", "password", "contactMethods"})}

# Contract section 2's field order, which is also the order faults are listed in.
FIELD_ORDER = ("externalId", "username", "password", "email", "title", "forename", "surname",
               "dateOfBirth", "phone", "mobile", "addresses", *ADDRESS_PARTS, "consents",
               "consentIds", "contactMethods", "customAttributes", "displayName",
               "customerType", "currency", "gender", "nationality")


def order_key(name):
    """Where a fault on `name` sorts; a path like addresses[0].foo sorts with its field."""
    if name not in FIELD_ORDER:
        name = re.match(r"[A-Za-z]*", name or "").group()
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


@dataclass(frozen=True)
class Caller:
    """Who is registering; decided by credentials, never by the request's own headers."""

    source: str = "CUSTOMER"  # CUSTOMER, USER (API key) or HMAC
    user_id: str | None = None

    @property
    def has_credentials(self):
        return self.source != "CUSTOMER"


@dataclass
class Options:
    """What a door adds beyond the answers (the dialects' extras)."""

    send_email: bool | None = None  # None: the tenant's send_account_email
    loyalty_linking: bool = True
    stored_value: bool = False
    security_question: str | None = None
    security_answer: str | None = None
    language: str | None = None
    extra: dict = field(default_factory=dict)


def ensure_open(tenant):
    logs.note(tenant.slug)
    if not tenant.registration_open:
        raise fault(90055)


# --- checking ---------------------------------------------------------------------------------

def _bind(tenant, step, answers, door):
    # National phone numbers are read in the address's country, else the tenant's (section 15).
    country = (answers.get("countryCode") or "").strip() or tenant.default_country
    exempt = WAIVED.get(door, frozenset())
    if door in DIALECT_DOORS:  # nor has a dialect a place for the tenant's own attributes
        exempt |= {ATTRIBUTE_PREFIX + a.name for a in tenant.custom_attributes}
    meta = {"exempt": exempt, "country": country}
    return step_form(step, tenant)(answers, meta=meta)


def _form_faults(form):
    # A 91000 fault carries the form's plain instruction (a Problem, which the wizard translates);
    # seed faults keep the seed's message.
    return [Fault(error.code, name, error if error.code == 91000 else None)
            for name, errors in form.errors.items() for error in errors[:1]]


# The fields unique per tenant: (field, fault when taken, column, what the column holds).
UNIQUE_FIELDS = (("externalId", 91008, Customer.external_id, lambda value: value),
                 ("username", 90074, Customer.username_key, username_key),
                 ("email", 91001, Customer.email_unique_key, email_key))


@lru_cache(maxsize=None)
def _holders_query(names):
    """The tenant's customers holding any of the values of `names`: one query, built once."""
    columns = [column for name, _, column, _ in UNIQUE_FIELDS if name in names]
    return select(*columns).where(Customer.tenant == bindparam("tenant"), or_(
        *(column == bindparam(column.key) for column in columns)))


def _taken(tenant, data, bad=frozenset()):
    """A fault for each unique field whose value another customer of the tenant already has."""
    wanted = [(name, code, column, key(data[name])) for name, code, column, key in UNIQUE_FIELDS
              if name not in bad and data.get(name) and (name != "email" or tenant.unique_email)]
    if not wanted:
        return []
    query = _holders_query(frozenset(name for name, *_ in wanted))
    values = {column.key: value for _, _, column, value in wanted}
    # A Core query on a pooled connection of its own: none of the ORM's work for plain columns,
    # nor a session transaction begun (and rolled back) for one read.
    with db.engine.connect() as connection:
        holders = connection.execute(query, {"tenant": tenant.slug, **values}).mappings().all()
    return [Fault(code, name) for name, code, column, value in wanted
            if any(holder[column.key] == value for holder in holders)]


def _account_rules(tenant, data, bad, door):
    found = _taken(tenant, data, bad)
    password = data.get("password")
    # The online-ordering API's own minimum is 7. Names and the date of birth count where the door has them.
    minimum = max(tenant.password_min_length, 7 if door == "online_ordering" else 0)
    if "password" not in bad and password and unsafe(
            password, minimum, tenant.password_min_score,
            (data.get("username"), data.get("email")),
            (data.get("forename"), data.get("surname"), data.get("displayName")),
            parse_birth_date(data.get("dateOfBirth"))):
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
    if currency and currency not in tenant.currencies:
        found.append(Fault(90019, "currency"))
    return found


def _consent_rules(tenant, data, bad, door):
    found = []
    given = data.get("consentIds") or []
    methods = data.get("contactMethods") or []
    if "consentIds" not in bad:  # an unknown consent does not stand for a missing one
        if any(tenant.consent(c) is None for c in given):
            found.append(Fault(90066, "consentIds"))
        if any(c.id not in given for c in tenant.mandatory_consents):
            found.append(Fault(90037, "consentIds"))
    if "contactMethods" not in bad:
        if any(m not in tenant.contact_methods for m in methods):
            found.append(Fault(90067, "contactMethods"))
        elif tenant.require_contact_method and not methods and \
                "contactMethods" not in WAIVED.get(door, ()):
            found.append(Fault(90038, "contactMethods"))
    return found


def check(tenant, answers, door, caller=Caller(), steps=STEPS, prior=(), password_hash=None,
          only=None):
    """Check the answers of some steps; return (clean data, faults in field order).

    `prior` holds faults the door found while parsing; a field keeps only the first fault of
    its shape (a door's or a form's), to which the rules beyond the forms add theirs.
    With a `password_hash` (the wizard hashed it at the account step) no password is needed.
    With `only` (a field name) the rules beyond the forms run for that field alone.
    """
    logs.note(tenant.slug, door)
    answers = answers if isinstance(answers, MultiDict) else MultiDict(answers)
    if door in DIALECT_DOORS:
        answers = _with_implied_consents(tenant, answers)
    data, faults = {}, list(prior)
    forms = [*steps, "partner"] if door not in WIZARD_DOORS else steps
    for step in forms:
        form = _bind(tenant, step, answers, door)
        form.validate()
        data.update(form.data)
        faults += _form_faults(form)
    if password_hash and "account" in steps and not data.get("password"):
        faults = [f for f in faults if f.field != "password"]
    faults = _first_per_field(faults)
    bad = {f.field for f in faults}
    if only is not None:  # no uniqueness query nor strength estimate for the other fields
        bad |= set(data) - {only}
    if "account" in steps:
        faults += _account_rules(tenant, data, bad, door)
    if "profile" in steps:
        faults += _profile_rules(tenant, data, bad, caller)
    if "consents" in steps:
        faults += _consent_rules(tenant, data, bad, door)
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


def _with_implied_consents(tenant, answers):
    """Dialect callers collected consent themselves: the mandatory ones, and email as the
    contact."""
    answers = MultiDict(answers)
    answers.setlist("consentIds", [c.id for c in tenant.mandatory_consents] +
                    [c for c in answers.getlist("consentIds") if c])
    answers.setlist("contactMethods", ["email"] if "email" in tenant.contact_methods else [])
    return answers


# --- storing ----------------------------------------------------------------------------------

def register(tenant, answers, door, caller=Caller(), prior=(), password_hash=None,
             options=None):
    """Check everything and store the customer with its consents and outbox messages, or raise
    FaultError with every fault found."""
    ensure_open(tenant)
    options = options or Options()
    data, faults = check(tenant, answers, door, caller, prior=prior, password_hash=password_hash)
    if faults:
        raise FaultError(faults)
    if data.get("password"):
        password_hash = hash_secret(data["password"])
    customer = _customer(tenant, data, door, caller, password_hash, options)
    # First in the transaction: on SQLite the counter's write lock is then taken before any read.
    customer.tenant_number = numbers.next_number(tenant.slug)
    if tenant.loyalty:
        loyalty.assign(tenant, customer, options.loyalty_linking, options.stored_value)
    db.session.add(customer)
    try:
        db.session.flush()  # the database's unique constraints decide races
        send = tenant.send_account_email if options.send_email is None else options.send_email
        outbox.customer_created(tenant, customer, send_email=send)
        # Detached as flushed (with its consents), so that the door reads what was stored without
        # loading it again once the commit has expired it.
        db.session.expunge(customer)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # A racing registration took a unique value after the check: ask which one.
        taken = _taken(tenant, data)
        if not taken:
            raise
        raise FaultError(taken) from None
    except Exception:
        db.session.rollback()
        raise
    return customer


def _customer(tenant, data, door, caller, password_hash, options):
    def text(name):
        return data.get(name) or None

    address = None
    if address_given_data(data):
        address = {part: text(part) for part in ADDRESS_PARTS}
        address["countryCode"] = address["countryCode"].upper()
    consent_ids = list(dict.fromkeys(data.get("consentIds") or []))
    customer = Customer(
        tenant=tenant.slug, external_id=text("externalId"),
        username=data["username"], username_key=username_key(data["username"]),
        password_hash=password_hash, email=data["email"],
        email_unique_key=email_key(data["email"]) if tenant.unique_email else None,
        title=text("title"), forename=text("forename"), surname=text("surname"),
        date_of_birth=text("dateOfBirth"), phone=text("phone"), mobile=text("mobile"),
        address=address,
        custom_attributes=[{"name": a.name, "value": data[ATTRIBUTE_PREFIX + a.name]}
                           for a in tenant.custom_attributes
                           if data.get(ATTRIBUTE_PREFIX + a.name)],
        display_name=text("displayName"),
        customer_type=text("customerType") or tenant.customer_types[0],
        currency=(text("currency") or tenant.default_currency).upper(),
        gender=text("gender"),
        nationality=text("nationality").upper() if text("nationality") else None,
        contact_methods=list(dict.fromkeys(data.get("contactMethods") or [])),
        user_id=caller.user_id, source=caller.source, door=door, language=options.language,
        security_question=options.security_question,
        security_answer_hash=hash_secret(options.security_answer)
        if options.security_answer else None,
        extra=options.extra,
    )
    customer.consents = [ConsentRecord(consent_id=c, version=tenant.consent(c).version, door=door)
                         for c in consent_ids]
    return customer


def address_given_data(data):
    return any((data.get(part) or "").strip() for part in ADDRESS_PARTS)


def find(tenant, customer_id):
    logs.note(tenant.slug)
    try:
        customer_id = str(uuid.UUID(customer_id))
    except ValueError:
        return None  # not an id this service gives out (and some databases refuse, like NUL)
    query = select(Customer).where(Customer.tenant == tenant.slug, Customer.id == customer_id)
    return db.session.execute(query).scalar_one_or_none()
