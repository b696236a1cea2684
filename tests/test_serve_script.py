"""`bash scripts/serve`, the README's first command: the service and its outbox worker on the
embedded defaults, and /metrics adding up both processes' counts (contract section 14: the
deliveries by outcome are counted by the worker, the registrations by the web process)."""

import os
import signal
import subprocess
import time

import pytest
import requests
from conftest import valid_customer
from prometheus_client.parser import text_string_to_metric_families
from servers import ROOT, app_environment, free_port

pytestmark = pytest.mark.slow
TOKEN = "metrics-token-0123456789"


def samples(text, name):
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def scrape(url):
    answer = requests.get(
        url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert answer.status_code == 200
    return answer.text


def wait_for(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except requests.ConnectionError:
            found = None  # not listening yet
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"not seen in {seconds} s")


def test_metrics_count_the_workers_deliveries_beside_the_registrations(tmp_path):
    port = free_port()
    env = app_environment(tmp_path, METRICS_TOKEN=TOKEN, PORT=port)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    stale = tmp_path / "metrics" / "counter_1.db"  # an earlier run's file: cleared at start
    stale.parent.mkdir()
    stale.write_bytes(b"")
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen(
        ["bash", "scripts/serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the script's flask run and flask worker stop with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(url + "/healthz", timeout=5).status_code == 200, 60)
        answer = requests.post(url + "/api/v1/customers", json=valid_customer(), timeout=30)
        assert answer.status_code == 201, answer.text
        delivered = wait_for(lambda: samples(scrape(url), "outbox_deliveries_total"))
        assert delivered[(("kind", "email"), ("outcome", "sent"))] == 1
        created = samples(scrape(url), "registrations_total")
        assert created[(("door", "api"), ("outcome", "created"), ("tenant", "default"))] == 1
        assert not stale.exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()
