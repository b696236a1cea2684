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


def test_every_workers_registrations_are_in_each_scrape(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_0.db").write_bytes(b"")  # an earlier run's file, cleared at start
    env = app_environment(
        tmp_path,
        METRICS_TOKEN=TOKEN,
        RATELIMIT_ENABLED="false",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    with gunicorn(tmp_path, env, workers=3) as server:
        for _ in range(6):
            response = requests.post(
                server.url + "/api/v1/customers", json=valid_customer(), timeout=60
            )
            assert response.status_code == 201
        scrapes = [
            requests.get(
                server.url + "/metrics", timeout=10, headers={"Authorization": f"Bearer {TOKEN}"}
            ).text
            for _ in range(6)
        ]
    assert [created(text) for text in scrapes] == [6] * 6
