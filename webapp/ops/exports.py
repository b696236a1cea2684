"""`flask --app webapp export-customers`: a tenant's customers as JSON Lines or CSV, streamed.

Rows come from one query read in batches (a server-side cursor on PostgreSQL), so memory stays
the same whatever the table's size. Both formats carry exactly the customer of the JSON API
(`representation.customer_json`): never a password, a security answer or any other secret.

JSON Lines: one customer JSON object a line, UTF-8, in customer-number order.

CSV (RFC 4180, UTF-8 without a byte-order mark, a header row): one column per field of the JSON,
with the nested ones flattened:
- the address as `address.addressLine1` ... `address.countryCode`;
- each consent as `consents.<id>.version`, `.grantedAt`, `.door`, `.status`, `.confirmedAt` and
  `.withdrawnAt`, as its record in the JSON (empty where not given);
- each contact method as `contactMethods.<method>`: `true` or `false`;
- each custom attribute as `customAttributes.<name>`;
- the web-store door's `storeProfile` (see webapp/registration/store_profile.py) as one column
  holding its JSON.
Consents, contact methods and attributes have a column for each the tenant defines, in the tenants
file's order, then one for each that stored customers hold but the file no longer defines.
Empty cells are nulls. A cell that a spreadsheet would run as a formula (one starting with `=`,
`+`, `-`, `@`, a tab or a carriage return) is written with a `'` in front, so that it stays text.
"""

import csv
import json

from sqlalchemy import select

from webapp.extensions import db
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.models import ConsentRecord, Customer
from webapp.registration.representation import customer_json

BATCH = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONSENT_PARTS = ("version", "grantedAt", "door", "status", "confirmedAt", "withdrawnAt")
NESTED = ("addresses", "consents", "customAttributes")


def customers(tenant):
    """The tenant's customers in number order, loaded BATCH at a time and never all at once."""
    query = (
        select(Customer)
        .where(Customer.tenant == tenant.slug)
        .order_by(Customer.number)
        .execution_options(yield_per=BATCH)
    )
    return db.session.execute(query).scalars()


def write_jsonl(tenant, out):
    for customer in customers(tenant):
        out.write(json.dumps(customer_json(customer), ensure_ascii=False) + "\n")


def _in_order(defined, stored):
    """The tenant's names in its own order, then those only stored customers still hold."""
    return [*defined, *sorted(set(stored) - set(defined))]


def _stored_names(tenant):
    """The consent ids, contact methods and attribute names that the tenant's customers hold."""
    consent_ids = (
        db.session.execute(
            select(ConsentRecord.consent_id)
            .distinct()
            .join(Customer)
            .where(Customer.tenant == tenant.slug)
        )
        .scalars()
        .all()
    )
    methods, attributes = set(), set()
    rows = db.session.execute(
        select(Customer.contact_methods, Customer.custom_attributes)
        .where(Customer.tenant == tenant.slug)
        .execution_options(yield_per=BATCH * 4)
    )
    for contact_methods, custom_attributes in rows:
        methods.update(contact_methods or ())
        attributes.update(item["name"] for item in custom_attributes or ())
    return consent_ids, methods, attributes


class CsvLayout:
    """The columns of a tenant's CSV export, and how a customer's JSON fills them."""

    def __init__(self, tenant):
        consent_ids, methods, attributes = _stored_names(tenant)
        self.consents = _in_order([c.id for c in tenant.consents], consent_ids)
        self.methods = _in_order(list(tenant.contact_methods), methods)
        self.attributes = _in_order([a.name for a in tenant.custom_attributes], attributes)
        # The customer JSON's own plain fields, in its order (an empty customer lists them all).
        self.scalars = [key for key in customer_json(Customer()) if key not in NESTED]

    @property
    def header(self):
        return [
            *self.scalars,
            *(f"address.{part}" for part in ADDRESS_PARTS),
            *(f"consents.{c}.{part}" for c in self.consents for part in CONSENT_PARTS),
            *(f"contactMethods.{method}" for method in self.methods),
            *(f"customAttributes.{name}" for name in self.attributes),
        ]

    def row(self, data):
        address = data["addresses"][0] if data["addresses"] else {}
        records = {r["consentId"]: r for r in data["consents"]["records"]}
        methods = set(data["consents"]["contactMethods"])
        attributes = {item["name"]: item["value"] for item in data["customAttributes"]}
        cells = [
            *(data[key] for key in self.scalars),
            *(address.get(part) for part in ADDRESS_PARTS),
            *(records.get(c, {}).get(part) for c in self.consents for part in CONSENT_PARTS),
            *(method in methods for method in self.methods),
            *(attributes.get(name) for name in self.attributes),
        ]
        return [_cell(value) for value in cells]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(tenant, out):
    layout = CsvLayout(tenant)
    writer = csv.writer(out)
    writer.writerow(layout.header)
    for customer in customers(tenant):
        writer.writerow(layout.row(customer_json(customer)))


FORMATS = {"csv": write_csv, "jsonl": write_jsonl}
