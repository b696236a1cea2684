"""Vendor client software, unmodified, against the service (slow):
- the `pyecwid` package from PyPI, a web-store API client, against a live gunicorn;
- a client that `openapi-python-client` generates from the served OpenAPI document;
- the types `openapi-typescript` (npm) makes of it, checked by `tsc --strict`."""

import re
import subprocess
import sys
import uuid

import pytest
import requests
from conftest import STRONG_PASSWORD
from servers import BIN, ROOT, app_environment, gunicorn

pytestmark = pytest.mark.slow
STORE_ID = 1001
TENANTS = f"""
[tenants.default]
store_id = {STORE_ID}
"""


@pytest.fixture
def server(tmp_path):
    """A live service with a store, and a bearer token of its tenant: (server, token)."""
    (tmp_path / "tenants.toml").write_text(TENANTS)
    env = app_environment(tmp_path, RATELIMIT_STORAGE_URI="memory://")
    # `python -m flask` from the project folder: the webapp there, as gunicorn serves it.
    made = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "create-api-key", "default"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    token = re.search(r"^bearer token: (\S+)$", made.stdout, re.MULTILINE)[1]
    with gunicorn(tmp_path, env, workers=1) as running:
        yield running, token


def test_pyecwid_creates_a_customer_and_gets_409_for_the_same_email(server):
    from pyecwid import Ecwid

    running, token = server
    # The documented base_url, and skip_test: the profile endpoint it would probe is not ours.
    ecwid = Ecwid(
        f"secret_{token}", STORE_ID, skip_test=True, base_url=running.url + "/api/v3/{0}/"
    )
    email = f"ann+{uuid.uuid4().hex[:8]}@example.com"
    customer = {
        "email": email,
        "password": STRONG_PASSWORD,
        "billingPerson": {
            "name": "Ann Lee",
            "street": "12 St James's Square",
            "city": "London",
            "countryCode": "GB",
            "postalCode": "SW1Y 4JH",
        },
        "lang": "en",
    }
    number = ecwid.customers.add(customer)
    assert isinstance(number, int) and number >= 1
    with pytest.raises(UserWarning) as refused:
        ecwid.customers.add({**customer, "email": email.upper()})
    assert refused.value.args[1] == 409
    # The token came in the query string, which no log line carries.
    secret = token.partition(".")[2]
    lines = running.log_path.read_text()
    assert "/api/v3/1001/customers" in lines and secret not in lines


def _generate(tmp_path, document):
    """openapi-python-client's package for `document`, and what it said."""
    (tmp_path / "openapi.json").write_text(document)
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path)}  # ruff formats its output
    done = subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            "openapi.json",
            "--output-path",
            "client",
            "--meta",
            "none",
        ],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path / "client", done.stdout + done.stderr


def test_a_generated_python_client_registers_and_reads_back_a_customer(server, tmp_path):
    running, token = server
    package, said = _generate(
        tmp_path, requests.get(running.url + "/api/openapi.json", timeout=30).text
    )
    # The only warnings: XML request bodies, which the generator does not support.
    warnings = re.findall(r"^WARNING .*\n\n(.*)$", said, re.MULTILINE)
    assert warnings and set(warnings) == {
        "Unsupported content type application/xml",
        "Unsupported content type text/xml",
    }, said
    assert "Skipping" not in said and "Unable" not in said, said
    used = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT, running.url, token],
        cwd=package.parent,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert used.returncode == 0 and used.stdout.strip() == "ok", used.stdout + used.stderr


# Run in its own interpreter, so that the generated package is imported from its folder.
CLIENT_SCRIPT = f"""
import enum, sys, uuid
from client import AuthenticatedClient, Client, models
from client.api.default import create_customer, get_customer
from client.models import Consents, Customer, NewCustomer

# One type for each enum: the document names them, so that no two classes hold the same values.
enums = [tuple(m.value for m in kind) for kind in vars(models).values()
         if isinstance(kind, type) and issubclass(kind, enum.Enum)]
assert enums and len(enums) == len(set(enums)), enums

url, token = sys.argv[1:]
name = "ada" + uuid.uuid4().hex[:8]
body = NewCustomer(username=name, password={STRONG_PASSWORD!r}, email=name + "@example.com",
                   title="Ms", surname="Lovelace", date_of_birth="1990-03-27",
                   consents=Consents(consent_ids=["terms", "privacy"],
                                     contact_methods=["email"]))
with Client(base_url=url, raise_on_unexpected_status=True) as public:
    created = create_customer.sync(client=public, body=body)
assert isinstance(created, Customer), created
with AuthenticatedClient(base_url=url, token=token,
                         raise_on_unexpected_status=True) as partner:
    read = get_customer.sync(client=partner, customer_id=created.customer_id)
assert isinstance(read, Customer), read
assert (read.customer_id, read.username, read.surname) == (created.customer_id, name, "Lovelace")
assert read.store_profile is None and read.consents.consent_ids == ["terms", "privacy"]
print("ok")
"""


# Strict types: a Customer lacking a member does not compile; a documented enum is one type.
TYPESCRIPT_USE = """
import type { components, paths } from "./schema";
type Customer = components["schemas"]["Customer"];
type Created = paths["/api/v1/customers"]["post"]["responses"][201]["content"]["application/json"];
// @ts-expect-error every member of a customer is always answered
const partial: Customer = { customerId: "x" };
const profile: Created["storeProfile"] = null;
const code: components["schemas"]["FaultCode"] = 91000;
const kind: components["schemas"]["WebStoreOrderType"] = "b2b";
export { partial, profile, code, kind };
"""


def test_openapi_typescript_makes_strict_types_without_a_warning(client, tmp_path):
    (tmp_path / "openapi.json").write_bytes(client.get("/api/openapi.json").data)
    tools = ROOT / "node_modules" / ".bin"
    done = subprocess.run(
        [tools / "openapi-typescript", "openapi.json", "-o", "schema.d.ts"],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "warn" not in said.lower() and "⚠" not in said, said
    (tmp_path / "use.ts").write_text(TYPESCRIPT_USE)
    done = subprocess.run(
        [tools / "tsc", "--strict", "--noEmit", "use.ts"],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
