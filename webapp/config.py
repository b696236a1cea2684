"""Configuration (contract section 10): defaults, the instance folder, the environment, then
tests."""

import os
import re
import secrets
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import click

# Keys whose environment value is a switch ("true"/"false") or a number. Keys not listed take
# the type of their default; those with a structured default (a dict...) are not read from it.
SWITCHES = {"RATELIMIT_ENABLED", "TESTING", "SESSION_COOKIE_SECURE", "WTF_CSRF_ENABLED", "LOG_JSON"}
NUMBERS = {
    "MAIL_PORT",
    "OUTBOX_RETRY_BASE_SECONDS",
    "OUTBOX_RETRY_HOURS",
    "TRUSTED_PROXIES",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_COST",
    "ARGON2_PARALLELISM",
    "WEBHOOK_TIMEOUT",
    "MIN_WIZARD_SECONDS",
    "IDEMPOTENCY_LEASE_SECONDS",
    "OUTBOX_LEASE_SECONDS",
}
ENV_ALIASES = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# PostgreSQL URLs as hosting platforms hand them out, for the driver this service installs.
POSTGRES_SCHEMES = ("postgres://", "postgresql://")


def defaults(instance_path: str) -> dict:
    return {
        "SECRET_KEY": None,  # filled from the instance folder when nothing else sets it
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'webapp.sqlite'}",
        # hide_parameters: database errors (and so the logs) never show the values of a row.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "RATELIMIT_STORAGE_URI": "memory://",
        # For Redis: a store that stops answering delays a request by a second, not minutes.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_REGISTRATION": "20 per hour",
        "RATELIMIT_PUBLIC_API": "20 per hour",
        "RATELIMIT_VERIFICATION_EMAIL": "5 per hour",
        "MIN_WIZARD_SECONDS": 5,
        "BREACHED_PASSWORDS_FILE": None,
        "METRICS_TOKEN": None,
        "RATELIMIT_VALIDATION": "300 per minute",
        "RATELIMIT_API": "600 per minute",
        # An operator's extra budget for the wizard's username and email probes (inline checks of
        # those fields, account-step posts) per address; none by default, as the contract lists
        # no such budget: inline checks count against RATELIMIT_VALIDATION alone.
        "RATELIMIT_USERNAME_CHECK": None,
        "RATELIMIT_HEADERS_ENABLED": True,
        # An Idempotency-Key claim older than this belongs to a dead request (docs/production.md);
        # longer than any request may run (GUNICORN_TIMEOUT, 30 s).
        "IDEMPOTENCY_LEASE_SECONDS": 120,
        "TENANTS_FILE": str(Path(instance_path) / "tenants.toml"),
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_FROM": "no-reply@localhost",
        "OUTBOX_RETRY_BASE_SECONDS": 60,
        "OUTBOX_RETRY_HOURS": 24,
        "WEBHOOK_TIMEOUT": 10,
        "OUTBOX_LEASE_SECONDS": None,  # None: derived from the timeouts (webapp/outbox/lease.py)
        "TRUSTED_PROXIES": 0,
        # Where people reach the service ("https://signup.example.com"): the links in mails are
        # built on it. None: on the address each request came to, which its Host header names.
        "PUBLIC_URL": None,
        "ARGON2_TIME_COST": 2,
        "ARGON2_MEMORY_COST": 19456,
        "ARGON2_PARALLELISM": 1,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the draft it protects
        # Over HTTPS Flask-WTF would also want a Referer from the same host, which no browser
        # sends under the pages' Referrer-Policy (no-referrer: nginx's log would keep the draft
        # tokens of the wizard's addresses): every console post was refused. The console checks
        # where a post comes from by Sec-Fetch-Site or Origin instead (webapp/http/same_site.py).
        "WTF_CSRF_SSL_STRICT": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LOG_JSON": True,
    }


class ConfigError(click.ClickException, ValueError):
    """The configuration cannot serve; the message says which key and why. A ClickException too:
    a `flask` command that builds the app says it in one line, not as a traceback."""


def check_public_url(config) -> None:
    """PUBLIC_URL is a scheme and a host (and port), nothing after them: a path prefix comes from
    the proxy (X-Forwarded-Prefix) as for every other URL. A host in Unicode is kept in its
    ASCII (Punycode) form, the form a link in a mail must carry."""
    value = config["PUBLIC_URL"]
    if not value:
        config["PUBLIC_URL"] = None
        return
    origin = _origin(value)
    if origin is None:
        raise ConfigError(
            f"PUBLIC_URL={value!r}: expected the scheme and host people reach the service at, "
            "like https://signup.example.com"
        )
    config["PUBLIC_URL"] = origin


def _origin(value):
    """`scheme://host[:port]` of a URL with nothing else in it, or None. urlsplit alone is too
    lenient: it drops tabs and newlines, and reads any text between // and : as a host."""
    if any(c.isspace() or not c.isprintable() for c in value):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # a bracketed host that is no IPv6 address, a port not in 0-65535
        return None
    if (
        parts.scheme not in ("http", "https")
        or parts.path.strip("/")
        or (parts.query or parts.fragment or parts.username or parts.password)
        or parts.netloc.endswith(":")
        or port == 0
    ):
        return None
    host = _ascii_host(parts.hostname or "", bracketed=parts.netloc.startswith("["))
    if host is None:
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _ascii_host(host, bracketed):
    import ipaddress

    import idna

    if bracketed:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    try:
        name = idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError:
        return None
    labels = name.split(".")
    if not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        return None
    if labels[-1].isdigit():
        # No top-level domain is all digits: such a host is an IPv4 address or nothing
        # ("256.1.1.1" is neither).
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return None
    return name


def check_mail_from(config) -> None:
    """MAIL_FROM is a bare address every mail system takes: an ASCII part before the @, and a
    domain (one in Unicode is kept in its ASCII form). Anything else passed the start and then no
    account email could be written."""
    value = config["MAIL_FROM"]
    local, _, domain = value.rpartition("@")
    host = _ascii_host(domain, bracketed=False) if domain else None
    if not re.fullmatch(
        r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*", local
    ) or (host is None):
        raise ConfigError(
            f"MAIL_FROM={value!r}: expected a bare address with an ASCII part before the @, "
            "like no-reply@signup.example.com"
        )
    config["MAIL_FROM"] = f"{local}@{host}"


def check_mail_port(config) -> None:
    """A MAIL_PORT no connection can use would fail every mail, each retried for a day."""
    port = config["MAIL_PORT"]
    if not (isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535):
        raise ConfigError(f"MAIL_PORT={port!r}: expected a port, 1 to 65535")


def check_argon2(config) -> None:
    """argon2id's own bounds, and the memory the machine has: parameters outside them pass the
    start but fail every hash."""
    lanes = config["ARGON2_PARALLELISM"]
    bounds = {
        "ARGON2_TIME_COST": (1, 2**32 - 1),
        "ARGON2_PARALLELISM": (1, 2**24 - 1),
        "ARGON2_MEMORY_COST": (8 * max(lanes, 1), min(2**32 - 1, _memory_kib())),
    }
    for key, (low, high) in bounds.items():
        if not low <= config[key] <= high:
            raise ConfigError(f"{key}={config[key]!r}: argon2id needs {low} to {high}")


# Where a container's memory limit is read: cgroup v2's, then v1's ("max" or a huge number when
# there is none).
CGROUP_MEMORY_LIMITS = (
    "/sys/fs/cgroup/memory.max",
    "/sys/fs/cgroup/memory/memory.limit_in_bytes",
)


def _memory_kib():
    """The memory this process may have in KiB, the most one hash could be given: the
    machine's, or its container's limit where that is less."""
    try:
        kib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
    except (ValueError, OSError):  # not known here: argon2's own bound alone
        kib = 2**32 - 1
    for path in CGROUP_MEMORY_LIMITS:
        try:
            limit = Path(path).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            kib = min(kib, int(limit) // 1024)
        break
    return kib


def check_database_url(config) -> None:
    """A database URL SQLAlchemy cannot read, or whose driver is not installed, stops the start
    naming DATABASE_URL (the URL itself is not repeated: it may hold a password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(config["SQLALCHEMY_DATABASE_URI"]).get_dialect().import_dbapi()
    except (ArgumentError, ValueError, ImportError) as error:
        raise ConfigError(f"DATABASE_URL: {error}") from None


def unusable_database(error) -> ConfigError:
    """What is said of a database that cannot be reached or refuses (SQLAlchemy's
    OperationalError: a wrong host or password, an SQLite folder that is missing or read-only)."""
    why = " ".join(str(error.orig).split())
    return ConfigError(f"DATABASE_URL: cannot use the database: {why}")


def _parse(key, value, default):
    if key in SWITCHES or isinstance(default, bool):
        if value.strip().lower() not in TRUE | FALSE:
            raise ConfigError(f"environment variable {key}={value!r}: expected true or false")
        return value.strip().lower() in TRUE
    if key in NUMBERS or isinstance(default, int):
        # Every number here is a count, a port, seconds or hours: none can be below 0.
        try:
            number = int(value)
        except ValueError:
            number = -1
        if number < 0:
            raise ConfigError(
                f"environment variable {key}={value!r}: expected a whole number, 0 or more"
            )
        return number
    if key == "SQLALCHEMY_DATABASE_URI" and value.startswith(POSTGRES_SCHEMES):
        return "postgresql+psycopg://" + value.partition("://")[2]
    return value


def from_environment(config) -> dict:
    """Every known key of `config` may come from an environment variable of the same name."""
    found = {}
    for key, default in config.items():
        if not isinstance(default, (str, int, type(None))):
            continue
        for name in (ENV_ALIASES.get(key, key), key):
            if name in os.environ:
                found[key] = _parse(key, os.environ[name], default)
                break
    return found


def refuse_blank_secret_key(config) -> None:
    """A key of white space or invisible characters alone is no secret: anyone could sign a
    console session with it."""
    key = config["SECRET_KEY"]
    if isinstance(key, str) and key and all(_shows_nothing(c) for c in key):
        raise ConfigError(
            "SECRET_KEY is white space or invisible characters alone: set a long random value, "
            "or unset it"
        )


def _shows_nothing(character):
    return (
        character.isspace()
        or unicodedata.category(character) in ("Cc", "Cf", "Mn", "Me")
        or character in "\u115f\u1160\u2800\u3164\uffa0"  # Hangul fillers, blank Braille
    )


def private_secret_key_warning(config) -> str | None:
    """What to say where the key made in the instance folder, one machine's own, is used with a
    database machines may share (the data it seals, API key secrets and wizard forms, would not
    open on another machine); None on SQLite, which is one machine's anyway. The contract makes
    the instance folder's key the default whatever the database, so this warns, not refuses."""
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return None
    return (
        "SECRET_KEY is not set: this machine's own key from the instance folder is used; with a "
        "shared database (DATABASE_URL is not SQLite) every process and machine needs the same "
        "SECRET_KEY, from the environment or instance/config.py"
    )


def instance_secret_key(instance_path: str) -> str:
    """A random key made once and kept in the instance folder; safe when workers race."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exists:
        for _ in range(50):  # another process may be writing it right now
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY") from exists
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
