"""The shipped production setup (deploy/nginx.conf in front of gunicorn.conf.py) under slow
clients, nginx's own answers, and a worker timeout. Needs nginx (Debian's nginx-light)."""

import http.client
import shutil
import socket
import sys
import time
from urllib.parse import urljoin

import pytest
import requests
from servers import ROOT, _unavailable, app_environment, gunicorn

sys.path.insert(0, str(ROOT / "benchmarks"))
import slow_clients  # the benchmark's setup and attack, shared

pytestmark = pytest.mark.slow


@pytest.fixture
def production(tmp_path):
    if not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx")):
        _unavailable("nginx", FileNotFoundError("apt-get install -y nginx-light"))
    with slow_clients.production(tmp_path, app_environment(tmp_path)) as url:
        yield url


@pytest.fixture
def trusting(tmp_path):
    """As `production`, with the app trusting nginx's forwarded headers (TRUSTED_PROXIES=1)."""
    if not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx")):
        _unavailable("nginx", FileNotFoundError("apt-get install -y nginx-light"))
    env = app_environment(tmp_path, TRUSTED_PROXIES="1")
    with slow_clients.production(tmp_path, env) as url:
        yield url


def test_a_request_id_a_client_sends_is_replaced_by_nginxs(trusting):
    forged = "attacker-chosen-id-0001"
    answer = requests.get(trusting + "/healthz", headers={"X-Request-Id": forged}, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["X-Request-Id"] not in ("", forged)


def test_a_redirect_keeps_the_port_the_client_came_to(trusting):
    answer = requests.get(trusting + "/console", allow_redirects=False, timeout=10)
    assert answer.status_code == 308
    # Relative: the client resolves it against the address it came to, port and all.
    assert urljoin(trusting + "/console", answer.headers["Location"]) == trusting + "/console/"


def test_healthz_answers_quickly_while_200_slow_clients_are_connected(production):
    latencies, held = slow_clients.attack(production, clients=200, seconds=4, pause=0.5)
    assert held == 200  # the attack was real: every slow client was still connected
    assert None not in latencies
    quick = [value for value in latencies if value < 0.1]
    assert len(quick) >= 0.9 * len(latencies), sorted(latencies)[-5:]


def _raw(url, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


# 20,000 bytes: nginx refuses the request line itself; 5,000: nginx passes it on, and gunicorn
# (whose limit is 4094) answers 414 without the app.
@pytest.mark.parametrize("length", [20_000, 5_000])
def test_refusals_the_app_never_sees_carry_framing_and_content_policy(production, length):
    answer = _raw(
        production, b"GET /" + b"a" * length + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    head = answer.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 414")
    assert "content-security-policy: default-src 'none'; frame-ancestors 'none'" in head
    assert "x-frame-options: deny" in head
    assert "x-content-type-options: nosniff" in head


def test_the_apps_own_policy_passes_through_unchanged(production):
    page = requests.get(production + "/register", timeout=10)
    assert page.status_code == 200
    policies = [
        value for key, value in page.raw.headers.items() if key.lower() == "content-security-policy"
    ]
    assert len(policies) == 1 and "default-src 'none'" not in policies[0]
    assert page.headers["X-Frame-Options"] == "DENY"


def access_line(tmp_path, path):
    """nginx's access line of the one request to `path` (beside the start-up's probes)."""
    # nginx writes the line once the answer is sent, which may be after the client has it.
    deadline = time.monotonic() + 10
    while True:
        lines = (tmp_path / "access.log").read_text().splitlines()
        found = [line for line in lines if f" {path}" in line]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    (line,) = found
    return line


def test_nginx_logs_no_query_string(production, tmp_path):
    # A verification link carries its code and the draft's token in the query string.
    page = requests.get(production + "/register?draft=d1a2f7&code=042656", timeout=10)
    assert page.status_code == 200
    line = access_line(tmp_path, "/register")
    assert '"GET /register HTTP/1.1" 200' in line
    assert "042656" not in line and "d1a2f7" not in line


@pytest.mark.parametrize(
    "link", ["/verify/", "/consent/confirm/", "/consent/withdraw/", "/console/setup/"]
)
def test_nginx_logs_no_links_token(production, tmp_path, link):
    page = requests.get(production + link + "Mw.secret-Token_1", timeout=10)
    assert page.status_code in (400, 404)  # no such link
    line = access_line(tmp_path, link)
    assert f'"GET {link}<token> HTTP/1.1"' in line and "secret" not in line


def test_an_oversized_chunked_body_reaches_the_app_whole_and_gets_its_fault(production):
    host, port = production.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "POST",
            "/api/v1/customers",
            body=iter([b"{" + b" " * 70_000 + b"}"]),
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        assert answer.status == 413
        assert b"91006" in answer.read()
    finally:
        connection.close()


def test_a_worker_timeout_is_logged_as_a_timeout_not_a_500(tmp_path):
    env = app_environment(tmp_path, GUNICORN_TIMEOUT=2)
    with gunicorn(tmp_path, env, workers=1) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(
                b"POST /api/v1/customers HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not any(
                line["message"].startswith("Worker timeout") for line in server.log_lines()
            ):
                time.sleep(0.2)
            assert client.recv(100) == b""  # closed without an answer: no 500
        lines = server.log_lines()
    timeouts = [line for line in lines if line["message"].startswith("Worker timeout")]
    assert timeouts and "POST /api/v1/customers" in timeouts[0]["message"]
    assert not [
        line
        for line in lines
        if "Error handling request" in line["message"]
        or "SystemExit" in str(line)
        or line.get("status") == 500
    ]
