"""Webhooks (contract section 11): sign an outbox message as Standard Webhooks do, and post it.

The message id is the `webhook-id`, so a partner sees the same id on every retry. Each attempt is
signed afresh with its own `webhook-timestamp`, because receivers reject old timestamps.
"""

import json
import socket
import threading
import time
from datetime import UTC, datetime
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from standardwebhooks import Webhook

USER_AGENT = "registration-webhooks/1"


class WebhookRejected(Exception):
    """The partner answered, but not with a 2xx."""


def signed_request(secret, message_id, payload, sent_at=None):
    """The body and headers of one delivery attempt."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    seconds = int(sent_at if sent_at is not None else time.time())
    signature = Webhook(secret).sign(message_id, datetime.fromtimestamp(seconds, UTC), body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": signature,
    }
    return body.encode("utf-8"), headers


def deliver(tenant, message_id, payload):
    """Post the event to the tenant's webhook_url; return on a 2xx, raise otherwise."""
    if not tenant.webhook_url:
        raise LookupError(f"tenant '{tenant.slug}' has no webhook_url")
    timeout = current_app.config["WEBHOOK_TIMEOUT"]
    body, headers = signed_request(tenant.webhook_secret, message_id, payload)
    status = _post(tenant.webhook_url, body, headers, timeout)
    if not 200 <= status < 300:
        raise WebhookRejected(f"answered HTTP {status}")


def _post(url, body, headers, timeout):
    """The status of a POST, the whole exchange within `timeout` seconds.

    A socket timeout bounds each read alone, and a receiver that sends its answer a byte at a
    time would never meet it: a timer cuts the connection once the time is up. Redirects are not
    followed (the partner configured this exact URL), and the answer's body is never read."""
    parts = urlsplit(url)
    kind = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()
    timer = threading.Timer(timeout, _cut, (connection, expired))
    timer.start()
    try:
        connection.request(
            "POST", urlunsplit(("", "", parts.path or "/", parts.query, "")), body, headers
        )
        return connection.getresponse().status
    except (OSError, HTTPException) as error:
        if isinstance(error, TimeoutError) or expired.is_set():
            raise TimeoutError(f"no answer within {timeout} s") from None
        raise
    finally:
        timer.cancel()
        connection.close()


def _cut(connection, expired):
    expired.set()
    if connection.sock is not None:
        try:
            connection.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed in the meantime
