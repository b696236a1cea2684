"""A wizard post over 64 KiB is 413 with the wizard's page, whether it declares its length or is
sent in chunks (which the server hands on without a length); nothing of it is saved."""

import io
from urllib.parse import urlencode

import pytest
from conftest import unique

from webapp.extensions import db
from webapp.models import Draft


def _form(size):
    name = unique()
    head = urlencode(
        {
            "username": name,
            "email": f"{name}@example.com",
            "password": "correct horse battery staple",
            "padding": "",
        }
    )
    return (head + "x" * (size - len(head))).encode()


def _post(client, data, chunked):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if chunked:
        return client.post(
            "/register",
            input_stream=io.BytesIO(data),
            headers={**headers, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
    return client.post("/register", data=data, headers=headers)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_post_over_64_kib_is_413_and_saves_nothing(app, client, chunked):
    response = _post(client, _form(64 * 1024 + 1), chunked)
    assert response.status_code == 413
    assert "Too much information was sent" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Draft).count() == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_a_post_of_64_kib_is_read_whole(client, chunked):
    assert _post(client, _form(64 * 1024), chunked).status_code == 303
