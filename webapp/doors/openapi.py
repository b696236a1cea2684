"""The OpenAPI 3.1 document of the JSON doors, served at `GET /api/openapi.json`.

Built once at start-up, after every door is registered: the JSON API's paths and the shared
components here, plus the `OPENAPI_PATHS` and `OPENAPI_SCHEMAS` dicts of any registered door's
module (a dialect door adds its own paths that way, and may refer to the components below, such as
`#/components/schemas/Fault` or the security schemes). Field limits and required fields are read
from the step forms, and fault codes from the fault table, so the document follows the rules.
"""

import json
import secrets

from flask import Blueprint, current_app

from webapp.doors import openapi_examples as examples
from webapp.faults import BY_CODE
from webapp.forms import AccountForm, AddressForm, PartnerForm
from webapp.forms.profile import ProfileForm
from webapp.forms.rules import MaxLength
from webapp.registration import fields

bp = Blueprint("openapi", __name__)

ID = "#/components/schemas/"


def or_null(schema):
    """`schema`, or null: what a door takes as a member left out. A reference or an enum is one
    branch of an anyOf, so that client generators make one type of it (null in an enum, or a
    nullable type beside it, makes them one type for each)."""
    core = ("$ref",) if "$ref" in schema else ("type", "enum") if "enum" in schema else ()
    if core:
        rest = {key: value for key, value in schema.items() if key not in core}
        return {"anyOf": [{key: schema[key] for key in core}, {"type": "null"}], **rest}
    return {**schema, "type": [schema["type"], "null"]}


FAULT_REF = {"$ref": ID + "Fault"}


def _fields(form_class, **extra):
    """JSON Schema properties (strings with their maxLength) and the required names of a form."""
    properties, required = {}, []
    for name, field in form_class()._fields.items():
        schema = {"type": "string", "description": field.label.text.replace(" (optional)", "")}
        for validator in field.validators:
            if isinstance(validator, MaxLength):
                schema["maxLength"] = validator.max
        if field.flags.required:
            required.append(name)
            schema["minLength"] = 1
        schema = {**schema, **extra.get(name, {})}
        properties[name] = schema if name in required else or_null(schema)
    return properties, required


def _schemas():
    account, account_required = _fields(
        AccountForm,
        email={"format": "email"},
        password={
            "writeOnly": True,
            "description": "At least the tenant's minimum length (8 unless set) "
            "and zxcvbn score (3 unless set); "
            "may not contain the username or the email's local part",
        },
        username={
            "description": "Letters, digits and . _ - @ after Unicode NFKC; unique per "
            "tenant, compared case-insensitively"
        },
    )
    profile, profile_required = _fields(
        ProfileForm,
        dateOfBirth={
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "YYYY-MM-DD, not in the future; age at least the tenant's min_age and "
            "at most 120",
        },
        phone={"description": "International form, or national for the address's country"},
        mobile={"description": "As phone"},
        nationality={"pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"},
        currency={
            "pattern": "^[A-Za-z]{3}$",
            "description": "ISO 4217, one the tenant accepts; the tenant's default if left out",
        },
    )
    address, address_required = _fields(
        AddressForm,
        countryCode={"pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"},
        postcode={"description": "Valid for the country; required where the country has postcodes"},
    )
    partner, _ = _fields(
        PartnerForm,
        externalId={"description": "Unique per tenant"},
        customerType={
            "description": "One of the tenant's customer types; without credentials only the first"
        },
    )
    known = {
        **partner,
        **account,
        **profile,
        "addresses": or_null({"type": "array", "maxItems": 1, "items": {"$ref": ID + "Address"}}),
        "consents": or_null({"$ref": ID + "Consents"}),
        "customAttributes": or_null({"type": "array", "items": {"$ref": ID + "CustomAttribute"}}),
    }
    new_customer = {
        "type": "object",
        "additionalProperties": False,
        "required": account_required + profile_required,
        "properties": {name: known[name] for name in fields.NAMES},
    }
    # Stored, any text but the username and email may be null: a dialect door leaves out what it
    # has no place for (the web-store API a surname, the online-ordering API a title).
    stored = {
        name: {**schema, "type": ["string", "null"]}
        if schema.get("type") == "string" and name not in ("username", "email")
        else schema
        for name, schema in new_customer["properties"].items()
        if name != "password"
    }
    stored.update(
        {
            # Stored, these always have a value.
            "addresses": {"type": "array", "maxItems": 1, "items": {"$ref": ID + "Address"}},
            "customAttributes": {"type": "array", "items": {"$ref": ID + "CustomAttribute"}},
            "customerType": {"type": "string"},
            "currency": {"type": "string", "description": "ISO 4217"},
            "consents": {"$ref": ID + "StoredConsents"},
            "customerId": {"type": "string", "format": "uuid"},
            "customerNumber": {"type": "integer"},
            "tenantId": {"type": "string", "description": "The tenant's slug"},
            "userId": {
                "type": ["string", "null"],
                "description": "The API key's id; null for public registrations",
            },
            "source": {"type": "string", "enum": ["CUSTOMER", "USER", "HMAC"]},
            "emailVerified": {
                "type": "boolean",
                "description": "Whether the customer proved the address is theirs",
            },
            "emailVerifiedAt": {"type": ["string", "null"], "format": "date-time"},
            "createdAt": {"type": "string", "format": "date-time"},
            "loyaltyCardNumber": {"type": ["string", "null"]},
            "storedValueCardNumber": {"type": ["string", "null"]},
            "storeProfile": or_null(
                {
                    "$ref": ID + "StoreProfile",
                    "description": (
                        "What a web store sent that the customer has no field for; "
                        "null for customers registered through other doors"
                    ),
                }
            ),
        }
    )
    strings = {"type": "array", "items": {"type": "string"}}
    consents = {name: or_null(strings) for name in fields.CONSENT_LISTS}
    record = {
        "consentId": {"type": "string"},
        "version": {"type": "string"},
        "grantedAt": {"type": "string", "format": "date-time"},
        "door": {"type": "string"},
        "status": {
            "type": "string",
            "enum": ["pending", "confirmed", "expired", "withdrawn"],
            "description": "pending until a double opt-in is confirmed by its "
            "mailed link; expired 30 days unconfirmed",
        },
        "confirmedAt": {"type": ["string", "null"], "format": "date-time"},
        "withdrawnAt": {"type": ["string", "null"], "format": "date-time"},
    }
    # The enums are components of their own: inline, a generator makes a type for each use.
    fault_fields = {
        "faultCode": {"$ref": ID + "FaultCode"},
        "fault": {"$ref": ID + "FaultName"},
        "message": {"type": "string"},
    }
    return {
        "NewCustomer": new_customer,
        # Every member of a response is always there (null where empty): required, so that a
        # generated client's fields are not all optional.
        "Customer": {"type": "object", "required": list(stored), "properties": stored},
        "Address": {
            "type": "object",
            "additionalProperties": False,
            "required": address_required,
            "properties": address,
        },
        "Consents": {"type": "object", "additionalProperties": False, "properties": consents},
        "StoredConsents": {
            "type": "object",
            "required": ["consentIds", "contactMethods", "records"],
            "properties": {
                "consentIds": strings,
                "contactMethods": strings,
                "records": {
                    "type": "array",
                    "items": {"type": "object", "required": list(record), "properties": record},
                },
            },
        },
        "Pending": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["pending"]}},
        },
        "CustomAttribute": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "value": {"type": ["string", "null"]}},
        },
        "Fault": {
            "type": "object",
            "required": ["faultCode", "fault", "message", "faults"],
            "properties": {
                **fault_fields,
                "faults": {"type": "array", "items": {"$ref": ID + "FaultItem"}},
            },
        },
        "FaultCode": {"type": "integer", "enum": sorted(BY_CODE)},
        "FaultName": {"type": "string", "enum": sorted(f.name for f in BY_CODE.values())},
        "FaultItem": {
            "type": "object",
            "required": ["faultCode", "fault", "message", "field"],
            "properties": {
                **fault_fields,
                "field": {
                    "type": ["string", "null"],
                    "description": "A path into the request body; null for a fault about no field",
                },
            },
        },
    }


SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key as `<key id>.<secret>` (flask create-api-key)",
    },
    "hmacKeyId": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Key-Id",
        "description": "The API key's id",
    },
    "hmacTimestamp": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Timestamp",
        "description": "Unix seconds, within 300 s of the server's clock",
    },
    "hmacSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Signature",
        "description": "Hex HMAC-SHA256 with the key's secret over "
        '"{timestamp}\\n{METHOD}\\n{path}\\n{hex sha256 of the '
        'body}"; path includes ?query when there is one',
    },
}
CREDENTIALS = [{"bearer": []}, {"hmacKeyId": [], "hmacTimestamp": [], "hmacSignature": []}]


def fault_response(description, **headers):
    """A response carrying the fault body; door modules may use it in their OPENAPI_PATHS."""
    response = {"description": description, "content": {"application/json": {"schema": FAULT_REF}}}
    if headers:
        response["headers"] = {
            name: {"schema": {"type": "string"}, "description": text}
            for name, text in headers.items()
        }
    return response


COMMON_FAULTS = {
    "401": fault_response(
        "91005: missing, unknown, expired or badly signed credentials",
        **{"WWW-Authenticate": 'How to authenticate: Bearer realm="registration"'},
    ),
    "429": fault_response(
        "91004: too many requests", **{"Retry-After": "Seconds to wait before trying again"}
    ),
    "500": fault_response("90061: an unexpected error, logged with the X-Request-Id"),
}


def _api_paths():
    customer = {
        "application/json": {"schema": {"$ref": ID + "Customer"}, "example": examples.CUSTOMER}
    }
    customer_id = {
        "name": "customerId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }
    return {
        "/api/v1/customers": {
            "post": {
                "operationId": "createCustomer",
                "summary": "Register a customer",
                "security": [{}, *CREDENTIALS],
                "parameters": [
                    {
                        "name": "tenant",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The tenant's slug, for requests without credentials",
                    },
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        "description": "Sent again with the same body within 24 hours, "
                        "it answers the first response and creates nothing",
                    },
                    {
                        "name": "X-Altcha",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "Without credentials, for a tenant with proof of work: the "
                        "solved challenge of GET /api/v1/challenge (base64 ALTCHA "
                        "payload), good once; else 400 91017",
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": ID + "NewCustomer"},
                            "example": examples.NEW_CUSTOMER,
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Registered",
                        "content": customer,
                        "headers": {
                            "Location": {
                                "schema": {"type": "string"},
                                "description": "The customer's URL",
                            }
                        },
                    },
                    "202": {
                        "description": "Public registration with an enumeration-safe tenant: "
                        "the same answer whether the email was free (customer "
                        "stored unverified, verification link mailed) or taken "
                        "(the owner mailed a notice)",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": ID + "Pending"},
                                "example": {"status": "pending"},
                            }
                        },
                    },
                    "400": fault_response(
                        "A field breaks a rule, the body does not parse, "
                        "registration is closed (90055), or a proof-of-work "
                        "solution is missing or spent (91017)"
                    ),
                    "404": fault_response(
                        "Unknown consent (90066), contact method (90067), "
                        "currency (90019) or tenant (91009)"
                    ),
                    "409": fault_response(
                        "Email (91001) or externalId (91008) taken; or the "
                        "Idempotency-Key's first request is still running (91010)"
                    ),
                    "410": fault_response(
                        "91019: the customer the Idempotency-Key's first request made was erased "
                        "since (nothing is created again)"
                    ),
                    "413": fault_response("91006: body over 64 KiB"),
                    "415": fault_response("91002: body not application/json"),
                    "422": fault_response("91007: Idempotency-Key sent before with another body"),
                    **COMMON_FAULTS,
                },
            }
        },
        "/api/v1/customers/{customerId}": {
            "get": {
                "operationId": "getCustomer",
                "summary": "A customer of the credentials' tenant",
                "security": CREDENTIALS,
                "parameters": [{**customer_id, "example": examples.CUSTOMER_ID}],
                "responses": {
                    "200": {"description": "The customer", "content": customer},
                    "404": fault_response("91012: no such customer in this tenant"),
                    "410": fault_response("91019: the customer was erased"),
                    **COMMON_FAULTS,
                },
            },
            "delete": {
                "operationId": "eraseCustomer",
                "summary": "Erase a customer (GDPR art. 17)",
                "description": "Every personal field is replaced with nothing; the id, number, "
                "tenant, creation time and consent records stay. The username and "
                "email are free again, unsent mail to the customer is dropped, and "
                "the tenant's webhook receives customer.erased.",
                "security": CREDENTIALS,
                "parameters": [{**customer_id, "example": examples.CUSTOMER_ID}],
                "responses": {
                    "204": {"description": "Erased"},
                    "404": fault_response("91012: no such customer in this tenant"),
                    "410": fault_response("91019: the customer was erased before"),
                    **COMMON_FAULTS,
                },
            },
        },
    }


def build(parts=()) -> dict:
    """The document: the JSON API's part, then the paths and schemas of each door module in
    `parts` (its OPENAPI_PATHS and, where it has them, OPENAPI_SCHEMAS)."""
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer registration",
            "version": "1",
            "description": "Customer self-registration: the JSON API and its dialects. "
            "Every error answers the Fault body (in XML too, where the online-ordering API is "
            "asked for XML), but the web-store API's, which answer its own "
            '{"errorMessage": "..."}.',
        },
        # Relative: the service's own origin, wherever it is deployed.
        "servers": [{"url": "/", "description": "This service"}],
        "paths": _api_paths(),
        "components": {"schemas": _schemas(), "securitySchemes": SECURITY_SCHEMES},
    }
    for module in parts:
        document["paths"].update(module.OPENAPI_PATHS)
        document["components"]["schemas"].update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return document


@bp.get("/api/openapi.json")
def document():
    """The document, its example person made new for each reader (a suffix on the username and
    the email), so that "Try it out" can send every example, and send it again, as it stands."""
    suffix = secrets.token_hex(3)
    text = current_app.extensions["openapi_text"]
    for written in examples.PERSONAL:
        made = written.replace("@", f".{suffix}@") if "@" in written else f"{written}.{suffix}"
        text = text.replace(f'"{written}"', f'"{made}"').replace(f">{written}<", f">{made}<")
    response = current_app.response_class(text, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app, parts):
    """Build the document from the door modules in `parts` and serve it."""
    from webapp.extensions import csrf

    app.extensions["openapi_text"] = json.dumps(build(parts))
    csrf.exempt(bp)
    app.register_blueprint(bp)
