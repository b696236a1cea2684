"""The request as a whole through the JSON API: media type, size, parsing, unknown fields and
types, fault order, stored text, a closed registration and unexpected errors (sections 2-4)."""

import codecs
import io
import json
import logging

import pytest
from conftest import CUSTOMERS, bearer, fault_codes, faults, valid_customer

from webapp import registration
from webapp.extensions import db
from webapp.models import Customer

# --- unknown fields and JSON types ------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["tenantId", "userId", "source", "isAdmin", "customerNumber", "Username"]
)
def test_unknown_top_level_field_is_91000_naming_it(client, name):
    response = client.post(CUSTOMERS, json={**valid_customer(), name: "x"})
    assert response.status_code == 400
    assert faults(response) == [(91000, name)]
    assert name in response.get_json()["message"]


@pytest.mark.parametrize("name", ["surname ", "surname\t", "title\u200b", "title\u0000"])
def test_an_unknown_field_like_a_known_one_is_listed_after_every_known_field(client, name):
    known = name.rstrip(" \t\u200b\u0000")
    body = {**valid_customer(), "zzz": 1, name: "x"}
    body.pop(known)
    found = faults(client.post(CUSTOMERS, json=body))
    assert found[0] == (91000, known)  # missing, and the top-level fault
    assert sorted(found[1:]) == sorted([(91000, name), (91000, "zzz")])


@pytest.mark.parametrize(
    "field, value",
    [
        ("username", 12345),
        ("password", ["violet", "Harbour"]),
        ("email", {"a": 1}),
        ("title", True),
        ("surname", 1.5),
        ("dateOfBirth", 19900327),
        ("phone", 447911123456),
        ("externalId", 7),
        ("displayName", False),
        ("currency", ["GBP"]),
        ("nationality", 826),
        ("customerType", {}),
        ("gender", 0),
        ("forename", ["Ada"]),
        ("mobile", True),
        ("addresses", "London"),
        ("consents", ["terms"]),
        ("customAttributes", {"a": "b"}),
    ],
)
def test_value_of_the_wrong_json_type_is_91000_naming_the_field(client, field, value):
    response = client.post(CUSTOMERS, json=valid_customer(**{field: value}))
    assert response.status_code == 400
    # Alone: what the value holds could not be read, so nothing in it is "missing" as well.
    assert faults(response) == [(91000, field)]
    assert field in response.get_json()["message"]


def test_null_optional_field_counts_as_left_out(client):
    body = {
        **valid_customer(),
        "forename": None,
        "phone": None,
        "addresses": None,
        "customAttributes": None,
        "externalId": None,
    }
    assert client.post(CUSTOMERS, json=body).status_code == 201


# --- all faults, in field order -----------------------------------------------------------------


def test_every_fault_is_listed_in_field_order(client):
    body = {
        "nationality": "XX",
        "currency": "JPY",
        "customerType": "VIP",
        "displayName": "d" * 101,
        "consents": {"consentIds": ["terms"], "contactMethods": []},
        "addresses": [
            {"addressLine1": "1 Main St", "city": "London", "countryCode": "GB", "postcode": "nope"}
        ],
        "mobile": "12",
        "phone": "12",
        "dateOfBirth": "1990-02-30",
        "surname": "s" * 51,
        "forename": "f" * 51,
        "title": "",
        "email": "not-an-email",
        "password": "",
        "externalId": "x" * 201,
    }
    response = client.post(CUSTOMERS, json=body)
    assert faults(response) == [
        (91000, "externalId"),
        (90075, "username"),
        (90044, "password"),
        (91000, "email"),
        (91000, "title"),
        (91000, "forename"),
        (91000, "surname"),
        (90020, "dateOfBirth"),
        (91000, "phone"),
        (91000, "mobile"),
        (90026, "addresses[0].postcode"),
        (90037, "consents.consentIds"),
        (90038, "consents.contactMethods"),
        (91000, "displayName"),
        (91000, "customerType"),
        (90019, "currency"),
        (91000, "nationality"),
    ]


@pytest.mark.parametrize(
    ("extra", "listed"),
    [
        (
            {
                "consents": {
                    "consentIds": ["terms", "privacy", "bogus"],
                    "contactMethods": ["email"],
                    "x": 1,
                }
            },
            [(90066, "consents.consentIds"), (91000, "consents.x")],
        ),
        (
            {
                "addresses": [{"zz": 1, "city": "London", "countryCode": "GB"}],
                "currency": "XYZ",
                "foo": 1,
            },
            [
                (91000, "addresses[0].addressLine1"),
                (90026, "addresses[0].postcode"),
                (91000, "addresses[0].zz"),
                (90019, "currency"),
                (91000, "foo"),
            ],
        ),
    ],
)
def test_a_member_a_field_does_not_have_is_listed_after_the_field_s_parts(client, extra, listed):
    response = client.post(CUSTOMERS, json=valid_customer(**extra))
    assert faults(response) == listed
    assert response.status_code == {90066: 404}.get(listed[0][0], 400)


def test_the_top_level_repeats_the_first_fault_and_takes_its_status(client):
    response = client.post(CUSTOMERS, json=valid_customer(username="", currency="JPY"))
    assert response.status_code == 400
    body = response.get_json()
    first = body["faults"][0]
    assert (
        (body["faultCode"], body["fault"], body["message"])
        == (first["faultCode"], first["fault"], first["message"])
        == (90075, "UsernameRequiredFailureFault", "No Username provided")
    )
    assert "field" not in body


def test_a_404_fault_listed_first_decides_the_status(client):
    response = client.post(CUSTOMERS, json=valid_customer(currency="JPY", nationality="XX"))
    assert response.status_code == 404
    assert faults(response) == [(90019, "currency"), (91000, "nationality")]


def test_a_field_lists_only_its_first_fault(client):
    response = client.post(CUSTOMERS, json=valid_customer(username="bad name" + "x" * 200))
    assert faults(response) == [(90030, "username")]


@pytest.mark.parametrize("currency", ["GB\nP", "GB\ud800"])
def test_a_currency_the_form_refuses_is_not_also_an_unknown_one(client, currency):
    response = client.post(CUSTOMERS, json=valid_customer(currency=currency))
    assert (response.status_code, faults(response)) == (400, [(91000, "currency")])


def test_unknown_fields_come_after_the_known_ones(client):
    response = client.post(CUSTOMERS, json={**valid_customer(nationality="XX"), "aaa": 1})
    assert faults(response) == [(91000, "nationality"), (91000, "aaa")]


# --- stored text --------------------------------------------------------------------------------


def test_text_is_stored_trimmed_and_as_typed(client):
    response = client.post(
        CUSTOMERS,
        json=valid_customer(
            title="  Dr ",
            forename="\tAda\n",
            surname=" de la Tour-d'Auvergne ",
            displayName=" Ada  L. ",
            gender=" non-binary ",
        ),
    )
    body = response.get_json()
    assert (
        body["title"],
        body["forename"],
        body["surname"],
        body["displayName"],
        body["gender"],
    ) == ("Dr", "Ada", "de la Tour-d'Auvergne", "Ada  L.", "non-binary")


@pytest.mark.parametrize(
    "nothing",
    [
        "\u200b\u200b",  # zero-width spaces
        "\u2066\u2069",  # an isolate and its end
        "\u2062",  # invisible times
        "\u034f",  # combining grapheme joiner
        "\U000e0020",  # a tag space
        "\u3164 \uffa0\u115f",  # Hangul fillers
        "\u2800",  # the blank Braille pattern
        "\u0301",  # a combining accent on nothing
        "\u202e\ufe0f",  # an override and a variation selector
        "\u206a\u206f",  # the deprecated shaping controls
        "\ufff9\ufffb",  # interlinear annotation controls
        "\U00013430\U0001bca0",  # a hieroglyph joiner, a shorthand format control
        "\U0001d173\U000e0100",  # a musical beam control, a supplementary variation selector
    ],
)
def test_a_required_field_of_invisible_characters_alone_is_missing(client, nothing):
    response = client.post(CUSTOMERS, json=valid_customer(title="\u2060", surname=nothing))
    assert faults(response) == [(91000, "title"), (91000, "surname")]
    assert "Enter" in response.get_json()["faults"][1]["message"]


def test_a_flag_of_tags_is_something(client):
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    response = client.post(CUSTOMERS, json=valid_customer(displayName=scotland, surname="Lo\u0301"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["displayName"] == scotland


def test_markup_is_data(client):
    markup = "<script>alert(1)</script>"
    response = client.post(
        CUSTOMERS,
        json=valid_customer(surname="<b>Bold</b>", displayName=markup[:100], title="&amp;"),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["surname"], body["displayName"], body["title"]) == ("<b>Bold</b>", markup, "&amp;")
    assert response.mimetype == "application/json"


def test_unicode_text_is_kept(client):
    response = client.post(CUSTOMERS, json=valid_customer(forename="Zoë", surname="Ōtsuka 大塚"))
    assert (response.get_json()["forename"], response.get_json()["surname"]) == (
        "Zoë",
        "Ōtsuka 大塚",
    )


@pytest.mark.parametrize(
    "field, char",
    [
        *[
            (field, "\x00")
            for field in (
                "externalId",
                "password",
                "title",
                "forename",
                "surname",
                "displayName",
                "gender",
                "addressLine1",
                "city",
                "customAttribute",
            )
        ],
        *[("surname", char) for char in ("\n", "\t", "\x1b", "\x85", "\ud800", "\u2028", "\u2029")],
        ("password", "\udfff"),
    ],
)
def test_control_characters_inside_text_are_91000(make_app, field, char):
    client = make_app(ATTRIBUTE).test_client()
    text = f"Xq7#vR2!{char}mK9p"
    if field == "addressLine1" or field == "city":
        body = valid_customer(
            addresses=[
                {"addressLine1": "1 Main St", "city": "Hong Kong", "countryCode": "HK", field: text}
            ]
        )
        path = f"addresses[0].{field}"
    elif field == "customAttribute":
        body = valid_customer(customAttributes=[{"name": "team", "value": text}])
        path = "customAttributes[0].value"
    else:
        body, path = valid_customer(**{field: text}), field
    response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 400
    assert faults(response) == [(91000, path)]


ATTRIBUTE = """
[[tenants.default.custom_attributes]]
name = "team"
label = "Team"
"""


# --- media type, parsing, size ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ],
)
def test_body_that_is_not_json_is_415_91002(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(CUSTOMERS, data=json.dumps(valid_customer()), headers=headers)
    assert response.status_code == 415
    assert faults(response) == [(91002, None)]


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate, gzip"])
def test_a_body_in_a_content_coding_is_415_and_stores_nothing(app, client, coding):
    body = valid_customer()
    response = client.post(
        CUSTOMERS,
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "Content-Encoding": coding},
    )
    assert response.status_code == 415 and faults(response) == [(91002, None)]
    assert "Content-Encoding" in response.get_json()["message"]
    with app.app_context():
        assert db.session.query(Customer).count() == 0


def test_a_body_said_to_be_in_no_coding_is_read(client):
    response = client.post(
        CUSTOMERS,
        data=json.dumps(valid_customer()),
        headers={"Content-Type": "application/json", "Content-Encoding": "identity"},
    )
    assert response.status_code == 201


def test_json_with_a_charset_parameter_is_accepted(client):
    response = client.post(
        CUSTOMERS, data=json.dumps(valid_customer()), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_a_leading_byte_order_mark_is_ignored(client):
    # RFC 8259 lets a reader ignore it; some .NET writers put one first.
    body = codecs.BOM_UTF8 + json.dumps(valid_customer()).encode()
    assert client.post(CUSTOMERS, data=body, content_type="application/json").status_code == 201
    twice = codecs.BOM_UTF8 * 2 + b"{}"
    assert faults(client.post(CUSTOMERS, data=twice, content_type="application/json")) == [
        (91003, None)
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b'{"username": }',
        b"{'a': 1}",
        b"\xff\xfe{}",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b"[" * 60000,
    ],
)
def test_body_that_does_not_parse_is_91003(client, data):
    response = client.post(CUSTOMERS, data=data, content_type="application/json")
    assert response.status_code == 400
    assert faults(response) == [(91003, None)]


@pytest.mark.parametrize(
    "twice, extra",
    [
        ("email", ', "email": "other@example.com"'),
        ("consentIds", ""),  # inside consents, below
    ],
)
def test_a_member_given_twice_is_91003_naming_it(app, client, twice, extra):
    text = json.dumps(valid_customer())[:-1] + extra + "}"
    if not extra:
        text = text.replace('"consentIds": [', '"consentIds": [], "consentIds": [', 1)
    response = client.post(CUSTOMERS, data=text, content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert (body["faultCode"], body["message"]) == (
        91003,
        f"The body gives the member '{twice}' twice",
    )
    with app.app_context():
        assert db.session.query(Customer).count() == 0


@pytest.mark.parametrize("digits", ["1" * 4301, "-" + "9" * 5000])
def test_an_integer_too_long_for_python_is_the_fields_wrong_type_not_unparsed(client, digits):
    text = json.dumps(valid_customer())[:-1] + f', "phone": {digits}}}'
    headers = {"Idempotency-Key": "long-number"}  # its body's print is taken too
    response = client.post(CUSTOMERS, data=text, content_type="application/json", headers=headers)
    assert (response.status_code, faults(response)) == (400, [(91000, "phone")])


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b'"customer"',
        b"42",
        b"null",
        b"true",
        b"[" + json.dumps(valid_customer()).encode() + b"]",
    ],
)
def test_body_that_is_not_a_json_object_is_91003(client, data):
    response = client.post(CUSTOMERS, data=data, content_type="application/json")
    assert response.status_code == 400
    assert faults(response) == [(91003, None)]


def padded(size):
    """A valid customer body of exactly `size` bytes (JSON allows trailing white space)."""
    data = json.dumps(valid_customer()).encode()
    return data + b" " * (size - len(data))


def test_body_of_64_kib_is_accepted(client):
    response = client.post(CUSTOMERS, data=padded(64 * 1024), content_type="application/json")
    assert response.status_code == 201


def test_body_over_64_kib_is_413_91006(client):
    response = client.post(CUSTOMERS, data=padded(64 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413
    assert faults(response) == [(91006, None)]


def post_chunked(client, data):
    """A body without Content-Length, as a server that decodes chunked transfer hands it on."""
    return client.post(
        CUSTOMERS,
        input_stream=io.BytesIO(data),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_body_of_64_kib_without_a_length_is_accepted(client):
    assert post_chunked(client, padded(64 * 1024)).status_code == 201


def test_body_over_64_kib_without_a_length_is_413_91006(client):
    response = post_chunked(client, padded(64 * 1024 + 1))
    assert response.status_code == 413
    assert faults(response) == [(91006, None)]


@pytest.mark.parametrize(("method", "door"), [("POST", CUSTOMERS), ("PUT", "/v1/Customers")])
def test_a_body_shorter_than_its_content_length_is_91003_and_stores_nothing(
    app, client, method, door
):
    # The connection ended early (a client that gave up, or lied): a server such as gunicorn
    # hands on what came, and marks the stream as ending there.
    body = json.dumps(valid_customer()).encode()
    response = client.open(
        door,
        method=method,
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", **bearer(app)},
        environ_overrides={"CONTENT_LENGTH": str(len(body) + 100), "wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert fault_codes(response) == [91003]
    with app.app_context():
        assert db.session.query(Customer).count() == 0


# --- a closed registration ----------------------------------------------------------------------


@pytest.fixture
def closed(make_app):
    return make_app("[tenants.default]\nregistration_open = false\n").test_client()


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"json": valid_customer()},
        {"json": {}},
        {"json": {"username": "", "isAdmin": True}},
        {"data": b"{", "content_type": "application/json"},
        {"data": b"username=ada", "content_type": "text/plain"},
        {"data": b" " * (64 * 1024 + 1), "content_type": "application/json"},
    ],
)
def test_closed_registration_is_90055_alone_whatever_the_body(closed, request_kwargs):
    response = closed.post(CUSTOMERS, **request_kwargs)
    assert response.status_code == 400
    assert response.get_json() == {
        "faultCode": 90055,
        "fault": "RegistrationFailureFault",
        "message": "Registration cannot be completed at this time",
        "faults": [
            {
                "faultCode": 90055,
                "fault": "RegistrationFailureFault",
                "message": "Registration cannot be completed at this time",
                "field": None,  # about no field, and said so
            }
        ],
    }


# --- the unexpected -----------------------------------------------------------------------------


def test_unexpected_error_is_500_90061_without_a_stack_trace(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(registration, "register", broken)
    with caplog.at_level(logging.ERROR):
        response = client.post(CUSTOMERS, json=valid_customer())
    assert response.status_code == 500
    assert response.get_json() == {
        "faultCode": 90061,
        "fault": "SystemFailureFault",
        "message": "System Failure, please try again later",
        "faults": [
            {
                "faultCode": 90061,
                "fault": "SystemFailureFault",
                "message": "System Failure, please try again later",
                "field": None,  # about no field, and said so
            }
        ],
    }
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "database on fire" not in text
    request_id = response.headers["X-Request-Id"]
    logged = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert logged, "the error is logged"
    assert any(
        request_id in r.getMessage() or request_id == getattr(r, "request_id", None) for r in logged
    )
    assert any("database on fire" in str(r.exc_info[1]) for r in logged)


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("GET", "/api/v1/nothing", 404, 91013),
        ("PUT", CUSTOMERS, 405, 91014),
        ("DELETE", CUSTOMERS, 405, 91014),
        ("GET", CUSTOMERS, 405, 91014),
    ],
)
def test_unknown_api_route_or_method_answers_a_fault(client, method, path, status, code):
    response = client.open(path, method=method, json={})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert faults(response) == [(code, None)]
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


@pytest.mark.parametrize(
    "field, value",
    [("username", "ab\ud800cd"), ("email", "a\ud800b@example.com")],
)
def test_a_lone_surrogate_in_the_account_fields_is_their_fault_not_a_500(client, field, value):
    """The strength estimate, which takes the username and email as the person's own words,
    is given them even when their own rules refuse them; a lone surrogate must not break it."""
    response = client.post(CUSTOMERS, json=valid_customer(**{field: value}))
    assert response.status_code == 400
    assert [path for _, path in faults(response)] == [field]
