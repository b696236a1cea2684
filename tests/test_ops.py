"""/healthz and /readyz: cheap probes for load balancers, never rate-limited."""

import logging

import pytest
from servers import free_port

from webapp import create_app
from webapp.extensions import limiter


@pytest.fixture
def app_without(tmp_path):
    """An app whose database or rate-limit store is somewhere nothing answers."""

    def build(**config):
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ops.sqlite'}",
            "TENANTS_FILE": str(tmp_path / "tenants.toml"),
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }
        return create_app(settings)

    return build


def nowhere_database():
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"


def nowhere_redis():
    return f"redis://127.0.0.1:{free_port()}/0"


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_does_not_touch_the_database(app_without):
    client = app_without(SQLALCHEMY_DATABASE_URI=nowhere_database()).test_client()
    assert client.get("/healthz").status_code == 200


def test_readyz_is_200_when_database_and_store_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "rateLimitStore": "ok", "assets": "ok"},
    }


def test_readyz_is_503_without_the_database(app_without, caplog):
    client = app_without(SQLALCHEMY_DATABASE_URI=nowhere_database()).test_client()
    with caplog.at_level(logging.WARNING, logger="webapp.doors.ops"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "rateLimitStore": "ok", "assets": "ok"},
    }
    assert any("database unreachable" in r.getMessage() for r in caplog.records)


def test_readyz_is_503_without_the_rate_limit_store(app_without):
    client = app_without(RATELIMIT_STORAGE_URI=nowhere_redis()).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "rateLimitStore": "unavailable",
        "assets": "ok",
    }


def test_readyz_ignores_the_store_when_rate_limiting_is_off(app_without):
    client = app_without(
        RATELIMIT_STORAGE_URI=nowhere_redis(), RATELIMIT_ENABLED=False
    ).test_client()
    assert client.get("/readyz").status_code == 200


@pytest.fixture
def default_limits():
    """Limits an operator may set for every route; the limiter keeps them, so undo them after."""
    yield {"RATELIMIT_DEFAULT": "2 per minute", "RATELIMIT_APPLICATION": "3 per minute"}
    limiter.limit_manager.set_default_limits([])
    limiter.limit_manager.set_application_limits([])


def test_probes_are_never_rate_limited(make_app, default_limits):
    client = make_app(**default_limits).test_client()
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    # The same limits do hold elsewhere.
    statuses = [client.get("/api/v1/customers/none").status_code for _ in range(4)]
    assert statuses[-1] == 429
