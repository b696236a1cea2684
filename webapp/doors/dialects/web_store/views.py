"""The web-store API's dialect (contract section 8): `POST /api/v3/<storeId>/customers`, a web
store's Customer in JSON, answered with the customer number; errors as `{"errorMessage": ...}`.
"""

import re

import pycountry
from flask import Blueprint, jsonify, request
from werkzeug.datastructures import MultiDict

from webapp import metrics, registration
from webapp.auth import ratelimits
from webapp.auth.credentials import current_credentials, present_token
from webapp.doors.dialects import openapi as dialects_openapi
from webapp.doors.dialects.faults import relabel
from webapp.faults import Fault, FaultError, fault
from webapp.http import errors
from webapp.http.body import read_json_object
from webapp.registration import store_profile
from webapp.tenants import registry

bp = Blueprint("web_store", __name__, url_prefix="/api/v3")

JSON_TYPES = ("application/json", "text/json")
# A member the web-store API only answers with: clients send a customer they fetched back as it
# came, so it is ignored, whatever its value.
READ_ONLY = "read-only"
PERSON = {
    **dict.fromkeys(
        (
            "name",
            "companyName",
            "street",
            "city",
            "countryCode",
            "postalCode",
            "stateOrProvinceCode",
            "phone",
        ),
        "string",
    ),
    **dict.fromkeys(("firstName", "lastName", "countryName", "stateOrProvinceName"), READ_ONLY),
}
# The web-store API's Customer: each member's kind, an object's own members, or [kind] for an array.
MEMBERS = {
    "email": "string",
    "password": "string",
    "customerGroupId": "number",
    "billingPerson": PERSON,
    "shippingAddresses": [{"id": "number", **PERSON, "addressFormatted": READ_ONLY}],
    "taxId": "string",
    "taxIdValid": "boolean",
    "b2b_b2c": "string",
    "fiscalCode": "string",
    "taxExempt": "boolean",
    "acceptMarketing": "boolean",
    "lang": "string",
    **dict.fromkeys(
        ("id", "registered", "updated", "totalOrderCount", "customerGroupName", "stats"), READ_ONLY
    ),
}
SCALARS = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    # A 64-bit integer, as the web-store API's ids are: a larger one no client of it could read.
    "number": (
        lambda v: (
            not isinstance(v, bool)
            and (isinstance(v, int) or (isinstance(v, float) and v.is_integer()))
            and -(2**63) <= v < 2**63
        ),
        "a whole number (64-bit)",
    ),
}
# The billing person as the service's fields: the address, the phone, the full name as the
# customer's display name, and the company. Each shipping address is checked the same way.
ANSWERS = {
    "name": "displayName",
    "companyName": "companyName",
    "street": "addressLine1",
    "city": "city",
    "countryCode": "countryCode",
    "postalCode": "postcode",
    "stateOrProvinceCode": "region",
    "phone": "phone",
}
# Free text the service checks (its partner form) before the door keeps it.
CHECKED = ("taxId", "fiscalCode")
# The service's fields as paths into the body; the email's faults win over the username's.
PATHS = {
    "email": "email",
    "username": "email",
    "password": "password",
    **{field: f"billingPerson.{name}" for name, field in ANSWERS.items()},
    **{name: name for name in CHECKED},
}
ORDER = tuple(
    path
    for name, kind in MEMBERS.items()
    if kind != READ_ONLY
    for path in (
        name,
        *(
            f"{name}.{part}"
            for part, own in (kind.items() if isinstance(kind, dict) else ())
            if own != READ_ONLY
        ),
    )
)
# What the canonical customer has no field for is kept as given, under the web-store API's names:
# every storeProfile member but the three that _options keeps otherwise.
KEPT = tuple(
    name for name in store_profile.MEMBERS if name not in ("companyName", "acceptMarketing", "lang")
)
ORDER_TYPES = ("b2b", "b2c")
LANGUAGE = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")
LANGUAGE_MAX = 16  # the stored language's length
SHIPPING_ADDRESSES_MAX = 100  # each is checked in full: a bound on what one request costs
# Faults whose status the web-store API keeps; a taken email is its 409; any other fault is its 400.
OWN_STATUS = (91005, 91011, 91009, 91006, 91002, 91004, 91013, 91014, 90061)
TAKEN = (91001, 90074)
# Gathered into the OpenAPI document by webapp.doors.openapi.
OPENAPI_PATHS, OPENAPI_SCHEMAS = dialects_openapi.web_store(
    MEMBERS, READ_ONLY, ORDER_TYPES, LANGUAGE_MAX, SHIPPING_ADDRESSES_MAX
)


def _checked(value, kind, path, faults):
    """`value` if it is of `kind`, else None and a fault on `path`."""
    if isinstance(kind, dict):
        if isinstance(value, dict):
            return _members(value, kind, path + ".", faults)
        expected = "an object"
    elif isinstance(kind, list):
        if isinstance(value, list):
            return [
                _checked(item, kind[0], f"{path}[{index}]", faults)
                for index, item in enumerate(value)
            ]
        expected = "an array"
    else:
        test, expected = SCALARS[kind]
        if test(value):
            return int(value) if kind == "number" else value
    faults.append(Fault(91000, path, f"Must be {expected}"))
    return None


def _members(body, schema, prefix, faults):
    """The members of `body` that `schema` knows and that are of their kind; nulls and read-only
    members are left out."""
    kept = {}
    for name, value in body.items():
        if name not in schema:
            faults.append(Fault(91000, prefix + name, "Is not a known field"))
        elif value is not None and schema[name] != READ_ONLY:
            checked = _checked(value, schema[name], prefix + name, faults)
            if checked is not None:
                kept[name] = checked
    return kept


def _language_code(text):
    match = LANGUAGE.fullmatch(text)
    return (
        bool(match)
        and len(text) <= LANGUAGE_MAX
        and (
            pycountry.languages.get(alpha_2=match[1].lower()) is not None
            or pycountry.languages.get(alpha_3=match[1].lower()) is not None
        )
    )


def _dialect_rules(customer, faults):
    if customer.get("b2b_b2c") not in (None, *ORDER_TYPES):
        faults.append(Fault(91000, "b2b_b2c", f"Must be {' or '.join(ORDER_TYPES)}"))
    lang = customer.get("lang", "").strip()
    if lang and not _language_code(lang):
        faults.append(Fault(91000, "lang", "Must be a language code, like en or pt-BR"))


def _person_answers(person):
    return MultiDict({field: person[name] for name, field in ANSWERS.items() if name in person})


def _shipping_rules(tenant, customer, faults):
    """Each shipping address checked by the service as the billing person is, its faults in the
    order of the person's members."""
    addresses = customer.get("shippingAddresses", [])
    if len(addresses) > SHIPPING_ADDRESSES_MAX:
        faults.append(
            Fault(
                91000,
                "shippingAddresses",
                f"At most {SHIPPING_ADDRESSES_MAX} addresses are allowed",
            )
        )
        return
    for index, address in enumerate(addresses):
        if address is None:
            continue  # not an object, which is already a fault
        paths = {field: f"shippingAddresses[{index}].{name}" for name, field in ANSWERS.items()}
        _, found = registration.check(
            tenant, _person_answers(address), "web_store", steps=("profile", "address")
        )
        found.sort(key=lambda item: list(paths).index(item.field))
        faults += [Fault(item.code, paths[item.field], item.detail) for item in found]


def _answers(tenant, customer):
    answers = _person_answers(customer.get("billingPerson", {}))
    if "email" in customer:
        answers["email"] = customer["email"]  # also the username (the door's policy)
    if "password" in customer:
        answers["password"] = customer["password"]
    for name in CHECKED:
        if name in customer:
            answers[name] = customer[name]
    if customer.get("acceptMarketing") and tenant.consent("marketing") is not None:
        answers.add("consentIds", "marketing")
    return answers


def _kept(value):
    """A member as kept: its text trimmed, as the service stores text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_kept(item) for item in value]
    if isinstance(value, dict):
        return {name: _kept(item) for name, item in value.items()}
    return value


def _options(tenant, customer):
    extra = {name: _kept(customer[name]) for name in KEPT if name in customer}
    person = customer.get("billingPerson", {})
    if "companyName" in person:
        extra["billingPerson"] = {"companyName": _kept(person["companyName"])}
    if "acceptMarketing" in customer and tenant.consent("marketing") is None:
        extra["acceptMarketing"] = customer["acceptMarketing"]  # no consent to record it as
    return registration.Options(language=customer.get("lang", "").strip() or None, extra=extra)


def _tenant(store_id):
    """The store's tenant, once the credentials are those of that tenant."""
    credentials = current_credentials()
    if credentials is None:
        raise fault(91005)
    tenant = (
        registry().by_store_id(int(store_id)) if re.fullmatch(r"[0-9]{1,18}", store_id) else None
    )
    if tenant is None:
        raise fault(91009)
    if credentials.tenant != tenant.slug:
        raise fault(91011)
    return tenant, credentials.caller


# The web-store API's own tokens start so, and its clients check that they do.
TOKEN_PREFIX = "secret_"


@bp.before_request
def store_token():
    """The web-store API takes its token as `Authorization: Bearer <token>` or as `?token=<token>`
    (the header wins), with or without TOKEN_PREFIX. The query string is never logged."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not scheme:
        token = request.args.get("token")
    elif scheme.lower() != "bearer":
        return
    if token and token.strip():
        present_token(token.strip().removeprefix(TOKEN_PREFIX))


@errors.renderer("/api/v3/")
def render_fault(error):
    first = error.faults[0]
    if first.code in TAKEN:
        status = 409
    else:
        status = first.status if first.code in OWN_STATUS else 400
    message = "; ".join(
        item.message
        if item.code == 91000 or item.field is None
        else f"{item.field}: {item.message}"
        for item in error.faults
    )
    response = jsonify({"errorMessage": message})
    response.status_code = status
    response.headers.update(error.headers)
    return response


@bp.post("/<store_id>/customers")
@ratelimits.public_api
@ratelimits.api
def create_customer(store_id):
    tenant, caller = _tenant(store_id)
    metrics.attempted(tenant, "web_store")
    registration.ensure_open(tenant)
    prior = []
    customer = _members(read_json_object(JSON_TYPES), MEMBERS, "", prior)
    _dialect_rules(customer, prior)
    _shipping_rules(tenant, customer, prior)
    try:
        stored = registration.register(
            tenant,
            _answers(tenant, customer),
            "web_store",
            caller,
            prior=prior,
            options=_options(tenant, customer),
        )
    except FaultError as error:
        raise relabel(error, prior, PATHS, ORDER) from None
    return jsonify({"id": stored.tenant_number})
