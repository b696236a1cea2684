"""`flask --app webapp check-config`: the tenants file checked, and what each tenant allows."""

import textwrap

import pytest
from click.testing import CliRunner
from conftest import WEBHOOK_SECRET
from flask.cli import cli as flask_cli

ACME = f"""
[tenants.acme]
name = "Acme Bets"
store_id = 1001
currencies = ["GBP", "EUR"]
default_currency = "EUR"
customer_types = ["Member", "Gold"]
min_age = 21
password_min_length = 12
password_min_score = 4
contact_methods = ["email", "sms"]
require_contact_method = false
unique_email = false
public_registration = false
registration_open = false
embed_origins = ["https://partner.example", "https://other.example"]
loyalty = true
send_account_email = false
webhook_url = "https://hook-user:hook-password@partner.example:8443/hooks/signup?token=t0ken"
webhook_secret = "{WEBHOOK_SECRET}"
verify_email = "code"
enumeration_safe = true
proof_of_work = true
block_disposable_email = true
blocked_email_domains = ["rival.example"]
allowed_email_domains = ["staff.mailinator.com"]
default_country = "DE"
continue_url = "https://acme.example/shop"
continue_label = "Continue to the shop"

[[tenants.acme.consents]]
id = "terms"
label = "I accept the terms and conditions"
version = "2026-01"
mandatory = true

[[tenants.acme.consents]]
id = "marketing"
label = "Send me offers"
double_opt_in = true
url = "https://acme.example/offers"

[[tenants.acme.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
max_length = 50
"""


def check_config(tmp_path, tenants=None, command=("check-config",), **environment):
    """Run `flask --app webapp check-config` (or `command`) on a tenants file holding `tenants`
    (None: no file), with `environment`'s variables set besides."""
    tenants_file = tmp_path / "tenants.toml"
    if tenants is not None:
        tenants_file.write_text(textwrap.dedent(tenants))
    env = {
        "TENANTS_FILE": str(tenants_file),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        **environment,
    }
    return CliRunner().invoke(flask_cli, ["--app", "webapp", *command], env=env), tenants_file


def test_prints_what_each_tenant_allows(tmp_path):
    result, tenants_file = check_config(tmp_path, ACME)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"{tenants_file}: valid", "2 tenant(s)", ""]
    acme = lines[3 : lines.index("", 3)]
    assert acme == [
        "acme: Acme Bets",
        (
            "  registration: closed (every door answers 90055), with API credentials, or in its "
            "embed inside its embed origins' pages (its wizard pages answer 404)"
        ),
        "  store id (the web-store API): 1001",
        (
            "  consents: terms (version 2026-01, mandatory), marketing (version 1, optional, "
            "double opt-in, text at https://acme.example/offers)"
        ),
        "  contact methods: email, sms; none required",
        "  currencies: GBP, EUR (default)",
        "  customer types: Member (without API credentials), Gold",
        "  custom attributes: favouriteTeam (at most 50 characters, optional)",
        "  minimum age: 21",
        "  passwords: at least 12 characters, strength score at least 4 of 4",
        "  unique email: no",
        (
            "  proof of ownership: email verified by a mailed code, enumeration-safe (never says "
            "an email is taken)"
        ),
        "  proof of work: on",
        (
            "  email domains: disposable domains blocked; blocked: rival.example; allowed despite "
            "the lists: staff.mailinator.com"
        ),
        "  default country: DE",
        "  next step after registering: https://acme.example/shop as 'Continue to the shop'",
        "  embed origins: https://partner.example, https://other.example",
        "  loyalty: on",
        "  account email: off",
        "  webhook: on, to https://partner.example:8443",
        "  branding: colour #1d4f91, logo none, support email none",
    ]
    # The built-in default tenant is there too, with the built-in values.
    assert "default: Registration" in lines
    assert (
        "  consents: terms (version 1, mandatory), privacy (version 1, mandatory), "
        "marketing (version 1, optional)" in lines
    )
    assert "  registration: open, also without API credentials" in lines
    assert "  webhook: off" in lines
    assert "  proof of ownership: email not verified" in lines
    assert "  email domains: any" in lines
    assert "  next step after registering: none (the completion page says what happens next)" in (
        lines
    )


def test_never_prints_the_webhook_secret_or_credentials_in_its_url(tmp_path):
    result, _ = check_config(tmp_path, ACME)

    assert result.exit_code == 0
    for secret in (
        WEBHOOK_SECRET,
        WEBHOOK_SECRET.removeprefix("whsec_"),
        "hook-password",
        "hook-user",
        "t0ken",
    ):
        assert secret not in result.output


def test_without_a_file_only_the_default_tenant_exists(tmp_path):
    result, tenants_file = check_config(tmp_path)

    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        f"{tenants_file}: no such file, so only the built-in tenant 'default' exists",
        "1 tenant(s)",
        "",
        "default: Registration",
    ]


@pytest.mark.parametrize(
    "broken, named",
    [
        ('[tenants.acme]\nmin_age = "18"\n', "tenant 'acme', key 'min_age': must be an integer"),
        (
            '[tenants.acme]\nfavourite_colour = "red"\n',
            "tenant 'acme': unknown key 'favourite_colour'",
        ),
        (
            '[tenants.acme]\ncurrencies = ["GBP"]\ndefault_currency = "USD"\n',
            "tenant 'acme', key 'default_currency': 'USD' is not one of the tenant's currencies",
        ),
        (
            '[tenants.acme]\nwebhook_url = "https://partner.example/hook"\n',
            "tenant 'acme', key 'webhook_secret'",
        ),
        (
            '[tenants.acme]\n[[tenants.acme.consents]]\nid = "terms"\n',
            "tenant 'acme', key 'consents'[0]: missing key 'label'",
        ),
        ('[tenants.ok]\n[tenants."Bad Slug"]\n', "tenant 'Bad Slug'"),
    ],
)
def test_a_broken_tenant_exits_non_zero_naming_the_tenant_and_the_key(tmp_path, broken, named):
    result, _ = check_config(tmp_path, broken)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: the tenants file is broken: ")
    assert named in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "key, value, named",
    [
        ("RATELIMIT_PUBLIC_API", "banana", "RATELIMIT_PUBLIC_API='banana' is not a rate limit"),
        ("RATELIMIT_ENABLED", "maybe", "RATELIMIT_ENABLED='maybe': expected true or false"),
        ("MAIL_PORT", "abc", "MAIL_PORT='abc': expected a whole number"),
        ("RATELIMIT_STORAGE_URI", "bogus://", "RATELIMIT_STORAGE_URI='bogus://'"),
        ("RATELIMIT_STORAGE_URI", "redis:/127.0.0.1", "Redis URL must specify one of"),
        ("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:port/0", "Port could not be cast"),
        (
            "RATELIMIT_STORAGE_URI",
            "redis://:pw@127.0.0.1:6379/abc",
            "'redis://...@127.0.0.1:6379/abc': the database after the host must be a number",
        ),
        ("OUTBOX_RETRY_BASE_SECONDS", "-5", "='-5': expected a whole number, 0 or more"),
        ("MIN_WIZARD_SECONDS", "-3", "='-3': expected a whole number, 0 or more"),
        ("DATABASE_URL", "bogus://", "DATABASE_URL: Can't load plugin: sqlalchemy.dialects:bogus"),
        ("DATABASE_URL", "postgresql://u:pw@db:port/x", "DATABASE_URL: invalid literal for int()"),
        ("DATABASE_URL", "postgresql+psycopg2://db/x", "DATABASE_URL: No module named 'psycopg2'"),
    ],
)
def test_a_setting_that_cannot_serve_is_named_without_a_traceback(tmp_path, key, value, named):
    result, _ = check_config(tmp_path, **{key: value})

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and named in result.stderr
    assert "Traceback" not in result.output
    assert ":pw@" not in result.stderr  # a database URL's password is not repeated


@pytest.mark.parametrize(
    "command", [["create-api-key", "default"], ["worker", "--once"], ["routes"]]
)
def test_every_command_names_a_broken_tenants_file_without_a_traceback(tmp_path, command):
    result, tenants_file = check_config(tmp_path, '[tenants.acme]\nmin_age = "18"\n', command)

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tenants_file}: tenant 'acme', key 'min_age': must be an integer from 0 to 120\n"
    )


def test_a_file_that_is_not_toml_names_the_line(tmp_path):
    result, tenants_file = check_config(tmp_path, '[tenants.acme]\nname = "Acme"\nmin_age = \n')

    assert result.exit_code == 1
    assert f"{tenants_file}: " in result.stderr
    assert "line 3" in result.stderr


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/registration"  # nothing listens on port 1


@pytest.mark.parametrize(
    "command",
    [
        ["create-api-key", "default"],
        ["worker", "--once"],
        ["outbox"],
        ["db", "current"],
        ["create-operator", "ops@example.com"],
    ],
)
def test_a_database_that_cannot_be_reached_is_named_without_a_traceback(tmp_path, command):
    # A tenants file there, so that the one line is the database's (a missing one is warned of).
    result, _ = check_config(tmp_path, "", command=command, DATABASE_URL=UNREACHABLE)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: DATABASE_URL: cannot use the database: ")
    assert "Connection refused" in result.stderr and result.stderr.count("\n") == 1


def test_an_sqlite_file_that_cannot_be_opened_is_named_without_a_traceback(tmp_path):
    missing = tmp_path / "no such folder" / "registration.sqlite"
    result, _ = check_config(tmp_path, command=["routes"], DATABASE_URL=f"sqlite:///{missing}")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: DATABASE_URL: cannot use the database: unable to open database file\n"
    )


def test_every_command_is_one_that_names_a_database_error_in_one_line(app):
    from webapp.cli import Command, Group

    commands = app.cli.commands.values()
    assert {c.name for c in commands} >= {"db", "worker", "create-operator", "erase-customer"}
    assert [c.name for c in commands if not isinstance(c, (Command, Group))] == []
