"""API keys (section 9): `flask --app webapp create-api-key <tenant>` and how the secret is kept."""

import json
import re

import pytest
import sqlalchemy as sa
from conftest import CUSTOMERS, hmac_headers, valid_customer

from webapp.extensions import db
from webapp.models import ApiKey

TOKEN_PART = r"[A-Za-z0-9_-]+"


@pytest.fixture
def printed(runner):
    result = runner.invoke(args=["create-api-key", "default"])
    assert result.exit_code == 0, result.output
    return result.output


def parse(output):
    match = re.fullmatch(
        rf"key id: ({TOKEN_PART})\nsecret: ({TOKEN_PART})\n"
        rf"bearer token: ({TOKEN_PART}\.{TOKEN_PART})\n",
        output,
    )
    assert match, output
    return match.groups()


def test_create_api_key_prints_id_secret_and_bearer_token(printed):
    key_id, secret, token = parse(printed)
    assert token == f"{key_id}.{secret}"
    assert len(secret) >= 32


def test_each_key_is_new(runner):
    outputs = [parse(runner.invoke(args=["create-api-key", "default"]).output) for _ in range(2)]
    assert outputs[0][0] != outputs[1][0] and outputs[0][1] != outputs[1][1]


def test_the_printed_token_works_as_bearer(client, printed):
    _, _, token = parse(printed)
    response = client.post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201
    assert response.get_json()["source"] == "USER"


def test_the_printed_secret_signs_hmac(client, printed):
    key_id, secret, _ = parse(printed)
    raw = json.dumps(valid_customer()).encode()
    response = client.post(
        CUSTOMERS,
        data=raw,
        content_type="application/json",
        headers=hmac_headers(key_id, secret, "POST", CUSTOMERS, raw),
    )
    assert response.status_code == 201
    assert response.get_json()["source"] == "HMAC"


def test_the_secret_is_not_stored_in_plain_text(app, printed):
    key_id, secret, _ = parse(printed)
    with app.app_context():
        row = db.session.execute(sa.select(ApiKey.__table__).where(ApiKey.id == key_id)).one()
    stored = " ".join(str(value) for value in row)
    assert secret not in stored
    assert secret[:16] not in stored and secret[-16:] not in stored


def test_unknown_tenant_is_refused(runner, app):
    result = runner.invoke(args=["create-api-key", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(ApiKey)).scalar() == 0


def test_a_key_of_another_tenant(make_app):
    app = make_app('[tenants.acme]\nname = "Acme"\n')
    _, _, token = parse(app.test_cli_runner().invoke(args=["create-api-key", "acme"]).output)
    response = app.test_client().post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.get_json()["tenantId"] == "acme"
