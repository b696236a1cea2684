"""Customer numbers (contract section 15): each tenant counts its own from 1, following its own
highest number, and a number once given never changes (the customers stored before numbers were
counted per tenant keep theirs)."""

import sqlalchemy as sa
from conftest import CUSTOMERS, valid_customer
from flask_migrate import upgrade

from webapp import create_app
from webapp.database.schema import migrations
from webapp.extensions import db

TENANTS = """
[tenants.acme]
[tenants.other]
"""


def register(client, tenant):
    response = client.post(f"{CUSTOMERS}?tenant={tenant}", json=valid_customer())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["customerNumber"]


def test_each_tenant_counts_its_own_customers_from_one(make_app):
    client = make_app(TENANTS).test_client()
    order = ["acme", "other", "acme", "default", "other", "acme"]
    assert [register(client, tenant) for tenant in order] == [1, 1, 2, 1, 2, 3]


def test_a_refused_registration_uses_up_no_number(make_app):
    client = make_app(TENANTS).test_client()
    assert register(client, "acme") == 1
    taken = valid_customer()
    assert client.post(f"{CUSTOMERS}?tenant=acme", json=taken).status_code == 201
    assert client.post(f"{CUSTOMERS}?tenant=acme", json=taken).status_code == 400  # taken
    assert register(client, "acme") == 3


def test_the_wizard_shows_the_tenants_number(make_app):
    from wizard_client import Wizard

    app = make_app(TENANTS)
    register(app.test_client(), "acme")
    done = Wizard(app.test_client(), "/t/other/register").complete()
    assert done.soup.select_one(".customer-number").get_text(strip=True) == "1"


def test_customers_stored_before_keep_their_numbers_and_each_tenant_follows_its_highest(tmp_path):
    url = f"sqlite:///{tmp_path / 'before.sqlite'}"
    tenants = tmp_path / "tenants.toml"
    tenants.write_text(TENANTS)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "TENANTS_FILE": str(tenants),
            "RATELIMIT_ENABLED": False,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_TIME_COST": 1,
        }
    )
    directory = migrations(app).directory
    with app.app_context():
        from flask_migrate import downgrade

        downgrade(directory=directory, revision="0003")
        with db.engine.begin() as connection:
            for number, tenant in ((1, "acme"), (2, "other"), (5, "acme"), (7, "other")):
                connection.execute(
                    sa.text(
                        "INSERT INTO customer (number, id, tenant, username, username_key, email, "
                        "custom_attributes, customer_type, currency, contact_methods, source, "
                        "door, "
                        "extra, created_at) VALUES (:n, :id, :t, :u, :u, :e, '[]', 'Standard', "
                        "'GBP', '[]', 'CUSTOMER', 'api', '{}', '2026-01-01')"
                    ),
                    {
                        "n": number,
                        "id": f"00000000-0000-0000-0000-00000000000{number}",
                        "t": tenant,
                        "u": f"old{number}",
                        "e": f"old{number}@example.com",
                    },
                )
        upgrade(directory=directory)
        kept = db.session.execute(
            sa.text("SELECT number, tenant_number FROM customer ORDER BY number")
        ).all()
        assert [tuple(row) for row in kept] == [(1, 1), (2, 2), (5, 5), (7, 7)]
    client = app.test_client()
    assert register(client, "acme") == 6
    assert register(client, "other") == 8
    assert register(client, "default") == 1
