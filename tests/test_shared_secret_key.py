"""SECRET_KEY's default is made at random once and kept in the instance folder (contract section
10), whatever the database. With a database other than SQLite, which machines may share, the
service says at start and in check-config that every machine needs the same SECRET_KEY."""

import pytest
from flask.cli import cli as flask_cli
from flask.testing import CliRunner

from webapp import create_app

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/app"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for key in ("SECRET_KEY", "DATABASE_URL", "SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TENANTS_FILE", str(tmp_path / "tenants.toml"))
    return tmp_path


def test_a_shared_database_without_secret_key_starts_on_the_instance_key_and_warns(
    instance, monkeypatch, caplog
):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    app = create_app()
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text()
    assert any(
        record.levelname == "WARNING" and "SECRET_KEY is not set" in record.getMessage()
        for record in caplog.records
    )


def test_check_config_says_so(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    result = CliRunner().invoke(flask_cli, ["--app", "webapp", "check-config"])
    assert result.exit_code == 0, result.output
    assert "warning: SECRET_KEY is not set" in result.output
    assert result.output.count("SECRET_KEY is not set") == 1  # not the start's log line as well


def test_sqlite_needs_no_warning(instance, caplog):
    create_app()
    assert not [r for r in caplog.records if "SECRET_KEY" in r.getMessage()]


@pytest.mark.parametrize("given", ["environment", "config"])
def test_a_shared_database_with_secret_key_starts(instance, monkeypatch, given):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    if given == "environment":
        monkeypatch.setenv("SECRET_KEY", "shared")
    else:
        (instance / "config.py").write_text('SECRET_KEY = "shared"\n')
    assert create_app().config["SECRET_KEY"] == "shared"


def test_sqlite_still_makes_its_own_key(instance):
    assert create_app().config["SECRET_KEY"] == (instance / "secret_key").read_text()
