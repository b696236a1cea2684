"""Webhooks (contract section 11): sign an outbox message as Standard Webhooks do, and post it.

The message id is the `webhook-id`, so a partner sees the same id on every retry. Each attempt is
signed afresh with its own `webhook-timestamp`, because receivers reject old timestamps.
"""
import json
import time
from datetime import datetime, timezone

import requests
from flask import current_app
from standardwebhooks import Webhook

USER_AGENT = "registration-webhooks/1"


class WebhookRejected(Exception):
    """The partner answered, but not with a 2xx."""


def signed_request(secret, message_id, payload, sent_at=None):
    """The body and headers of one delivery attempt."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    seconds = int(sent_at if sent_at is not None else time.time())
    signature = Webhook(secret).sign(message_id, datetime.fromtimestamp(seconds, timezone.utc),
                                     body)
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
    try:
        # Redirects are not followed: the partner configured this exact URL. The answer's body
        # is never read (stream=True), only its status.
        with requests.post(tenant.webhook_url, data=body, headers=headers, timeout=timeout,
                           allow_redirects=False, stream=True) as response:
            status = response.status_code
    except requests.Timeout:
        raise TimeoutError(f"no answer within {timeout} s") from None
    if not 200 <= status < 300:
        raise WebhookRejected(f"answered HTTP {status}")
