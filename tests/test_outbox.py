"""The outbox worker (contract section 11): back-off retries up to the horizon, then failed and
logged; the operator's commands; and a worker stopped, killed or restarted loses nothing."""

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import WEBHOOK_SECRET, deliver_outbox, valid_customer

from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow
from webapp.outbox import new_message_id
from webapp.outbox.worker import retry_delay

ROOT = Path(__file__).resolve().parent.parent


def webhook_tenant(url_keys):
    return f"[tenants.default]\nsend_account_email = false\n{url_keys}"


def register(app):
    response = app.test_client().post("/api/v1/customers", json=valid_customer())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def messages(app):
    with app.app_context():
        query = db.select(OutboxMessage).order_by(OutboxMessage.created_at)
        return db.session.execute(query).scalars().all()


def deliver_until_settled(app):
    """Run the worker at each due time until the message is no longer pending; return the times."""
    times = []
    while messages(app)[0].status == "pending":
        times.append(messages(app)[0].next_attempt_at)
        deliver_outbox(app, times[-1])
    return times


def test_retries_back_off_from_the_base_delay_doubling_up_to_the_horizon():
    delays, attempts = [], 1
    while (delay := retry_delay(attempts, 60, 24 * 3600)) is not None:
        delays.append(delay)
        attempts += 1
    assert delays[:5] == [60, 120, 240, 480, 960]
    assert all(
        later == 2 * earlier for earlier, later in zip(delays[:-2], delays[1:-1], strict=True)
    )
    assert sum(delays) == 24 * 3600  # the last attempt is at the horizon, not before it
    assert attempts == 12


def test_a_message_past_the_retry_horizon_is_failed_and_logged(make_app, webhook_receiver, caplog):
    receiver = webhook_receiver(statuses=[500] * 20)
    app = make_app(webhook_tenant(receiver.tenant_keys))  # the shipped 60 s and 24 hours
    register(app)
    with caplog.at_level(logging.WARNING, logger="webapp.outbox.worker"):
        times = deliver_until_settled(app)

    [message] = messages(app)
    assert (message.status, message.attempts) == ("failed", 12)
    assert message.last_error == "WebhookRejected: answered HTTP 500"
    assert times[-1] - times[0] == timedelta(hours=24)
    assert len(receiver.received) == 12
    assert deliver_outbox(app, times[-1] + timedelta(days=30)) == {}  # failed stays failed
    given_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(given_up) == 1 and message.id in given_up[0].getMessage()
    assert "failed for good after 12 attempts" in given_up[0].getMessage()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 11


def test_a_message_given_up_after_one_attempt_says_attempt(make_app, webhook_receiver, caplog):
    receiver = webhook_receiver(statuses=[500])
    app = make_app(webhook_tenant(receiver.tenant_keys), OUTBOX_RETRY_HOURS=0)
    register(app)
    with caplog.at_level(logging.ERROR, logger="webapp.outbox.worker"):
        assert deliver_outbox(app)["failed"] == 1
    [given_up] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "failed for good after 1 attempt: " in given_up


def test_the_operator_lists_and_retries_a_failed_message(make_app, webhook_receiver):
    receiver = webhook_receiver(statuses=[500] * 7)
    app = make_app(webhook_tenant(receiver.tenant_keys), OUTBOX_RETRY_HOURS=1)
    register(app)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox"])
    [message] = messages(app)
    assert listed.exit_code == 0
    assert message.id in listed.stdout and "pending" in listed.stdout

    deliver_until_settled(app)
    listed = runner.invoke(args=["outbox"])
    assert "failed" in listed.stdout and "attempts: 7" in listed.stdout
    assert "answered HTTP 500" in listed.stdout

    retried = runner.invoke(args=["outbox", "retry", message.id])
    assert retried.exit_code == 0, retried.output
    worked = runner.invoke(args=["worker", "--once"])
    assert worked.stdout == "sent: 1, to retry: 0, failed: 0\n"
    assert runner.invoke(args=["outbox"]).stdout == "Nothing is pending or failed.\n"
    assert len(receiver.received) == 8
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1


def test_retrying_an_unknown_message_says_so(app):
    result = app.test_cli_runner().invoke(args=["outbox", "retry", "msg_nothing"])
    assert result.exit_code == 1
    assert "no outbox message 'msg_nothing'" in result.output


def test_a_message_that_is_not_due_waits(make_app, webhook_receiver):
    receiver = webhook_receiver(statuses=[503])
    app = make_app(webhook_tenant(receiver.tenant_keys))
    register(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["worker", "--once"]).stdout == "sent: 0, to retry: 1, failed: 0\n"
    assert runner.invoke(args=["worker", "--once"]).stdout == "sent: 0, to retry: 0, failed: 0\n"
    assert len(receiver.received) == 1


def test_workers_running_at_once_deliver_each_message_once(make_app, webhook_receiver):
    receiver = webhook_receiver()
    app = make_app(webhook_tenant(receiver.tenant_keys))
    with app.app_context():
        for number in range(30):
            db.session.add(
                OutboxMessage(
                    id=new_message_id(),
                    kind="webhook",
                    tenant="default",
                    payload={"type": "customer.created", "n": number},
                )
            )
        db.session.commit()

    start = threading.Barrier(4)
    workers = [
        threading.Thread(target=lambda: (start.wait(), deliver_outbox(app))) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(event["n"] for event in receiver.events()) == list(range(30))
    assert {m.status for m in messages(app)} == {"sent"}


# --- the worker as the operator runs it -------------------------------------------------------


@pytest.fixture
def start_worker(tmp_path):
    """start_worker(app, **settings) runs `flask --app webapp worker` in its own process, on the
    app's database and tenants; what it logs is shown after the test, and it is killed if alive."""
    log_file, started = tmp_path / "worker.log", []

    def start(app, **settings):
        env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {
                "MAIL_SERVER",
                "MAIL_PORT",
                "OUTBOX_RETRY_BASE_SECONDS",
                "OUTBOX_RETRY_HOURS",
                "WEBHOOK_TIMEOUT",
                "FLASK_APP",
            }
        }
        env.update(
            {
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "TENANTS_FILE": app.config["TENANTS_FILE"],
                "SECRET_KEY": app.config["SECRET_KEY"],
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the virtualenv installed
                **{key: str(value) for key, value in settings.items()},
            }
        )
        with open(log_file, "ab") as log:
            started.append(
                subprocess.Popen(
                    [str(Path(sys.executable).parent / "flask"), "--app", "webapp", "worker"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
    if log_file.exists():
        print(log_file.read_text())


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_the_worker_stopped_and_started_again_loses_nothing(
    make_app, webhook_receiver, start_worker
):
    receiver = webhook_receiver()
    app = make_app(webhook_tenant(receiver.tenant_keys))
    register(app)
    register(app)  # queued before any worker runs

    worker = start_worker(app)
    wait_for(lambda: len(receiver.received) == 2)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0

    register(app)  # queued while no worker runs
    time.sleep(0.5)
    assert len(receiver.received) == 2

    worker = start_worker(app)
    wait_for(lambda: len(receiver.received) == 3)
    worker.send_signal(signal.SIGINT)
    assert worker.wait(timeout=30) == 0

    stored = messages(app)
    assert [m.status for m in stored] == ["sent"] * 3
    assert sorted(h["webhook-id"] for h, _ in receiver.received) == sorted(m.id for m in stored)
    assert len(receiver.events()) == 3


@pytest.mark.slow
def test_a_message_a_killed_worker_was_sending_is_sent_once_its_lease_runs_out(
    make_app, webhook_receiver, start_worker
):
    with socket.create_server(("127.0.0.1", 0)) as silent:
        app = make_app(
            webhook_tenant(
                f'webhook_url = "http://127.0.0.1:{silent.getsockname()[1]}/hooks"\n'
                f'webhook_secret = "{WEBHOOK_SECRET}"\n'
            )
        )
        register(app)
        worker = start_worker(app, WEBHOOK_TIMEOUT=60)
        silent.settimeout(30)
        connection, _ = silent.accept()  # the worker is now waiting on the partner's answer
        worker.kill()
        worker.wait(timeout=30)
        connection.close()

    [message] = messages(app)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at > utcnow()  # claimed, by a worker that is gone

    receiver = webhook_receiver()
    restarted = make_app(webhook_tenant(receiver.tenant_keys))  # same database, partner is back
    assert deliver_outbox(restarted) == {}  # not before the lease runs out
    assert deliver_outbox(restarted, message.next_attempt_at)["sent"] == 1
    [(headers, _)] = receiver.received
    assert headers["webhook-id"] == message.id


@pytest.mark.slow
def test_a_stopped_worker_finishes_its_attempt_and_hands_the_rest_back(make_app, start_worker):
    with socket.create_server(("127.0.0.1", 0)) as silent:
        app = make_app(
            webhook_tenant(
                f'webhook_url = "http://127.0.0.1:{silent.getsockname()[1]}/hooks"\n'
                f'webhook_secret = "{WEBHOOK_SECRET}"\n'
            )
        )
        for _ in range(3):
            register(app)
        worker = start_worker(app, WEBHOOK_TIMEOUT=2)
        silent.settimeout(30)
        connection, _ = silent.accept()  # the first attempt waits on the silent partner
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        connection.close()

    stored = sorted(messages(app), key=lambda m: m.attempts)
    assert [m.attempts for m in stored] == [0, 0, 1]
    assert stored[2].last_error == "TimeoutError: no answer within 2 s"
    assert all(m.status == "pending" and m.next_attempt_at <= utcnow() for m in stored[:2])


def test_a_database_outage_is_logged_once_not_each_poll(make_app, monkeypatch, caplog):
    import threading

    from sqlalchemy.exc import OperationalError

    from webapp.outbox import worker as delivery

    app = make_app()
    stop, polls = threading.Event(), []

    def dispatch(self):
        polls.append(1)
        if len(polls) <= 3:
            raise OperationalError("SELECT", {}, Exception("connection refused\n\tretry later"))
        stop.set()

    monkeypatch.setattr(delivery.Worker, "dispatch", dispatch)
    monkeypatch.setattr(delivery, "POLL_SECONDS", 0.01)
    with caplog.at_level("INFO", logger=delivery.log.name):
        delivery.run_forever(app, stop)
    said = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert said[1:3] == [
        (
            "ERROR",
            "outbox: cannot use the database, trying every 0 s: connection refused retry later",
            None,
        ),
        ("INFO", "outbox: the database answers again", None),
    ]
    assert said[-1][1] == "outbox: worker stopped (nothing delivered)"


def test_the_worker_deletes_expired_drafts_at_its_start_and_every_hour(make_app, monkeypatch):
    import threading

    from webapp.outbox import worker as delivery

    app = make_app()
    stop, ran, clock = threading.Event(), [], [1000.0]

    def purge():
        ran.append(clock[0])

    def broken():
        raise RuntimeError("disk on fire")  # logged; the deliveries and other tasks go on

    def dispatch(self):
        clock[0] += 1200  # each poll 20 minutes later
        if clock[0] > 1000 + 4 * 3600:
            stop.set()

    monkeypatch.setattr(delivery.Worker, "dispatch", dispatch)
    monkeypatch.setattr(delivery, "POLL_SECONDS", 0.001)
    monkeypatch.setattr(delivery.time, "monotonic", lambda: clock[0])
    delivery.run_forever(app, stop, hourly=(broken, purge))
    assert ran == [1000.0, 4600.0, 8200.0, 11800.0, 15400.0]  # at the start, then hourly


def test_the_worker_command_runs_the_drafts_purge_hourly(app, monkeypatch):
    from webapp.doors.wizard.drafts import purge_expired
    from webapp.outbox import worker as delivery

    given = {}
    monkeypatch.setattr(delivery, "run_forever", lambda app, hourly=(): given.update(h=hourly))
    assert app.test_cli_runner().invoke(args=["worker"]).exit_code == 0
    assert given["h"] == (purge_expired,)
