"""With a database other than SQLite the service refuses to start without a SECRET_KEY from the
environment or the configuration: a key made in one machine's instance folder cannot be shared."""

import pytest
from flask.cli import cli as flask_cli
from flask.testing import CliRunner

from webapp import create_app
from webapp.config import ConfigError

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/app"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for key in ("SECRET_KEY", "DATABASE_URL", "SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TENANTS_FILE", str(tmp_path / "tenants.toml"))
    return tmp_path


def test_a_shared_database_without_secret_key_refuses_to_start(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()
    assert not (instance / "secret_key").exists()


def test_check_config_says_why(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    result = CliRunner().invoke(flask_cli, ["--app", "webapp", "check-config"])
    assert result.exit_code != 0
    assert "SECRET_KEY is not set" in result.output


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
