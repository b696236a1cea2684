"""Breached passwords (contract section 13): the filter built by `import-breached-passwords`,
90073 through every door for a password in it, and check-config's report."""

import hashlib
import os

import pytest
from click.testing import CliRunner
from conftest import STRONG_PASSWORD
from every_door import api, online_ordering, tenants, web_store, wizard
from flask.cli import cli as flask_cli
from wizard_client import Page

from webapp import create_app
from webapp.trust import breached

LEAKED = "correct-Horse-battery-77"  # strong to zxcvbn: only the breach list refuses it
MESSAGE = "This password has appeared in a data breach – choose another"


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest().upper()


@pytest.fixture
def breach_list(tmp_path):
    """A filter made by the command from a list in Have I Been Pwned's form, saved by an editor
    that puts a byte order mark first."""
    source = tmp_path / "pwned.txt"
    source.write_text(
        f"\ufeff{sha1('hunter2-but-longer')}:12\n\nnot a hash\n{sha1(LEAKED)}:3861493\n"
        f"{sha1('another-one')}\n"
    )
    output = tmp_path / "breached.bloom"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "TENANTS_FILE": str(tmp_path / "none.toml"),
        }
    )
    result = app.test_cli_runner().invoke(
        args=["import-breached-passwords", str(source), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "3 hashes written" in result.output and "1 line(s) skipped" in result.output
    return output


@pytest.fixture
def app(make_app, breach_list):
    return make_app(tenants(), BREACHED_PASSWORDS_FILE=str(breach_list))


def test_every_json_door_refuses_a_breached_password(app):
    assert api(app, "ada@example.com", LEAKED) == (400, [90073])
    assert online_ordering(app, "bob@example.com", LEAKED) == (400, [90073])
    assert web_store(app, "cy@example.com", LEAKED)[0] == 400


def test_the_wizard_says_it_appeared_in_a_breach(app):
    assert wizard(app, "ada@example.com", LEAKED) == (422, [MESSAGE])
    assert wizard(app, "ada@example.com", LEAKED, start="/t/shop/embed") == (422, [MESSAGE])


def test_the_live_strength_feedback_says_so(app):
    response = app.test_client().post(
        "/t/shop/register/check/password", data={"password": LEAKED, "username": "ada"}
    )
    feedback = Page(response).soup.select_one(".password-feedback .error-message")
    assert MESSAGE in feedback.get_text(" ", strip=True)


def test_a_password_not_in_the_list_registers(app):
    assert api(app, "ada@example.com", STRONG_PASSWORD)[0] == 201
    assert web_store(app, "bob@example.com", STRONG_PASSWORD)[0] == 200


def test_without_a_file_there_is_no_check(make_app):
    app = make_app(tenants())
    assert api(app, "ada@example.com", LEAKED)[0] == 201


def test_a_missing_file_stops_the_start_up(make_app, tmp_path):
    with pytest.raises(breached.FilterError, match="BREACHED_PASSWORDS_FILE"):
        make_app(BREACHED_PASSWORDS_FILE=str(tmp_path / "missing.bloom"))


@pytest.mark.parametrize(
    "content",
    [
        b"garbage\n",  # any 8 bytes read as a filter: no bits
        f"{sha1(LEAKED)}:3861493\n".encode(),  # the hash list itself, not the filter made of it
        b"\x0a\x00\x00",  # cut short
    ],
)
def test_a_file_that_is_not_a_filter_stops_the_start_up_and_check_config_says_why(
    make_app, tmp_path, content
):
    broken = tmp_path / "broken.bloom"
    broken.write_bytes(content)
    with pytest.raises(breached.FilterError, match="cannot be read as a filter"):
        make_app(BREACHED_PASSWORDS_FILE=str(broken))
    result = check_config(tmp_path, BREACHED_PASSWORDS_FILE=str(broken))
    assert result.exit_code == 1
    assert "cannot be read as a filter made by import-breached-passwords" in result.output
    assert "Traceback" not in result.output


def test_the_import_into_a_folder_that_is_not_there_says_so(make_app, tmp_path):
    source = tmp_path / "pwned.txt"
    source.write_text(f"{sha1(LEAKED)}\n")
    result = (
        make_app()
        .test_cli_runner()
        .invoke(
            args=["import-breached-passwords", str(source), "--output", str(tmp_path / "no" / "x")]
        )
    )
    assert result.exit_code == 1 and "is not a folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_source_without_any_hash_leaves_the_filter_there_as_it_was(make_app, breach_list):
    source = breach_list.parent / "binary.dat"
    source.write_bytes(bytes(range(256)) * 64)
    before = breach_list.read_bytes()
    result = (
        make_app()
        .test_cli_runner()
        .invoke(args=["import-breached-passwords", str(source), "--output", str(breach_list)])
    )
    assert result.exit_code == 1, result.output
    assert "holds no SHA-1 hash" in result.output and "nothing written" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert breach_list.read_bytes() == before
    assert sorted(p.name for p in breach_list.parent.glob("*.part")) == []


def test_an_output_that_cannot_be_written_is_said_without_a_traceback(make_app, tmp_path):
    source = tmp_path / "pwned.txt"
    source.write_text(f"{sha1(LEAKED)}\n")
    output = "/proc/breached.bloom"  # a folder where no one, root included, can make a file
    result = (
        make_app()
        .test_cli_runner()
        .invoke(args=["import-breached-passwords", str(source), "--output", output])
    )
    assert result.exit_code == 1 and f"cannot write {output}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_filter_keeps_its_false_positive_rate(tmp_path):
    source = tmp_path / "many.txt"
    with source.open("w") as handle:
        for index in range(20_000):
            handle.write(f"{sha1(f'in-{index}')}:1\n")
    output = tmp_path / "many.bloom"
    assert breached.build(source, output) == (20_000, 0)
    bloom = breached.load(str(output))
    assert all(bytes.fromhex(sha1(f"in-{i}")) in bloom for i in range(0, 20_000, 7))
    false = sum(bytes.fromhex(sha1(f"out-{i}")) in bloom for i in range(50_000))
    assert false / 50_000 < 2 / 1000
    assert 0 < breached.describe(str(output))["rate"] <= 1 / 1000


def check_config(tmp_path, **env):
    env = {
        "TENANTS_FILE": str(tmp_path / "none.toml"),
        "INSTANCE_PATH": str(tmp_path / "i"),
        "SECRET_KEY": "test-secret-key",
        "LOG_JSON": "false",
        **env,
    }
    return CliRunner().invoke(flask_cli, ["--app", "webapp", "check-config"], env=env)


def test_check_config_reports_the_file_its_size_and_rate(tmp_path, breach_list):
    result = check_config(tmp_path, BREACHED_PASSWORDS_FILE=str(breach_list))
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[-1]
    size = os.path.getsize(breach_list)
    assert line.startswith(
        f"breached passwords: {breach_list}, {size:,} bytes, about 3 hashes, "
        "false-positive rate 1 in "
    )
    assert line.endswith(" for these (built for at most 1 in 1,000)")


def test_check_config_says_there_is_no_check(tmp_path):
    result = check_config(tmp_path)
    assert (
        result.stdout.splitlines()[-1]
        == "breached passwords: no check (BREACHED_PASSWORDS_FILE is not set)"
    )
