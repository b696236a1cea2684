"""The JSON API (contract section 4): parse a customer, call the service, answer in JSON."""

import re

from flask import Blueprint, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from webapp import i18n, metrics, registration
from webapp.auth import idempotency, ratelimits
from webapp.auth.credentials import api_tenant, current_credentials
from webapp.console import audit
from webapp.faults import Fault, FaultError, fault
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.http import errors
from webapp.http.body import read_json_object
from webapp.registration.fields import CONSENT_LISTS, NAMES, TEXT_NAMES, order_key
from webapp.registration.representation import customer_json
from webapp.trust import enumeration, proof_of_work

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Faults, and unknown routes or methods under /api/, answer JSON rather than a page.
errors.renderer("/api/")(errors.json_fault)

PENDING = {"status": "pending"}
UNREAD_ATTRIBUTE = re.compile(r"customAttributes\[[0-9]+\]")


def _wrong_type(path, expected):
    return Fault(91000, path, f"Must be {expected}")


def _of_kind(value, kind, path, expected, faults):
    """Whether `value` is given and of `kind`; given as anything else, it is a fault on `path`."""
    if value is not None and not isinstance(value, kind):
        faults.append(_wrong_type(path, expected))
    return isinstance(value, kind)


def _string_list(value, path, answers, name, faults):
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        faults.append(_wrong_type(name, "a list of strings"))
        return
    answers.setlist(name, value)


def to_answers(body):
    """A canonical customer JSON object as the service's answers, and the faults found on the way.

    Faults carry the service's field names; `to_path` turns them into paths into the body."""
    answers, faults = MultiDict(), []
    for name, value in body.items():
        if name not in NAMES:
            faults.append(Fault(91000, name, "Is not a known field"))
        elif value is None:
            continue
        elif name in TEXT_NAMES:
            if isinstance(value, str):
                answers[name] = value
            else:
                faults.append(_wrong_type(name, "a string"))
    _address(body.get("addresses"), answers, faults)
    _consents(body.get("consents"), answers, faults)
    _attributes(body.get("customAttributes"), answers, faults)
    return answers, faults


def _address(value, answers, faults):
    if value is None:
        return
    if not isinstance(value, list):
        faults.append(_wrong_type("addresses", "an array"))
    elif len(value) > 1:
        faults.append(Fault(91000, "addresses", "At most 1 address is allowed"))
    elif value:
        entry = value[0]
        if not isinstance(entry, dict):
            faults.append(_wrong_type("addresses[0]", "an object"))
            return
        for key, part in entry.items():
            if key not in ADDRESS_PARTS:
                faults.append(Fault(91000, f"addresses[0].{key}", "Is not a known field"))
            elif isinstance(part, str):
                answers[key] = part
            elif part is not None:
                faults.append(_wrong_type(key, "a string"))


def _consents(value, answers, faults):
    if not _of_kind(value, dict, "consents", "an object", faults):
        return
    for key in value:
        if key not in CONSENT_LISTS:
            faults.append(Fault(91000, f"consents.{key}", "Is not a known field"))
    for key in CONSENT_LISTS:
        _string_list(value.get(key), key, answers, key, faults)


def _attribute_name(item):
    """The name a well-formed `customAttributes` entry gives, trimmed as every identifier is;
    else None (an entry of another shape is not read)."""
    if not isinstance(item, dict) or not set(item) <= {"name", "value"}:
        return None
    name = item.get("name")
    return name.strip() if isinstance(name, str) else None


def _attributes(value, answers, faults):
    if not _of_kind(value, list, "customAttributes", "an array of {name, value}", faults):
        return
    for index, item in enumerate(value):
        path = f"customAttributes[{index}]"
        name = _attribute_name(item)
        if name is None:
            faults.append(_wrong_type(path, "an object {name, value} of strings"))
        elif not isinstance(item.get("value"), (str, type(None))):
            faults.append(_wrong_type(f"{path}.value", "a string"))
        elif ATTRIBUTE_PREFIX + name in answers:
            faults.append(Fault(91000, path, f"'{name}' is given twice"))
        else:
            answers[ATTRIBUTE_PREFIX + name] = item.get("value") or ""


def to_path(name, body):
    """The path into the request body of a fault on the service's field `name`."""
    if name in ADDRESS_PARTS:
        return f"addresses[0].{name}"
    if name in CONSENT_LISTS:
        return f"consents.{name}"
    if name and name.startswith(ATTRIBUTE_PREFIX):
        wanted = name[len(ATTRIBUTE_PREFIX) :]
        items = body.get("customAttributes") if isinstance(body, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            if _attribute_name(item) == wanted:
                return f"customAttributes[{index}].value"
        return "customAttributes"
    return name


def _unknown_attributes(tenant, body):
    items = body.get("customAttributes")
    return [
        Fault(
            91000, f"customAttributes[{index}].name", f"'{name}' is not an attribute of this tenant"
        )
        for index, item in enumerate(items if isinstance(items, list) else [])
        if (name := _attribute_name(item)) is not None and tenant.attribute(name) is None
    ]


def _within(path, outer):
    return path == outer or path.startswith((outer + ".", outer + "["))


def _with_paths(error, body, parsed=()):
    """The service's faults with paths into the body. A fault the parsing found (`parsed`: a
    wrongly typed `consents` object, say) stands for what it holds: the rules' faults about its
    members, which they found missing because they could not be read, are left out."""
    unread = [to_path(item.field, body) for item in parsed]
    # An attribute is missing only if no entry that could not be read might have given it.
    entries_unread = any(UNREAD_ATTRIBUTE.fullmatch(u or "") for u in unread)
    faults = []
    for item in error.faults:
        path = to_path(item.field, body)
        if all(item is not p for p in parsed) and any(_within(path, u) for u in unread):
            continue
        if path == "customAttributes" and entries_unread:
            continue
        # The product's own faults name the field in the message; vendor faults keep theirs.
        detail = f"{path}: {item.detail}" if item.code == 91000 and item.detail else item.detail
        faults.append(Fault(item.code, path, detail))
    # In section 2's order by path: attributes as the body lists them, a member a field does
    # not have after the field's parts.
    faults.sort(key=lambda item: order_key(item.field))
    return FaultError(faults, error.headers)


@bp.post("/customers")
@ratelimits.public_api
@ratelimits.api
def create_customer():
    tenant, caller, scope = api_tenant(spent_allowed=True)
    metrics.attempted(tenant, "api")
    registration.ensure_open(tenant)
    body = read_json_object(("application/json",))
    key = idempotency.sent_key(request)
    malformed = idempotency.key_faults(key)
    if malformed:
        key = None  # nothing to claim: the request fails with the key's fault and the body's
    credentials = current_credentials(spent_allowed=True)
    if credentials is not None and credentials.spent:
        # A signature used before: good only as an exact retry of an answered registration.
        if not idempotency.answered(scope, key, request.path, body):
            raise fault(91005)
    elif (
        tenant.proof_of_work
        and not caller.has_credentials
        and not idempotency.answered(scope, key, request.path, body)
    ):
        # Before the key is claimed: a refused solution is the header's fault, not the body's
        # answer to keep. An exact retry of an answered request is answered again without one.
        proof_of_work.verify(tenant, request.headers.get(proof_of_work.HEADER))
    with idempotency.claimed(scope, key, request.path, body) as claim:
        if claim.replay is not None:
            return _answer(*claim.replay)
        answers, prior = to_answers(body)
        prior += _unknown_attributes(tenant, body) + malformed
        try:
            customer = _register(tenant, answers, caller, prior)
        except FaultError as error:
            raise _with_paths(error, body, prior) from None
        status, answer = (202, PENDING) if customer is None else (201, customer_json(customer))
        return _answer(*claim.answer(status, answer))


def _register(tenant, answers, caller, prior):
    """The customer stored; None for an enumeration-safe tenant's public caller, who learns
    only that the registration is pending, whether the email was free or taken."""
    options = registration.Options(language=i18n.accepted())
    if tenant.enumeration_safe and not caller.has_credentials:
        enumeration.register_pending(tenant, answers, "api", caller, prior, options)
        return None
    return registration.register(tenant, answers, "api", caller, prior=prior, options=options)


def _answer(status, body):
    response = jsonify(body)
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.get_customer", customer_id=body["customerId"])
    return response


def _own_customer(customer_id):
    if current_credentials() is None:
        raise fault(91005)
    tenant, _, _ = api_tenant(public_allowed=False)
    customer = registration.find(tenant, customer_id)
    if customer is None:
        raise fault(91012)
    return tenant, customer


@bp.get("/customers/<customer_id>")
@ratelimits.api
def get_customer(customer_id):
    _, customer = _own_customer(customer_id)
    if customer.erased_at is not None:
        raise fault(91019)
    return jsonify(customer_json(customer))


@bp.delete("/customers/<customer_id>")
@ratelimits.api
def erase_customer(customer_id):
    tenant, customer = _own_customer(customer_id)
    # In the operators' audit log beside the console's and the command's erasures.
    audit.erased(f"API key {current_credentials().key_id}", tenant, customer)
    return "", 204
