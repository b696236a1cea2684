"""The account fields through the JSON API: externalId, username, password, email (section 2)."""

import pytest
from conftest import CUSTOMERS, faults, make_api_key, unique, valid_customer

SECOND_TENANT = """
[tenants.other]
name = "Other"
"""


def email_of_length(length, local=None):
    """A valid, unique address exactly `length` characters long (64-character local part)."""
    local = local or unique("e").ljust(64, "x")
    room = length - len(local) - len("@") - len(".com")
    labels = []
    while room > 63:  # DNS labels hold at most 63 characters
        labels.append("d" * 62)
        room -= 63
    address = f"{local}@{'.'.join(labels + ['d' * room])}.com"
    assert len(address) == length and room > 0
    return address


def test_email_of_length_builds_exact_lengths():
    assert {len(email_of_length(n)) for n in (200, 201)} == {200, 201}


# --- externalId -------------------------------------------------------------------------------


def test_external_id_at_its_limit_is_stored(client):
    external = unique("x").ljust(200, "x")
    response = client.post(CUSTOMERS, json=valid_customer(externalId=external))
    assert response.status_code == 201
    assert response.get_json()["externalId"] == external


def test_external_id_over_its_limit_is_91000(client):
    response = client.post(CUSTOMERS, json=valid_customer(externalId="x" * 201))
    assert response.status_code == 400
    assert faults(response) == [(91000, "externalId")]


def test_external_id_taken_in_the_tenant_is_409_91008(client):
    assert client.post(CUSTOMERS, json=valid_customer(externalId="crm-1")).status_code == 201
    response = client.post(CUSTOMERS, json=valid_customer(externalId="crm-1"))
    assert response.status_code == 409
    assert faults(response) == [(91008, "externalId")]


def test_external_id_is_unique_per_tenant_only(make_app):
    client = make_app(SECOND_TENANT).test_client()
    assert client.post(CUSTOMERS, json=valid_customer(externalId="crm-1")).status_code == 201
    response = client.post(f"{CUSTOMERS}?tenant=other", json=valid_customer(externalId="crm-1"))
    assert response.status_code == 201


def test_customers_without_external_id_do_not_collide(client):
    for _ in range(2):
        response = client.post(CUSTOMERS, json=valid_customer(externalId=""))
        assert response.status_code == 201
        assert response.get_json()["externalId"] is None


# --- username ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [None, "", "   "])
def test_username_missing_or_blank_is_90075(client, username):
    body = valid_customer(username=username)
    if username is None:
        body.pop("username", None)
    response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 400
    assert faults(response) == [(90075, "username")]
    assert response.get_json()["message"] == "No Username provided"


def test_username_null_counts_as_missing(client):
    body = {**valid_customer(), "username": None}
    assert faults(client.post(CUSTOMERS, json=body)) == [(90075, "username")]


def test_username_at_its_limit_registers(client):
    username = unique("u").ljust(200, "u")
    response = client.post(CUSTOMERS, json=valid_customer(username=username))
    assert response.status_code == 201
    assert response.get_json()["username"] == username


def test_username_over_its_limit_is_90030(client):
    response = client.post(CUSTOMERS, json=valid_customer(username="u" * 201))
    assert response.status_code == 400
    assert faults(response) == [(90030, "username")]


@pytest.mark.parametrize("username", ["ada lovelace", "ada!", "ada#1", "<ada>", "ada\u200b"])
def test_username_with_other_characters_is_90030(client, username):
    response = client.post(CUSTOMERS, json=valid_customer(username=username))
    assert faults(response) == [(90030, "username")]


def test_username_may_hold_letters_digits_and_the_four_marks(client):
    username = unique("Zoë.o_k-9@x")
    assert client.post(CUSTOMERS, json=valid_customer(username=username)).status_code == 201


def test_username_mixing_look_alike_scripts_is_90030(client):
    # Latin "pay" with a Cyrillic "а".
    response = client.post(CUSTOMERS, json=valid_customer(username="p\u0430y" + unique()))
    assert faults(response) == [(90030, "username")]


def test_fullwidth_username_normalises_and_is_stored_as_typed(client):
    typed = "\uff41\uff44\uff41" + unique()  # fullwidth "ada": NFKC makes it plain letters
    response = client.post(CUSTOMERS, json=valid_customer(username=typed))
    assert response.status_code == 201
    assert response.get_json()["username"] == typed
    plain = "ADA" + typed[3:]
    taken = client.post(CUSTOMERS, json=valid_customer(username=plain))
    assert taken.status_code == 400
    assert faults(taken) == [(90074, "username")]


def test_username_whose_normal_form_outgrows_the_limit_is_90030(client):
    # 67 characters as typed, 201 after NFKC ("\ufb03" is the ligature of "ffi").
    response = client.post(CUSTOMERS, json=valid_customer(username="\ufb03" * 67))
    assert faults(response) == [(90030, "username")]


def test_username_that_case_folding_lengthens_is_within_the_limit(client):
    # 200 characters as typed and after NFKC; case folding ("ß" to "ss") is only how
    # uniqueness compares, so the capital sharp s folds to the same and is taken.
    response = client.post(CUSTOMERS, json=valid_customer(username="\u00df" * 200))
    assert response.status_code == 201
    assert response.get_json()["username"] == "\u00df" * 200
    taken = client.post(CUSTOMERS, json=valid_customer(username="\u1e9e" * 200))
    assert faults(taken) == [(90074, "username")]


def test_username_taken_is_90074_case_insensitively(client):
    username = unique("Grace")
    assert client.post(CUSTOMERS, json=valid_customer(username=username)).status_code == 201
    response = client.post(CUSTOMERS, json=valid_customer(username=username.lower()))
    assert response.status_code == 400
    assert faults(response) == [(90074, "username")]
    assert response.get_json()["message"] == "Username Provided already exists"


def test_username_is_unique_per_tenant_only(make_app):
    client = make_app(SECOND_TENANT).test_client()
    username = unique()
    assert client.post(CUSTOMERS, json=valid_customer(username=username)).status_code == 201
    response = client.post(f"{CUSTOMERS}?tenant=other", json=valid_customer(username=username))
    assert response.status_code == 201


# --- password ---------------------------------------------------------------------------------


@pytest.mark.parametrize("password", [None, ""])
def test_password_missing_or_empty_is_90044(client, password):
    body = valid_customer()
    if password is None:
        del body["password"]
    else:
        body["password"] = password
    response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 400
    assert faults(response) == [(90044, "password")]


def test_password_of_white_space_alone_is_there_but_unsafe_90073(client):
    response = client.post(CUSTOMERS, json=valid_customer(password=" " * 12))
    assert faults(response) == [(90073, "password")]


def test_password_is_never_returned(client):
    body = client.post(CUSTOMERS, json=valid_customer()).get_json()
    assert "password" not in body and "passwordHash" not in body


LONG_MINIMUM = """
[tenants.default]
password_min_length = 12
"""


def test_password_at_the_tenants_minimum_length_registers(make_app):
    client = make_app(LONG_MINIMUM).test_client()
    response = client.post(CUSTOMERS, json=valid_customer(password="Xq7#vR2!mK9p"))
    assert response.status_code == 201


def test_password_under_the_tenants_minimum_length_is_90073(make_app):
    client = make_app(LONG_MINIMUM).test_client()
    response = client.post(CUSTOMERS, json=valid_customer(password="Xq7#vR2!mK9"))
    assert response.status_code == 400
    assert faults(response) == [(90073, "password")]


def test_default_minimum_length_is_8(make_app):
    client = make_app("[tenants.default]\npassword_min_score = 0\n").test_client()
    assert client.post(CUSTOMERS, json=valid_customer(password="q" * 8)).status_code == 201
    assert faults(client.post(CUSTOMERS, json=valid_customer(password="q" * 7))) == [
        (90073, "password")
    ]


@pytest.mark.parametrize(
    "minimum, password, registers",
    [
        (3, "tiger-lamp-9", True),  # zxcvbn score 3
        (3, "correcthorse", False),  # score 2
        (2, "correcthorse", True),
        (4, "tiger-lamp-9", False),
        (3, "password1", False),  # score 0
    ],
)
def test_password_strength_is_the_tenants_zxcvbn_score(make_app, minimum, password, registers):
    client = make_app(f"[tenants.default]\npassword_min_score = {minimum}\n").test_client()
    response = client.post(CUSTOMERS, json=valid_customer(password=password))
    if registers:
        assert response.status_code == 201, response.get_json()
    else:
        assert faults(response) == [(90073, "password")]


def test_password_containing_the_username_is_90073(client):
    username = unique("ada")
    password = f"Xq7#{username.upper()}!mK9p"
    response = client.post(CUSTOMERS, json=valid_customer(username=username, password=password))
    assert faults(response) == [(90073, "password")]


def test_password_containing_the_username_s_normal_form_is_90073(client):
    # A full-width username is the same name as its NFKC form, and so is it inside a password.
    plain = unique("walrus")
    typed = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in plain)
    password = f"Xq7#{plain}!mK9p"
    response = client.post(CUSTOMERS, json=valid_customer(username=typed, password=password))
    assert faults(response) == [(90073, "password")]


def test_password_containing_the_emails_local_part_is_90073(client):
    local = unique("lovelace")
    response = client.post(
        CUSTOMERS, json=valid_customer(email=f"{local}@example.com", password=f"Xq7#{local}!mK9p")
    )
    assert faults(response) == [(90073, "password")]


def test_password_at_its_limit_registers(client):
    password = ("Xq7#vR2!mK9p-" * 16)[:200]
    assert client.post(CUSTOMERS, json=valid_customer(password=password)).status_code == 201


def test_password_over_its_limit_is_91000(client):
    password = ("Xq7#vR2!mK9p-" * 16)[:201]
    response = client.post(CUSTOMERS, json=valid_customer(password=password))
    assert response.status_code == 400
    assert faults(response) == [(91000, "password")]


def test_password_is_taken_exactly_as_typed(client):
    # Surrounding spaces are part of the password: no trimming, so 200 + 1 is over the limit.
    password = " " + ("Xq7#vR2!mK9p-" * 16)[:200]
    assert faults(client.post(CUSTOMERS, json=valid_customer(password=password))) == [
        (91000, "password")
    ]


# --- email ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        None,
        "",
        "  ",
        "not-an-email",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "ada @example.com",
    ],
)
def test_email_missing_or_invalid_is_91000(client, email):
    body = valid_customer()
    if email is None:
        del body["email"]
    else:
        body["email"] = email
    response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 400
    assert faults(response) == [(91000, "email")]
    assert "email" in response.get_json()["message"]


def test_email_at_its_limit_registers(client):
    email = email_of_length(200)
    response = client.post(CUSTOMERS, json=valid_customer(email=email))
    assert response.status_code == 201
    assert response.get_json()["email"] == email


def test_email_that_lower_case_lengthens_is_within_the_limit(client):
    # "İ" is one character, and two in lower case; the limit counts what was typed.
    local = unique("e") + "\u0130" * 20  # at most 64 bytes: "İ" takes two in UTF-8
    email = email_of_length(200, local)
    assert len(email) == 200 and len(email.lower()) > 200
    response = client.post(CUSTOMERS, json=valid_customer(email=email))
    assert response.status_code == 201
    taken = client.post(CUSTOMERS, json=valid_customer(email=email.upper()))
    assert faults(taken) == [(91001, "email")]


def test_email_over_its_limit_is_91000(client):
    response = client.post(CUSTOMERS, json=valid_customer(email=email_of_length(201)))
    assert faults(response) == [(91000, "email")]


def test_email_is_not_looked_up_in_dns(client):
    email = unique() + "@no-such-domain.invalid-tld-example"
    assert client.post(CUSTOMERS, json=valid_customer(email=email)).status_code == 201


def test_email_taken_is_409_91001_case_insensitively(client):
    email = unique("Ada") + "@Example.com"
    assert client.post(CUSTOMERS, json=valid_customer(email=email)).status_code == 201
    response = client.post(CUSTOMERS, json=valid_customer(email=email.lower()))
    assert response.status_code == 409
    assert faults(response) == [(91001, "email")]


@pytest.mark.parametrize(
    "first, again",
    [
        ("{}@example.com", "{}@ｅｘａｍｐｌｅ.ｃｏｍ"),  # the domain typed in full width
        ("{}@bücher.de", "{}@XN--BCHER-KVA.de"),  # an international domain, and its DNS form
    ],
)
def test_an_email_is_taken_in_any_form_of_its_domain(client, first, again):
    name = unique("ada")
    assert client.post(CUSTOMERS, json=valid_customer(email=first.format(name))).status_code == 201
    response = client.post(CUSTOMERS, json=valid_customer(email=again.format(name)))
    assert faults(response) == [(91001, "email")]


def test_tenant_with_unique_email_off_accepts_a_repeated_email(make_app):
    client = make_app("[tenants.default]\nunique_email = false\n").test_client()
    email = unique() + "@example.com"
    for _ in range(2):
        response = client.post(CUSTOMERS, json=valid_customer(email=email))
        assert response.status_code == 201
        assert response.get_json()["email"] == email


def test_email_is_unique_per_tenant_only(make_app):
    app = make_app(SECOND_TENANT)
    client = app.test_client()
    email = unique() + "@example.com"
    assert client.post(CUSTOMERS, json=valid_customer(email=email)).status_code == 201
    key_id, secret = make_api_key(app, "other")
    response = client.post(
        CUSTOMERS,
        json=valid_customer(email=email),
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert response.status_code == 201
