"""Tenant values that would break things later are refused when the file is read: a support
address that is not a bare address (line breaks would break every mail's Reply-To, markup would
garble it), embed origins that are not origins (a `;` would add a CSP directive), and names or
labels that are not one line of text (the name is a mail header too)."""

import pytest
from flask.cli import cli as flask_cli
from flask.testing import CliRunner

from webapp.tenants import TenantConfigError, parse_tenants


def _tenant(line):
    return f"[tenants.acme]\n{line}\n"


@pytest.mark.parametrize(
    "value",
    [
        '"help@acme.example\\r\\nBcc: all@victim.example"',
        '"help@acme.example\\n"',
        '"<b>help</b>@acme.example"',
        '"Acme Help <help@acme.example>"',
        '"help@acme.example>"',
        '"help"',
        '"help @acme.example"',
        '"hilfe-bücher@acme.example"',
    ],
)
def test_a_support_email_that_is_not_a_bare_address_is_refused(value):
    with pytest.raises(TenantConfigError) as error:
        parse_tenants(_tenant(f"support_email = {value}"), "tenants.toml")
    assert "tenant 'acme', key 'support_email'" in str(error.value)


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example; script-src *",
        "https://a.example;",
        "https://a.example b.example",
        "https://a.example'",
        "https://a.example,https://b.example",
        "https://a.example/",
        "https://user@a.example",
        "javascript://a.example",
        "https://a.example:port",
        "https://a.example:0",  # no browser's page has a port outside 1-65535
        "https://a.example:65536",
        "http://localhost:99999",
    ],
)
def test_an_embed_origin_that_is_not_an_origin_is_refused(origin):
    with pytest.raises(TenantConfigError) as error:
        parse_tenants(_tenant(f'embed_origins = ["{origin}"]'), "tenants.toml")
    assert "tenant 'acme', key 'embed_origins'" in str(error.value)


@pytest.mark.parametrize(
    "line, key",
    [
        ('name = "Acme\\nBcc: evil@example.net"', "name"),
        ('name = "Acme\\r"', "name"),
        ('name = "Acme\\u2028Bets"', "name"),
        ('continue_label = "Continue\\tto Acme"', "continue_label"),
        ('[[tenants.acme.consents]]\nid = "terms"\nlabel = "I accept\\nthe terms"', "label"),
        ('[[tenants.acme.custom_attributes]]\nname = "team"\nlabel = "Team\\u0000"', "label"),
    ],
)
def test_a_name_or_label_with_a_line_break_or_control_character_is_refused(line, key):
    # The tenant's name is the account email's sender name and subject: a line break there
    # failed every mail of the tenant at delivery, long after the file was accepted.
    with pytest.raises(TenantConfigError) as error:
        parse_tenants(_tenant(line), "tenants.toml")
    assert "tenant 'acme'" in str(error.value) and f"key '{key}'" in str(error.value)
    assert "no line break" in str(error.value)


@pytest.mark.parametrize(
    "lines, key, said",
    [
        (
            'blocked_email_domains = ["mailinator.com"]\n'
            'allowed_email_domains = ["mailinator.com"]',
            "allowed_email_domains",
            "lists mailinator.com, which blocked_email_domains lists too",
        ),
        (
            'continue_label = "Continue to the shop"',
            "continue_label",
            "there is no continue_url",
        ),
        (
            'blocked_email_domains = ["Rival.Example"]',
            "blocked_email_domains",
            "a list of domains in lower case",
        ),
    ],
)
def test_keys_that_contradict_or_go_unused_are_refused(lines, key, said):
    with pytest.raises(TenantConfigError) as error:
        parse_tenants(_tenant(lines), "tenants.toml")
    assert f"tenant 'acme', key '{key}'" in str(error.value) and said in str(error.value)


def test_email_domains_in_unicode_are_kept_in_the_form_an_address_is_compared_in():
    domains = '["bücher.example", "mail.example", "ｆｕｌｌ.example"]'
    tenant = parse_tenants(_tenant(f"blocked_email_domains = {domains}"))["acme"]
    assert tenant.blocked_email_domains == ("xn--bcher-kva.example", "mail.example", "full.example")


def test_embed_origins_are_kept_as_a_browser_writes_them():
    # The embed's script compares the page's origin as the browser gives it with these.
    tenant = parse_tenants(
        _tenant(
            'embed_origins = ["http://localhost:80", "https://Shop.Example:443", '
            '"http://127.0.0.1:8001", "https://[::1]:8443", "http://a.example:443"]'
        )
    )["acme"]
    assert tenant.embed_origins == (
        "http://localhost",
        "https://shop.example",
        "http://127.0.0.1:8001",
        "https://[::1]:8443",
        "http://a.example:443",
    )


def test_real_addresses_and_origins_are_kept():
    tenant = parse_tenants(
        _tenant(
            'support_email = "help+desk@acme.example"\nembed_origins = ["https://partner.example", '
            '"http://127.0.0.1:8001", "https://[::1]:8443", "https://shop.partner-site.example"]'
        )
    )["acme"]
    assert tenant.support_email == "help+desk@acme.example"
    assert len(tenant.embed_origins) == 4


def test_check_config_names_the_tenant_and_the_key(tmp_path):
    tenants = tmp_path / "tenants.toml"
    tenants.write_text(_tenant('embed_origins = ["https://a.example; script-src *"]'))
    result = CliRunner().invoke(
        flask_cli,
        ["--app", "webapp", "check-config"],
        env={
            "TENANTS_FILE": str(tenants),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
        },
    )
    assert result.exit_code != 0
    assert "tenant 'acme', key 'embed_origins'" in result.output
