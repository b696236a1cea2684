"""Operators for the console's tests: made as `create-operator` makes them, enrolled through the
setup page with a TOTP code computed here, as an authenticator app computes it."""

import re
import time

import pyotp

PASSWORD = "quartz-Lantern-meadow-47"
TOTP_STEP = 30


def setup_link(app, email, *tenants):
    """The path of a new operator's one-time setup link, from the command's own output."""
    arguments = ["create-operator", email, *[f"--tenant={slug}" for slug in tenants]]
    result = app.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 0, result.output
    link = re.search(r"setup link \(valid 24 hours, once\): (\S+)", result.output).group(1)
    return link.removeprefix("http://localhost:5000")


def secret_of(html):
    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)


def code(secret, steps_ahead=0):
    """The code an authenticator app shows `steps_ahead` 30-second steps from now."""
    return pyotp.TOTP(secret).at(time.time() + steps_ahead * TOTP_STEP)


def enrol(client, path):
    """Follow a setup link: choose the password, prove the app; return the TOTP secret."""
    secret = secret_of(client.get(path).get_data(as_text=True))
    response = client.post(path, data={"password": PASSWORD, "code": code(secret)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return secret


def sign_in(client, email, secret, steps_ahead=1, password=PASSWORD):
    # The enrolment used this step's code; a code is good once, so the next step's is sent.
    return client.post(
        "/console/sign-in",
        data={"email": email, "password": password, "code": code(secret, steps_ahead)},
    )


def operator_client(app, email="ops@example.com", *tenants):
    """A test client signed in to the console as a new operator of `tenants` (none: all)."""
    client = app.test_client()
    secret = enrol(client, setup_link(app, email, *tenants))
    response = sign_in(client, email, secret)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client
