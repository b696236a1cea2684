"""Configuration (section 10): built-in defaults, the environment, the instance folder, tests."""

import os
import stat

import pytest

from webapp import config as settings
from webapp import create_app
from webapp.auth import ratelimits
from webapp.config import ConfigError, defaults

SECTION_10 = [
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_ENABLED",
    "RATELIMIT_REGISTRATION",
    "RATELIMIT_VALIDATION",
    "RATELIMIT_API",
    "TENANTS_FILE",
    "MAIL_SERVER",
    "MAIL_PORT",
    "OUTBOX_RETRY_BASE_SECONDS",
]


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder and an environment without any configuration key."""
    for key in SECTION_10 + ["MAX_CONTENT_LENGTH", "SQLALCHEMY_ENGINE_OPTIONS", "TESTING"]:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return tmp_path


def build(**test_config):
    return create_app(test_config or None)


def test_built_in_defaults(instance):
    config = build().config
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'webapp.sqlite'}"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["RATELIMIT_ENABLED"] is True
    assert config["RATELIMIT_REGISTRATION"] == "20 per hour"
    assert config["RATELIMIT_VALIDATION"] == "300 per minute"
    assert config["RATELIMIT_API"] == "600 per minute"
    assert config["TENANTS_FILE"] == str(instance / "tenants.toml")
    assert config["MAIL_SERVER"] is None
    assert config["OUTBOX_RETRY_BASE_SECONDS"] == 60
    assert config["MAX_CONTENT_LENGTH"] == 64 * 1024


def test_secret_key_is_made_once_and_kept_in_the_instance_folder(instance):
    first = build().config["SECRET_KEY"]
    assert len(first) >= 32
    kept = instance / "secret_key"
    assert kept.read_text() == first
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert build().config["SECRET_KEY"] == first


def test_secret_key_from_the_environment_wins(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert build().config["SECRET_KEY"] == "from-the-environment"
    assert not (instance / "secret_key").exists()


@pytest.mark.parametrize("key", [" ", "  \t", "\u200b", "\u200b\u2060\ufeff", "\u2800\u3164"])
def test_a_secret_key_of_white_space_alone_stops_the_start(instance, monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY is white space or invisible characters"):
        build()


def test_every_key_is_read_from_the_environment(instance, monkeypatch):
    environment = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
        "RATELIMIT_ENABLED": "false",
        "RATELIMIT_REGISTRATION": "5 per minute",
        "RATELIMIT_VALIDATION": "50 per minute",
        "RATELIMIT_API": "100 per minute",
        "TENANTS_FILE": str(instance / "elsewhere.toml"),
        "MAIL_SERVER": "smtp.example.com",
        "MAIL_PORT": "2525",
        "OUTBOX_RETRY_BASE_SECONDS": "5",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'other.sqlite'}",
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    config = build().config
    for key in (
        "RATELIMIT_STORAGE_URI",
        "RATELIMIT_REGISTRATION",
        "RATELIMIT_VALIDATION",
        "RATELIMIT_API",
        "TENANTS_FILE",
        "MAIL_SERVER",
        "SQLALCHEMY_DATABASE_URI",
    ):
        assert config[key] == environment[key]
    assert config["RATELIMIT_ENABLED"] is False
    assert config["MAIL_PORT"] == 2525
    assert config["OUTBOX_RETRY_BASE_SECONDS"] == 5


def test_database_url_is_read_as_the_database(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance / 'from-url.sqlite'}")
    assert build().config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'from-url.sqlite'}"


@pytest.mark.parametrize(
    "url", ["postgres://postgres@127.0.0.1:5432/app", "postgresql://postgres@127.0.0.1:5432/app"]
)
def test_plain_postgresql_urls_use_the_installed_driver(instance, monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "shared-secret")
    app = build()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/app"
    )
    with app.app_context():
        from webapp.extensions import db

        assert db.engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(
    "value, expected",
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("off", False), ("0", False)],
)
def test_switches_read_true_or_false(instance, monkeypatch, value, expected):
    monkeypatch.setenv("RATELIMIT_ENABLED", value)
    assert build().config["RATELIMIT_ENABLED"] is expected


@pytest.mark.parametrize(
    "key, value",
    [
        ("RATELIMIT_ENABLED", "maybe"),
        ("MAIL_PORT", "smtp"),
        ("OUTBOX_RETRY_BASE_SECONDS", "1m"),
        ("MAX_CONTENT_LENGTH", "64k"),
        # argon2id's own bounds: without the check every registration failed in the hash
        ("ARGON2_TIME_COST", "0"),
        ("ARGON2_MEMORY_COST", "7"),
        ("ARGON2_PARALLELISM", "0"),
        ("ARGON2_MEMORY_COST", str(2**32)),
        ("ARGON2_MEMORY_COST", str(2**32 - 1)),  # 4 TiB: more than this machine has
    ],
)
def test_a_value_of_the_wrong_kind_stops_start_up_naming_the_key(instance, monkeypatch, key, value):
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        build()


def test_argon2_memory_over_the_containers_limit_stops_start_up(instance, monkeypatch, tmp_path):
    limit = tmp_path / "memory.max"
    limit.write_text(f"{512 * 2**20}\n")  # a container given 512 MiB, on a larger machine
    monkeypatch.setattr(settings, "CGROUP_MEMORY_LIMITS", (str(limit),))
    monkeypatch.setenv("ARGON2_MEMORY_COST", str(600 * 1024))
    with pytest.raises(ConfigError, match="ARGON2_MEMORY_COST"):
        build()
    limit.write_text("max\n")  # none
    assert build().config["ARGON2_MEMORY_COST"] == 600 * 1024


def test_the_smallest_argon2_parameters_start(instance, monkeypatch):
    for key, value in [("ARGON2_TIME_COST", "1"), ("ARGON2_MEMORY_COST", "8")]:
        monkeypatch.setenv(key, value)
    assert build().config["ARGON2_MEMORY_COST"] == 8


def test_every_rate_limit_setting_is_checked_at_start_up():
    written = {
        key
        for key, value in defaults("/instance").items()
        if key.startswith("RATELIMIT_")
        and (isinstance(value, str) or key in ratelimits.OPTIONAL)
        and "STORAGE" not in key
    }
    assert written == set(ratelimits.BUDGETS)


@pytest.mark.parametrize("key", ratelimits.BUDGETS)
@pytest.mark.parametrize("value", ["banana", "3 a hour", ""])
def test_a_rate_limit_that_does_not_parse_stops_start_up_naming_the_key(
    instance, monkeypatch, key, value
):
    # Flask-Limiter itself would log the typo at each request and apply no limit at all.
    if key in ratelimits.OPTIONAL and not value:
        return  # an optional budget left empty is no budget (the next test)
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=f"{key}=.*is not a rate limit"):
        build()


@pytest.mark.parametrize("key", sorted(ratelimits.OPTIONAL))
def test_an_optional_budget_left_empty_is_no_budget(instance, monkeypatch, key):
    monkeypatch.setenv(key, "")
    assert not build().config[key]


def test_a_rate_limit_storage_of_no_known_kind_stops_start_up_naming_the_key(instance, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "bogus://")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI='bogus://'"):
        build()


@pytest.mark.parametrize(
    "uri",
    [
        "bogus://:s3cret@cache:6379/0",
        "redis://:s3cret@cache:port/0",
        "redis://user:s3/cret@cache:6379/12",  # a "/" in the password: the path is no number
        "redis://cache:6379/x?password=s3cret",
        "redis://user:s3cret@[::1/12",
        "redis://:x@s3cret@cache:6379/x",  # an "@" in the password
    ],
)
def test_a_storage_uri_that_stops_start_up_is_not_repeated_with_its_password(
    instance, monkeypatch, uri
):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", uri)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI=") as stopped:
        build()
    assert "s3cret" not in str(stopped.value)


def test_rate_limits_as_written_in_the_contract_start(instance, monkeypatch):
    monkeypatch.setenv("RATELIMIT_PUBLIC_API", "3 per hour")
    monkeypatch.setenv("RATELIMIT_API", "600/minute; 10000 per day")
    assert build().config["RATELIMIT_PUBLIC_API"] == "3 per hour"


def test_keys_take_the_type_of_their_default(instance, monkeypatch):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1024")
    monkeypatch.setenv("TESTING", "false")
    config = build().config
    assert config["MAX_CONTENT_LENGTH"] == 1024
    assert config["TESTING"] is False


def test_structured_keys_are_not_read_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("SQLALCHEMY_ENGINE_OPTIONS", "pool_size=5")
    assert isinstance(build().config["SQLALCHEMY_ENGINE_OPTIONS"], dict)


def test_test_config_overrides_the_environment(instance, monkeypatch):
    monkeypatch.setenv("RATELIMIT_API", "100 per minute")
    assert build(RATELIMIT_API="7 per minute").config["RATELIMIT_API"] == "7 per minute"


def test_instance_config_file_is_read(instance, monkeypatch):
    (instance / "config.py").write_text('RATELIMIT_API = "9 per minute"\n')
    assert build().config["RATELIMIT_API"] == "9 per minute"
    monkeypatch.setenv("RATELIMIT_API", "10 per minute")
    assert build().config["RATELIMIT_API"] == "10 per minute"


def test_the_tenants_file_key_chooses_the_file(instance):
    (instance / "shops.toml").write_text('[tenants.shop]\nname = "Shop"\n')
    app = build(TENANTS_FILE=str(instance / "shops.toml"))
    assert {t.slug for t in app.extensions["tenants"]} == {"shop", "default"}
