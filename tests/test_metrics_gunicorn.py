"""/metrics under gunicorn: every worker counts in PROMETHEUS_MULTIPROC_DIR and any worker's
scrape adds them all up (contract section 14)."""

import pytest
import requests
from conftest import valid_customer
from prometheus_client.parser import text_string_to_metric_families
from servers import app_environment, gunicorn

pytestmark = pytest.mark.slow
TOKEN = "metrics-token-0123456789"


def created(text):
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "registrations_total" and sample.labels["outcome"] == "created"
    )


def registered_and_scraped(server, registrations=6, scrapes=6):
    """`registrations` made, then what each of `scrapes` scrapes counts as created."""
    for _ in range(registrations):
        response = requests.post(
            server.url + "/api/v1/customers", json=valid_customer(), timeout=60
        )
        assert response.status_code == 201
    return [
        created(
            requests.get(
                server.url + "/metrics", timeout=10, headers={"Authorization": f"Bearer {TOKEN}"}
            ).text
        )
        for _ in range(scrapes)
    ]


def counted_in(tmp_path, folder):
    """The environment of a server counting in `folder`."""
    return app_environment(
        tmp_path, METRICS_TOKEN=TOKEN, RATELIMIT_ENABLED="false", PROMETHEUS_MULTIPROC_DIR=folder
    )


def test_every_workers_registrations_are_in_each_scrape(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_0.db").write_bytes(b"")  # an earlier run's file, cleared at start
    with gunicorn(tmp_path, counted_in(tmp_path, folder), workers=3) as server:
        assert registered_and_scraped(server) == [6] * 6


def test_without_a_folder_named_gunicorn_counts_in_the_instance_folder(tmp_path):
    # Each worker counting on its own, a scrape would show whichever worker answered it.
    env = app_environment(tmp_path, METRICS_TOKEN=TOKEN, RATELIMIT_ENABLED="false")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with gunicorn(tmp_path, env, workers=3) as server:
        assert registered_and_scraped(server) == [6] * 6
    assert list((tmp_path / "metrics").glob("*.db"))  # the instance folder's, kept for the next


def test_a_named_folder_that_is_missing_is_made(tmp_path):
    # A tmpfs folder is gone after a reboot: counting must not fail every request then.
    folder = tmp_path / "run" / "registration-metrics"
    with gunicorn(tmp_path, counted_in(tmp_path, folder), workers=2) as server:
        assert registered_and_scraped(server, registrations=3, scrapes=2) == [3, 3]
    assert list(folder.glob("*.db"))


def test_a_fresh_service_lists_every_family_before_anything_is_counted(tmp_path):
    folder = tmp_path / "prometheus"
    with gunicorn(tmp_path, counted_in(tmp_path, folder), workers=2) as server:
        text = requests.get(
            server.url + "/metrics", timeout=10, headers={"Authorization": f"Bearer {TOKEN}"}
        ).text
    assert {family.name for family in text_string_to_metric_families(text)} >= {
        "registrations",
        "wizard_step_events",
        "inline_checks",
        "rate_limited_requests",
        "outbox_deliveries",
        "request_duration_seconds",
        "outbox_messages",
    }
