"""Tenants (contract section 9): read once from a TOML file into frozen objects.

A tenant key left out of the file takes its built-in value. A broken file stops start-up with a
message naming the tenant and the key (or the TOML line), never a half-configured service.
"""

import base64
import re
import tomllib
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import idna
import pycountry
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from webapp.config import ConfigError
from webapp.i18n import N_

DEFAULT_SLUG = "default"
# Matched whole (`fullmatch`): "$" would let a slug or name end in a line break.
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
# An origin as CSP's frame-ancestors and postMessage take it: scheme, host (a name, IPv4 or
# [IPv6]) and an optional port; nothing else, so that no entry can add to the policy.
ORIGIN = re.compile(
    r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r"(:[0-9]{1,5})?"
)


ORIGIN_PORT = re.compile(r"(.*?)(?::([0-9]+))?")  # an origin's host and port, after "://"


class TenantConfigError(ConfigError):
    """The tenants file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Consent:
    id: str
    label: str
    version: str = "1"
    mandatory: bool = False
    url: str | None = None  # the text the person agrees to (section 15)
    double_opt_in: bool = False  # confirmed by a mailed link before it counts (section 12)

    @property
    def built_in(self) -> bool:
        """One of the service's own consent texts (id, words and version): its label is
        translated where it is shown. A tenant's own text is shown as written, even in the same
        words: its version is of the text the tenant wrote."""
        return (self.id, self.label, self.version) in BUILT_IN_TEXTS


@dataclass(frozen=True)
class CustomAttribute:
    name: str
    label: str
    max_length: int = 200
    required: bool = False


# Their labels, and the built-in name "Registration", are translated where they are shown.
BUILT_IN_CONSENTS = (
    Consent("terms", N_("I accept the terms and conditions"), "1", True),
    Consent("privacy", N_("I accept the privacy policy"), "1", True),
    Consent("marketing", N_("Send me news and offers"), "1", False),
)
BUILT_IN_TEXTS = frozenset((c.id, c.label, c.version) for c in BUILT_IN_CONSENTS)


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    store_id: int | None = None
    currencies: tuple[str, ...] = ("GBP", "EUR", "USD")
    default_currency: str = "GBP"
    customer_types: tuple[str, ...] = ("Standard", "VIP")
    min_age: int = 18
    password_min_length: int = 8
    password_min_score: int = 3
    contact_methods: tuple[str, ...] = ("email", "sms", "phone", "post")
    require_contact_method: bool = True
    unique_email: bool = True
    public_registration: bool = True
    registration_open: bool = True
    embed_origins: tuple[str, ...] = ()
    loyalty: bool = False
    send_account_email: bool = True
    webhook_url: str | None = None
    webhook_secret: str | None = None
    consents: tuple[Consent, ...] = BUILT_IN_CONSENTS
    custom_attributes: tuple[CustomAttribute, ...] = ()
    # Branding, applied to the wizard, the embed and the emails.
    primary_colour: str = "#1d4f91"
    logo_url: str | None = None
    support_email: str | None = None
    # Proof of ownership (contract section 12).
    verify_email: str = "none"  # or "code"
    enumeration_safe: bool = False
    # Abuse defence (section 13).
    proof_of_work: bool = False
    block_disposable_email: bool = False
    blocked_email_domains: tuple[str, ...] = ()
    allowed_email_domains: tuple[str, ...] = ()
    # What a person notices (section 15).
    default_country: str = "GB"
    continue_url: str | None = None
    continue_label: str | None = None

    # A tenant keys the caches of its forms and fields, looked up several times a request: its
    # hash, over some thirty fields, is worked out once (cached_property writes past `frozen`).
    @cached_property
    def _hash(self):
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    def __hash__(self):
        return self._hash

    def consent(self, consent_id):
        return next((c for c in self.consents if c.id == consent_id), None)

    @property
    def mandatory_consents(self):
        return tuple(c for c in self.consents if c.mandatory)

    def attribute(self, name):
        return next((a for a in self.custom_attributes if a.name == name), None)


def _check(condition, where, message):
    if not condition:
        raise TenantConfigError(f"{where}: {message}")


def _is_str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _base64(text):
    """The bytes `text` stands for in base64, or None if it is not base64."""
    try:
        return base64.b64decode(text, validate=True) or None
    except ValueError:
        return None


def _is_domain(value):
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", value):
        return False
    try:  # an xn-- label must be Punycode that IDNA takes: no address's domain could be another
        idna.decode(value)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def _ascii_domains(value):
    """A list's domains in Unicode in their ASCII (xn--) form, the form an address's domain is
    compared in; anything else as written, for the check to judge."""
    if not _is_str_list(value):
        return value
    return [_ascii_domain(domain) for domain in value]


def _is_origin(value):
    """A web origin a browser can have: scheme, host and a port from 1 to 65535, if any."""
    match = ORIGIN.fullmatch(value)
    return match is not None and (match.group(2) is None or 0 < int(match.group(2)[1:]) < 65536)


def _serialised_origins(value):
    """Origins as a browser writes them (lower case, no default port), the form the embed's
    script compares the page's origin with: "https://Shop.example:443" is "https://shop.example"."""
    if not _is_str_list(value) or not all(map(_is_origin, value)):
        return value  # for the check to judge
    origins = []
    for origin in value:
        scheme, _, rest = origin.lower().partition("://")
        host, port = ORIGIN_PORT.fullmatch(rest).groups()
        default = {"http": 80, "https": 443}[scheme]
        shown = "" if port is None or int(port) == default else f":{int(port)}"
        origins.append(f"{scheme}://{host}{shown}")
    return origins


def _ascii_domain(domain):
    if domain.isascii() or domain != domain.lower():
        return domain  # capitals are refused as written
    try:
        # IDNA's mapping: full-width letters and an ideographic full stop are the ASCII ones.
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain


def _is_address(value):
    """A bare address, as a Reply-To header and a mailto: link need it, that every mail program can
    reply to: the part before the @ in ASCII (a domain in Unicode has an ASCII form)."""
    try:
        return validate_email(value, check_deliverability=False).ascii_email is not None
    except EmailNotValidError:
        return False


def _is_web_url(value):
    """An absolute http(s) URL a browser or a webhook can reach: a host, a port in range, no
    space or markup character."""
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s<>\"]+", value):
        return False
    try:
        parts = urlsplit(value)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # a port out of range, a broken [IPv6] host
        return False


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Checks several keys share: (predicate, what the key must be).
# A name or label also goes into mail headers (the sender's name, the subject): one line.
_TEXT = (
    lambda v: isinstance(v, str) and v.strip() and not CONTROL.search(v),
    "a non-empty line of text (no line break or other control character)",
)
_BOOLEAN = (lambda v: isinstance(v, bool), "true or false")
_WEB_URL = (_is_web_url, "an http(s) URL with a host, like https://a.example/")
_DOMAINS = (
    lambda v: _is_str_list(v) and all(map(_is_domain, v)),
    "a list of domains in lower case, like mail.example or bücher.example",
)

# Keys whose values are kept in the form they are compared in, before they are checked.
_AS_COMPARED = {
    "blocked_email_domains": _ascii_domains,
    "allowed_email_domains": _ascii_domains,
    "embed_origins": _serialised_origins,
}

# How each plain key of a tenant is checked: (predicate, what the key must be).
_SCALARS = {
    "name": _TEXT,
    # The web-store API's path takes a store id of up to 18 digits (a signed 64-bit integer's).
    "store_id": (
        lambda v: _is_int(v) and 0 < v < 10**18,
        "a positive integer of at most 18 digits",
    ),
    "currencies": (
        lambda v: (
            _is_str_list(v)
            and v
            and all(re.fullmatch("[A-Z]{3}", c) and pycountry.currencies.get(alpha_3=c) for c in v)
        ),
        'a non-empty list of ISO 4217 codes in capitals, like "GBP"',
    ),
    "default_currency": (lambda v: isinstance(v, str), "an ISO 4217 code"),
    "customer_types": (lambda v: _is_str_list(v) and v, "a non-empty list of strings"),
    "min_age": (lambda v: _is_int(v) and 0 <= v <= 120, "an integer from 0 to 120"),
    "password_min_length": (lambda v: _is_int(v) and 1 <= v <= 200, "an integer from 1 to 200"),
    "password_min_score": (lambda v: _is_int(v) and 0 <= v <= 4, "an integer from 0 to 4"),
    "contact_methods": (_is_str_list, "a list of strings"),
    "require_contact_method": _BOOLEAN,
    "unique_email": _BOOLEAN,
    "public_registration": _BOOLEAN,
    "registration_open": _BOOLEAN,
    "embed_origins": (
        lambda v: _is_str_list(v) and all(map(_is_origin, v)),
        "a list of origins like https://a.example (scheme, host and port only)",
    ),
    "loyalty": _BOOLEAN,
    "send_account_email": _BOOLEAN,
    "webhook_url": _WEB_URL,
    "webhook_secret": (
        lambda v: isinstance(v, str) and v.startswith("whsec_") and _base64(v[len("whsec_") :]),
        "a string 'whsec_' followed by base64",
    ),
    "primary_colour": (
        lambda v: isinstance(v, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", v),
        "a colour like #1d4f91",
    ),
    "logo_url": (
        lambda v: _is_web_url(v) or (isinstance(v, str) and re.fullmatch(r"/[^\s<>\"]*", v)),
        "an http(s) URL, or a path on this service",
    ),
    "support_email": (
        lambda v: isinstance(v, str) and _is_address(v),
        "an address like help@acme.example (no name, markup or line break; ASCII before the @)",
    ),
    "verify_email": (lambda v: v in ("none", "code"), '"none" or "code"'),
    "enumeration_safe": _BOOLEAN,
    "proof_of_work": _BOOLEAN,
    "block_disposable_email": _BOOLEAN,
    "blocked_email_domains": _DOMAINS,
    "allowed_email_domains": _DOMAINS,
    "default_country": (
        lambda v: (
            isinstance(v, str)
            and re.fullmatch("[A-Z]{2}", v)
            and pycountry.countries.get(alpha_2=v)
        ),
        'an ISO 3166-1 alpha-2 code in capitals, like "GB"',
    ),
    "continue_url": _WEB_URL,
    "continue_label": _TEXT,
}
# The keys that hold a list of tables: (the class of an entry, the keys each entry must have,
# the first naming it, and how each key of an entry is checked).
_ENTRIES = {
    "consents": (
        Consent,
        ("id", "label"),
        {
            "id": (
                lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", v),
                "an id of letters, digits, '.', '_' or '-'",
            ),
            "label": _TEXT,
            "version": _TEXT,
            "mandatory": _BOOLEAN,
            "url": _WEB_URL,
            "double_opt_in": _BOOLEAN,
        },
    ),
    "custom_attributes": (
        CustomAttribute,
        ("name", "label"),
        {
            "name": (
                lambda v: isinstance(v, str) and ATTRIBUTE_NAME.fullmatch(v),
                "a name of letters, digits and '_'",
            ),
            "label": _TEXT,
            "max_length": (lambda v: _is_int(v) and 1 <= v <= 10000, "an integer from 1 to 10000"),
            "required": _BOOLEAN,
        },
    ),
}
_TUPLES = {
    "currencies",
    "customer_types",
    "contact_methods",
    "embed_origins",
    "blocked_email_domains",
    "allowed_email_domains",
}


def _entries(raw, where, cls, required, checks):
    _check(
        isinstance(raw, list) and all(isinstance(e, dict) for e in raw),
        where,
        "must be a list of tables",
    )
    known = {f.name for f in fields(cls)}
    result, seen = [], set()
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        for key in entry:
            _check(key in known, f"{at}", f"unknown key '{key}'")
        for key in required:
            _check(key in entry, at, f"missing key '{key}'")
        for key, value in entry.items():
            predicate, expected = checks[key]
            _check(predicate(value), f"{at}, key '{key}'", f"must be {expected}")
        ident = entry[required[0]]
        _check(ident not in seen, at, f"'{ident}' appears twice")
        seen.add(ident)
        result.append(cls(**entry))
    return tuple(result)


def _tenant(slug, raw):
    where = f"tenant '{slug}'"
    _check(SLUG.fullmatch(slug), where, "the slug may hold only a-z, 0-9, '-' and '_'")
    _check(isinstance(raw, dict), where, "must be a table")
    values = {"name": slug.replace("-", " ").title()}
    for key, value in raw.items():
        if key in _ENTRIES:
            values[key] = _entries(value, f"{where}, key '{key}'", *_ENTRIES[key])
        else:
            _check(key in _SCALARS, where, f"unknown key '{key}'")
            value = _AS_COMPARED.get(key, lambda v: v)(value)
            predicate, expected = _SCALARS[key]
            _check(predicate(value), f"{where}, key '{key}'", f"must be {expected}")
            if key in _TUPLES:
                twice = sorted({v for v in value if value.count(v) > 1})
                _check(not twice, f"{where}, key '{key}'", f"lists {', '.join(twice)} twice")
                value = tuple(value)
            values[key] = value
    if (
        "default_currency" not in values
        and "currencies" in values
        and Tenant.default_currency not in values["currencies"]
    ):
        # The built-in default is not among the currencies listed: the first of them serves.
        values["default_currency"] = values["currencies"][0]
    tenant = Tenant(slug=slug, **values)
    _check(
        tenant.contact_methods or not tenant.require_contact_method,
        f"{where}, key 'contact_methods'",
        "is empty, yet require_contact_method is true: nobody could register",
    )
    _check(
        tenant.default_currency in tenant.currencies,
        f"{where}, key 'default_currency'",
        f"'{tenant.default_currency}' is not one of the tenant's currencies",
    )
    _check(
        not tenant.enumeration_safe or tenant.verify_email == "code",
        f"{where}, key 'enumeration_safe'",
        'needs verify_email = "code" (only a mailed code can answer a taken and a free '
        "address alike)",
    )
    _check(
        bool(tenant.webhook_url) == bool(tenant.webhook_secret),
        f"{where}, key 'webhook_secret'",
        "webhook_url and webhook_secret go together",
    )
    both = sorted(set(tenant.blocked_email_domains) & set(tenant.allowed_email_domains))
    _check(
        not both,
        f"{where}, key 'allowed_email_domains'",
        f"lists {', '.join(both)}, which blocked_email_domains lists too: which one holds?",
    )
    _check(
        tenant.continue_url or not tenant.continue_label,
        f"{where}, key 'continue_label'",
        "names the link continue_url gives, and there is no continue_url",
    )
    return tenant


def parse_tenants(text, source="tenants file"):
    """Turn the TOML text of a tenants file into {slug: Tenant}, or raise TenantConfigError."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TenantConfigError(f"{source}: {error}") from None
    _check(set(document) <= {"tenants"}, source, "only [tenants.<slug>] tables are allowed")
    raw = document.get("tenants", {})
    _check(isinstance(raw, dict), source, "'tenants' must be a table")
    try:
        tenants = {slug: _tenant(slug, value) for slug, value in raw.items()}
    except TenantConfigError as error:
        raise TenantConfigError(f"{source}: {error}") from None
    if DEFAULT_SLUG not in tenants:
        tenants[DEFAULT_SLUG] = Tenant(slug=DEFAULT_SLUG, name=N_("Registration"))
    holders = {}
    for tenant in tenants.values():
        if tenant.store_id is not None:
            first = holders.setdefault(tenant.store_id, tenant.slug)
            _check(
                first == tenant.slug,
                f"{source}: tenant '{tenant.slug}', key 'store_id'",
                f"{tenant.store_id} is already the store_id of tenant '{first}'",
            )
    return tenants


class TenantRegistry:
    def __init__(self, tenants):
        self._by_slug = dict(tenants)
        self._by_store = {t.store_id: t for t in tenants.values() if t.store_id is not None}

    @classmethod
    def from_file(cls, path):
        path = Path(path)
        if not path.exists():
            return cls(parse_tenants("", str(path)))
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise TenantConfigError(
                f"{path}: is not UTF-8 text ({error.reason} at byte {error.start})"
            ) from None
        except OSError as error:
            raise TenantConfigError(f"{path}: cannot be read ({error.strerror})") from None
        return cls(parse_tenants(text, str(path)))

    def get(self, slug):
        return self._by_slug.get(slug)

    def by_store_id(self, store_id):
        return self._by_store.get(store_id)

    @property
    def default(self):
        return self._by_slug[DEFAULT_SLUG]

    def __iter__(self):
        return iter(self._by_slug.values())


def registry() -> TenantRegistry:
    return current_app.extensions["tenants"]
