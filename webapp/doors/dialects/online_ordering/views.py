"""The online-ordering API's dialect (contract section 7): `PUT /v1/Customers`, an InRegistration
in JSON or XML.

Answers come in the format the client asks for (`Accept`), else in the request's own; faults too.
"""

import re

from flask import Blueprint, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from webapp import i18n, metrics, registration
from webapp.auth import ratelimits
from webapp.auth.credentials import api_tenant, current_credentials
from webapp.doors.dialects import openapi as dialects_openapi
from webapp.doors.dialects.faults import relabel
from webapp.doors.dialects.online_ordering import dates
from webapp.doors.dialects.online_ordering import members as contract
from webapp.doors.dialects.online_ordering import xml as online_ordering_xml
from webapp.faults import Fault, FaultError, fault
from webapp.forms.rules import blank, unstorable
from webapp.http import errors
from webapp.http.body import read_body, read_json_object
from webapp.registration.representation import iso

bp = Blueprint("online_ordering", __name__)


class AnyCase(BaseConverter):
    """A path segment that is `word` in any case: the online-ordering API is an ASP.NET service,
    whose routes match so, and its clients may write `/v1/customers`."""

    def __init__(self, url_map, word):
        super().__init__(url_map)
        self.regex = f"(?ai:{re.escape(word)})"  # ASCII letters alone: "ſ" is no "s" there


bp.record_once(lambda state: state.app.url_map.converters.setdefault("any_case", AnyCase))

JSON_TYPES = ("application/json", "text/json")
XML_TYPES = ("application/xml", "text/xml")
# Customer members as the service's fields; EMail is also the username (the door's policy).
ANSWERS = {
    "EMail": "email",
    "FirstName": "forename",
    "LastName": "surname",
    "Phone": "phone",
    "BirthDate": "dateOfBirth",
}
# The service's fields as paths into the body; the email's faults win over the username's.
PATHS = {
    "email": "Customer.EMail",
    "username": "Customer.EMail",
    "password": "Password",
    "forename": "Customer.FirstName",
    "surname": "Customer.LastName",
    "dateOfBirth": "Customer.BirthDate",
    "phone": "Customer.Phone",
}
EMAIL_OPTIONS = {"UseCompanySetting": None, "SendEmail": True, "DoNotSendEmail": False}
QUERY = (
    "verbose",
    "accountCreationEmailOption",
    "enableLoyaltyAccountLinking",
    "autoAssignStoredValue",
)
# Section 2's order of the fields each member stands for (EMail is the username and the email).
ORDER = (
    "Customer",
    "Customer.EMail",
    "Password",
    "Customer.FirstName",
    "Customer.LastName",
    "Customer.BirthDate",
    "Customer.Phone",
    "SecurityQuestion",
    "SecurityAnswer",
    "Channel",
    "X-Api-Channel",
    *QUERY,
)
SECURITY_TEXT_MAX = 200  # the stored question's length; the answer is kept hashed
CHANNEL_MAX = 50  # "Web", "Kiosk", "iOS app": a name, shown on the console's customer page
# Gathered into the OpenAPI document by webapp.doors.openapi.
OPENAPI_PATHS, OPENAPI_SCHEMAS = dialects_openapi.online_ordering(EMAIL_OPTIONS, SECURITY_TEXT_MAX)


# --- reading the request ----------------------------------------------------------------------


def _arg(name) -> str:
    """A query parameter, its name in any case as ASP.NET binds them; the first when repeated."""
    wanted = name.lower()
    return next((v for k, v in request.args.items(multi=True) if k.lower() == wanted), "")


def _flag(name, default, faults):
    text = _arg(name)
    if not text:
        return default
    if text.lower() not in ("true", "false"):
        faults.append(Fault(91000, name, "Must be true or false"))
        return default
    return text.lower() == "true"


def _query(faults):
    """The query's options for the service (defaults as the online-ordering API's), and whether to
    be verbose."""
    # The online-ordering API: verbose is true, or any other value answers with the CustomerId
    # alone.
    verbose = _arg("verbose").strip().lower() == "true"
    email_option = _arg("accountCreationEmailOption") or "UseCompanySetting"
    by_name = {name.lower(): value for name, value in EMAIL_OPTIONS.items()}
    if email_option.lower() not in by_name:
        faults.append(
            Fault(91000, "accountCreationEmailOption", f"Must be one of {', '.join(EMAIL_OPTIONS)}")
        )
    options = {
        "send_email": by_name.get(email_option.lower()),
        "loyalty_linking": _flag("enableLoyaltyAccountLinking", True, faults),
        "stored_value": _flag("autoAssignStoredValue", False, faults),
    }
    return options, verbose


def _json_members(body, schema, prefix, faults):
    """A JSON object as {member: value} per `schema`; names match in any case, as .NET's do."""
    names = {name.lower(): name for name in schema}
    values = {}
    for key, value in body.items():
        name = names.get(key.lower())
        path = prefix + (name or key)
        if not contract.read(schema, name):
            problem = contract.unread(schema, name, value)
            if problem:
                faults.append(Fault(91000, path, problem))
        elif name in values:
            faults.append(Fault(91000, path, "Is given twice"))
        elif value is None or (schema[name] is None and isinstance(value, str)):
            values[name] = value
        elif schema[name] is not None and isinstance(value, dict):
            values[name] = _json_members(value, schema[name], path + ".", faults)
        else:
            faults.append(
                Fault(
                    91000, path, "Must be a string" if schema[name] is None else "Must be an object"
                )
            )
    return values


def _read_members():
    if request.mimetype in XML_TYPES:
        return online_ordering_xml.read_registration(
            read_body(XML_TYPES), contract.REGISTRATION, request.mimetype_params.get("charset")
        )
    faults = []
    return _json_members(read_json_object(JSON_TYPES), contract.REGISTRATION, "", faults), faults


CONTROL_CHARACTERS = "Must not contain line breaks, tabs or other control characters"


def _answers(members, faults):
    """The service's answers from the members; dialect-only members are checked on the way."""
    faulted = {item.field for item in faults}
    answers = MultiDict()
    customer = members.get("Customer")
    if customer is None and "Customer" not in faulted:
        faults.append(Fault(91000, "Customer", "Is required"))
    for name, value in (customer or {}).items():
        if value is not None:
            answers[ANSWERS[name]] = dates.date_part(value) if name == "BirthDate" else value
    if members.get("Password") is not None:
        answers["password"] = members["Password"]
    for name in ("SecurityQuestion", "SecurityAnswer"):
        value = (members.get(name) or "").strip()
        if name in faulted:
            continue
        if blank(value):  # white space or invisible characters alone, as any required field
            faults.append(Fault(91000, name, "Is required"))
        elif len(value) > SECURITY_TEXT_MAX:
            faults.append(Fault(91000, name, f"Must be {SECURITY_TEXT_MAX} characters or fewer"))
        elif unstorable(value):
            faults.append(Fault(91000, name, CONTROL_CHARACTERS))
    sent = (("Channel", members.get("Channel")), ("X-Api-Channel", _header_channel()))
    for path, channel in sent:
        if path in faulted or not isinstance(channel, str):
            continue
        if unstorable(channel):
            faults.append(Fault(91000, path, CONTROL_CHARACTERS))
        elif len(channel.strip()) > CHANNEL_MAX:
            faults.append(Fault(91000, path, f"Must be {CHANNEL_MAX} characters or fewer"))
    return answers


def _header_channel():
    return request.headers.get("X-Api-Channel")


def _channel(members):
    # The deprecated body member gives way to the header.
    return (_header_channel() or "").strip() or (members.get("Channel") or "").strip() or None


# --- answering --------------------------------------------------------------------------------


def _media_type():
    """Accept's choice among the online-ordering API's types (the request's own type first), else
    the request's."""
    own = request.mimetype if request.mimetype in JSON_TYPES + XML_TYPES else None
    family = XML_TYPES if own in XML_TYPES else JSON_TYPES
    offers = [t for t in dict.fromkeys((own, *family, *JSON_TYPES, *XML_TYPES)) if t]
    return request.accept_mimetypes.best_match(offers) or own or JSON_TYPES[0]


def _respond(status, document, xml, escaped_slashes=False):
    """`document` in JSON, or `xml()`; `escaped_slashes` writes every / in JSON as \\/, as
    DataContractJsonSerializer needs to read a date (the same JSON to any other reader)."""
    media_type = _media_type()
    if media_type in XML_TYPES:
        body = xml()
    else:
        body = current_app.json.dumps(document)
        body = body.replace("/", "\\/") if escaped_slashes else body
    response = current_app.response_class(body, status, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


@errors.renderer("/v1", any_case=True)
def render_fault(error):
    response = _respond(
        error.status, error.to_dict(), lambda: online_ordering_xml.fault_document(error)
    )
    response.headers.update(error.headers)
    return response


def _customer(customer, date_form=None):
    """The Customer of CustomerResults, its members in the data contract's (ordinal) order; the
    birth date in `date_form` (see dates.answer). Beside the body's members and the card numbers,
    whether the email is verified, as every customer representation says (contract section 12)."""
    return {
        "BirthDate": dates.answer(customer.date_of_birth, date_form),
        "CustomerId": customer.id,
        "EMail": customer.email,
        "EmailVerified": customer.email_verified_at is not None,
        "EmailVerifiedAt": iso(customer.email_verified_at),
        "FirstName": customer.forename,
        "LastName": customer.surname,
        "LoyaltyCardNumber": customer.loyalty_card_number,
        "Phone": customer.phone,
        "StoredValueCardNumber": customer.stored_value_card_number,
    }


@bp.put("/<any_case('v1'):_version>/<any_case('Customers'):_collection>")
@ratelimits.public_api
@ratelimits.api
def create_customer(**_path):
    if current_credentials() is None:
        raise fault(91005)
    tenant, caller, _ = api_tenant(public_allowed=False)
    metrics.attempted(tenant, "online_ordering")
    registration.ensure_open(tenant)
    members, prior = _read_members()
    query, verbose = _query(prior)
    answers = _answers(members, prior)
    channel = _channel(members)
    options = registration.Options(
        **query,
        security_question=(members.get("SecurityQuestion") or "").strip() or None,
        security_answer=(members.get("SecurityAnswer") or "").strip() or None,
        extra={"channel": channel} if channel else {},
        language=i18n.accepted(),
    )
    try:
        customer = registration.register(
            tenant, answers, "online_ordering", caller, prior=prior, options=options
        )
    except FaultError as error:
        raise relabel(error, prior, PATHS, ORDER) from None
    # A JSON client that sent a .NET JSON date reads one back; XML's dates are ISO.
    date_form = dates.json_form((members.get("Customer") or {}).get("BirthDate"))
    json_shown = _customer(customer, date_form) if verbose else None
    shown = _customer(customer) if verbose else None
    # The consent records (privacy among them) are stored with the customer, or not at all.
    privacy = bool(customer.consents)
    return _respond(
        200,
        {"Customer": json_shown, "CustomerId": customer.id, "PrivacySuccess": privacy},
        lambda: online_ordering_xml.customer_results(shown, customer.id, privacy),
        escaped_slashes=date_form is not None,
    )
