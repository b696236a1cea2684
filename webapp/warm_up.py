"""Warming the app up in gunicorn's master (`webapp/prefork.py`), before it forks the workers.

What the first requests build lazily (compiled templates, the catalogues, the step forms, the
mappers, the strength estimator's dictionaries, caches of all kinds) is otherwise built by each
worker into memory of its own; built once here, every worker shares it. The requests read and
never write: the wizard's first step in each language, and a registration that fails
validation. They are neither rate-limited nor counted, and the pooled database connections they
opened are closed before the fork.
"""

from sqlalchemy.orm import configure_mappers

from webapp import metrics
from webapp.extensions import db, limiter
from webapp.registration.passwords import unsafe


def warm_up(app):
    configure_mappers()
    unsafe("warm-up Password 1", 8, 3, (None, None), ("Warm",))  # the common list, the estimator
    counting, limiter.enabled = limiter.enabled, False
    try:
        client = app.test_client()
        client.environ_base[metrics.WARM_UP] = True
        for language in app.extensions["languages"]:
            client.get("/register", query_string={"lang": language})
        client.post("/api/v1/customers", json={})
    finally:
        limiter.enabled = counting
    with app.app_context():
        db.engine.dispose()


def init_app(app):
    app.extensions["warm_up"] = lambda: warm_up(app)
