"""GET /metrics (contract section 14): Prometheus text behind METRICS_TOKEN, with bounded labels."""

import re

import pytest
from conftest import bearer, deliver_outbox, valid_customer
from prometheus_client.parser import text_string_to_metric_families
from wizard_client import Wizard

from webapp.config import ConfigError

TOKEN = "metrics-token-0123456789"


def scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def samples(client):
    response = scrape(client)
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0)


def test_no_token_configured_means_no_metrics(client):
    assert scrape(client).status_code == 404


def test_the_answer_is_in_the_prometheus_text_format_with_one_charset(make_app):
    from prometheus_client import CONTENT_TYPE_LATEST

    response = scrape(make_app(METRICS_TOKEN=TOKEN).test_client())
    assert response.status_code == 200
    # A media type with a parameter twice is refused by strict parsers (Go's, Prometheus's).
    assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
    assert response.headers["Content-Type"].count("charset") == 1


def test_a_wrong_or_missing_token_is_401(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    for response in (scrape(client, "wrong"), client.get("/metrics")):
        assert response.status_code == 401
        # The service's one realm, as every 401 of the doors (contract section 15).
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="registration"'


def test_registrations_steps_checks_and_outbox_are_counted(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = samples(client)
    body = valid_customer()
    client.post("/api/v1/customers", json=body)
    client.post("/api/v1/customers", json=body)  # taken: 90074 first
    Wizard(client).complete()
    client.post("/register/check/surname", data={"surname": ""})
    after = samples(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("registrations_total", tenant="default", door="api", outcome="created") == 1
    assert grew("registrations_total", tenant="default", door="api", outcome="90074") == 1
    assert grew("registrations_total", tenant="default", door="wizard", outcome="created") == 1
    assert grew("wizard_step_events_total", tenant="default", step="done") == 1
    assert grew("inline_checks_total", tenant="default") == 1
    assert value(after, "outbox_messages", kind="email", status="pending") == 2
    assert grew("request_duration_seconds_count", endpoint="api.create_customer") == 2


def test_an_empty_outbox_is_every_kind_and_status_at_zero(make_app):
    found = samples(make_app(METRICS_TOKEN=TOKEN).test_client())
    for kind in ("email", "webhook"):
        for status in ("pending", "failed"):
            key = ("outbox_messages", (("kind", kind), ("status", status)))
            assert found[key] == 0, key


def test_rate_limited_requests_are_counted(make_app):
    client = make_app(
        METRICS_TOKEN=TOKEN, RATELIMIT_PUBLIC_API="1 per hour", RATELIMIT_REGISTRATION="1 per hour"
    ).test_client()
    before = samples(client)
    for _ in range(2):
        client.post("/api/v1/customers", json=valid_customer())
    grew = value(
        samples(client), "rate_limited_requests_total", endpoint="api.create_customer"
    ) - value(before, "rate_limited_requests_total", endpoint="api.create_customer")
    assert grew == 1


def test_labels_never_carry_customer_data(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    body = valid_customer()
    client.post("/api/v1/customers", json=body)
    text = scrape(client).get_data(as_text=True)
    assert body["username"] not in text and body["email"] not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no customer id


def test_deliveries_are_counted_by_outcome(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    client = app.test_client()
    client.post("/api/v1/customers", json=valid_customer())
    before = value(samples(client), "outbox_deliveries_total", kind="email", outcome="sent")
    deliver_outbox(app)
    after = samples(client)
    assert value(after, "outbox_deliveries_total", kind="email", outcome="sent") == before + 1
    assert value(after, "outbox_messages", kind="email", status="pending") == 0


REFUSING_TENANTS = """
[tenants.default]

[tenants.shut]
registration_open = false

[tenants.guarded]
proof_of_work = true
"""


def _grown(before, after):
    """The registrations_total samples that grew, as {(tenant, door, outcome): by how much}."""
    grown = {}
    for (name, labels), count in after.items():
        if name == "registrations_total" and count != before.get((name, labels), 0):
            named = dict(labels)
            grown[named["tenant"], named["door"], named["outcome"]] = count - before.get(
                (name, labels), 0
            )
    return grown


def test_registrations_a_door_refuses_before_the_service_are_counted_with_their_fault(make_app):
    # A closed tenant, a body that is not JSON, a type the door does not take, a proof of work
    # missing: each is a registration refused, counted once with its fault's code.
    app = make_app(REFUSING_TENANTS, METRICS_TOKEN=TOKEN)
    client = app.test_client()
    before = samples(client)
    client.post("/api/v1/customers?tenant=shut", json=valid_customer())
    client.post("/api/v1/customers", data="{not json", headers={"Content-Type": "application/json"})
    client.post("/api/v1/customers", data="x=1", headers={"Content-Type": "text/plain"})
    client.post("/api/v1/customers?tenant=guarded", json=valid_customer())
    wizard = Wizard(client, "/t/guarded/register")
    wizard.to_review()
    assert wizard.submit().status == 400  # no solution: the review again, with the friendly fault
    assert _grown(before, samples(client)) == {
        ("shut", "api", "90055"): 1,
        ("default", "api", "91003"): 1,
        ("default", "api", "91002"): 1,
        ("guarded", "api", "91017"): 1,
        ("guarded", "wizard", "91017"): 1,
    }


def test_dialect_refusals_are_counted_under_their_door(make_app):
    app = make_app(
        """
        [tenants.default]
        store_id = 1001
        """,
        METRICS_TOKEN=TOKEN,
    )
    client = app.test_client()
    headers = bearer(app)
    before = samples(client)
    client.post(
        "/api/v3/1001/customers",
        data="<x/>",
        headers={**headers, "Content-Type": "application/xml"},
    )
    client.put(
        "/v1/Customers", data="{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert _grown(before, samples(client)) == {
        ("default", "web_store", "91002"): 1,
        ("default", "online_ordering", "91003"): 1,
    }


def test_a_request_without_a_known_tenant_is_not_counted_as_a_registration(make_app):
    # No credentials, an unknown tenant: nothing to label the attempt with, and labels only ever
    # name the tenants file's tenants.
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = samples(client)
    assert client.put("/v1/Customers", json={}).status_code == 401
    assert client.post("/api/v1/customers?tenant=nobody", json=valid_customer()).status_code >= 400
    assert _grown(before, samples(client)) == {}


def test_a_metrics_folder_no_process_can_write_in_stops_start_up_naming_it(
    make_app, tmp_path, monkeypatch
):
    not_a_folder = tmp_path / "metrics"
    not_a_folder.write_text("a file")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(not_a_folder))
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR="):
        make_app()
