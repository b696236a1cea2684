"""The tenants file (section 9): built-in values, every key, and broken files stopping start-up."""

import textwrap

import pytest

from webapp.tenants import (
    BUILT_IN_CONSENTS,
    DEFAULT_SLUG,
    Consent,
    CustomAttribute,
    TenantConfigError,
    TenantRegistry,
    parse_tenants,
)

EVERY_KEY = """
[tenants.acme]
name = "Acme Bets"
store_id = 1001
currencies = ["GBP", "EUR"]
default_currency = "EUR"
customer_types = ["Standard", "Gold"]
min_age = 21
password_min_length = 10
password_min_score = 4
contact_methods = ["email", "post"]
require_contact_method = false
unique_email = false
public_registration = false
registration_open = false
embed_origins = ["https://partner.example", "http://localhost:8000"]
loyalty = true
send_account_email = false
webhook_url = "https://partner.example/hooks/signup"
webhook_secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
primary_colour = "#aa3300"
logo_url = "https://partner.example/logo.svg"
support_email = "help@partner.example"

[[tenants.acme.consents]]
id = "terms"
label = "I accept the terms and conditions"
version = "2026-01"
mandatory = true

[[tenants.acme.consents]]
id = "offers"
label = "Send me offers"

[[tenants.acme.custom_attributes]]
name = "favouriteTeam"
label = "Favourite team"
max_length = 50
required = true

[[tenants.acme.custom_attributes]]
name = "shoeSize"
label = "Shoe size"
"""


def parse(text):
    return parse_tenants(textwrap.dedent(text), "tenants.toml")


def test_without_a_file_only_the_default_tenant_exists(tmp_path):
    tenants = list(TenantRegistry.from_file(tmp_path / "missing.toml"))
    assert [t.slug for t in tenants] == [DEFAULT_SLUG]


def test_built_in_values(tmp_path):
    tenant = TenantRegistry.from_file(tmp_path / "missing.toml").default
    assert [(c.id, c.mandatory) for c in tenant.consents] == [
        ("terms", True),
        ("privacy", True),
        ("marketing", False),
    ]
    assert tenant.contact_methods == ("email", "sms", "phone", "post")
    assert tenant.require_contact_method is True
    assert tenant.customer_types == ("Standard", "VIP")
    assert (tenant.currencies, tenant.default_currency) == (("GBP", "EUR", "USD"), "GBP")
    assert (tenant.min_age, tenant.password_min_length, tenant.password_min_score) == (18, 8, 3)
    assert (
        tenant.public_registration,
        tenant.registration_open,
        tenant.send_account_email,
        tenant.loyalty,
        tenant.unique_email,
    ) == (True, True, True, False, True)
    assert (tenant.embed_origins, tenant.store_id, tenant.webhook_url, tenant.webhook_secret) == (
        (),
        None,
        None,
        None,
    )
    assert tenant.custom_attributes == ()


def test_a_tenant_leaving_keys_out_takes_every_built_in_value():
    tenants = parse('[tenants.shop]\nname = "Shop"\n')
    built_in = parse("")[DEFAULT_SLUG]
    shop = tenants["shop"]
    for key in (
        "consents",
        "contact_methods",
        "customer_types",
        "currencies",
        "default_currency",
        "min_age",
        "password_min_length",
        "password_min_score",
        "public_registration",
        "registration_open",
        "send_account_email",
        "loyalty",
        "unique_email",
        "require_contact_method",
        "embed_origins",
        "store_id",
        "webhook_url",
        "primary_colour",
        "logo_url",
        "support_email",
    ):
        assert getattr(shop, key) == getattr(built_in, key), key
    assert shop.consents == BUILT_IN_CONSENTS


def test_a_file_without_a_default_tenant_still_has_one():
    assert set(parse('[tenants.shop]\nname = "Shop"\n')) == {"shop", DEFAULT_SLUG}


def test_the_default_tenant_may_be_configured():
    assert parse("[tenants.default]\nmin_age = 16\n")[DEFAULT_SLUG].min_age == 16


def test_a_tenant_without_a_name_is_named_after_its_slug():
    assert parse("[tenants.acme-bets]\n")["acme-bets"].name == "Acme Bets"


def test_every_key_is_read():
    acme = parse(EVERY_KEY)["acme"]
    assert acme.name == "Acme Bets" and acme.store_id == 1001
    assert (acme.currencies, acme.default_currency) == (("GBP", "EUR"), "EUR")
    assert acme.customer_types == ("Standard", "Gold")
    assert (acme.min_age, acme.password_min_length, acme.password_min_score) == (21, 10, 4)
    assert acme.contact_methods == ("email", "post")
    assert (
        acme.require_contact_method,
        acme.unique_email,
        acme.public_registration,
        acme.registration_open,
        acme.loyalty,
        acme.send_account_email,
    ) == (False, False, False, False, True, False)
    assert acme.embed_origins == ("https://partner.example", "http://localhost:8000")
    assert acme.webhook_url == "https://partner.example/hooks/signup"
    assert acme.webhook_secret.startswith("whsec_")
    assert (acme.primary_colour, acme.logo_url, acme.support_email) == (
        "#aa3300",
        "https://partner.example/logo.svg",
        "help@partner.example",
    )
    assert acme.consents == (
        Consent("terms", "I accept the terms and conditions", "2026-01", True),
        Consent("offers", "Send me offers", "1", False),
    )
    assert acme.custom_attributes == (
        CustomAttribute("favouriteTeam", "Favourite team", 50, True),
        CustomAttribute("shoeSize", "Shoe size", 200, False),
    )


def test_the_registry_finds_a_tenant_by_slug_and_store_id(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_text(EVERY_KEY)
    tenants = TenantRegistry.from_file(path)
    assert tenants.get("acme").name == "Acme Bets"
    assert tenants.by_store_id(1001).slug == "acme"
    assert tenants.get("nope") is None and tenants.by_store_id(1) is None


BROKEN = [
    # (file, what the message must name)
    ('[tenants.acme]\nname = "Acme\n', ["line 2"]),
    ("[tenants.acme]\nmin_age = 18\nmin_age = 19\n", ["line 3"]),
    ('[tenants.acme]\nmin_age = "18"\n', ["acme", "min_age"]),
    ("[tenants.acme]\nmin_age = 121\n", ["acme", "min_age"]),
    ("[tenants.acme]\npassword_min_score = 5\n", ["acme", "password_min_score"]),
    ("[tenants.acme]\npassword_min_length = 0\n", ["acme", "password_min_length"]),
    ('[tenants.acme]\nregistration_open = "no"\n', ["acme", "registration_open"]),
    ("[tenants.acme]\nfavourite_colour = 1\n", ["acme", "favourite_colour"]),
    ('[tenants.acme]\ncurrencies = ["GBP", "XYZ"]\n', ["acme", "currencies"]),
    ('[tenants.acme]\ncurrencies = ["gbp"]\ndefault_currency = "gbp"\n', ["acme", "currencies"]),
    ("[tenants.acme]\ncurrencies = []\n", ["acme", "currencies"]),
    (
        '[tenants.acme]\ncurrencies = ["EUR"]\ndefault_currency = "GBP"\n',
        ["acme", "default_currency"],
    ),
    ("[tenants.acme]\ncustomer_types = []\n", ["acme", "customer_types"]),
    ("[tenants.acme]\ncontact_methods = []\n", ["acme", "contact_methods"]),
    ('[tenants.acme]\ncontact_methods = ["email", "email"]\n', ["acme", "contact_methods"]),
    ('[tenants.acme]\ncustomer_types = ["VIP", "VIP"]\n', ["acme", "customer_types"]),
    ("[tenants.acme]\nstore_id = -1\n", ["acme", "store_id"]),
    # Punycode IDNA refuses: no address's domain is that one.
    (
        '[tenants.acme]\nblocked_email_domains = ["xn--zz.example"]\n',
        ["acme", "blocked_email_domains"],
    ),
    # The web-store API's path takes at most 18 digits: such a store could not be reached.
    ("[tenants.acme]\nstore_id = 1000000000000000000\n", ["acme", "store_id"]),
    ('[tenants.acme]\nembed_origins = ["https://a.example/path"]\n', ["acme", "embed_origins"]),
    ('[tenants.acme]\nembed_origins = ["*"]\n', ["acme", "embed_origins"]),
    ('[tenants.acme]\nwebhook_url = "https://a.example/hook"\n', ["acme", "webhook_secret"]),
    (
        '[tenants.acme]\nwebhook_url = "ftp://a.example"\nwebhook_secret = "whsec_MDEyMzQ1Njc4"\n',
        ["acme", "webhook_url"],
    ),
    *[
        (
            f'[tenants.acme]\nwebhook_url = "{url}"\nwebhook_secret = "whsec_MDEyMzQ1Njc4"\n',
            ["acme", "webhook_url"],
        )
        # No host, a port out of range or zero, a space: nothing could ever be delivered.
        for url in (
            "http://",
            "https://hooks.example:99999/x",
            "https://a.example:0/",
            "https://a b/",
        )
    ],
    ('[tenants.acme]\nlogo_url = "https://"\n', ["acme", "logo_url"]),
    ('[tenants.acme]\ncontinue_url = "https://:80/"\n', ["acme", "continue_url"]),
    ('[tenants.acme]\nwebhook_secret = "secret"\n', ["acme", "webhook_secret"]),
    (
        '[tenants.acme]\nwebhook_url = "https://a.example/hook"\n'
        'webhook_secret = "whsec_!!not64"\n',
        ["acme", "webhook_secret"],
    ),
    ('[tenants.acme]\nprimary_colour = "red"\n', ["acme", "primary_colour"]),
    ('[tenants.acme]\nsupport_email = "nobody"\n', ["acme", "support_email"]),
    ("[tenants.acme]\nconsents = 1\n", ["acme", "consents"]),
    ('[[tenants.acme.consents]]\nlabel = "No id"\n', ["acme", "consents", "id"]),
    ('[[tenants.acme.consents]]\nid = "terms"\n', ["acme", "consents", "label"]),
    ('[[tenants.acme.consents]]\nid = "a b"\nlabel = "x"\n', ["acme", "consents", "id"]),
    (
        '[[tenants.acme.consents]]\nid = "t"\nlabel = "x"\nmandatory = "yes"\n',
        ["acme", "consents", "mandatory"],
    ),
    (
        '[[tenants.acme.consents]]\nid = "t"\nlabel = "x"\ncolour = 1\n',
        ["acme", "consents", "colour"],
    ),
    (
        '[[tenants.acme.consents]]\nid = "t"\nlabel = "x"\n[[tenants.acme.consents]]\nid = "t"\n'
        'label = "y"\n',
        ["acme", "consents", "twice"],
    ),
    (
        '[[tenants.acme.custom_attributes]]\nname = "team"\nlabel = "Team"\nmax_length = 0\n',
        ["acme", "custom_attributes", "max_length"],
    ),
    (
        '[[tenants.acme.custom_attributes]]\nname = "the team"\nlabel = "Team"\n',
        ["acme", "custom_attributes", "name"],
    ),
    ('[tenants."Acme Bets"]\nname = "x"\n', ["Acme Bets", "slug"]),
    ('[tenants."acme\\n"]\nname = "x"\n', ["slug"]),  # "$" matched before a final line break
    (
        '[[tenants.acme.custom_attributes]]\nname = "team\\n"\nlabel = "Team"\n',
        ["acme", "custom_attributes", "name"],
    ),
    ("[tenants]\nacme = 1\n", ["acme"]),
    ('title = "x"\n', ["tenants"]),
    ("[tenants.a]\nstore_id = 7\n[tenants.b]\nstore_id = 7\n", ["tenant 'b'", "store_id", "'a'"]),
]


@pytest.mark.parametrize(
    "currencies, default", [('["EUR", "USD"]', "EUR"), ('["USD", "GBP"]', "GBP")]
)
def test_a_left_out_default_currency_is_gbp_where_accepted_else_the_first(currencies, default):
    tenant = parse_tenants(f"[tenants.acme]\ncurrencies = {currencies}\n")["acme"]
    assert tenant.default_currency == default


@pytest.mark.parametrize("text, named", BROKEN)
def test_a_broken_file_is_refused_with_a_message_saying_where(text, named):
    with pytest.raises(TenantConfigError) as error:
        parse(text)
    message = str(error.value)
    assert message.startswith("tenants.toml")
    for word in named:
        assert word in message, message


def test_a_broken_file_stops_start_up(make_app):
    with pytest.raises(TenantConfigError, match="tenant 'acme', key 'min_age'"):
        make_app('[tenants.acme]\nmin_age = "eighteen"\n')


def test_a_file_that_is_not_utf8_stops_start_up_with_a_message(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_bytes(b'[tenants.acme]\nname = "Caf\xe9"\n')
    with pytest.raises(TenantConfigError, match="UTF-8"):
        TenantRegistry.from_file(path)


def test_a_tenants_path_that_cannot_be_read_stops_start_up_with_a_message(tmp_path):
    with pytest.raises(TenantConfigError, match="cannot be read"):
        TenantRegistry.from_file(tmp_path)  # a folder, not a file


def test_a_tenants_hash_follows_its_values_and_is_worked_out_once(monkeypatch):
    import dataclasses

    from webapp import tenants

    tenant = tenants.Tenant(slug="acme", name="Acme")
    same, other = dataclasses.replace(tenant), dataclasses.replace(tenant, name="Acme Ltd")
    assert same == tenant and hash(same) == hash(tenant)
    assert other != tenant and hash(other) != hash(tenant)
    monkeypatch.setattr(tenants, "fields", lambda _: pytest.fail("hashed again"))
    assert hash(tenant) == hash(same)


def test_a_tenants_file_named_but_missing_is_warned_about(make_app, caplog, tmp_path):
    # The built-in tenant alone, as without a file; but a mistyped path would be unsaid otherwise.
    missing = make_app(TENANTS_FILE=str(tmp_path / "etc" / "tenants.toml")).config["TENANTS_FILE"]
    assert [
        r.getMessage()
        for r in caplog.records
        if r.levelname == "WARNING" and "TENANTS_FILE" in r.getMessage()
    ] == [f"TENANTS_FILE={missing!r} does not exist: only the built-in tenant 'default' is served"]
    caplog.clear()
    make_app("[tenants.acme]\n")
    assert not [r for r in caplog.records if "TENANTS_FILE" in r.getMessage()]
