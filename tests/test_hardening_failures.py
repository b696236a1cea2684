"""Broken dependencies: with the database down or failing mid-registration, the API answers
500 90061 and the wizard a friendly page, and nothing half-written remains.

The other failure modes are tested beside their features: a mail server that is down
(test_mail.py::test_mail_queued_while_the_server_is_down_goes_out_when_it_is_back) and a
rate-limit store that does not answer
(test_production.py::test_an_unreachable_store_lets_requests_through_and_logs_an_error)."""

import io
import logging

import every_door
import pytest
from bs4 import BeautifulSoup
from conftest import CUSTOMERS, faults, valid_customer
from every_door import STORE_ID, tenants
from gunicorn.http.errors import InvalidChunkSize
from servers import free_port
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError
from wizard_client import Wizard, account

from webapp import create_app, outbox
from webapp.extensions import db
from webapp.models import ConsentRecord, Customer, IdempotencyRecord, OutboxMessage

SYSTEM_FAILURE = "System Failure, please try again later"


@pytest.fixture
def no_database(tmp_path):
    """An app whose PostgreSQL database is somewhere nothing answers."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres",
            "TENANTS_FILE": str(tmp_path / "tenants.toml"),
            "RATELIMIT_ENABLED": False,
        }
    )


def assert_system_failure(response):
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "psycopg" not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer key_1.secret"}])
def test_the_api_answers_90061_while_the_database_is_down(no_database, caplog, headers):
    with caplog.at_level(logging.ERROR, logger="webapp.http.errors"):
        response = no_database.test_client().post(CUSTOMERS, json=valid_customer(), headers=headers)
    assert_system_failure(response)
    assert faults(response) == [(90061, None)]
    assert response.get_json()["message"] == SYSTEM_FAILURE
    logged = [r for r in caplog.records if r.name == "webapp.http.errors"]
    assert logged and response.headers["X-Request-Id"] in logged[0].getMessage()
    # As SQLAlchemy raises it (its DBAPIError), which the logs cut to its first line.
    assert isinstance(logged[0].exc_info[1], DBAPIError)


def test_the_dialects_answer_500_in_their_formats_while_the_database_is_down(no_database):
    client = no_database.test_client()
    auth = {"Authorization": "Bearer key_1.secret"}
    online_ordering = client.put(
        "/v1/Customers", data="<InRegistration/>", content_type="text/xml", headers=auth
    )
    assert_system_failure(online_ordering)
    assert b"<FaultCode>90061</FaultCode>" in online_ordering.data
    web_store = client.post("/api/v3/1/customers", json={"email": "a@example.com"}, headers=auth)
    assert_system_failure(web_store)
    assert web_store.get_json() == {"errorMessage": SYSTEM_FAILURE}


def test_the_wizard_shows_a_friendly_page_while_the_database_is_down(no_database):
    client = no_database.test_client()
    first = client.get("/register")
    assert first.status_code == 200  # nothing to read yet
    page = client.post("/register", data=account())
    assert_system_failure(page)
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert "Try again later." in soup.get_text() and SYSTEM_FAILURE not in soup.get_text()
    fragment = client.post(
        "/register/check/username", data={"username": "ada"}, headers={"HX-Request": "true"}
    )
    assert_system_failure(fragment)
    assert fragment.headers["HX-Retarget"] == "#wizard-alert"


# --- a failure between the customer's row and the commit --------------------------------------


def fail_once(monkeypatch):
    """The database fails after the customer was flushed, as the outbox rows are added."""
    real = outbox.customer_created
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO outbox_message", {}, ConnectionError("lost"))
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "customer_created", failing)


def counts(app):
    with app.app_context():
        return [
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Customer, ConsentRecord, OutboxMessage, IdempotencyRecord)
        ]


def test_a_failure_mid_registration_leaves_nothing_and_the_same_key_may_retry(
    app, client, monkeypatch
):
    fail_once(monkeypatch)
    body, headers = valid_customer(), {"Idempotency-Key": "retry-me"}
    failed = client.post(CUSTOMERS, json=body, headers=headers)
    assert_system_failure(failed)
    assert faults(failed) == [(90061, None)]
    assert counts(app) == [0, 0, 0, 0]
    retried = client.post(CUSTOMERS, json=body, headers=headers)
    assert retried.status_code == 201
    customers, consents, messages, keys = counts(app)
    assert (customers, consents, keys) == (1, 2, 1) and messages >= 1


def test_a_failure_at_create_account_keeps_the_draft_for_another_try(app, client, monkeypatch):
    wizard = Wizard(client)
    wizard.to_review()
    fail_once(monkeypatch)
    page = wizard.submit()
    assert page.status == 500
    assert page.soup.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert counts(app)[:3] == [0, 0, 0]
    wizard.open(page.soup.find("a", string="Go back to the form")["href"])
    assert wizard.page.soup.h1.get_text(strip=True) == "Check your answers"
    done = wizard.submit()
    assert done.soup.select_one("[data-customer-id]") is not None
    assert counts(app)[0] == 1


class _BrokenChunks(io.RawIOBase):
    """A request body as gunicorn reads one whose chunked framing is broken: the error comes
    when the app reads it."""

    def readable(self):
        return True

    def seekable(self):  # the test client rewinds the body it is given before sending it
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return 0

    def readinto(self, buffer):
        raise InvalidChunkSize(b"zz")


@pytest.mark.parametrize(
    "method, path, content_type, said",
    [
        ("POST", "/api/v1/customers?tenant=shop", "application/json", "faultCode"),
        ("PUT", "/v1/Customers", "application/json", "faultCode"),
        ("POST", f"/api/v3/{STORE_ID}/customers", "application/json", "errorMessage"),
    ],
)
def test_a_body_whose_chunks_are_broken_is_malformed_not_a_failure(
    make_app, caplog, method, path, content_type, said
):
    app = make_app(tenants())
    response = app.test_client().open(
        path,
        method=method,
        input_stream=_BrokenChunks(),
        headers={
            **every_door._bearer(app),
            "Content-Type": content_type,
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert said in response.get_json()
    assert response.get_json().get("faultCode", 91003) == 91003
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_wizard_answers_a_broken_chunked_post_with_a_page(make_app):
    app = make_app(tenants())
    response = app.test_client().post(
        "/t/shop/register",
        input_stream=_BrokenChunks(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
