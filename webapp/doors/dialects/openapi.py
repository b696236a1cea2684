"""The vendor dialects in the OpenAPI document. Each dialect door calls its function here with its
own member tables and exposes the result as OPENAPI_PATHS and OPENAPI_SCHEMAS, which
`webapp.doors.openapi` gathers. Limits are read from the step forms, as the JSON API's are."""

from webapp.doors import openapi_examples as examples
from webapp.doors.dialects.online_ordering import xml
from webapp.doors.openapi import COMMON_FAULTS, CREDENTIALS, FAULT_REF, ID, or_null
from webapp.forms import AccountForm, AddressForm, PartnerForm
from webapp.forms.profile import ProfileForm
from webapp.forms.rules import MaxLength
from webapp.registration import store_profile
from webapp.registration.policy import POLICIES


def _text(form_class=None, name=None, **extra):
    """A string, with the limit the form gives the service's field `name`."""
    schema = {"type": "string"}
    if form_class is not None:
        limits = [v.max for v in form_class()._fields[name].validators if isinstance(v, MaxLength)]
        schema.update({"maxLength": limits[0]} if limits else {})
    return {**schema, **extra}


# --- the online-ordering API ----------------------------------------------------------------------

ONLINE_ORDERING_TYPES = ("application/json", "text/json", "application/xml", "text/xml")
PASSWORD_MIN = POLICIES["online_ordering"].password_min_length
# A flag as the door reads it: true or false in any case, or empty for the default. (JSON Schema
# patterns take no flags, hence the classes.)
FLAG = {"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])?$"}


# text/json is the same as application/json: requests leave it out of the document, so that
# client generators (which know application/json alone) see one JSON body.
TEXT_JSON = "text/json is taken as application/json."


def _each_type(json_schema, xml_schema, types=ONLINE_ORDERING_TYPES, samples=None):
    """Each media type's schema, and its example from `samples` ({"json": ..., "xml": ...})."""
    content = {}
    for media in types:
        form = "xml" if "xml" in media else "json"
        content[media] = {"schema": xml_schema if form == "xml" else json_schema}
        if samples:
            content[media]["example"] = samples[form]
    return content


def _online_ordering_faults(description):
    return {
        "description": description,
        "content": _each_type(FAULT_REF, {"$ref": ID + "OnlineOrderingFault"}),
    }


def online_ordering(email_options, security_max):
    in_models = {"xml": {"namespace": xml.MODELS, "prefix": "d2p1"}}
    nullable = {"type": ["string", "null"]}
    customer = {
        "type": "object",
        "required": ["LastName", "EMail"],
        "properties": {
            "BirthDate": {
                **nullable,
                **in_models,
                "description": "YYYY-MM-DD, or a date-time "
                "whose date part is taken: ISO (1990-03-27T00:00:00) or, in JSON, "
                "/Date(ms±hhmm)/, which the answer then uses too",
            },
            "CustomerId": {**nullable, **in_models, "format": "uuid", "readOnly": True},
            "EMail": {
                **_text(AccountForm, "email", format="email", minLength=1),
                **in_models,
                "description": "The email, which is also the username",
            },
            "EmailVerified": {
                "type": "boolean",
                **in_models,
                "readOnly": True,
                "description": "Whether the customer proved the address is theirs",
            },
            "EmailVerifiedAt": {
                **nullable,
                **in_models,
                "format": "date-time",
                "readOnly": True,
                "description": "When the address was verified (ISO 8601), or null",
            },
            "FirstName": or_null({**_text(ProfileForm, "forename"), **in_models}),
            "LastName": {**_text(ProfileForm, "surname", minLength=1), **in_models},
            "LoyaltyCardNumber": {**nullable, **in_models, "readOnly": True},
            "Phone": or_null(
                {**_text(ProfileForm, "phone"), **in_models, "description": "International form"}
            ),
            "StoredValueCardNumber": {**nullable, **in_models, "readOnly": True},
        },
    }
    registration = {
        "type": "object",
        "xml": {"name": "InRegistration", "namespace": xml.INBOUND},
        "required": ["Customer", "Password", "SecurityQuestion", "SecurityAnswer"],
        "properties": {
            "Channel": {
                **nullable,
                "deprecated": True,
                "description": "The X-Api-Channel header wins over it",
            },
            "Customer": {"$ref": ID + "OnlineOrderingCustomer"},
            "Password": _text(
                AccountForm,
                "password",
                minLength=PASSWORD_MIN,
                writeOnly=True,
                description=f"At least {PASSWORD_MIN} characters and the tenant's policy",
            ),
            "SecurityAnswer": _text(
                maxLength=security_max, minLength=1, writeOnly=True, description="Stored hashed"
            ),
            "SecurityQuestion": _text(maxLength=security_max, minLength=1),
        },
    }
    results = {
        "type": "object",
        "xml": {"name": "CustomerResults", "namespace": xml.RESPONSE},
        "required": ["Customer", "CustomerId", "PrivacySuccess"],
        "properties": {
            "Customer": {
                "oneOf": [{"$ref": ID + "OnlineOrderingCustomer"}, {"type": "null"}],
                "description": "Filled when verbose=true, else null (i:nil)",
            },
            "CustomerId": {"type": "string", "format": "uuid"},
            "PrivacySuccess": {
                "type": "boolean",
                "description": "True once the consent records were stored",
            },
        },
    }
    fault_item = {
        "type": "object",
        "required": ["FaultCode", "Fault", "Message", "Field"],
        "properties": {
            "FaultCode": {"type": "integer"},
            "Fault": {"type": "string"},
            "Message": {"type": "string"},
            "Field": nullable,
        },
    }
    fault = {
        "type": "object",
        "xml": {"name": "Fault", "namespace": xml.FAULTS},
        "required": ["FaultCode", "Fault", "Message", "Faults"],
        "properties": {
            "FaultCode": {"type": "integer"},
            "Fault": {"type": "string"},
            "Message": {"type": "string"},
            "Faults": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {**fault_item, "xml": {"name": "FaultDetail"}},
            },
        },
    }

    def flag(name, default, description):
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"{description}; true or false in any case, empty for {default}",
            "schema": {**FLAG, "default": default},
        }

    put = {
        "operationId": "onlineOrderingCreateCustomer",
        "summary": "Register a customer (the online-ordering API's dialect); answers in the Accept "
        "type, else the request's",
        "security": CREDENTIALS,
        "parameters": [
            # The online-ordering API: any value of verbose but true answers the CustomerId alone.
            {
                "name": "verbose",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "default": "false"},
                "description": "true fills CustomerResults.Customer; any other value answers the "
                "CustomerId alone",
            },
            # An empty value is the default, as for the flags.
            {
                "name": "accountCreationEmailOption",
                "in": "query",
                "required": False,
                "schema": {
                    "type": "string",
                    "enum": ["", *email_options],
                    "default": next(iter(email_options)),
                },
                "description": "UseCompanySetting (or empty) follows the tenant's "
                "send_account_email; names match in any case",
            },
            flag(
                "enableLoyaltyAccountLinking",
                "true",
                "Link the imported loyalty account with "
                "the same email; false always issues a new virtual card",
            ),
            flag("autoAssignStoredValue", "false", "Also assign a stored-value card number"),
            {
                "name": "X-Api-Channel",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "Wins over the Channel member",
            },
        ],
        "requestBody": {
            "required": True,
            "description": TEXT_JSON,
            "content": _each_type(
                {"$ref": ID + "OnlineOrderingInRegistration"},
                {"$ref": ID + "OnlineOrderingInRegistration"},
                [media for media in ONLINE_ORDERING_TYPES if media != "text/json"],
                {"json": examples.IN_REGISTRATION, "xml": examples.IN_REGISTRATION_XML},
            ),
        },
        "responses": {
            "200": {
                "description": "Registered",
                "content": _each_type(
                    {"$ref": ID + "OnlineOrderingCustomerResults"},
                    {"$ref": ID + "OnlineOrderingCustomerResults"},
                    samples={
                        "json": examples.CUSTOMER_RESULTS,
                        "xml": examples.CUSTOMER_RESULTS_XML,
                    },
                ),
            },
            "400": _online_ordering_faults(
                "A member or query value breaks a rule, the body does "
                "not parse (DTDs and entities are refused), or "
                "registration is closed (90055)"
            ),
            "409": _online_ordering_faults("91001: the email is taken"),
            "413": _online_ordering_faults("91006: body over 64 KiB"),
            "415": _online_ordering_faults("91002: body not JSON or XML"),
            **{
                # the 429's Retry-After header too
                status: {**response, **_online_ordering_faults(response["description"])}
                for status, response in COMMON_FAULTS.items()
            },
        },
    }
    schemas = {
        "OnlineOrderingInRegistration": registration,
        "OnlineOrderingCustomer": customer,
        "OnlineOrderingCustomerResults": results,
        "OnlineOrderingFault": fault,
    }
    return {"/v1/Customers": {"put": put}}, schemas


# --- the web-store API ----------------------------------------------------------------------------


def _web_store_error(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ID + "WebStoreError"}}},
    }


def web_store(members, read_only, order_types, language_max, shipping_max):
    ignored = {
        "readOnly": True,
        "description": "The web-store API's answer has it; ignored when sent back",
    }
    kinds = {
        "string": {"type": "string"},
        "boolean": {"type": "boolean"},
        "number": {"type": "integer", "format": "int64"},
        read_only: ignored,
    }
    person = {
        "name": _text(
            ProfileForm,
            "displayName",
            description="The billing person's is kept as the display name",
        ),
        "companyName": _text(PartnerForm, "companyName"),
        "street": _text(AddressForm, "addressLine1"),
        "city": _text(AddressForm, "city"),
        "countryCode": _text(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2"),
        "postalCode": _text(
            AddressForm, "postcode", description="Valid for the country; required where it has them"
        ),
        "stateOrProvinceCode": _text(AddressForm, "region"),
        "phone": _text(
            ProfileForm, "phone", description="International, or national for the country"
        ),
    }
    person_ignored = {
        name: ignored for name, kind in members["billingPerson"].items() if kind == read_only
    }
    described = {
        "email": _text(
            AccountForm,
            "email",
            format="email",
            minLength=1,
            description="Also the username; unique per store",
        ),
        "password": _text(
            AccountForm,
            "password",
            writeOnly=True,
            description="Optional; the tenant's policy when given",
        ),
        "billingPerson": {
            "$ref": ID + "WebStorePerson",
            "description": "Checked as the customer's address",
        },
        "shippingAddresses": {
            "type": "array",
            "items": {"$ref": ID + "WebStoreShippingAddress"},
            "maxItems": shipping_max,
            "description": "Each checked as billingPerson, then kept",
        },
        "taxId": _text(PartnerForm, "taxId"),
        "fiscalCode": _text(PartnerForm, "fiscalCode"),
        "b2b_b2c": {"$ref": ID + "WebStoreOrderType"},
        "acceptMarketing": {
            "type": "boolean",
            "description": "true records the tenant's marketing consent",
        },
        "lang": _text(maxLength=language_max, description="A language code, like en or pt-BR"),
    }
    # A null member counts as left out.
    schemas = {name: described.get(name) or kinds[kind] for name, kind in members.items()}
    customer = {
        "type": "object",
        "additionalProperties": False,
        "required": ["email"],
        "properties": {
            name: schema if name == "email" or schema is ignored else or_null(schema)
            for name, schema in schemas.items()
        },
    }
    person = {**{name: or_null(schema) for name, schema in person.items()}, **person_ignored}
    shipping = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"id": or_null({"type": "integer"}), **person, "addressFormatted": ignored},
    }
    post = {
        "operationId": "webStoreCreateCustomer",
        "summary": "Register a customer in a store (the web-store API's dialect)",
        "security": CREDENTIALS,
        "parameters": [
            {
                "name": "storeId",
                "in": "path",
                "required": True,
                "schema": {"type": "integer"},
                "example": 1001,
                "description": "The store_id of the credentials' tenant",
            }
        ],
        "requestBody": {
            "required": True,
            "description": TEXT_JSON,
            "content": {
                "application/json": {
                    "schema": {"$ref": ID + "WebStoreCustomer"},
                    "example": examples.WEB_STORE_CUSTOMER,
                }
            },
        },
        "responses": {
            "200": {
                "description": "Registered",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["id"],
                            "properties": {
                                "id": {"type": "integer", "description": "Customer number"}
                            },
                        },
                        "example": examples.WEB_STORE_CREATED,
                    }
                },
            },
            "400": _web_store_error("Malformed or invalid, or registration closed"),
            "401": {
                **_web_store_error("Missing, unknown or badly signed credentials"),
                "headers": COMMON_FAULTS["401"]["headers"],  # WWW-Authenticate
            },
            "403": _web_store_error("The credentials are another store's"),
            "404": _web_store_error("No store with this storeId"),
            "409": _web_store_error("The customer with the given email already exists"),
            "413": _web_store_error("Body over 64 KiB"),
            "415": _web_store_error(
                "Unsupported content-type: expected application/json or text/json"
            ),
            "429": {
                **_web_store_error("Too many requests"),
                "headers": {
                    "Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait"}
                },
            },
            "500": _web_store_error(
                "The creation request failed because of an error on the server"
            ),
        },
    }
    # The stored extras as every customer representation returns them (store_profile).
    kept = {**schemas, "companyName": _text(PartnerForm, "companyName")}
    profile = {
        "type": "object",
        "required": list(store_profile.MEMBERS),
        "properties": {name: or_null(kept[name]) for name in store_profile.MEMBERS},
    }
    schemas = {
        "StoreProfile": profile,
        "WebStoreCustomer": customer,
        "WebStoreOrderType": {
            "type": "string",
            "enum": list(order_types),
            "description": "Business-to-business or business-to-consumer",
        },
        "WebStorePerson": {"type": "object", "additionalProperties": False, "properties": person},
        "WebStoreShippingAddress": shipping,
        "WebStoreError": {
            "type": "object",
            "required": ["errorMessage"],
            "properties": {"errorMessage": {"type": "string"}},
        },
    }
    return {"/api/v3/{storeId}/customers": {"post": post}}, schemas
