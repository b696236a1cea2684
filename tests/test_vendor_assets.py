"""The front-end files scripts/setup installs into static/vendor: without them (a bare
`pip install .`), the service says so at start, `check-config` fails and `/readyz` is 503."""

import logging

import pytest
from test_check_config import check_config

from webapp.http import assets


@pytest.fixture
def without_htmx(monkeypatch):
    monkeypatch.setattr(assets, "VENDOR", (*assets.VENDOR, "vendor/never-installed.js"))


def test_the_shipped_files_are_there(client):
    assert assets.missing(client.application) == []
    for name in assets.VENDOR:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        response.close()


def test_missing_files_are_said_at_start(make_app, without_htmx, caplog):
    with caplog.at_level(logging.ERROR, logger="webapp.http.assets"):
        make_app()
    assert any(
        "vendor/never-installed.js" in r.getMessage() and "scripts/setup" in r.getMessage()
        for r in caplog.records
    )


def test_missing_files_make_readyz_fail(make_app, without_htmx):
    response = make_app().test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["assets"] == "unavailable"


def test_missing_files_make_check_config_fail(tmp_path, without_htmx):
    result, _ = check_config(tmp_path)
    assert result.exit_code != 0
    assert "vendor/never-installed.js" in result.output and "scripts/setup" in result.output
