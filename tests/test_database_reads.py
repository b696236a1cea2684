"""Reads sent on a pooled DBAPI connection (webapp/database/reads.py): the rows, and a database
error raised as SQLAlchemy raises it, without the parameters."""

import pytest
import sqlalchemy as sa
from conftest import CUSTOMERS, valid_customer

from webapp.database import reads
from webapp.models import Customer

BY_USERNAME = sa.select(Customer.username, Customer.tenant).where(
    Customer.username_key == sa.bindparam("key")
)
MISSING_TABLE = (
    sa.select(sa.column("name"))
    .select_from(sa.table("no_such_table"))
    .where(sa.column("name") == sa.bindparam("name"))
)


def test_the_rows_come_back_as_tuples(app, client):
    body = valid_customer()
    assert client.post(CUSTOMERS, json=body).status_code == 201
    with app.app_context():
        assert reads.fetch_all(BY_USERNAME, {"key": body["username"].lower()}) == [
            (body["username"], "default")
        ]
        assert reads.fetch_all(BY_USERNAME, {"key": "nobody-at-all"}) == []


def test_a_database_error_is_sqlalchemys_and_hides_the_parameters(app):
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as raised:
        reads.fetch_all(MISSING_TABLE, {"name": "secret-value-42"})
    assert "no_such_table" in str(raised.value)
    assert "secret-value-42" not in str(raised.value)
    # The connection went back to the pool in a usable state.
    with app.app_context():
        assert reads.fetch_all(BY_USERNAME, {"key": "nobody-at-all"}) == []
