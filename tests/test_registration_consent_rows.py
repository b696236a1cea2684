"""A registration writes its consent records and their evidence with one INSERT per table, and
hands back the customer with them as stored; the customer counted once in the rollups."""

import sqlalchemy as sa
from conftest import CUSTOMERS, statements, valid_customer

from webapp.extensions import db
from webapp.models import ConsentEvent, ConsentRecord, Customer


def test_consent_rows_are_written_one_statement_per_table_and_read_back_as_stored(app, client):
    with statements(app) as seen:
        response = client.post(CUSTOMERS, json=valid_customer())
    assert response.status_code == 201
    for table in ("consent_record", "consent_event"):
        assert len([s for s in seen if s.startswith(f"INSERT INTO {table} ")]) == 1
    answer = response.get_json()
    with app.app_context():
        customer = db.session.execute(
            sa.select(Customer).where(Customer.id == answer["customerId"])
        ).scalar_one()
        records = customer.consents
        assert [r.consent_id for r in records] == ["terms", "privacy"]
        assert [len(r.events) for r in records] == [1, 1]
        assert all(r.events[0].status == r.status == "confirmed" for r in records)
        stored = [
            {
                "consentId": r.consent_id,
                "version": r.version,
                "door": r.door,
                "status": r.status,
                "withdrawnAt": r.withdrawn_at,
            }
            for r in records
        ]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentEvent)) == 2
    answered = [
        {k: r[k] for k in ("consentId", "version", "door", "status", "withdrawnAt")}
        for r in answer["consents"]["records"]
    ]
    assert answered == stored


def test_the_stored_customers_consents_are_loaded_and_detached(app):
    from webapp import registration
    from webapp.tenants import registry

    body = valid_customer()
    answers = {
        **{k: v for k, v in body.items() if k != "consents"},
        **body["consents"],
    }
    with app.test_request_context():
        customer = registration.register(registry().default, answers, "api")
        assert sa.inspect(customer).detached and len(customer.consents) == 2
        for record in customer.consents:  # no lazy load, nor refresh, is needed
            state = sa.inspect(record)
            assert state.detached and not state.expired_attributes
            assert record.customer is customer and record.customer_number == customer.number
            for event in record.events:
                assert sa.inspect(event).detached and event.record_id == record.id


def test_each_registration_is_counted_once_in_the_days_rollup(app, client):
    from webapp.console.models import DailyRegistrations

    for _ in range(2):
        assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201
    with app.app_context():
        counts = db.session.execute(
            sa.select(DailyRegistrations.door, DailyRegistrations.count)
        ).all()
        customers = db.session.scalar(sa.select(sa.func.count()).select_from(Customer))
    assert customers == 2 and [tuple(row) for row in counts] == [("api", 2)]
