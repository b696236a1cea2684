"""What `flask --app webapp check-config` prints: each tenant of the tenants file, what it allows.

Secrets stay out: a webhook shows as on or off and the host it goes to, never its secret, nor a
user name, password, path or query that its URL may carry.
"""

from pathlib import Path
from urllib.parse import urlsplit


def _on(flag):
    return "on" if flag else "off"


def _listed(items, empty="none"):
    return ", ".join(items) or empty


def _consent(consent):
    about = [f"version {consent.version}", "mandatory" if consent.mandatory else "optional"]
    if consent.double_opt_in:
        about.append("double opt-in")
    if consent.url:
        about.append(f"text at {consent.url}")
    return f"{consent.id} ({', '.join(about)})"


def _ownership(tenant):
    if tenant.verify_email != "code":
        return "email not verified"
    safe = ", enumeration-safe (never says an email is taken)" if tenant.enumeration_safe else ""
    return f"email verified by a mailed code{safe}"


def _email_domains(tenant):
    rules = []
    if tenant.block_disposable_email:
        rules.append("disposable domains blocked")
    if tenant.blocked_email_domains:
        rules.append(f"blocked: {_listed(tenant.blocked_email_domains)}")
    if tenant.allowed_email_domains:
        rules.append(f"allowed despite the lists: {_listed(tenant.allowed_email_domains)}")
    return "; ".join(rules) or "any"


def _next_step(tenant):
    if not tenant.continue_url:
        return "none (the completion page says what happens next)"
    label = f" as '{tenant.continue_label}'" if tenant.continue_label else ""
    return f"{tenant.continue_url}{label}"


def _attribute(attribute):
    need = "required" if attribute.required else "optional"
    return f"{attribute.name} (at most {attribute.max_length} characters, {need})"


def _webhook(tenant):
    if not tenant.webhook_url:
        return "off"
    parts = urlsplit(tenant.webhook_url)
    return f"on, to {parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def tenant_lines(tenant):
    registration = "open" if tenant.registration_open else "closed (every door answers 90055)"
    if tenant.public_registration:
        public = "also without API credentials"
    elif tenant.embed_origins:
        public = (
            "with API credentials, or in its embed inside its embed origins' pages "
            "(its wizard pages answer 404)"
        )
    else:
        public = "with API credentials only (its wizard and embed pages answer 404)"
    currencies = [
        f"{c} (default)" if c == tenant.default_currency else c for c in tenant.currencies
    ]
    types = [
        f"{t} (without API credentials)" if i == 0 else t
        for i, t in enumerate(tenant.customer_types)
    ]
    method_rule = "at least one required" if tenant.require_contact_method else "none required"
    return [
        f"{tenant.slug}: {tenant.name}",
        f"  registration: {registration}, {public}",
        f"  store id (the web-store API): "
        f"{tenant.store_id if tenant.store_id is not None else 'none'}",
        f"  consents: {_listed([_consent(c) for c in tenant.consents])}",
        f"  contact methods: {_listed(tenant.contact_methods)}; {method_rule}",
        f"  currencies: {_listed(currencies)}",
        f"  customer types: {_listed(types)}",
        f"  custom attributes: {_listed([_attribute(a) for a in tenant.custom_attributes])}",
        f"  minimum age: {tenant.min_age}",
        f"  passwords: at least {tenant.password_min_length} characters, "
        f"strength score at least {tenant.password_min_score} of 4",
        f"  unique email: {'yes' if tenant.unique_email else 'no'}",
        f"  proof of ownership: {_ownership(tenant)}",
        f"  proof of work: {_on(tenant.proof_of_work)}",
        f"  email domains: {_email_domains(tenant)}",
        f"  default country: {tenant.default_country}",
        f"  next step after registering: {_next_step(tenant)}",
        f"  embed origins: {_listed(tenant.embed_origins, 'none (the embed may not be framed)')}",
        f"  loyalty: {_on(tenant.loyalty)}",
        f"  account email: {_on(tenant.send_account_email)}",
        f"  webhook: {_webhook(tenant)}",
        f"  branding: colour {tenant.primary_colour}, logo {tenant.logo_url or 'none'}, "
        f"support email {tenant.support_email or 'none'}",
    ]


def report(path, tenants):
    """The report on a tenants file that parsed, as lines; `tenants` are its Tenant objects."""
    tenants = list(tenants)
    source = (
        f"{path}: valid"
        if Path(path).exists()
        else f"{path}: no such file, so only the built-in tenant 'default' exists"
    )
    lines = [source, f"{len(tenants)} tenant(s)"]
    for tenant in tenants:
        lines += ["", *tenant_lines(tenant)]
    return lines


def breached_report(path):
    """One line on BREACHED_PASSWORDS_FILE: the file, its size and false-positive rate, or that
    no password is checked."""
    from webapp.trust import breached

    if not path:
        return "breached passwords: no check (BREACHED_PASSWORDS_FILE is not set)"
    info = breached.describe(str(path))
    # The import sizes a filter for the most hashes its source could hold, so one holding fewer
    # is better than promised: said as such, lest the two rates seem to disagree.
    return (
        f"breached passwords: {path}, {info['bytes']:,} bytes, about {info['hashes']:,} "
        f"hashes, false-positive rate 1 in {round(1 / info['rate']):,} for these "
        f"(built for at most 1 in {round(1 / breached.FALSE_POSITIVE_RATE):,})"
        if info["rate"]
        else f"breached passwords: {path}, {info['bytes']:,} bytes, empty"
    )
