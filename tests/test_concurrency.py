"""Registrations racing for the same username against a real threaded server: one wins, the
rest are told the username is taken, none fails (sections 2 and 3)."""

import threading

import pytest
import requests
from conftest import CUSTOMERS, unique, valid_customer
from werkzeug.serving import make_server

RACERS = 8


@pytest.fixture
def server_url(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def race(url, bodies):
    """POST every body at the same moment, one thread each; the responses in body order."""
    start = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def register(index, body):
        with requests.Session() as session:
            start.wait()
            answers[index] = session.post(url + CUSTOMERS, json=body, timeout=60)

    threads = [threading.Thread(target=register, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_one_username_registered_at_once_from_many_threads(server_url, round_):
    username = unique("racer")
    # The same username in several spellings that compare equal: case and fullwidth forms.
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in username)
    spellings = [username, username.upper(), fullwidth]
    bodies = [
        valid_customer(username=spellings[i % len(spellings)], email=f"{unique()}@example.com")
        for i in range(RACERS)
    ]
    answers = race(server_url, bodies)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [400] * (RACERS - 1), [a.text[:200] for a in answers]
    for answer in answers:
        if answer.status_code == 400:
            assert [(f["faultCode"], f["field"]) for f in answer.json()["faults"]] == [
                (90074, "username")
            ]


@pytest.mark.slow
def test_different_usernames_registered_at_once_all_succeed(server_url):
    answers = race(server_url, [valid_customer() for _ in range(RACERS)])
    assert [answer.status_code for answer in answers] == [201] * RACERS
    # Section 15: the tenant's numbers count from 1, none given twice, none skipped.
    numbers = sorted(answer.json()["customerNumber"] for answer in answers)
    assert numbers == list(range(1, RACERS + 1))
