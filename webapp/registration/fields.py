"""The customer's fields (contract section 2): one ordered table, which every list of them reads.

The order is the contract's, which is also the order faults are listed in. From the table come the
JSON API's known fields, the OpenAPI customer schema's members, the representation's text members,
the wizard's list answers and the values of the customer's columns.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from webapp.forms.address import PARTS as ADDRESS_PARTS


@dataclass(frozen=True)
class CustomerField:
    name: str  # as the JSON API names it, and the forms and faults do
    column: str | None = None  # the Customer column that holds it as text
    parts: tuple[str, ...] = ()  # the answers a structured field is given as (address, consents)
    upper: bool = False  # a code, stored in upper case
    default: Callable | None = None  # the tenant's value for a blank answer
    secret: bool = False  # taken in, never stored as given nor shown


CONSENT_LISTS = ("consentIds", "contactMethods")

FIELDS = (
    CustomerField("externalId", "external_id"),
    CustomerField("username", "username"),
    CustomerField("password", secret=True),
    CustomerField("email", "email"),
    CustomerField("title", "title"),
    CustomerField("forename", "forename"),
    CustomerField("surname", "surname"),
    CustomerField("dateOfBirth", "date_of_birth"),
    CustomerField("phone", "phone"),
    CustomerField("mobile", "mobile"),
    CustomerField("addresses", parts=ADDRESS_PARTS),
    CustomerField("consents", parts=CONSENT_LISTS),
    CustomerField("customAttributes"),
    CustomerField("displayName", "display_name"),
    CustomerField("customerType", "customer_type", default=lambda tenant: tenant.customer_types[0]),
    CustomerField(
        "currency", "currency", upper=True, default=lambda tenant: tenant.default_currency
    ),
    CustomerField("gender", "gender"),
    CustomerField("nationality", "nationality", upper=True),
)

NAMES = tuple(field.name for field in FIELDS)
# The fields given as one string each (the others are structured).
TEXT = tuple(field for field in FIELDS if field.column or field.secret)
TEXT_NAMES = tuple(field.name for field in TEXT)


# A part's field: "postcode" is a part of "addresses".
PART_OF = {part: field.name for field in FIELDS for part in field.parts}
PATH = re.compile(r"([A-Za-z]+)(?:\[([0-9]{1,9})\])?(?:\.(.+))?")


def order_key(name):
    """Where a fault on `name` sorts: a field, a part ("postcode") or a path into the body
    ("addresses[0].postcode", "customAttributes[1].value"). By section 2's field, then by the
    entry's place in the body, then by the part; a member a field does not have
    ("addresses[0].foo", "consents.x") after the field's parts, and an unknown field ("surname "
    too) after every known one."""
    if name in PART_OF:
        name = f"{PART_OF[name]}.{name}"
    match = PATH.fullmatch(name or "")
    if match is None or match[1] not in NAMES:
        return (len(NAMES), 0, 0)
    field, entry, member = match.groups()
    parts = FIELDS[NAMES.index(field)].parts
    if member is None:
        rank = -1
    else:
        rank = parts.index(member) if member in parts else len(parts)
    return (NAMES.index(field), int(entry or 0), rank)


def column_values(tenant, data) -> dict:
    """The text columns of a customer from checked answers: blank is None (or the tenant's
    default), codes in upper case."""
    values = {}
    for field in TEXT:
        if field.secret:
            continue
        value = data.get(field.name) or None
        if value is None and field.default:
            value = field.default(tenant)
        values[field.column] = value.upper() if value and field.upper else value
    return values
