"""Request ids and logging: every request gets an id, returned in X-Request-Id."""
import logging
import re
import uuid

from flask import g, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def init_app(app):
    logging.basicConfig(level=logging.INFO)

    @app.before_request
    def assign_request_id():
        offered = request.headers.get("X-Request-Id", "")
        trusted = app.config["TRUSTED_PROXIES"] > 0 and REQUEST_ID.match(offered)
        g.request_id = offered if trusted else uuid.uuid4().hex

    @app.after_request
    def return_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response
