"""The JSON API (contract section 4): parse a seed A customer, call the service, answer in JSON."""
import json

from flask import Blueprint, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from webapp import registration
from webapp.auth import idempotency, ratelimits
from webapp.auth.credentials import api_tenant, current_credentials
from webapp.faults import Fault, FaultError, fault
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.http import errors
from webapp.http.body import read_json_object
from webapp.registration.erasure import erase
from webapp.registration.representation import customer_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Faults, and unknown routes or methods under /api/, answer JSON rather than a page.
errors.renderer("/api/")(errors.json_fault)

STRING_FIELDS = ("externalId", "username", "password", "email", "title", "forename", "surname",
                 "dateOfBirth", "phone", "mobile", "displayName", "customerType", "currency",
                 "gender", "nationality")
KNOWN_FIELDS = {*STRING_FIELDS, "addresses", "consents", "customAttributes"}
CONSENT_LISTS = ("consentIds", "contactMethods")


def _wrong_type(path, expected):
    return Fault(91000, path, f"Must be {expected}")


def _string_list(value, path, answers, name, faults):
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        faults.append(_wrong_type(name, "a list of strings"))
        return
    answers.setlist(name, value)


def to_answers(body):
    """A seed A JSON object as the service's answers, and the faults found on the way.

    Faults carry the service's field names; `to_path` turns them into paths into the body."""
    answers, faults = MultiDict(), []
    for name, value in body.items():
        if name not in KNOWN_FIELDS:
            faults.append(Fault(91000, name, "Is not a known field"))
        elif value is None:
            continue
        elif name in STRING_FIELDS:
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
    if value is None:
        return
    if not isinstance(value, dict):
        faults.append(_wrong_type("consents", "an object"))
        return
    for key in value:
        if key not in CONSENT_LISTS:
            faults.append(Fault(91000, f"consents.{key}", "Is not a known field"))
    for key in CONSENT_LISTS:
        _string_list(value.get(key), key, answers, key, faults)


def _attributes(value, answers, faults):
    if value is None:
        return
    if not isinstance(value, list):
        faults.append(_wrong_type("customAttributes", "an array of {name, value}"))
        return
    for index, item in enumerate(value):
        path = f"customAttributes[{index}]"
        if not (isinstance(item, dict) and set(item) <= {"name", "value"}
                and isinstance(item.get("name"), str)
                and isinstance(item.get("value"), (str, type(None)))):
            faults.append(_wrong_type(path, "an object {name, value} of strings"))
        elif ATTRIBUTE_PREFIX + item["name"] in answers:
            faults.append(Fault(91000, path, f"'{item['name']}' is given twice"))
        else:
            answers[ATTRIBUTE_PREFIX + item["name"]] = item.get("value") or ""


def to_path(name, body):
    """The path into the request body of a fault on the service's field `name`."""
    if name in ADDRESS_PARTS:
        return f"addresses[0].{name}"
    if name in CONSENT_LISTS:
        return f"consents.{name}"
    if name and name.startswith(ATTRIBUTE_PREFIX):
        wanted = name[len(ATTRIBUTE_PREFIX):]
        items = body.get("customAttributes") if isinstance(body, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("name") == wanted:
                return f"customAttributes[{index}].value"
        return "customAttributes"
    return name


def _unknown_attributes(tenant, body):
    items = body.get("customAttributes")
    return [Fault(91000, f"customAttributes[{index}].name",
                  f"'{item['name']}' is not an attribute of this tenant")
            for index, item in enumerate(items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("name"), str)
            and tenant.attribute(item["name"]) is None]


def _with_paths(error, body):
    faults = []
    for item in error.faults:
        path = to_path(item.field, body)
        # The product's own faults name the field in the message; seed faults keep theirs.
        detail = f"{path}: {item.detail}" if item.code == 91000 and item.detail else item.detail
        faults.append(Fault(item.code, path, detail))
    return FaultError(faults, error.headers)


@bp.post("/customers")
@ratelimits.registration
@ratelimits.api
def create_customer():
    tenant, caller, scope = api_tenant()
    registration.ensure_open(tenant)
    body = read_json_object(("application/json",))
    key = request.headers.get("Idempotency-Key")
    idempotency.check_key(key)
    record = None
    if key is not None:
        print_ = idempotency.fingerprint(request.path.encode(),
                                         json.dumps(body, sort_keys=True).encode())
        record, replay = idempotency.begin(scope, key, print_)
        if replay is not None:
            return _answer(*replay)
    try:
        answers, prior = to_answers(body)
        prior += _unknown_attributes(tenant, body)
        try:
            customer = registration.register(tenant, answers, "api", caller, prior=prior)
        except FaultError as error:
            error = _with_paths(error, body)
            if record is not None:  # the body's faults are its answer, to be given again
                idempotency.finish(record, error.status, error.to_dict())
                record = None
            raise error from None
    except Exception:
        if record is not None:
            idempotency.abandon(record)
        raise
    answer = customer_json(customer)
    if record is not None:
        idempotency.finish(record, 201, answer)
    return _answer(201, answer)


def _answer(status, body):
    response = jsonify(body)
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.get_customer",
                                               customer_id=body["customerId"])
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
    erase(tenant, customer)
    return "", 204
