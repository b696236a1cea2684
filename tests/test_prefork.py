"""gunicorn's master builds the app once and warms it up before forking the workers, so that
they share its memory; the warm-up writes nothing and counts against no rate limit."""

import subprocess
import sys
import textwrap
from pathlib import Path

from webapp.extensions import db, limiter
from webapp.models import Customer, Draft

PREFORK = Path(__file__).resolve().parents[1] / "webapp" / "prefork.py"


def test_the_warm_up_reads_and_writes_nothing(make_app):
    app = make_app(RATELIMIT_PUBLIC_API="1 per hour")
    app.extensions["warm_up"]()
    assert limiter.enabled
    with app.app_context():
        assert db.session.query(Customer).count() == 0
        assert db.session.query(Draft).count() == 0
    client = app.test_client()
    assert client.post("/api/v1/customers", json={}).status_code == 400  # still its one request
    assert client.post("/api/v1/customers", json={}).status_code == 429


def _counted():
    """Every registration outcome and request timing counted so far in this process."""
    from prometheus_client import REGISTRY

    return sum(
        sample.value
        for family in REGISTRY.collect()
        if family.name in ("registrations", "request_duration_seconds")
        for sample in family.samples
        if sample.name in ("registrations_total", "request_duration_seconds_count")
    )


def test_the_warm_up_counts_nothing_in_the_metrics(make_app):
    app = make_app()
    before = _counted()
    app.extensions["warm_up"]()
    assert _counted() == before
    app.test_client().post("/api/v1/customers", json={})  # a real request is counted
    assert _counted() == before + 2  # its outcome (90075) and its timing


def test_the_master_warms_the_app_up_and_freezes_it_and_the_workers_collect():
    script = textwrap.dedent(f"""
        import gc, runpy, types
        hooks = runpy.run_path({str(PREFORK)!r})
        assert not gc.isenabled()  # from the start-up on, in the master
        warmed = []
        app = types.SimpleNamespace(extensions={{"warm_up": lambda: warmed.append(1)}})
        server = types.SimpleNamespace(
            cfg=types.SimpleNamespace(preload_app=True),
            app=types.SimpleNamespace(wsgi=lambda: app),
            log=types.SimpleNamespace(warning=lambda *args: None))
        hooks["when_ready"](server)
        assert warmed == [1] and gc.get_freeze_count() > 0
        hooks["post_fork"](server, None)
        assert gc.isenabled()
    """)
    subprocess.run([sys.executable, "-c", script], check=True)


def test_gunicorns_start_clears_the_metrics_of_ended_processes_alone(tmp_path, monkeypatch):
    import os
    import runpy

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(PREFORK.parents[1] / "gunicorn.conf.py"))
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    running = tmp_path / f"counter_{os.getpid()}.db"  # the outbox worker's, say
    gone = tmp_path / f"counter_{ended}.db"
    for file in (running, gone):
        file.write_bytes(b"")
    config["on_starting"](None)
    assert running.exists() and not gone.exists()
