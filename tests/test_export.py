"""`flask --app webapp export-customers`: JSON Lines and CSV, streamed, without secrets."""

import csv
import io
import json
import tracemalloc

import pytest
from conftest import (
    CUSTOMERS,
    STRONG_PASSWORD,
    WEBHOOK_SECRET,
    make_api_key,
    valid_customer,
)
from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.models import ConsentRecord, Customer
from webapp.ops import exports
from webapp.tenants import registry

TENANTS = f"""
[tenants.acme]
name = "Acme"
contact_methods = ["email", "sms"]
webhook_url = "http://127.0.0.1:9/hooks"
webhook_secret = "{WEBHOOK_SECRET}"

[[tenants.acme.consents]]
id = "terms"
label = "I accept the terms"
version = "2026-01"
mandatory = true

[[tenants.acme.consents]]
id = "marketing"
label = "Send me offers"

[[tenants.acme.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
"""
ADDRESS = {
    "addressLine1": "10 Downing Street",
    "addressLine2": None,
    "city": "London",
    "region": None,
    "postcode": "SW1A 2AA",
    "countryCode": "GB",
}
SECURITY_ANSWER_HASH = "$argon2id$v=19$m=1024,t=1,p=1$c2VjdXJpdHk$QW5zd2VyIGhhc2g"
FEW, MANY = 2_000, 20_000


@pytest.fixture
def acme(make_app):
    return make_app(TENANTS)


def export(app, tenant, format_):
    result = app.test_cli_runner().invoke(
        args=["export-customers", "--tenant", tenant, "--format", format_]
    )
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


def register(app, **fields):
    body = valid_customer(consents={"consentIds": ["terms"], "contactMethods": ["sms"]}, **fields)
    response = app.test_client().post(f"{CUSTOMERS}?tenant=acme", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def customer_row(number, tenant="acme", **fields):
    """A customer row for a bulk insert, as a registration would store it."""
    name = f"bulk{number}"
    return {
        "tenant": tenant,
        "tenant_number": number,
        "username": name,
        "username_key": name,
        "email": f"{name}@example.com",
        "email_unique_key": f"{name}@example.com",
        "title": "Mx",
        "surname": "Bulk",
        "address": ADDRESS,
        "custom_attributes": [],
        "contact_methods": ["email"],
        "customer_type": "Standard",
        "currency": "GBP",
        "source": "CUSTOMER",
        "door": "api",
        **fields,
    }


def bulk_insert(app, rows, consents=("terms",)):
    with app.app_context():
        numbers = db.session.scalars(insert(Customer).returning(Customer.number), rows).all()
        db.session.execute(
            insert(ConsentRecord),
            [
                {"customer_number": n, "consent_id": c, "version": "2026-01", "door": "api"}
                for n in numbers
                for c in consents
            ],
        )
        db.session.commit()


def test_jsonl_lines_are_the_customers_as_the_api_returns_them(acme):
    created = [
        register(
            acme,
            customAttributes=[{"name": "favouriteTeam", "value": "Rovers"}],
            addresses=[{k: v for k, v in ADDRESS.items() if v}],
        ),
        register(acme, surname="Ørsted Ñandú"),
    ]
    # A line separator inside a value (stored before the doors refused it) stays inside its line.
    created[1]["surname"] = "Ørsted\u2028Ñandú"
    with acme.app_context():
        stored = db.session.execute(
            select(Customer).where(Customer.id == created[1]["customerId"])
        ).scalar_one()
        stored.surname = created[1]["surname"]
        db.session.commit()
    register_default = acme.test_client().post(CUSTOMERS, json=valid_customer())
    assert register_default.status_code == 201

    lines = export(acme, "acme", "jsonl").split("\n")
    assert lines[-1] == ""  # every line ends in a newline, the last one too
    assert [json.loads(line) for line in lines[:-1]] == created
    assert "Ørsted" in lines[1]  # UTF-8 as typed, not escaped


def test_csv_has_a_column_per_field_and_parses_back(acme):
    first = register(
        acme,
        customAttributes=[{"name": "favouriteTeam", "value": "Rovers"}],
        addresses=[{k: v for k, v in ADDRESS.items() if v}],
        phone="+44 7911 123456",
    )
    second = register(acme, externalId="ext-2")

    rows = list(csv.DictReader(io.StringIO(export(acme, "acme", "csv"), newline="")))
    assert len(rows) == 2
    header = list(rows[0])
    assert header[:5] == ["customerId", "customerNumber", "tenantId", "externalId", "username"]
    assert "password" not in header and "addresses" not in header
    assert header[-21:] == [
        "address.addressLine1",
        "address.addressLine2",
        "address.city",
        "address.region",
        "address.postcode",
        "address.countryCode",
        *(
            f"consents.{consent}.{part}"
            for consent in ("terms", "marketing")
            for part in ("version", "grantedAt", "door", "status", "confirmedAt", "withdrawnAt")
        ),
        "contactMethods.email",
        "contactMethods.sms",
        "customAttributes.favouriteTeam",
    ]
    one, two = rows
    assert one["customerId"] == first["customerId"]
    assert one["customerNumber"] == str(first["customerNumber"])
    assert one["createdAt"] == first["createdAt"]
    assert one["phone"] == "'+44 7911 123456"  # a leading + would be a formula
    assert (one["address.city"], one["address.postcode"], one["address.region"]) == (
        "London",
        "SW1A 2AA",
        "",
    )
    record = first["consents"]["records"][0]
    assert (
        one["consents.terms.version"],
        one["consents.terms.grantedAt"],
        one["consents.terms.door"],
        one["consents.terms.status"],
        one["consents.terms.confirmedAt"],
        one["consents.terms.withdrawnAt"],
    ) == ("2026-01", record["grantedAt"], "api", "confirmed", record["confirmedAt"], "")
    assert one["consents.marketing.version"] == one["consents.marketing.status"] == ""
    assert (one["contactMethods.email"], one["contactMethods.sms"]) == ("false", "true")
    assert one["customAttributes.favouriteTeam"] == "Rovers"
    assert (two["customerId"], two["externalId"]) == (second["customerId"], "ext-2")
    assert two["address.city"] == two["customAttributes.favouriteTeam"] == ""


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://evil.example")', "+SUM(1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
)
def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote(acme, typed):
    bulk_insert(acme, [customer_row(1, forename=typed, surname="<b>Bold</b>")])

    row = next(csv.DictReader(io.StringIO(export(acme, "acme", "csv"), newline="")))
    assert row["forename"] == "'" + typed
    assert row["surname"] == "<b>Bold</b>"  # markup is data: neither escaped nor stripped
    line = json.loads(export(acme, "acme", "jsonl"))
    assert (line["forename"], line["surname"]) == (typed, "<b>Bold</b>")  # JSON stays as stored


def test_values_the_tenants_file_no_longer_defines_keep_their_columns(acme):
    bulk_insert(
        acme,
        [
            customer_row(
                1,
                contact_methods=["pigeon", "email"],
                custom_attributes=[{"name": "shoeSize", "value": "42"}],
            )
        ],
        consents=("terms", "retired"),
    )

    row = next(csv.DictReader(io.StringIO(export(acme, "acme", "csv"), newline="")))
    assert row["consents.retired.version"] == "2026-01"
    assert row["contactMethods.pigeon"] == "true"
    assert row["customAttributes.shoeSize"] == "42"
    assert list(row)[-3:] == [
        "contactMethods.pigeon",
        "customAttributes.favouriteTeam",
        "customAttributes.shoeSize",
    ]


@pytest.mark.parametrize("format_", ["csv", "jsonl"])
def test_no_password_security_answer_or_secret_is_exported(acme, format_):
    register(acme, password=STRONG_PASSWORD)
    bulk_insert(
        acme,
        [
            customer_row(
                2,
                password_hash="$argon2id$stored-password-hash",
                security_question="First pet?",
                security_answer_hash=SECURITY_ANSWER_HASH,
            )
        ],
    )
    api_secret = make_api_key(acme, "acme")[1]
    with acme.app_context():
        stored = db.session.execute(select(Customer.password_hash)).scalars().all()

    output = export(acme, "acme", format_)
    assert "bulk2@example.com" in output
    for secret in [
        STRONG_PASSWORD,
        *stored,
        SECURITY_ANSWER_HASH,
        "argon2",
        api_secret,
        WEBHOOK_SECRET,
        WEBHOOK_SECRET.removeprefix("whsec_"),
    ]:
        assert secret not in output


@pytest.mark.parametrize("format_, expected", [("csv", 1), ("jsonl", 0)])
def test_a_tenant_without_customers_exports_only_the_header(acme, format_, expected):
    acme.test_client().post(CUSTOMERS, json=valid_customer())  # the default tenant's

    output = export(acme, "acme", format_)
    assert output.count("\n") == expected
    assert "@example.com" not in output


def test_unknown_tenant_or_format_is_refused(acme):
    runner = acme.test_cli_runner()
    result = runner.invoke(args=["export-customers", "--tenant", "nobody", "--format", "csv"])
    assert result.exit_code == 1
    assert "no tenant 'nobody'" in result.output
    result = runner.invoke(args=["export-customers", "--tenant", "acme", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "'xlsx' is not one of 'csv', 'jsonl'" in result.output


class CountingSink:
    """Standard output that keeps nothing but counts, and notices a password hash going by."""

    def __init__(self):
        self.lines = 0
        self.leaked = False

    def write(self, text):
        self.lines += text.count("\n")
        self.leaked |= "stored-password-hash" in text


def measured_export(app, format_):
    """Export acme's customers into a CountingSink; return it and the peak of memory allocated."""
    sink = CountingSink()
    with app.app_context():
        tenant = registry().get("acme")
        tracemalloc.start()
        try:
            exports.FORMATS[format_](tenant, sink)
            return sink, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("format_", ["jsonl", "csv"])
def test_tens_of_thousands_stream_in_bounded_memory(acme, format_):
    rows = [customer_row(n, password_hash="$argon2id$stored-password-hash") for n in range(MANY)]
    bulk_insert(acme, rows[:FEW])
    few, few_peak = measured_export(acme, format_)
    bulk_insert(acme, rows[FEW:])
    many, many_peak = measured_export(acme, format_)

    header = format_ == "csv"
    assert (few.lines, many.lines) == (FEW + header, MANY + header)
    assert not few.leaked and not many.leaked
    # Ten times the customers, about the same memory: they never are all held at once.
    assert many_peak < 1.5 * few_peak, (few_peak, many_peak)
